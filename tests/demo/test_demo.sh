#!/usr/bin/env bash
# tests/demo/test_demo.sh: runs scripts/demo.sh (the README's main job) under a pseudo-terminal and checks its progress bar, its verdict and that it leaves no server behind.
#
# usage: test_demo.sh XFER [SERVER]
#   XFER    the `xfer` binary of the build under test: the demo uses it instead of building
#   SERVER  swift (default, as the demo) or s3rver
# XFER_DEMO_TEST_MIB (default 16) sets the file size. The copies are limited to 16 MiB/s so
# each takes about a second: the CLI draws nothing in a transfer's first 200 ms, and the
# test must see the bar whatever the machine's speed.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 XFER [SERVER]" >&2; exit 2; }
XFER=$1
SERVER=${2:-swift}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MIB=${XFER_DEMO_TEST_MIB:-16}
# shellcheck source=../servers/common.sh
. "$ROOT/tests/servers/common.sh"

if ! command -v script >/dev/null; then
  echo "SKIP: no script(1) (util-linux/bsdutils) to give the demo a terminal"
  exit 77
fi

WORK=$(mktemp -d /tmp/xfer-demo-test.XXXXXX)
DEMO=$WORK/demo
SNAP=$WORK/pids-seen
mkdir -p "$SNAP"
OUT=$WORK/out.log
failed=0
fail() {
  echo "FAIL: $*" >&2
  failed=1
}
finish() {
  if [ "$failed" = 0 ]; then
    rm -rf "$WORK"
  else
    echo "----- demo output (\\r shown as new lines) -----" >&2
    tr '\r' '\n' <"$OUT" >&2 || true
    echo "kept $WORK for inspection" >&2
  fi
}
trap finish EXIT

# script(1) runs the demo on a new pseudo-terminal (stdout and stderr both) and copies
# what it prints to OUT; -e returns the demo's exit status.
cmd=$(printf 'XFER_DEMO_XFER=%q XFER_DEMO_WORKDIR=%q XFER_DEMO_MIB=%q XFER_DEMO_SERVER=%q' \
  "$XFER" "$DEMO" "$MIB" "$SERVER")
cmd+=" XFER_DEMO_CP_FLAGS='--max-bandwidth 16MiB/s' bash $(printf %q "$ROOT/scripts/demo.sh")"
start=$SECONDS
script -qec "$cmd" /dev/null </dev/null >"$OUT" 2>&1 &
script_pid=$!
# While it runs, keep a copy of every pid file the server start writes: stop.sh deletes
# them, and afterwards these are what says which processes the demo started.
while kill -0 "$script_pid" 2>/dev/null; do
  cp -p "$DEMO"/server/pids/*.pid "$SNAP"/ 2>/dev/null || true
  sleep 0.2
done
rc=0
wait "$script_pid" || rc=$?
echo "demo.sh exited with status $rc after $((SECONDS - start)) s"

[ "$rc" = 0 ] || fail "demo.sh exited with status $rc"

# The progress line, as drawn after a "\r": "3.2 MiB/16.0 MiB  20% [####----] 16.0 MiB/s ETA 0:01".
# One in each phase: upload (before "== download:") and download (after it).
LINES=$WORK/lines.txt
tr '\r' '\n' <"$OUT" | sed 's/\x1b\[K//g' >"$LINES"
bar="^[0-9.]+ (B|KiB|MiB)/$MIB\\.0 MiB +[0-9]+% .*[0-9.]+ (B|KiB|MiB)/s"
up=$(sed -n '/^== upload:/,/^== download:/p' "$LINES" | grep -cE "$bar" || true)
down=$(sed -n '/^== download:/,$p' "$LINES" | grep -cE "$bar" || true)
echo "progress lines drawn: $up during the upload, $down during the download"
[ "$up" -gt 0 ] || fail "no progress line (percent and rate) during the upload"
[ "$down" -gt 0 ] || fail "no progress line (percent and rate) during the download"
grep -qE '^== OK: [0-9a-f]{16}.* identical after the round trip' "$LINES" ||
  fail "no '== OK: ... identical after the round trip' line"

# Nothing the demo started is still running: every process it recorded...
seen=0
for f in "$SNAP"/*.pid; do
  [ -e "$f" ] || continue
  seen=$((seen + 1))
  read -r pid st <"$f" || true
  if proc_alive "${pid:-}" "${st:-}"; then
    fail "$(basename "$f" .pid) (pid $pid) is still running"
  fi
done
echo "server processes seen while the demo ran: $seen"
[ "$seen" -gt 0 ] || fail "saw no pid file under $DEMO/server/pids while the demo ran"
for f in "$DEMO"/server/pids/*.pid; do
  if [ -e "$f" ]; then fail "pid file left behind: $f"; fi
done
# ...nothing else naming its folder (every server's command line names a config or data
# path under it; memcached, which does not, is covered by its port below)...
if left=$(pgrep -af -- "$DEMO"); then
  fail "processes naming $DEMO still run: $left"
fi
# ...and nothing listens on the ports its server used.
ports=$({
  sed -n 's/^export XFER_TEST_ENDPOINT=.*:\([0-9][0-9]*\)$/\1/p' "$DEMO/server/env"
  # Swift's four servers and memcached (s3rver has no etc/)
  cat "$DEMO"/server/etc/*.conf | sed -n 's/^bind_port = \([0-9]*\)$/\1/p; s/^memcache_servers = .*:\([0-9]*\)$/\1/p'
} 2>/dev/null | sort -un | tr '\n' ' ' || true)
read -r -a ports <<<"$ports"
[ ${#ports[@]} -gt 0 ] || fail "found no server port in $DEMO/server"
listening=$(ss -ltnH | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u)
for p in "${ports[@]}"; do
  if grep -qx "$p" <<<"$listening"; then fail "something still listens on port $p"; fi
done
echo "ports the demo's server used, none listening now: ${ports[*]}"

[ "$failed" = 0 ] && echo "PASS: demo.sh on $SERVER with ${MIB} MiB"
exit "$failed"
