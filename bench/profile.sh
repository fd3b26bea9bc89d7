#!/usr/bin/env bash
# bench/profile.sh: where libxfer's CPU goes on the 1 GiB workloads: perf profiles of xfer_bench against s3fast.
#
# usage: bash bench/profile.sh [up-file|down-file|up-stdin ...]   (default: all three)
#
# Needs a build from bench/run.sh (XFER_BENCH_BUILD, default build; RelWithDebInfo or Release
# with symbols). Runs inside a private network namespace like run.sh, with s3fast on tmpfs,
# records `perf record -g` and prints, per workload: wall/CPU (GNU time), the top symbols by
# self time, the top DSOs, page faults and context switches. For call chains through the
# library use `perf record --call-graph dwarf` on the same commands.
# Reports stay in $BENCH_PROFILE_DIR (default /tmp/xfer-profile) for `perf report -i`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${XFER_BENCH_BUILD:-build}
BIN=$ROOT/$BUILD/bin
MIB=${BENCH_MIB:-1024}
OUT=${BENCH_PROFILE_DIR:-/tmp/xfer-profile}
WORKLOADS=${*:-up-file down-file up-stdin}
if [ -z "${BENCH_INNER:-}" ]; then
  command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
  [ -x "$BIN/xfer_bench" ] && [ -x "$BIN/s3fast" ] ||
    cmake --build "$BUILD" -j"$(nproc)" --target xfer_bench s3fast >/dev/null
  exec unshare --net -- env BENCH_INNER=1 bash "$0" "$@"
fi
ip link set lo up
mkdir -p "$OUT"
WORK=$(mktemp -d /dev/shm/xfer-profile.XXXXXX)
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/data"
"$BIN/s3fast" -p 80 -d "$WORK/data" >"$WORK/s3fast.out" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q listening "$WORK/s3fast.out" && break; sleep 0.05; done
export AWS_ENDPOINT_URL=http://127.0.0.1:80 AWS_ACCESS_KEY_ID=AKIDPROFILE AWS_SECRET_ACCESS_KEY=x
export AWS_REGION=us-east-1 XFER_BENCH_BUCKET=bench AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_CA_BUNDLE AWS_PROFILE
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
curl -sS -X PUT http://127.0.0.1/bench -o /dev/null
curl -sS -T "$WORK/big.bin" http://127.0.0.1/bench/src.bin -o /dev/null
for w in $WORKLOADS; do
  case $w in
    up-file) cmd=("$BIN/xfer_bench" upload-file "$WORK/big.bin" up.bin); in=/dev/null ;;
    down-file) cmd=("$BIN/xfer_bench" download-file src.bin "$WORK/back.bin"); in=/dev/null ;;
    up-stdin) cmd=("$BIN/xfer_bench" upload-stdin up.bin); in=$WORK/big.bin ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
  echo "== $w"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" "${cmd[@]}" <"$in"
  perf record -q -F 999 -g -o "$OUT/$w.data" -- "${cmd[@]}" <"$in" >/dev/null 2>&1
  perf report -i "$OUT/$w.data" --no-children --sort dso,symbol --percent-limit 1.5 --stdio \
    -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | sed -E 's/ +$//; s/ {3,}/  /g' | head -n 25
  perf report -i "$OUT/$w.data" --no-children --sort dso --stdio -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed -E 's/ +$//; s/ {3,}/  /g' | head -n 8
  perf stat -e page-faults,context-switches -- "${cmd[@]}" <"$in" 2>&1 >/dev/null |
    grep -E 'page-faults|context-switches' | sed -E 's/ {3,}/  /g'
  rm -f "$WORK/back.bin"
done
echo "perf data in $OUT (perf report -i $OUT/WORKLOAD.data)"
