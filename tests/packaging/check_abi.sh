#!/usr/bin/env bash
# check_abi.sh: ABI of libxfer.so.0 against the committed baseline abi/libxfer.so.0.abi (abigail-tools); also writes the baseline and tests the gate itself on known breaks.
# usage: check_abi.sh dump     LIBXFER_SO SOURCE_DIR OUT_ABI
#        check_abi.sh check    LIBXFER_SO SOURCE_DIR BASELINE_ABI WORKDIR
#        check_abi.sh selftest LIBXFER_SO SOURCE_DIR WORKDIR   (the gate fails on breaks, passes additions)
#
# The dump covers the exported functions and the types of include/xfer only, and leaves out
# what depends on the machine or checkout (corpus and compilation paths, architecture,
# DT_NEEDED, source locations; the source root in file names is made relative), so the
# same sources give the same file anywhere. abidiff's exit status is a bit field: 1 error,
# 2 usage error, 4 ABI change, 8 incompatible ABI change (removal). Additions pass; any
# other change to what the baseline has fails.
. "$(dirname "$0")/lib.sh"

dump() { # LIB SRC OUT
  local lib=$1 src=$2 out=$3
  command -v abidw >/dev/null || fail "abidw not found: apt-get install abigail-tools (scripts/install-deps.sh)"
  abidw --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed --no-architecture \
    --drop-private-types --exported-interfaces-only --type-id-style hash \
    --headers-dir "$src/include/xfer" --out-file "$out.tmp" "$lib" || fail "abidw $lib"
  sed "s|path='$src/|path='|g" "$out.tmp" >"$out"
  rm -f "$out.tmp"
  local fns syms
  fns=$(grep -c '<function-decl ' "$out" || true)
  syms=$(grep -c '<elf-symbol name=.xfer_' "$out" || true)
  [ "$fns" -gt 0 ] && [ "$fns" -ge "$syms" ] ||
    fail "$lib: $fns function declarations for $syms symbols in the dump: build with debug info (RelWithDebInfo or Debug)"
}

# compare BASE CURRENT OUT: sets VERDICT to identical, added, broken or error and RC to
# abidiff's exit status; the reports go to OUT.txt (additions ignored) and OUT-full.txt.
# The gate ignores added functions: any other difference in the existing interface
# (a function removed, a parameter, return or struct type changed, an enumerator's value
# changed) is a break. abidiff sets bit 8 only for removals; type changes set bit 4, so
# bit 8 alone would let a changed struct layout through. Harmless changes (parameter
# names, enumerators added) are filtered out by abidiff and pass.
compare() {
  local report=0
  RC=0
  abidiff --no-show-locs --no-added-syms "$1" "$2" >"$3.txt" 2>&1 || RC=$?
  abidiff --no-show-locs "$1" "$2" >"$3-full.txt" 2>&1 || report=$?
  if [ $((RC & 3)) -ne 0 ]; then VERDICT=error
  elif [ $RC -ne 0 ]; then VERDICT=broken
  elif [ $report -ne 0 ]; then VERDICT=added
  else VERDICT=identical
  fi
}

# mutate IN OUT KIND: a copy of an ABI dump with one change of KIND (see selftest).
mutate() {
  /usr/bin/python3 - "$@" <<'PY'
import re, sys
src, dst, kind = sys.argv[1:]
s = open(src).read()
def decl(name):
    m = re.search(r"\n *<function-decl name='%s' .*?</function-decl>" % name, s, re.S)
    assert m, "no function-decl %s in the dump" % name
    return m
if kind == "param":  # xfer_config_set_max_concurrency(xfer_config *, uint32_t) takes a uint64_t
    wide = re.search(r"<parameter type-id='([^']+)' name='bytes'/>",
                     decl("xfer_config_set_multipart_threshold").group(0)).group(1)
    d = decl("xfer_config_set_max_concurrency")
    new = re.sub(r"(<parameter type-id=')[^']+(' name='n'/>)", r"\g<1>%s\2" % wide, d.group(0))
    assert new != d.group(0)
    s = s[:d.start()] + new + s[d.end():]
elif kind == "enum":  # XFER_EINTERNAL changes value
    assert "name='XFER_EINTERNAL' value='-10'" in s
    s = s.replace("name='XFER_EINTERNAL' value='-10'", "name='XFER_EINTERNAL' value='-11'")
elif kind == "drop":  # xfer_config_set_content_md5 is gone (function and symbol)
    d = decl("xfer_config_set_content_md5")
    s = s[:d.start()] + s[d.end():]
    s, n = re.subn(r"\n *<elf-symbol name='xfer_config_set_content_md5' [^>]*/>", "", s)
    assert n == 1
open(dst, "w").write(s)
PY
}

MODE=$1
case $MODE in
  dump)
    dump "$2" "$(cd "$3" && pwd)" "$4"
    ok "wrote $4"
    ;;
  check)
    LIB=$2 SRC=$(cd "$3" && pwd) BASE=$4 WORK=$5
    fresh_dir "$WORK"
    [ -f "$BASE" ] || fail "no baseline $BASE (abi/update.sh writes it)"
    dump "$LIB" "$SRC" "$WORK/current.abi"
    compare "$BASE" "$WORK/current.abi" "$WORK/abidiff"
    case $VERDICT in
      error) cat "$WORK/abidiff.txt"; fail "abidiff failed (exit $RC)" ;;
      broken)
        cat "$WORK/abidiff-full.txt"
        fail "the ABI of existing functions changed against $BASE (abidiff exit $RC$([ $((RC & 8)) -ne 0 ] && echo ', incompatible: removed')): keep the old functions and types, or make a new SONAME" ;;
      added)
        cat "$WORK/abidiff-full.txt"
        ok "only additions to the ABI; record them with abi/update.sh" ;;
      *) ok "ABI identical to $BASE" ;;
    esac
    ;;
  selftest)
    # The gate on known changes to a dump of this very library: a test that cannot fail
    # proves nothing, so show it fails on each kind of break and passes a pure addition.
    LIB=$2 SRC=$(cd "$3" && pwd) WORK=$4
    fresh_dir "$WORK"
    cur=$WORK/current.abi
    dump "$LIB" "$SRC" "$cur"
    compare "$cur" "$cur" "$WORK/same"
    [ "$VERDICT" = identical ] || fail "a dump against itself is '$VERDICT' (abidiff exit $RC)"
    for kind in param enum drop; do
      mutate "$cur" "$WORK/$kind.abi" "$kind" || fail "cannot make the '$kind' change"
    done
    # A function added since the baseline (the baseline lacks one): passes.
    compare "$WORK/drop.abi" "$cur" "$WORK/added"
    [ "$VERDICT" = added ] || { cat "$WORK/added-full.txt"; fail "a pure addition is '$VERDICT', not passed as an addition (abidiff exit $RC)"; }
    # A function removed, a parameter type changed, an enumerator's value changed: fail.
    for kind in drop param enum; do
      compare "$cur" "$WORK/$kind.abi" "$WORK/broken-$kind"
      [ "$VERDICT" = broken ] || { cat "$WORK/broken-$kind-full.txt"; fail "the '$kind' change is '$VERDICT', not a break (abidiff exit $RC)"; }
    done
    ok "the ABI gate passes an added function and fails a removed function, a changed parameter type and a changed enumerator"
    ;;
  *) fail "usage: $0 dump|check|selftest ..." ;;
esac
