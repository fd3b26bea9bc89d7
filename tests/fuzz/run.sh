#!/usr/bin/env bash
# run.sh TARGET SECONDS: builds one libFuzzer target with clang (ASan+UBSan) from the parser
# sources it covers, replays the committed corpus (every past crash stays a regression test),
# then fuzzes for SECONDS. Exits non-zero on any crash; new crashes land in tests/fuzz/crashes.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${1:?usage: run.sh xml|http|sigv4 SECONDS}
SECONDS_MAX=${2:-20}
OUT=${XFER_FUZZ_DIR:-$ROOT/build/fuzz}
mkdir -p "$OUT" "$HERE/crashes"
case $TARGET in
  xml) SRCS="src/s3/xml.cc src/s3/uri.cc src/s3/crypto.cc"; LIBS="$(pkg-config --libs tinyxml2 libcrypto)" ;;
  http) SRCS="src/http/parse.cc"; LIBS="" ;;
  sigv4) SRCS="src/s3/sigv4.cc src/s3/uri.cc src/s3/crypto.cc"; LIBS="$(pkg-config --libs libcrypto)" ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
BIN=$OUT/fuzz_$TARGET
SRC_PATHS=""
for s in $SRCS; do SRC_PATHS="$SRC_PATHS $ROOT/$s"; done
# shellcheck disable=SC2086
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$ROOT/src" -I"$ROOT/include" "$HERE/fuzz_$TARGET.cc" $SRC_PATHS $LIBS -o "$BIN"
CORPUS=$HERE/corpus/$TARGET
WORK=$OUT/corpus-$TARGET
mkdir -p "$WORK"
# Replay: every committed input, crashes found before included, must pass.
"$BIN" -runs=0 "$CORPUS" >/dev/null 2>"$OUT/replay-$TARGET.log" || { cat "$OUT/replay-$TARGET.log"; exit 1; }
echo "fuzz_$TARGET: replayed $(ls "$CORPUS" | wc -l) corpus inputs"
"$BIN" -max_total_time="$SECONDS_MAX" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
  -artifact_prefix="$HERE/crashes/$TARGET-" -print_final_stats=1 "$WORK" "$CORPUS" 2>"$OUT/fuzz-$TARGET.log" \
  || { tail -40 "$OUT/fuzz-$TARGET.log"; echo "fuzz_$TARGET: crash saved under tests/fuzz/crashes" >&2; exit 1; }
grep -E "stat::number_of_executed_units" "$OUT/fuzz-$TARGET.log" | sed "s/^/fuzz_$TARGET: /"
