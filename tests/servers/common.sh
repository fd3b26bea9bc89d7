# tests/servers/common.sh: helpers shared by start.sh and stop.sh (sourced, not run): pid files and liveness.
# shellcheck shell=bash
# A pid file holds "PID STARTTIME": the start time (clock ticks since boot, field 22
# of /proc/PID/stat) tells our process from an unrelated one that reused its pid.
# These run in polling loops, so they use only builtins (no forks).

# Sets PROC_STATE, PROC_PGID and PROC_START from /proc/PID/stat; false if PID is gone.
proc_stat() {
  local line
  local -a f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) } # comm may contain spaces and parentheses: cut at the last ") "
  read -r -a f <<<"$line"
  [ ${#f[@]} -ge 20 ] || return 1
  PROC_STATE=${f[0]} PROC_PGID=${f[2]} PROC_START=${f[19]}
}

# Prints the start time of PID; false if it is gone.
proc_starttime() { proc_stat "$1" && printf '%s\n' "$PROC_START"; }

# True if PID is still the live (not zombie) process that was started at STARTTIME.
proc_alive() {
  [ -n "${1:-}" ] && [ -n "${2:-}" ] && proc_stat "$1" || return 1
  case $PROC_STATE in Z | X | x) return 1 ;; esac
  [ "$PROC_START" = "$2" ]
}

# Prints the process group of PID.
proc_pgid() { proc_stat "$1" && printf '%s\n' "$PROC_PGID"; }
