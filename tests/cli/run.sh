#!/usr/bin/env bash
# tests/cli/run.sh: starts a test server, runs tests/cli/test_cli.sh against it with the given xfer binary, stops the server.
#
# usage: tests/cli/run.sh swift|s3rver XFER [RUNDIR]
#
# RUNDIR (default: a new folder under ${TMPDIR:-/tmp}) holds the server's data and logs; it
# must be on a filesystem with user xattrs for swift. Exits with test_cli.sh's status.
set -uo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 swift|s3rver XFER [RUNDIR]" >&2
  exit 2
fi
KIND=$1
XFER_BIN=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS=$(cd "$HERE/../servers" && pwd)
if [ $# -eq 3 ]; then
  RUNDIR=$3
  OWN_RUNDIR=0
else
  RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/xfer-cli-$KIND.XXXXXX")
  OWN_RUNDIR=1
fi

cleanup() {
  "$SERVERS/stop.sh" "$RUNDIR" >&2 || true
  if [ $OWN_RUNDIR -eq 1 ]; then rm -rf "$RUNDIR"; fi
}
trap cleanup EXIT

"$SERVERS/start.sh" "$KIND" "$RUNDIR" || exit 1
# shellcheck source=/dev/null
. "$RUNDIR/env"
XFER=$XFER_BIN bash "$HERE/test_cli.sh"
