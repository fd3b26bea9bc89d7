#!/usr/bin/env bash
# tests/servers/start.sh: starts a local S3 test server (swift|s3rver|radosgw) under RUNDIR on free 127.0.0.1 ports and writes RUNDIR/env.
#
# usage: start.sh swift|s3rver|radosgw RUNDIR
#
# Everything (configs, data, logs, pid files) lives under RUNDIR; RUNDIR/env is written
# only once the server answers a signed ListBuckets and the bucket `xfer-test` exists.
# Data from an earlier run in RUNDIR is wiped unless XFER_SERVERS_KEEP_DATA=1 (radosgw:
# always wiped; its cluster is rebuilt at each start).
# XFER_SERVERS_OWNER_PID=PID adds a watchdog that runs stop.sh once PID is gone, so
# the servers never outlive a killed test run (with-servers.sh sets it to itself).
# XFER_SERVERS_START_TIMEOUT (seconds, default 60) bounds the wait for readiness;
# XFER_SERVERS_DEBUG=1 logs the time each stage took.
# On failure it prints the tail of every log, stops whatever it started and exits 1.
set -euo pipefail

usage() {
  echo "usage: $0 swift|s3rver|radosgw RUNDIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
KIND=$1
case $KIND in swift | s3rver | radosgw) ;; *) usage ;; esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3 # Debian's python: swift lives there; the pyenv one on PATH has no swift
S3CHECK="$HERE/s3check.py"
BUCKET=xfer-test
REGION=us-east-1
TIMEOUT=${XFER_SERVERS_START_TIMEOUT:-60}
# shellcheck source=common.sh
. "$HERE/common.sh"

OWNER_PID=${XFER_SERVERS_OWNER_PID:-}
OWNER_ST=
if [ -n "$OWNER_PID" ] && ! OWNER_ST=$(proc_starttime "$OWNER_PID"); then
  echo "start.sh: XFER_SERVERS_OWNER_PID=$OWNER_PID is not a running process" >&2
  exit 2
fi

mkdir -p "$2"
RUNDIR=$(cd "$2" && pwd)
LOGS=$RUNDIR/logs
PIDS=$RUNDIR/pids

log() { echo "start.sh[$KIND]: $*" >&2; }

# Refuse to start over a server that is still running from this RUNDIR.
if [ -d "$PIDS" ]; then
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    read -r pid st <"$f" || true
    if proc_alive "${pid:-}" "${st:-}"; then
      log "$(basename "$f" .pid) (pid $pid) from an earlier start is still running: run stop.sh $RUNDIR first"
      exit 1
    fi
  done
fi

now() { date +%s.%N; }
T0=$(now)
elapsed() { awk -v a="$(now)" -v b="$T0" 'BEGIN { printf "%.1f", a - b }'; }
debug() { if [ -n "${XFER_SERVERS_DEBUG:-}" ]; then log "$* after $(elapsed)s"; fi; }

# Prints N distinct free TCP ports on 127.0.0.1, chosen at random below the kernel's
# ephemeral range so that outgoing connections cannot take them in the meantime.
free_ports() {
  "$PY" - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1])
try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    lo = 32768
lo = min(max(lo, 12000), 32768)
rng = random.SystemRandom()
ports, socks = [], []
for _ in range(1000):
    if len(ports) == n:
        break
    p = rng.randrange(10000, lo)
    if p in ports:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        s.close()
        continue
    socks.append(s)  # held until all are found, so the N ports are distinct
    ports.append(p)
if len(ports) != n:
    sys.exit("no free ports found")
print(" ".join(map(str, ports)))
EOF
}

# launch NAME CMD...: runs CMD in its own session (so its process group id is its
# pid), logs to LOGS/NAME.log and records "PID STARTTIME" in PIDS/NAME.pid.
launch() {
  local name=$1
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(proc_starttime "$pid" || true)" >"$PIDS/$name.pid"
}

# Fails (exit 1 from the attempt's subshell) if a launched process has died.
check_alive() {
  local f pid st
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    read -r pid st <"$f" || true
    if ! proc_alive "${pid:-}" "${st:-}"; then
      log "$(basename "$f" .pid) (pid ${pid:-?}) exited during start-up"
      exit 1
    fi
  done
}

# wait_for WHAT CMD...: polls CMD until it succeeds, a process dies, or the deadline.
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    check_alive
    if [ "$SECONDS" -ge "$DEADLINE" ]; then
      log "timed out after ${TIMEOUT}s waiting for $what"
      "$@" >&2 || true # show why the last try failed
      exit 1
    fi
    sleep 0.1
  done
}

# http_ok PORT PATH: true if GET PATH on 127.0.0.1:PORT answers 200. Bash's /dev/tcp
# rather than curl: this runs in a polling loop, and forks are what costs CPU there.
http_ok() {
  local status=
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  if printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3; then
    read -r -t 2 _ status _ <&3 || true
  fi
  exec 3<&- 3>&-
  [ "$status" = 200 ]
}

# Signed requests go through s3check.py rather than curl --aws-sigv4: curl 7.88 sends
# no x-amz-content-sha256 (s3rver rejects that) and splits --user at the first colon
# (Swift's access key is test:tester).
s3() {
  XFER_TEST_ENDPOINT=$ENDPOINT XFER_TEST_ACCESS_KEY=$ACCESS_KEY \
    XFER_TEST_SECRET_KEY=$SECRET_KEY XFER_TEST_REGION=$REGION \
    S3CHECK_TIMEOUT=5 "$PY" "$S3CHECK" "$@"
}

# --- swift -----------------------------------------------------------------------------

# Swift always reads /etc/swift/swift.conf for its hash path prefix/suffix. The Debian
# package installs one (suffix and prefix "changeme", which works): only write one if
# it is missing or names neither.
ensure_swift_conf() {
  local conf=/etc/swift/swift.conf
  if ! grep -Eqs '^[[:space:]]*swift_hash_path_(suffix|prefix)[[:space:]]*=[[:space:]]*[^[:space:]]' "$conf"; then
    log "writing $conf (it had no swift_hash_path_suffix)"
    mkdir -p /etc/swift
    [ -e "$conf" ] && cp "$conf" "$conf.xfer-backup"
    printf '%s\n' '# /etc/swift/swift.conf: written by libxfer tests/servers/start.sh for a local test node.' \
      '[swift-hash]' 'swift_hash_path_suffix = changeme' 'swift_hash_path_prefix = changeme' \
      '' '[storage-policy:0]' 'name = Policy-0' 'default = yes' >"$conf.tmp.$$"
    mv "$conf.tmp.$$" "$conf"
  fi
}

swift_common_conf() { # PORT
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
# a port taken meanwhile fails fast (default: retry 30 s) and start.sh picks new ones
bind_timeout = 1
user = $(id -un)
swift_dir = $RUNDIR/etc
devices = $RUNDIR/srv
mount_check = false
disable_fallocate = true
# No syslog: with no socket at log_address swift falls back to UDP 127.0.0.1:514
# (nobody listens); what matters goes to stderr (-v), i.e. RUNDIR/logs.
log_address = $RUNDIR/no-such-log-socket
log_level = INFO
EOF
}

write_swift_confs() {
  local etc=$RUNDIR/etc s
  for s in account container object; do
    local port_var="P_${s^^}"
    {
      swift_common_conf "${!port_var}"
      cat <<EOF

[pipeline:main]
pipeline = healthcheck $s-server

[app:$s-server]
use = egg:swift#$s

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
    } >"$etc/$s-server.conf"
  done
  {
    swift_common_conf "$P_PROXY"
    cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = $REGION
max_upload_part_num = 10000
min_segment_size = 5242880
allowable_clock_skew = 900
# virtual-hosted requests: Host BUCKET.localhost[:PORT] names the bucket (libcurl resolves
# *.localhost to loopback itself); a Host of 127.0.0.1 stays path-style
storage_domain = localhost

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$P_MEMCACHED

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes

[filter:symlink]
use = egg:swift#symlink
EOF
  } >"$etc/proxy-server.conf"
}

# One device, one replica, 2^6 partitions. The swift.common.ring API takes well under a
# second; swift-ring-builder takes several.
build_swift_rings() {
  "$PY" - "$RUNDIR/etc" "$P_ACCOUNT" "$P_CONTAINER" "$P_OBJECT" <<'EOF'
import sys
from swift.common.ring import RingBuilder
etc, ports = sys.argv[1], dict(zip(("account", "container", "object"), map(int, sys.argv[2:5])))
for name, port in ports.items():
    b = RingBuilder(6, 1, 0)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port,
               "device": "d1", "weight": 100.0, "meta": ""})
    b.rebalance()
    b.get_ring().save("%s/%s.ring.gz" % (etc, name))
EOF
}

start_swift() {
  local s
  ensure_swift_conf
  read -r P_PROXY P_ACCOUNT P_CONTAINER P_OBJECT P_MEMCACHED < <(free_ports 5)
  mkdir -p "$RUNDIR/etc" "$RUNDIR/srv/d1"
  # Swift's object server stores metadata in user xattrs (tmpfs before Linux 6.6 lacks them).
  if ! "$PY" -c 'import os,sys; os.setxattr(sys.argv[1], "user.xfer-test", b"1")' "$RUNDIR/srv/d1" 2>/dev/null; then
    log "$RUNDIR/srv is on a filesystem without user xattrs: Swift cannot store objects there (use a RUNDIR on ext4/xfs)"
    exit 1
  fi
  build_swift_rings
  debug "rings built"
  write_swift_confs
  local mc_user=()
  [ "$(id -u)" -eq 0 ] && mc_user=(-u root) # memcached refuses to run as root without it
  launch memcached /usr/bin/memcached -l 127.0.0.1 -p "$P_MEMCACHED" -U 0 -m 64 -t 1 "${mc_user[@]}"
  for s in proxy account container object; do
    launch "$s" "$PY" "$HERE/swift-server.py" "$s" "$RUNDIR/etc/$s-server.conf" -v
  done
  ENDPOINT=http://127.0.0.1:$P_PROXY
  VHOST_HOST=localhost
  ACCESS_KEY=test:tester
  SECRET_KEY=testing
  for s in ACCOUNT CONTAINER OBJECT PROXY; do
    local port_var="P_$s"
    wait_for "the ${s,,} server's /healthcheck" http_ok "${!port_var}" /healthcheck
  done
}

# --- s3rver ----------------------------------------------------------------------------

# Installs the pinned node packages with `npm ci` when node_modules is missing or was
# installed from another lock file. flock on the lock file serialises parallel runs.
ensure_node_modules() {
  local stamp=$ROOT/node_modules/.xfer-lock.sha256 want
  want=$(cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [ -x "$ROOT/node_modules/.bin/s3rver" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  (
    flock 9
    if [ -x "$ROOT/node_modules/.bin/s3rver" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
      exit 0
    fi
    log "node_modules missing or stale: npm ci"
    cd "$ROOT"
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$want" >"$stamp"
  ) 9<"$ROOT/package-lock.json"
}

start_s3rver() {
  local port
  read -r port < <(free_ports 1)
  mkdir -p "$RUNDIR/data"
  # --openssl-legacy-provider: s3rver's ListObjectsV2 continuation tokens use a cipher
  # that Node 17+ only has with the legacy provider (else HTTP 500 on page two).
  launch s3rver env "NODE_OPTIONS=--openssl-legacy-provider${NODE_OPTIONS:+ $NODE_OPTIONS}" \
    node "$ROOT/node_modules/.bin/s3rver" -d "$RUNDIR/data" -a 127.0.0.1 -p "$port" \
    --service-endpoint localhost
  ENDPOINT=http://127.0.0.1:$port
  # s3rver takes the bucket from a Host matching BUCKET.s3[-REGION].SERVICE_ENDPOINT, so
  # virtual-hosted requests go to http://s3.localhost:PORT (Host BUCKET.s3.localhost).
  # An IP address or plain "localhost" as Host stays path-style.
  VHOST_HOST=s3.localhost
  ACCESS_KEY=S3RVER
  SECRET_KEY=S3RVER
}

# --- radosgw ---------------------------------------------------------------------------

# A one-node Ceph: one mon, one OSD on memstore (every object in RAM; the OSD reports
# memstore_device_bytes as its size), one radosgw; no mgr, no cephx. Everything lives in
# RUNDIR/ceph; every command gets `-c RUNDIR/ceph/ceph.conf` and /etc/ceph is not read.
# The mon's address is baked into its store, and memstore loses its objects when the
# OSD stops, so each start builds a fresh cluster (XFER_SERVERS_KEEP_DATA is ignored).
RGW_ACCESS_KEY=XFERTESTACCESSKEY000
RGW_SECRET_KEY=xfer-test-secret-key-0000000000000000000
RGW_STORE_BYTES=${XFER_SERVERS_RADOSGW_STORE_BYTES:-2147483648} # 2 GiB

write_ceph_conf() { # FSID MON_PORT RGW_PORT
  local c=$RUNDIR/ceph
  cat <<EOF2
# $c/ceph.conf: written by tests/servers/start.sh radosgw for a one-node test cluster.
[global]
fsid = $1
mon_host = [v2:127.0.0.1:$2]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
ms_bind_msgr2 = true
# no cephx; rgw never connects to the mon without this client mode
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc secure
# every path under RUNDIR
run_dir = $c/run
admin_socket = $c/run/\$cluster-\$name.asok
crash_dir = $c/crash
exec_dir = $c/run
keyring = $c/keyring
log_file = $LOGS/\$cluster-\$name.log
log_to_syslog = false
err_to_syslog = false
mon_cluster_log_to_syslog = false
mon_cluster_log_file = default=$LOGS/\$cluster.\$channel.log cluster=$LOGS/\$cluster.log
mon_data = $c/mon/\$name
osd_data = $c/osd/\$name
rgw_data = $c/rgw
# one OSD: pools of size 1, few PGs, CRUSH choosing OSDs rather than hosts
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
# a mon shuts itself down when its disk has under 5 % free (shared machines): never
mon_data_avail_crit = 0
mon_data_avail_warn = 1
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
# else every map change (pool creation, OSD boot) waits about a second
paxos_propose_interval = 0.05
paxos_min_wait = 0.01
osd_objectstore = memstore
memstore_device_bytes = $RGW_STORE_BYTES
# SIGTERM: exit at once, without waiting up to 5 s for a mon that may be gone already
osd_fast_shutdown = true
osd_fast_shutdown_notify_mon = false

[client]
# short-lived tools (radosgw-admin, python rados) leave no logs or sockets behind
log_file =
admin_socket =

[client.rgw]
log_file = $LOGS/\$cluster-\$name.log
admin_socket = $c/run/\$cluster-\$name.asok
rgw_frontends = beast endpoint=127.0.0.1:$3
rgw_thread_pool_size = 32
# virtual-hosted requests: Host BUCKET.localhost[:PORT]; a Host of 127.0.0.1 stays path-style
rgw_dns_name = localhost
# collect deleted and aborted data within a minute (default: 2 hours), since
# memstore holds it in RAM
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
# SIGTERM: rgw's own shutdown hangs once the mon and OSD are gone (stop.sh signals all
# at once); this alarm ends it after 1 s whatever it is waiting for
rgw_exit_timeout_secs = 1
EOF2
}

# Connects to the mon (waiting for it to come up), registers the OSD with UUID and
# creates rgw's pools so that neither the OSD's boot nor rgw waits on those map changes
# one by one. Python's rados binding: one process for what would be ~15 `ceph` calls.
ceph_bootstrap() { # UUID TIMEOUT
  "$PY" - "$RUNDIR/ceph/ceph.conf" "$1" "$2" <<'EOF2'
import errno, json, sys, time, threading, rados
t0 = time.time()
def note(what):
    print("%5.2fs %s" % (time.time() - t0, what), flush=True)
conf, uuid, timeout = sys.argv[1], sys.argv[2], sys.argv[3]
r = rados.Rados(conffile=conf, conf={"client_mount_timeout": timeout})
r.connect(timeout=int(timeout))
note("connected")
errors = []
def mon(**cmd):
    deadline = time.time() + int(timeout)
    while True:
        ret, out, err = r.mon_command(json.dumps(cmd), b"", timeout=int(timeout))
        # EAGAIN: a mon just out of its election may not have its first osdmap yet
        if ret != -errno.EAGAIN or time.time() > deadline:
            break
        time.sleep(0.1)
    if ret != 0:
        errors.append("%s: %s (%d)" % (json.dumps(cmd), err, ret))
    return out
def parallel(cmds):  # the mon batches concurrent map changes into one commit
    ts = [threading.Thread(target=mon, kwargs=c) for c in cmds]
    for t in ts: t.start()
    for t in ts: t.join()
    if errors:
        sys.exit("\n".join(errors))
osd = json.loads(mon(prefix="osd new", uuid=uuid, format="json") or b"{}").get("osdid")
if osd != 0:
    sys.exit("osd new gave osd.%s, not osd.0: %s" % (osd, errors))
note("osd.0 registered")
pools = (".rgw.root", "default.rgw.control", "default.rgw.meta", "default.rgw.log",
         "default.rgw.buckets.index", "default.rgw.buckets.non-ec", "default.rgw.buckets.data")
parallel([dict(prefix="osd pool create", pool=p, pg_num=8, pgp_num=8) for p in pools])
note("pools created")
parallel([dict(prefix="osd pool application enable", pool=p, app="rgw",
               yes_i_really_mean_it=True) for p in pools])
note("applications set")
r.shutdown()
EOF2
}

# Seconds left before DEADLINE, at least 1 (`timeout 0` would mean no limit at all).
remaining() {
  local r=$((DEADLINE - SECONDS))
  echo $((r > 0 ? r : 1))
}

start_radosgw() {
  local c=$RUNDIR/ceph p_mon p_rgw fsid uuid mkfs_pid
  read -r p_mon p_rgw < <(free_ports 2)
  rm -rf "$c"
  mkdir -p "$c/run" "$c/crash" "$c/mon" "$c/osd/osd.0" "$c/rgw"
  fsid=$(cat /proc/sys/kernel/random/uuid)
  uuid=$(cat /proc/sys/kernel/random/uuid)
  write_ceph_conf "$fsid" "$p_mon" "$p_rgw" >"$c/ceph.conf"
  # The OSD's mkfs needs no mon: overlap it with the mon's.
  ceph-osd -c "$c/ceph.conf" --no-mon-config --mkfs -i 0 --osd-uuid "$uuid" >"$LOGS/mkfs-osd.log" 2>&1 &
  mkfs_pid=$!
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$p_mon]" "$c/monmap" >"$LOGS/mkfs-mon.log" 2>&1
  ceph-mon -c "$c/ceph.conf" --no-mon-config --mkfs -i a --monmap "$c/monmap" >>"$LOGS/mkfs-mon.log" 2>&1
  launch mon ceph-mon -c "$c/ceph.conf" --no-mon-config -f -i a
  if ! wait "$mkfs_pid"; then
    log "ceph-osd --mkfs failed (see $LOGS/mkfs-osd.log)"
    exit 1
  fi
  # The OSD may start before the mon knows it: it boots as soon as `osd new` is in.
  launch osd ceph-osd -c "$c/ceph.conf" --no-mon-config -f -i 0
  debug "mon and OSD launched"
  if ! ceph_bootstrap "$uuid" "$(remaining)" >"$LOGS/bootstrap.log" 2>&1; then
    check_alive
    log "registering the OSD or creating pools failed (see $LOGS/bootstrap.log)"
    exit 1
  fi
  debug "OSD registered, pools created"
  # Blocks until the OSD is up and the pools' PGs are active; sets up the default zone.
  if ! timeout "$(remaining)" radosgw-admin -c "$c/ceph.conf" --no-mon-config user create \
    --uid=xfer-test --display-name=xfer-test \
    --access-key="$RGW_ACCESS_KEY" --secret="$RGW_SECRET_KEY" >"$LOGS/user-create.log" 2>&1; then
    check_alive
    log "radosgw-admin user create failed (see $LOGS/user-create.log)"
    exit 1
  fi
  debug "S3 user created"
  launch rgw radosgw -c "$c/ceph.conf" --no-mon-config -f -n client.rgw
  ENDPOINT=http://127.0.0.1:$p_rgw
  VHOST_HOST=localhost
  ACCESS_KEY=$RGW_ACCESS_KEY
  SECRET_KEY=$RGW_SECRET_KEY
  wait_for "radosgw to answer an anonymous ListBuckets" http_ok "$p_rgw" /
}

# After the bucket exists: one request into each pool rgw uses (object data, multipart
# metadata), so that no test pays for first-touch set-up. One Python process running
# s3check's own functions: each extra process costs 0.5 s on a loaded machine.
warm_radosgw() {
  XFER_TEST_ENDPOINT=$ENDPOINT XFER_TEST_ACCESS_KEY=$ACCESS_KEY \
    XFER_TEST_SECRET_KEY=$SECRET_KEY XFER_TEST_REGION=$REGION \
    S3CHECK_TIMEOUT=10 "$PY" - "$S3CHECK" "$BUCKET" "$RUNDIR/ceph/warm-up.txt" <<'EOF2'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("s3check", sys.argv[1])
s3 = importlib.util.module_from_spec(spec)
spec.loader.exec_module(s3)
bucket, f, key = sys.argv[2], sys.argv[3], "xfer-warm-up"
with open(f, "w") as out:
    out.write("warm-up\n")
c = s3.Client()
try:
    s3.cmd_put(c, bucket, key, f)
    s3.cmd_delete(c, bucket, key)
    s3.cmd_create_multipart(c, bucket, key)
    s3.cmd_abort_all(c, bucket)
    left = s3.cmd_list_uploads(c, bucket)
except Exception as e:
    sys.exit("warm-up: %s" % e)
if left:
    sys.exit("warm-up: uploads left after abort: %r" % left)
EOF2
  rm -f "$RUNDIR/ceph/warm-up.txt"
}

# --- one attempt ---------------------------------------------------------------------

attempt() {
  DEADLINE=$((SECONDS + TIMEOUT))
  "start_$KIND"
  debug "processes up"
  wait_for "a signed ListBuckets to answer 200" s3 list-buckets
  s3 make-bucket "$BUCKET" >/dev/null
  if declare -F "warm_$KIND" >/dev/null; then
    "warm_$KIND"
    debug "warmed up"
  fi
  local tmp=$RUNDIR/env.tmp
  {
    echo "# $RUNDIR/env: written by tests/servers/start.sh $KIND; source it to reach the test server."
    printf 'export XFER_TEST_ENDPOINT=%q\n' "$ENDPOINT"
    printf 'export XFER_TEST_VHOST_HOST=%q\n' "$VHOST_HOST"
    printf 'export XFER_TEST_ACCESS_KEY=%q\n' "$ACCESS_KEY"
    printf 'export XFER_TEST_SECRET_KEY=%q\n' "$SECRET_KEY"
    printf 'export XFER_TEST_REGION=%q\n' "$REGION"
    printf 'export XFER_TEST_SERVER=%q\n' "$KIND"
    printf 'export XFER_TEST_BUCKET=%q\n' "$BUCKET"
    printf 'export XFER_TEST_RUNDIR=%q\n' "$RUNDIR"
    printf 'export XFER_TEST_S3CHECK=%q\n' "$S3CHECK"
  } >"$tmp"
  mv "$tmp" "$RUNDIR/env"
  if [ -n "$OWNER_PID" ]; then
    # stop.sh, exec'd by the watchdog, skips its own pid file.
    # shellcheck disable=SC2016 # expanded by the watchdog's bash
    launch watchdog bash -c '. "$1"; while proc_alive "$2" "$3"; do sleep 1; done; exec "$4" "$5"' \
      watchdog "$HERE/common.sh" "$OWNER_PID" "$OWNER_ST" "$HERE/stop.sh" "$RUNDIR"
  fi
}

show_logs() {
  local f
  for f in "$LOGS"/*.log; do
    [ -e "$f" ] || continue
    echo "----- tail of $f -----" >&2
    tail -n 40 "$f" >&2
  done
}

trap 'log "interrupted; stopping what was started"; "$HERE/stop.sh" "$RUNDIR" >&2 || true; exit 130' INT TERM

# Outside the timed attempts: a first `npm ci` takes 10-20 s.
if [ "$KIND" = s3rver ]; then ensure_node_modules; fi

for try in 1 2 3; do
  rm -rf "${RUNDIR:?}/env" "${RUNDIR:?}/env.tmp" "${RUNDIR:?}/etc" "$LOGS" "$PIDS"
  if [ "${XFER_SERVERS_KEEP_DATA:-0}" != 1 ]; then
    rm -rf "${RUNDIR:?}/srv" "${RUNDIR:?}/data"
  fi
  mkdir -p "$LOGS" "$PIDS"
  set +e
  (
    set -e # the subshell inherits the +e above
    attempt
  )
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    log "ready at $(sed -n 's/^export XFER_TEST_ENDPOINT=//p' "$RUNDIR/env") in $(elapsed)s (RUNDIR $RUNDIR)"
    exit 0
  fi
  # Another process may have taken a port between choosing and binding it: try again.
  if [ $try -lt 3 ] && grep -qs -e 'Address already in use' -e EADDRINUSE -e 'Could not bind' "$LOGS"/*.log; then
    log "a port was taken meanwhile; retrying with new ports"
    "$HERE/stop.sh" "$RUNDIR" >&2 || true
    continue
  fi
  show_logs
  log "FAILED; stopping what was started"
  "$HERE/stop.sh" "$RUNDIR" >&2 || true
  exit 1
done
