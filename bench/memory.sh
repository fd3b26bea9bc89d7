#!/usr/bin/env bash
# memory.sh: peak RSS of a 1 GiB file upload, a 1 GiB stream upload and a 1 GiB download with
# the default TransferConfig, against a local server (Swift by default), printed with the goals;
# on radosgw (bench/memory.sh radosgw) also a signed aws-chunked stream upload.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=${1:-swift}
MIB=${XFER_BENCH_MIB:-1024}
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target mem_bench >/dev/null
WORK=$(mktemp -d /tmp/xfer-bench.XXXXXX)
trap 'bash tests/servers/stop.sh "$WORK/server" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT INT TERM
bash tests/servers/start.sh "$SERVER" "$WORK/server" >/dev/null
. "$WORK/server/env"
export AWS_ENDPOINT_URL=$XFER_TEST_ENDPOINT AWS_ACCESS_KEY_ID=$XFER_TEST_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$XFER_TEST_SECRET_KEY AWS_REGION=$XFER_TEST_REGION XFER_BENCH_BUCKET=$XFER_TEST_BUCKET
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
echo "server: $SERVER; object: $MIB MiB; default TransferConfig (8 MiB parts, 10 in memory)"
build/bin/mem_bench upload-file "$WORK/big.bin" bench/file
build/bin/mem_bench upload-stream "$((MIB * 1024 * 1024))" bench/stream
if [ "$SERVER" = radosgw ]; then # the server here that speaks signed aws-chunked
  build/bin/mem_bench upload-chunked "$((MIB * 1024 * 1024))" bench/chunked
fi
build/bin/mem_bench download bench/file "$WORK/back.bin"
cmp "$WORK/big.bin" "$WORK/back.bin" && echo "download byte-exact"
echo "goals: file upload <= 64 MiB; stream upload <= (10 + 2) x 8 MiB + 32 MiB = 128 MiB;"
echo "       aws-chunked stream upload: two 64 KiB chunks over the library's own baseline"
