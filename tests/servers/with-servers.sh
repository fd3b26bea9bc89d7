#!/usr/bin/env bash
# tests/servers/with-servers.sh: runs a command against a fresh local S3 test server (swift|s3rver|radosgw) started around it.
# shellcheck disable=SC2317 # cleanup and on_signal run from traps
#
# usage: with-servers.sh swift|s3rver|radosgw -- CMD [ARGS...]
#
# Starts KIND into a new temporary RUNDIR (under $TMPDIR, else /tmp), exports the
# XFER_TEST_* variables of RUNDIR/env, runs CMD, always stops the server (EXIT, INT,
# TERM; and if this script is killed outright, a watchdog started with the server stops
# it within a second), and exits with CMD's status. RUNDIR is removed when CMD passed,
# kept (with the servers' logs) when it failed or when XFER_SERVERS_KEEP_RUNDIR=1.
set -euo pipefail

usage() {
  echo "usage: $0 swift|s3rver|radosgw -- CMD [ARGS...]" >&2
  exit 2
}
if [ $# -lt 3 ] || [ "$2" != -- ]; then usage; fi
KIND=$1
case $KIND in swift | s3rver | radosgw) ;; *) usage ;; esac
shift 2

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/xfer-$KIND.XXXXXX")
status=1
child=

cleanup() {
  trap - EXIT INT TERM
  "$HERE/stop.sh" "$RUNDIR" || true
  if [ "$status" -eq 0 ] && [ "${XFER_SERVERS_KEEP_RUNDIR:-0}" != 1 ]; then
    rm -rf "$RUNDIR"
  else
    echo "with-servers.sh: $KIND state and logs kept in $RUNDIR" >&2
  fi
}

# CMD runs in the background so that a signal is handled at once, not after CMD ends;
# it is passed on to CMD (which, being a background job, ignores SIGINT itself).
on_signal() {
  status=$1
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

XFER_SERVERS_OWNER_PID=$$ "$HERE/start.sh" "$KIND" "$RUNDIR"
# shellcheck source=/dev/null
. "$RUNDIR/env"

set +e
"$@" <&0 &
child=$!
wait "$child"
status=$?
set -e
child=
exit "$status"
