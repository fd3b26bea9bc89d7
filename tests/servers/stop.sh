#!/usr/bin/env bash
# tests/servers/stop.sh: stops exactly the processes tests/servers/start.sh recorded under RUNDIR; safe to repeat.
#
# usage: stop.sh RUNDIR
#
# Each RUNDIR/pids/NAME.pid holds "PID STARTTIME". A process is signalled only while its
# pid still has that start time (so a reused pid is never hit); it was started in its
# own session, so its whole process group gets SIGTERM, then SIGKILL after 10 s.
# Data and logs stay in RUNDIR.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 RUNDIR" >&2
  exit 2
fi
RUNDIR=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

PIDS=$RUNDIR/pids
[ -d "$PIDS" ] || exit 0

# signal SIG PID: the process group if PID leads its own, else PID alone.
signal() {
  if [ "$(proc_pgid "$2" 2>/dev/null || true)" = "$2" ]; then
    kill "-$1" -- "-$2" 2>/dev/null || true
  else
    kill "-$1" "$2" 2>/dev/null || true
  fi
}

# Prints "FILE PID STARTTIME" for every recorded process still running.
running() {
  local f pid st
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    pid="" st=""
    read -r pid st <"$f" || true
    if [ "$pid" = $$ ]; then # the watchdog exec'd this script: it ends with us
      rm -f "$f"
    elif proc_alive "$pid" "$st"; then
      echo "$f $pid $st"
    else
      rm -f "$f"
    fi
  done
}

mapfile -t procs < <(running)
[ ${#procs[@]} -gt 0 ] || exit 0

for p in "${procs[@]}"; do
  read -r _ pid _ <<<"$p"
  signal TERM "$pid"
done

for sig in TERM KILL; do
  # Up to 10 s after SIGTERM, 5 s after SIGKILL.
  if [ $sig = TERM ]; then tries=100; else tries=50; fi
  for ((i = 0; i < tries; i++)); do
    mapfile -t procs < <(running)
    [ ${#procs[@]} -gt 0 ] || exit 0
    sleep 0.1
  done
  [ $sig = KILL ] && break
  for p in "${procs[@]}"; do
    read -r f pid _ <<<"$p"
    echo "stop.sh: $(basename "$f" .pid) (pid $pid) ignored SIGTERM for 10 s: SIGKILL" >&2
    signal KILL "$pid"
  done
done
echo "stop.sh: still running after SIGKILL: ${procs[*]}" >&2
exit 1
