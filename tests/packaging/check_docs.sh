#!/usr/bin/env bash
# check_docs.sh: builds the HTML API reference with Doxygen (docs/Doxyfile), failing on any warning, and checks every public function is in it, fully documented and in THREADING.md.
# usage: check_docs.sh SOURCE_DIR OUTDIR
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$1 OUT=$2
command -v doxygen >/dev/null || fail "doxygen not found: apt-get install doxygen (scripts/install-deps.sh)"
fresh_dir "$OUT"
cd "$SRC" || exit 1
# WARN_AS_ERROR=YES in the Doxyfile stops at the first warning; the log keeps any others.
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $OUT"; echo "WARN_LOGFILE = $OUT/warnings.log"; } |
  doxygen - || { cat "$OUT/warnings.log" 2>/dev/null; fail "doxygen reported warnings (treated as errors)"; }
[ ! -s "$OUT/warnings.log" ] || { cat "$OUT/warnings.log"; fail "doxygen warnings"; }
html=$OUT/html
[ -f "$html/index.html" ] && [ -f "$html/xfer_8h.html" ] && [ -f "$html/threading.html" ] ||
  fail "missing pages in $html (index, xfer.h, threading)"
# Every XFER_API function has its own documented entry (an anchor with its name).
missing=()
for fn in $(tr '\n' ' ' <include/xfer/xfer.h | grep -oE 'XFER_API[^;(]*\(' | sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *\($/\1/' | sort -u); do
  grep -q "class=\"memtitle\">.*</span>$fn()</h2>" "$html"/group__*.html || missing+=("$fn")
done
[ ${#missing[@]} -eq 0 ] || fail "functions without a documentation entry: ${missing[*]}"
for ex in "$SRC"/examples/*.c; do
  n=$(basename "$ex" .c)
  [ -f "$html/${n}_8c-example.html" ] || fail "example $n.c is not in the documentation"
done
ok "HTML reference in $html, no warnings, every function and example in it"
# What Doxygen cannot see: ownership, thread safety and errors per function; THREADING.md.
/usr/bin/python3 "$HERE/check_api_docs.py" include/xfer/xfer.h docs/THREADING.md ||
  fail "include/xfer/xfer.h or docs/THREADING.md leave a function's contract unsaid (above)"
