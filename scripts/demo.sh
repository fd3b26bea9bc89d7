#!/usr/bin/env bash
# demo.sh: the README's main job: build, start a local S3 server on 127.0.0.1, copy a large
# file up and back with `xfer cp` (progress bar on a terminal), verify it, stop the server.
#
# Settings (environment):
#   XFER_DEMO_MIB=256         size of the file in MiB
#   XFER_DEMO_SERVER=swift    swift (strict, Python) or s3rver (lax, Node)
#   XFER_DEMO_XFER=PATH       use this already-built `xfer` and skip installing packages and
#                             building (tests/demo/test_demo.sh runs the demo this way against
#                             the build tree CTest is testing)
#   XFER_DEMO_WORKDIR=DIR     work in DIR (created if missing) and leave the server's configs,
#                             logs and pid files there after stopping it; default: a fresh
#                             /tmp/xfer-demo.XXXXXX, removed at the end
#   XFER_DEMO_CP_FLAGS=...    extra flags for both `xfer cp` runs, e.g. "--max-bandwidth 20MiB/s"
# Like the AWS CLI, xfer draws its progress bar only when stderr is a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MIB=${XFER_DEMO_MIB:-256}
SERVER=${XFER_DEMO_SERVER:-swift}
read -r -a CP_FLAGS <<<"${XFER_DEMO_CP_FLAGS:-}"

if [ -n "${XFER_DEMO_XFER:-}" ]; then
  XFER=$XFER_DEMO_XFER
  [ -x "$XFER" ] || { echo "demo.sh: XFER_DEMO_XFER=$XFER is not an executable" >&2; exit 2; }
else
  bash scripts/install-deps.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc)" --target xfer_cli
  XFER=$ROOT/build/bin/xfer
fi

if [ -n "${XFER_DEMO_WORKDIR:-}" ]; then
  mkdir -p "$XFER_DEMO_WORKDIR"
  WORK=$(cd "$XFER_DEMO_WORKDIR" && pwd)
  KEEP_WORK=1
else
  WORK=$(mktemp -d /tmp/xfer-demo.XXXXXX)
  KEEP_WORK=0
fi
cleanup() {
  bash tests/servers/stop.sh "$WORK/server" >/dev/null 2>&1 || true
  if [ "$KEEP_WORK" = 1 ]; then rm -f "$WORK/big.bin" "$WORK/back.bin"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # exit runs cleanup via the EXIT trap

echo "== starting $SERVER on 127.0.0.1"
# The owner pid lets start.sh's watchdog stop the server should this script be killed
# outright (SIGKILL skips the trap above).
XFER_SERVERS_OWNER_PID=$$ bash tests/servers/start.sh "$SERVER" "$WORK/server" >/dev/null
# shellcheck disable=SC1091
. "$WORK/server/env"
export AWS_ACCESS_KEY_ID=$XFER_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$XFER_TEST_SECRET_KEY
export AWS_REGION=$XFER_TEST_REGION AWS_ENDPOINT_URL=$XFER_TEST_ENDPOINT

echo "== making a ${SIZE_MIB} MiB file of random bytes"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
if [ ! -t 2 ]; then
  echo "== (stderr is not a terminal, so xfer draws no progress bar, as the AWS CLI; run the demo from a terminal to see it)"
fi

echo "== upload: xfer cp big.bin s3://$XFER_TEST_BUCKET/demo/big.bin"
time "$XFER" cp "${CP_FLAGS[@]}" "$WORK/big.bin" "s3://$XFER_TEST_BUCKET/demo/big.bin"
echo "== download: xfer cp s3://$XFER_TEST_BUCKET/demo/big.bin back.bin"
time "$XFER" cp "${CP_FLAGS[@]}" "s3://$XFER_TEST_BUCKET/demo/big.bin" "$WORK/back.bin"

if cmp "$WORK/big.bin" "$WORK/back.bin"; then
  echo "== OK: $(sha256sum <"$WORK/back.bin" | cut -c1-16)… identical after the round trip"
else
  echo "== FAILED: the downloaded file differs" >&2
  exit 1
fi
