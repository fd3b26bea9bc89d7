#!/usr/bin/env bash
# tests/proxy/stop.sh: stops exactly the fault proxy that tests/proxy/start.sh recorded in RUNDIR/proxy.pid; safe to repeat.
#
# usage: stop.sh RUNDIR
#
# The pid is signalled only while it still has the recorded start time (a reused pid is
# never hit): SIGTERM, then SIGKILL after 5 s. Logs stay in RUNDIR.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 RUNDIR" >&2
  exit 2
fi
PIDFILE=$1/proxy.pid
[ -f "$PIDFILE" ] || exit 0

alive() { # PID STARTTIME
  local s f
  [ -n "$1" ] && [ -n "$2" ] || return 1
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  case ${s%% *} in Z | X | x) return 1 ;; esac
  read -r -a f <<<"$s"
  [ "${f[19]}" = "$2" ]
}

pid="" st=""
read -r pid st <"$PIDFILE" || true
if alive "$pid" "$st"; then
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" "$st" || break
    sleep 0.1
  done
  if alive "$pid" "$st"; then
    echo "stop.sh: proxy (pid $pid) ignored SIGTERM for 5 s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      alive "$pid" "$st" || break
      sleep 0.1
    done
  fi
fi
if alive "$pid" "$st"; then
  echo "stop.sh: proxy (pid $pid) still running after SIGKILL" >&2
  exit 1
fi
rm -f "$PIDFILE" "$1/proxy.env"
