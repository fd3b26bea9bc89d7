#!/usr/bin/env bash
# tests/proxy/start.sh: starts tests/proxy/faultproxy.py in the background in front of UPSTREAM_URL, with its files under RUNDIR.
#
# usage: start.sh UPSTREAM_URL RUNDIR
#
# Writes RUNDIR/proxy.pid ("PID STARTTIME"), RUNDIR/proxy.port, RUNDIR/proxy.log (the
# proxy's stderr), RUNDIR/proxy-requests.jsonl (the request records) and, once the
# proxy answers GET /_proxy/stats, RUNDIR/proxy.env (export XFER_PROXY_PORT,
# XFER_PROXY_ENDPOINT, XFER_PROXY_RUNDIR). XFER_PROXY_START_TIMEOUT (seconds, default
# 10) bounds the wait. XFER_PROXY_OWNER_PID=PID makes the proxy exit once PID is gone.
# On failure it prints the log, stops the proxy and exits 1. Stop with stop.sh RUNDIR.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 UPSTREAM_URL RUNDIR" >&2
  exit 2
fi
UPSTREAM=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3 # Debian's, not the pyenv python3 first on PATH
TIMEOUT=${XFER_PROXY_START_TIMEOUT:-10}
mkdir -p "$2"
RUNDIR=$(cd "$2" && pwd)

starttime() { # field 22 of /proc/PID/stat, counted after the "(comm)" field
  local s f
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  read -r -a f <<<"$s"
  echo "${f[19]}"
}
alive() { # PID STARTTIME: still that (non-zombie) process?
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  case ${s%% *} in Z | X | x) return 1 ;; esac
  [ "$(starttime "$1")" = "$2" ]
}

if [ -f "$RUNDIR/proxy.pid" ]; then
  read -r pid st <"$RUNDIR/proxy.pid" || true
  if alive "${pid:-}" "${st:-}"; then
    echo "start.sh: a proxy (pid $pid) is still running from $RUNDIR: run stop.sh first" >&2
    exit 1
  fi
fi
rm -f "$RUNDIR/proxy.pid" "$RUNDIR/proxy.port" "$RUNDIR/proxy.env"

owner=()
if [ -n "${XFER_PROXY_OWNER_PID:-}" ]; then owner=(--owner-pid "$XFER_PROXY_OWNER_PID"); fi
# Its own session, so that it outlives neither more nor less than asked.
setsid "$PY" "$HERE/faultproxy.py" --upstream "$UPSTREAM" --listen-port 0 \
  --port-file "$RUNDIR/proxy.port" --log "$RUNDIR/proxy-requests.jsonl" "${owner[@]}" \
  >"$RUNDIR/proxy.log" 2>&1 </dev/null &
pid=$!
st=$(starttime "$pid" || true)
echo "$pid $st" >"$RUNDIR/proxy.pid"

fail() {
  echo "start.sh: $*" >&2
  echo "----- $RUNDIR/proxy.log -----" >&2
  tail -n 40 "$RUNDIR/proxy.log" >&2 || true
  "$HERE/stop.sh" "$RUNDIR" || true
  exit 1
}

deadline=$((SECONDS + TIMEOUT))
until [ -s "$RUNDIR/proxy.port" ] &&
  curl -fsS --noproxy '*' --max-time 2 -o /dev/null \
    "http://127.0.0.1:$(cat "$RUNDIR/proxy.port")/_proxy/stats" 2>/dev/null; do
  alive "$pid" "$st" || fail "the proxy exited during start-up"
  [ "$SECONDS" -lt "$deadline" ] || fail "no answer from the proxy within ${TIMEOUT}s"
  sleep 0.05
done
port=$(cat "$RUNDIR/proxy.port")
{
  echo "# $RUNDIR/proxy.env: written by tests/proxy/start.sh; source it to reach the fault proxy."
  echo "export XFER_PROXY_PORT=$port"
  echo "export XFER_PROXY_ENDPOINT=http://127.0.0.1:$port"
  printf 'export XFER_PROXY_RUNDIR=%q\n' "$RUNDIR"
} >"$RUNDIR/proxy.env.tmp"
mv "$RUNDIR/proxy.env.tmp" "$RUNDIR/proxy.env"
echo "start.sh: fault proxy (pid $pid) on http://127.0.0.1:$port -> $UPSTREAM" >&2
