#!/usr/bin/env bash
# tests/proxy/test_proxy.sh: self-test of the fault proxy against s3rver and a tiny upstream, with curl; ends "N passed, M failed".
#
# usage: test_proxy.sh
#
# Starts s3rver (tests/servers/start.sh), tests/proxy/mini_upstream.py and two fault
# proxies (tests/proxy/start.sh), all on 127.0.0.1 under a temporary RUNDIR, and checks
# from the outside: byte-exact pass-through, keep-alive, Expect: 100-continue, chunked
# bodies, every fault (status, curl exit code, bytes delivered, what the server stored),
# the request log, stats and checksum verdicts. Then it measures 200 MB GET and PUT
# throughput through the proxy and directly, and prints it.
# PROXY_TEST_SWIFT=1 also runs a signed pass-through against Swift (which verifies
# SigV4 and the payload hash); PROXY_TEST_KEEP=1 keeps the RUNDIR;
# XFER_PROXY_MIN_MBPS=N fails the run if proxied throughput is below N MB/s.
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3 # Debian's, standard library only
CTL=$HERE/proxyctl.py
S3CHECK=$ROOT/tests/servers/s3check.py

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/xfer-proxy-test.XXXXXX")
MINI_PID=
cleanup() {
  "$HERE/stop.sh" "$RUNDIR/p-s3" >/dev/null 2>&1 || true
  "$HERE/stop.sh" "$RUNDIR/p-mini" >/dev/null 2>&1 || true
  "$HERE/stop.sh" "$RUNDIR/p-swift" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$RUNDIR/s3rver" >/dev/null 2>&1 || true
  "$ROOT/tests/servers/stop.sh" "$RUNDIR/swift" >/dev/null 2>&1 || true
  if [ -n "$MINI_PID" ]; then kill "$MINI_PID" 2>/dev/null || true; fi
  if [ "${PROXY_TEST_KEEP:-0}" = 1 ]; then
    echo "RUNDIR kept: $RUNDIR"
  else
    rm -rf "$RUNDIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
ok() {
  PASSED=$((PASSED + 1))
  echo "ok   - $1"
}
bad() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
}
# check DESC CMD...: passes when CMD succeeds.
check() {
  local d=$1
  shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}
# eq ACTUAL EXPECTED
eq() {
  [ "$1" = "$2" ] && return 0
  echo "       expected [$2], got [$1]"
  return 1
}
# one_of ACTUAL CHOICES...
one_of() {
  local v=$1 x
  shift
  for x; do [ "$v" = "$x" ] && return 0; done
  echo "       got [$v], expected one of [$*]"
  return 1
}
# ge A B (numbers, floats allowed)
ge() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' && return 0
  echo "       expected >= $2, got $1"
  return 1
}
lt() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }' && return 0
  echo "       expected < $2, got $1"
  return 1
}
has() { # FILE STRING
  grep -qF -- "$2" "$1" && return 0
  echo "       [$2] not in $1: $(head -c 300 "$1" 2>/dev/null)"
  return 1
}
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
size() { stat -c %s "$1" 2>/dev/null || echo missing; }
ndiff() { cmp -l "$1" "$2" 2>/dev/null | wc -l; }

# ctl PORT CMD [JSON]
ctl() { "$PY" "$CTL" "$@"; }
# logq PORT EXPR: evaluates EXPR over the proxy's log, with L = all records and r = the
# last one; strings print bare, everything else as JSON (true, null, 123).
logq() {
  ctl "$1" log | "$PY" -c '
import json, sys
L = [json.loads(l) for l in sys.stdin if l.strip()]
r = L[-1] if L else {}
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$2"
}
statq() { ctl "$1" stats | "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[sys.argv[1]]))' "$2"; }
faults() { ctl "$1" set "$2" >/dev/null || echo "       (setting the rules failed: $2)"; }

echo "# RUNDIR $RUNDIR"
mkdir -p "$RUNDIR/files"
F=$RUNDIR/files
head -c $((50 * 1024 * 1024)) /dev/urandom >"$F/f50"
head -c 4000000 /dev/urandom >"$F/f4"
head -c 65536 /dev/urandom >"$F/f64k"
head -c 1048576 /dev/urandom >"$F/f1m"
printf '123456789' >"$F/check"

# --- servers and proxies ---------------------------------------------------------------

if ! "$ROOT/tests/servers/start.sh" s3rver "$RUNDIR/s3rver" 2>"$RUNDIR/s3rver-start.log"; then
  cat "$RUNDIR/s3rver-start.log"
  bad "s3rver starts"
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi
# shellcheck disable=SC1091
. "$RUNDIR/s3rver/env"
S3_DIRECT=$XFER_TEST_ENDPOINT
BUCKET=$XFER_TEST_BUCKET
"$PY" "$HERE/mini_upstream.py" --port-file "$RUNDIR/mini.port" >"$RUNDIR/mini.log" 2>&1 &
MINI_PID=$!
for _ in $(seq 100); do [ -s "$RUNDIR/mini.port" ] && break; sleep 0.05; done
MINI_DIRECT=http://127.0.0.1:$(cat "$RUNDIR/mini.port")

check "start.sh starts a proxy in front of s3rver" \
  "$HERE/start.sh" "$S3_DIRECT" "$RUNDIR/p-s3"
check "start.sh starts a proxy in front of the mini upstream" \
  "$HERE/start.sh" "$MINI_DIRECT" "$RUNDIR/p-mini"
P=$(cat "$RUNDIR/p-s3/proxy.port")
M=$(cat "$RUNDIR/p-mini/proxy.port")
PX=http://127.0.0.1:$P
MX=http://127.0.0.1:$M
check "start.sh wrote proxy.env and a pid file" \
  has "$RUNDIR/p-s3/proxy.env" "XFER_PROXY_ENDPOINT=$PX"
check "start.sh refuses to start a second proxy over a running one" \
  eval "! '$HERE/start.sh' '$S3_DIRECT' '$RUNDIR/p-s3' 2>/dev/null"

# s3 ARGS...: curl with SigV4 (s3rver wants x-amz-content-sha256, which curl 7.88 omits).
s3() {
  curl -sS --noproxy '*' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$XFER_TEST_ACCESS_KEY:$XFER_TEST_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}
hc() { curl -sS --noproxy '*' "$@"; } # plain HTTP, for the mini upstream
# stored KEY: what s3rver holds, asked directly (not through the proxy): size or 404
stored() {
  local out
  out=$("$PY" "$S3CHECK" head "$BUCKET" "$1" 2>/dev/null) # exit 1 on 404, JSON anyway
  "$PY" -c '
import json, sys
d = json.loads(sys.argv[1])
print(d["headers"].get("content-length") if d["status"] == 200 else d["status"])' "$out" 2>/dev/null ||
    echo "s3check failed"
}
fetch_direct() { "$PY" "$S3CHECK" get "$BUCKET" "$1" "$2" >/dev/null 2>&1; }

# --- pass-through ----------------------------------------------------------------------

echo "# pass-through (s3rver)"
ctl "$P" reset >/dev/null
code=$(s3 -T "$F/f50" "$PX/$BUCKET/big" -o "$RUNDIR/out" -w '%{http_code}')
check "PUT 50 MB through the proxy answers 200" eq "$code" 200
check "s3rver stored all 50 MB" eq "$(stored big)" $((50 * 1024 * 1024))
check "log: PUT recorded with req_body_bytes" eq "$(logq "$P" '[r["method"], r["path"], r["req_body_bytes"], r["status"], r["fault"], r["checksum_mismatch"]]')" \
  "[\"PUT\", \"/$BUCKET/big\", 52428800, 200, null, null]"
check "log: Host passed through as the client sent it" eq "$(logq "$P" 'r["headers"]["host"]')" "127.0.0.1:$P"
check "log: curl's Expect: 100-continue was seen" eq "$(logq "$P" 'r["headers"].get("expect")')" "100-continue"
code=$(s3 "$PX/$BUCKET/big" -o "$RUNDIR/big.get" -w '%{http_code}')
check "GET 50 MB through the proxy answers 200" eq "$code" 200
check "GET 50 MB is byte-exact" cmp -s "$F/f50" "$RUNDIR/big.get"
check "log: GET resp_body_bytes" eq "$(logq "$P" '[r["resp_body_bytes"], r["upstream_status"], r["t_end"] >= r["t_start"]]')" "[52428800, 200, true]"
read -r code t < <(s3 -I "$PX/$BUCKET/big" -o "$RUNDIR/head.out" --max-time 5 -w '%{http_code} %{time_total}')
check "HEAD answers 200 with the object's Content-Length and no body" eq "$code/$(grep -ci 'content-length: 52428800' "$RUNDIR/head.out")" "200/1"
check "HEAD does not wait for a body" lt "$t" 2
check "log: HEAD resp_body_bytes is 0" eq "$(logq "$P" '[r["method"], r["resp_body_bytes"]]')" '["HEAD", 0]'

code=$(s3 -T "$F/f64k" "$PX/$BUCKET/dir/a%20b%2Bc" -o /dev/null -w '%{http_code}')
check "PUT of a percent-encoded key answers 200" eq "$code" 200
check "log: path stays raw and percent-encoded" eq "$(logq "$P" 'r["path"]')" "/$BUCKET/dir/a%20b%2Bc"
code=$(s3 "$PX/$BUCKET?list-type=2&prefix=dir%2F" -o "$RUNDIR/list.xml" -w '%{http_code}')
check "ListObjectsV2 through the proxy finds the key" eq "$code/$(grep -c 'dir/a b+c' "$RUNDIR/list.xml")" "200/1"
check "log: query recorded raw" eq "$(logq "$P" 'r["query"]')" "list-type=2&prefix=dir%2F"

ctl "$P" reset >/dev/null
s3 "$PX/$BUCKET/dir/a%20b%2Bc" -o "$RUNDIR/ka1" "$PX/$BUCKET/dir/a%20b%2Bc" -o "$RUNDIR/ka2" -w '%{http_code} ' >"$RUNDIR/ka.codes"
check "keep-alive: two GETs on one curl connection both answer 200" eq "$(cat "$RUNDIR/ka.codes")" "200 200 "
check "keep-alive: both GETs were on the same client connection" eq "$(logq "$P" '[len(L), L[0]["conn"] == L[1]["conn"]]')" "[2, true]"

code=$(s3 -H 'Expect:' -T "$F/f4" "$PX/$BUCKET/noexpect" -o /dev/null -w '%{http_code}')
check "PUT without Expect (body sent at once) answers 200" eq "$code/$(stored noexpect)" "200/4000000"

if XFER_TEST_ENDPOINT=$PX "$PY" "$S3CHECK" put "$BUCKET" signed "$F/f1m" >/dev/null &&
  XFER_TEST_ENDPOINT=$PX "$PY" "$S3CHECK" get "$BUCKET" signed "$RUNDIR/signed.get" >/dev/null &&
  cmp -s "$F/f1m" "$RUNDIR/signed.get"; then
  ok "s3check.py (own SigV4, signed payload hash) PUT+GET through the proxy"
else
  bad "s3check.py (own SigV4, signed payload hash) PUT+GET through the proxy"
fi

echo "# pass-through (mini upstream: chunked bodies, Expect rejected)"
hc -T "$F/f4" "$MX/obj" -o /dev/null
code=$(hc "$MX/obj?chunked=1" -D "$RUNDIR/chunked.h" -o "$RUNDIR/chunked.get" -w '%{http_code}')
check "chunked response is relayed byte-exact" eq "$code/$(cmp -s "$F/f4" "$RUNDIR/chunked.get" && echo same)" "200/same"
check "chunked response stays chunked" has "$RUNDIR/chunked.h" "Transfer-Encoding: chunked"
check "chunked response trailer is relayed" has "$RUNDIR/chunked.h" "x-test-trailer: yes"
check "log: chunked resp_body_bytes counts data, not framing" eq "$(logq "$M" 'r["resp_body_bytes"]')" 4000000
hc -T - "$MX/fromstdin" -D "$RUNDIR/stdin.h" -o /dev/null <"$F/f4"
check "chunked request body (curl -T -) arrives whole upstream" has "$RUNDIR/stdin.h" "x-got-bytes: 4000000"
check "log: chunked request recorded" eq "$(logq "$M" '[r["headers"].get("transfer-encoding"), r["req_body_bytes"]]')" '["chunked", 4000000]'
hc "$MX/obj" -o /dev/null "$MX/obj" -o /dev/null -D "$RUNDIR/ka-up.h"
check "upstream keep-alive: the second request reused the upstream connection" has "$RUNDIR/ka-up.h" "x-conn-requests: 2"
"$PY" - "$M" >"$RUNDIR/pipe.out" 2>&1 <<'EOF'
# Three pipelined requests in one write: PUT, GET, then a control request that closes.
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"PUT /pipe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
          b"GET /pipe HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /_proxy/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
print("answers", data.count(b"HTTP/1.1 200 "), b"\r\n\r\nhello" in data, data.endswith(b"}\n"))
EOF
check "pipelined requests are answered in order on one connection" has "$RUNDIR/pipe.out" "answers 3 True True"
ctl "$M" reset >/dev/null
"$PY" - "$M" >"$RUNDIR/many.out" 2>&1 <<'EOF'
# 64 keep-alive connections at once, 4 PUT+GET pairs each, every body checked.
import hashlib, http.client, sys, threading
port, errors = int(sys.argv[1]), []
def worker(i):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for j in range(4):
            body = hashlib.sha256(b"%d-%d" % (i, j)).digest() * (1000 + i * 37 + j)
            c.request("PUT", "/many/%d" % i, body=body)
            r = c.getresponse(); r.read()
            c.request("GET", "/many/%d" % i)
            r = c.getresponse(); got = r.read()
            if r.status != 200 or got != body:
                errors.append("conn %d req %d: %d, %d bytes" % (i, j, r.status, len(got)))
    except Exception as e:  # noqa: BLE001
        errors.append("conn %d: %r" % (i, e))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(64)]
[t.start() for t in ts]
[t.join() for t in ts]
print("errors:", len(errors), errors[:3])
EOF
check "64 concurrent keep-alive connections x 8 requests, bodies exact" has "$RUNDIR/many.out" "errors: 0 []"
check "stats: 512 requests, several in flight at once" eq "$(statq "$M" requests) $(ge "$(statq "$M" max_concurrent)" 4 && echo parallel)" "512 parallel"
# Durations below are curl's own %{time_total}: on a loaded machine the wall clock
# adds process start-up.
read -r code t < <(hc -T "$F/f4" "$MX/deny/x" -o /dev/null -w '%{http_code} %{time_total}')
check "Expect: 100-continue refused upstream: its 403 reaches the client" eq "$code" 403
check "... at once, before curl's own 1 s Expect wait" lt "$t" 0.9
check "log: no body bytes were read for the refused request" eq "$(logq "$M" '[r["status"], r["req_body_bytes"]]')" "[403, 0]"
code=$(hc "$MX/obj" -o /dev/null -w '%{http_code}')
check "the proxy still serves after the refused upload" eq "$code" 200
t=$(hc -T "$F/f4" "$MX/no100/x" -D "$RUNDIR/no100.h" -o /dev/null -w '%{time_total}')
check "upstream that never sends 100: the body curl sends after its 1 s wait gets through" has "$RUNDIR/no100.h" "x-got-bytes: 4000000"
check "... without waiting for the proxy's own 5 s Expect timeout" lt "$t" 4

# --- faults ----------------------------------------------------------------------------

echo "# faults: injected statuses"
faults "$P" '[{"match": {"method": "PUT", "path_contains": "/s500"}, "fault": "status_500"}]'
code=$(s3 -T "$F/f4" "$PX/$BUCKET/s500" -o "$RUNDIR/s500.xml" -w '%{http_code}')
check "status_500: 500 with an S3 InternalError body" eq "$code/$(grep -c '<Code>InternalError</Code>' "$RUNDIR/s500.xml")" "500/1"
check "status_500: upstream never saw the PUT" eq "$(stored s500)" 404
check "status_500: request body consumed and recorded" eq "$(logq "$P" '[r["fault"], r["status"], r["req_body_bytes"], r["upstream_status"]]')" '["status_500", 500, 4000000, null]'
faults "$P" '[{"match": {"method": "PUT"}, "fault": "status_500"}]'
ctl "$P" reset >/dev/null
s3 -T "$F/f64k" "$PX/$BUCKET/ka500" -o /dev/null -w '%{http_code} ' --next \
  --aws-sigv4 "aws:amz:us-east-1:s3" --user "$XFER_TEST_ACCESS_KEY:$XFER_TEST_SECRET_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T "$F/f64k" "$PX/$BUCKET/ka500" -o /dev/null -w '%{http_code}' >"$RUNDIR/ka500.codes"
check "status_500 (times 1) then the retry on the same connection succeeds" eq "$(cat "$RUNDIR/ka500.codes")" "500 200"
check "... on one client connection" eq "$(logq "$P" '[len(L), L[0]["conn"] == L[1]["conn"], L[1]["fault"]]')" "[2, true, null]"
faults "$P" '[{"match": {"method": "GET"}, "fault": "slowdown_503"}]'
code=$(s3 "$PX/$BUCKET/big" -o "$RUNDIR/503.xml" -w '%{http_code}')
check "slowdown_503: 503 SlowDown" eq "$code/$(grep -c '<Code>SlowDown</Code>' "$RUNDIR/503.xml")" "503/1"
faults "$P" '[{"match": {"method": "GET"}, "fault": "request_timeout_400"}]'
code=$(s3 "$PX/$BUCKET/big" -o "$RUNDIR/400.xml" -w '%{http_code}')
check "request_timeout_400: 400 RequestTimeout" eq "$code/$(grep -c '<Code>RequestTimeout</Code>' "$RUNDIR/400.xml")" "400/1"
faults "$P" '[{"match": {"method": "GET"}, "fault": "status", "arg": {"status": 409, "code": "OperationAborted", "message": "busy"}}]'
code=$(s3 "$PX/$BUCKET/big" -o "$RUNDIR/409.xml" -w '%{http_code}')
check "status {409, OperationAborted}" eq "$code/$(grep -c '<Code>OperationAborted</Code><Message>busy</Message>' "$RUNDIR/409.xml")" "409/1"
faults "$P" '[{"match": {"method": "HEAD"}, "fault": "status_500"}]'
read -r code t < <(s3 -I "$PX/$BUCKET/big" -o /dev/null --max-time 5 -w '%{http_code} %{time_total}')
check "status_500 on HEAD: 500 without a body, no hang" eq "$code/$(lt "$t" 2 && echo fast)" "500/fast"

echo "# faults: matching, skip and times"
s3 -T "$F/f64k" "$PX/$BUCKET/small" -o /dev/null
faults "$P" '[{"match": {"method": "GET", "path_contains": "/small"}, "fault": "status_500", "skip": 1, "times": 2}]'
codes=""
for _ in 1 2 3 4; do codes="$codes$(s3 "$PX/$BUCKET/small" -o /dev/null -w '%{http_code}') "; done
check "skip 1, times 2: 200 500 500 200" eq "$codes" "200 500 500 200 "
check "rules show seen 3, fired 2" eq "$(ctl "$P" rules | "$PY" -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["seen"], r["fired"], r["exhausted"])')" "3 2 True"
faults "$P" '[{"match": {"method": "GET", "header": {"range": "bytes=0-"}}, "fault": "slowdown_503", "times": -1}]'
c1=$(s3 -r 0-99 "$PX/$BUCKET/small" -o /dev/null -w '%{http_code}')
c2=$(s3 -r 100-199 "$PX/$BUCKET/small" -o /dev/null -w '%{http_code}')
c3=$(s3 -r 0-9 "$PX/$BUCKET/small" -o /dev/null -w '%{http_code}')
check "header match: range bytes=0-* hit every time, others pass" eq "$c1 $c2 $c3" "503 206 503"
faults "$P" '[{"match": {"method": "PUT", "query_has": "partNumber"}, "fault": "status_500"},
              {"match": {"method": "PUT", "query_lacks": ["partNumber", "uploadId"], "path_contains": "/qm"}, "fault": "slowdown_503"}]'
c1=$(s3 -T "$F/f64k" "$PX/$BUCKET/qm?partNumber=1&uploadId=nope" -o /dev/null -w '%{http_code}')
c2=$(s3 -T "$F/f64k" "$PX/$BUCKET/qm" -o /dev/null -w '%{http_code}')
check "query_has partNumber / query_lacks: UploadPart 500, PutObject 503" eq "$c1 $c2" "500 503"
faults "$P" '[{"match": {"path_regex": "^/[^/]+/big$"}, "fault": "status_500", "times": null}]'
c1=$(s3 "$PX/$BUCKET/big" -o /dev/null -w '%{http_code}')
c2=$(s3 "$PX/$BUCKET/big" -o /dev/null -w '%{http_code}')
check "path_regex with times null fires every time" eq "$c1 $c2" "500 500"
ctl "$P" clear >/dev/null
check "DELETE /_proxy/faults clears the rules" eq "$(ctl "$P" rules | tr -d '[:space:]')" "[]"
check "an unknown fault name is refused (400)" eval "! ctl $P set '[{\"fault\": \"nope\"}]' 2>/dev/null"
check "a rule without fault is refused (400)" eval "! ctl $P set '[{\"match\": {}}]' 2>/dev/null"
check "the refused rules left no rules behind" eq "$(ctl "$P" rules | tr -d '[:space:]')" "[]"

echo "# faults: resets and truncation"
faults "$P" '[{"match": {"method": "PUT"}, "fault": "reset_before_body"}]'
s3 -T "$F/f4" "$PX/$BUCKET/rbb" -o /dev/null 2>/dev/null
rc=$?
check "reset_before_body on PUT: curl fails 52/55/56" one_of "$rc" 52 55 56
check "reset_before_body: upstream never saw it" eq "$(stored rbb)" 404
check "log: reset_before_body recorded, no status, no body" eq "$(logq "$P" '[r["fault"], r["status"], r["req_body_bytes"]]')" '["reset_before_body", null, 0]'
faults "$P" '[{"match": {"method": "GET"}, "fault": "reset_before_body"}]'
s3 "$PX/$BUCKET/big" -o /dev/null 2>/dev/null
check "reset_before_body on GET: curl 56 (connection reset)" eq "$?" 56
faults "$P" '[{"match": {"method": "GET"}, "fault": "reset_before_body", "arg": {"mode": "fin"}}]'
s3 "$PX/$BUCKET/big" -o /dev/null 2>/dev/null
check "reset_before_body mode fin on GET: curl 52 (empty reply)" eq "$?" 52
faults "$P" '[{"match": {"method": "PUT"}, "fault": "reset_during_body"}]'
s3 -T "$F/f4" "$PX/$BUCKET/rdb" -o /dev/null 2>/dev/null
rc=$?
check "reset_during_body: curl fails 52/55/56" one_of "$rc" 52 55 56
check "log: reset_during_body read exactly half the body" eq "$(logq "$P" '[r["fault"], r["status"], r["req_body_bytes"]]')" '["reset_during_body", null, 2000000]'
# s3rver keeps whatever part of an aborted PUT it had written: only a complete object is wrong.
rdb=$(stored rdb)
check "reset_during_body: upstream holds no complete object (s3rver: $rdb)" eval "[ '$rdb' != 4000000 ]"
faults "$P" '[{"match": {"method": "PUT"}, "fault": "reset_after_body"}]'
s3 -T "$F/f4" "$PX/$BUCKET/rab" -o /dev/null 2>/dev/null
rc=$?
check "reset_after_body: curl fails 52/56" one_of "$rc" 52 56
check "reset_after_body: the upstream did store the whole object" eq "$(stored rab)" 4000000
check "log: reset_after_body: upstream 200, client no status" eq "$(logq "$P" '[r["fault"], r["status"], r["upstream_status"], r["req_body_bytes"]]')" '["reset_after_body", null, 200, 4000000]'
faults "$P" '[{"match": {"method": "GET"}, "fault": "reset_mid_response"}]'
rm -f "$RUNDIR/rmr"
s3 "$PX/$BUCKET/rab" -o "$RUNDIR/rmr" 2>/dev/null
rc=$?
check "reset_mid_response: curl 56" eq "$rc" 56
check "reset_mid_response: exactly half the body arrived, unaltered" eq "$(size "$RUNDIR/rmr")/$(cmp -s -n 2000000 "$F/f4" "$RUNDIR/rmr" && echo same)" "2000000/same"
faults "$P" '[{"match": {"method": "GET"}, "fault": "truncate_response"}]'
rm -f "$RUNDIR/tr"
s3 "$PX/$BUCKET/rab" -o "$RUNDIR/tr" 2>/dev/null
rc=$?
check "truncate_response: curl 18 (partial file)" eq "$rc" 18
check "truncate_response: exactly half the body arrived" eq "$(size "$RUNDIR/tr")" 2000000
check "log: truncate_response status 200, resp_body_bytes half" eq "$(logq "$P" '[r["fault"], r["status"], r["resp_body_bytes"]]')" '["truncate_response", 200, 2000000]'
faults "$M" '[{"match": {"method": "GET"}, "fault": "truncate_response"}]'
hc "$MX/obj?chunked=1" -o "$RUNDIR/trc" 2>/dev/null
rc=$?
check "truncate_response on a chunked body: curl 18" eq "$rc" 18
check "proxy still answers after the resets" eq "$(s3 "$PX/$BUCKET/rab" -o /dev/null -w '%{http_code}')" 200

echo "# faults: stalls"
faults "$P" '[{"match": {"method": "GET"}, "fault": "stall", "arg": {"seconds": 2}}]'
read -r code t < <(s3 "$PX/$BUCKET/rab" -o "$RUNDIR/st1" -w '%{http_code} %{time_total}')
check "stall before_response: waits >= 2 s" ge "$t" 2
check "stall before_response: then the whole object, byte-exact" eq "$code/$(cmp -s "$F/f4" "$RUNDIR/st1" && echo same)" "200/same"
faults "$P" '[{"match": {"method": "GET"}, "fault": "stall", "arg": {"seconds": 2, "when": "mid_response"}}]'
read -r code t < <(s3 "$PX/$BUCKET/rab" -o "$RUNDIR/st2" -w '%{http_code} %{time_total}')
check "stall mid_response: waits >= 2 s" ge "$t" 2
check "stall mid_response: then the whole object, byte-exact" eq "$code/$(cmp -s "$F/f4" "$RUNDIR/st2" && echo same)" "200/same"
faults "$P" '[{"match": {"method": "GET"}, "fault": "stall", "arg": {"seconds": 3}}]'
s3 --max-time 1 "$PX/$BUCKET/rab" -o /dev/null 2>/dev/null
check "stall longer than the client's timeout: curl 28" eq "$?" 28
faults "$P" '[{"match": {"method": "PUT"}, "fault": "stall", "arg": {"seconds": 1.5, "when": "before_body"}}]'
read -r code t < <(s3 -T "$F/f64k" "$PX/$BUCKET/stb" -o /dev/null -w '%{http_code} %{time_total}')
check "stall before_body: PUT waits >= 1.5 s, then succeeds" eq "$code/$(ge "$t" 1.5 && echo slow)" "200/slow"

echo "# faults: corruption"
faults "$P" '[{"match": {"method": "GET"}, "fault": "flip_byte"}]'
code=$(s3 "$PX/$BUCKET/rab" -o "$RUNDIR/flip" -w '%{http_code}')
check "flip_byte: 200 and the full length" eq "$code/$(size "$RUNDIR/flip")" "200/4000000"
check "flip_byte: cmp finds exactly one byte changed, in the middle" eq "$(cmp -l "$F/f4" "$RUNDIR/flip" | awk '{print $1}' | tr '\n' ' ')" "2000001 "
faults "$M" '[{"match": {"method": "GET"}, "fault": "flip_byte"}]'
hc "$MX/obj?chunked=1" -o "$RUNDIR/flipc"
check "flip_byte on a chunked body: exactly one byte changed" eq "$(ndiff "$F/f4" "$RUNDIR/flipc")/$(size "$RUNDIR/flipc")" "1/4000000"
s3 -T "$F/f64k" "$PX/$BUCKET/cpsrc" -o /dev/null
faults "$P" '[{"match": {"method": "PUT", "header": {"x-amz-copy-source": true}}, "fault": "error_in_200"}]'
code=$(s3 -X PUT -H "x-amz-copy-source: /$BUCKET/cpsrc" "$PX/$BUCKET/cpdst" -o "$RUNDIR/e200.xml" -w '%{http_code}')
check "error_in_200: 200 OK carrying <Error><Code>InternalError</Code><Message>injected</Message>" \
  eq "$code/$(grep -c '<Error><Code>InternalError</Code><Message>injected</Message>' "$RUNDIR/e200.xml")" "200/1"
check "error_in_200: the CopyObject did reach the upstream" eq "$(stored cpdst)" 65536
check "log: error_in_200 upstream_status 200" eq "$(logq "$P" '[r["fault"], r["status"], r["upstream_status"]]')" '["error_in_200", 200, 200]'
CRC_F1M=$("$PY" -c 'import base64,sys,zlib; print(base64.b64encode(zlib.crc32(open(sys.argv[1],"rb").read()).to_bytes(4,"big")).decode())' "$F/f1m")
faults "$P" '[{"match": {"method": "PUT"}, "corrupt_request_body": true}]'
code=$(s3 -T "$F/f1m" -H "x-amz-checksum-crc32: $CRC_F1M" "$PX/$BUCKET/corrupt" -o /dev/null -w '%{http_code}')
fetch_direct corrupt "$RUNDIR/corrupt.get"
check "corrupt_request_body: s3rver (which checks nothing) stored it with one byte flipped" \
  eq "$code/$(ndiff "$F/f1m" "$RUNDIR/corrupt.get")/$(size "$RUNDIR/corrupt.get")" "200/1/1048576"
check "corrupt_request_body: checksum_mismatch true for the right crc32 header" eq "$(logq "$P" '[r["fault"], r["checksum_mismatch"]]')" '["corrupt_request_body", true]'
echo "# response headers set, replaced and removed"
faults "$P" '[{"match": {"method": "GET", "path_contains": "/rab"}, "fault": "pass", "arg": {"response_headers": {"Content-Range": "bytes 0-99/4000000", "Last-Modified": null, "x-added": "yes"}}}]'
code=$(s3 -r 100-199 "$PX/$BUCKET/rab" -D "$RUNDIR/rh.h" -o "$RUNDIR/rh.get" -w '%{http_code}')
check "response_headers: Content-Range replaced (one header, the new value), body still range 100-199" \
  eq "$code/$(grep -ci '^content-range:' "$RUNDIR/rh.h")/$(grep -i '^content-range:' "$RUNDIR/rh.h" | tr -d '\r')/$(cmp -s "$RUNDIR/rh.get" <(tail -c +101 "$F/f4" | head -c 100) && echo same)" \
  "206/1/Content-Range: bytes 0-99/4000000/same"
check "response_headers: a null value removes the header, a new name is added" \
  eq "$(grep -ci '^last-modified:' "$RUNDIR/rh.h")/$(grep -ci '^x-added: yes' "$RUNDIR/rh.h")" "0/1"
ctl "$P" clear >/dev/null

echo "# absolute-form targets (the proxy as a client's http_proxy)"
ctl "$P" reset >/dev/null
code=$(curl -sS --proxy "$PX" --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "$XFER_TEST_ACCESS_KEY:$XFER_TEST_SECRET_KEY" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
  "$S3_DIRECT/$BUCKET/rab" -o "$RUNDIR/abs.get" -w '%{http_code}')
check "GET with the proxy as forward proxy: 200, byte-exact" eq "$code/$(cmp -s "$F/f4" "$RUNDIR/abs.get" && echo same)" "200/same"
check "log: absolute-form recorded as origin-form path, absolute true" \
  eq "$(logq "$P" '[r["method"], r["path"], r["absolute"], r["headers"]["host"]]')" "[\"GET\", \"/$BUCKET/rab\", true, \"${S3_DIRECT#http://}\"]"
code=$(curl -sS --proxy "$MX" "http://elsewhere.invalid:81/obj?chunked=1" -o "$RUNDIR/abs2.get" -w '%{http_code}')
check "absolute-form naming another host still goes to the upstream, query kept" \
  eq "$code/$(cmp -s "$F/f4" "$RUNDIR/abs2.get" && echo same)/$(logq "$M" '[r["path"], r["query"], r["absolute"]]')" '200/same/["/obj", "chunked=1", true]'
check "log: an origin-form request records absolute false" eq "$(s3 "$PX/$BUCKET/rab" -o /dev/null; logq "$P" 'r["absolute"]')" false

ctl "$P" clear >/dev/null
ctl "$M" clear >/dev/null

# --- checksums -------------------------------------------------------------------------

echo "# checksums"
b64() { # ALG FILE: a reference value computed here, not by the proxy
  "$PY" - "$1" "$2" <<'EOF'
import base64, hashlib, sys, zlib
alg, data = sys.argv[1], open(sys.argv[2], "rb").read()
def bitwise(poly, width, data):  # bit at a time: independent of the proxy's tables
    mask = (1 << width) - 1
    crc = mask
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return (crc ^ mask).to_bytes(width // 8, "big")
if alg == "crc32":
    d = zlib.crc32(data).to_bytes(4, "big")
elif alg == "crc32c":
    d = bitwise(0x82F63B78, 32, data)
elif alg == "crc64nvme":
    d = bitwise(0x9A6C9329AC4BC9B5, 64, data)
else:
    d = hashlib.new(alg, data).digest()
print(base64.b64encode(d).decode())
EOF
}
# ck_put FILE HEADER...: PUT through the proxy; prints "status mismatch"
ck_put() {
  local f=$1 hdrs=() h code
  shift
  for h; do hdrs+=(-H "$h"); done
  code=$(s3 -T "$f" "${hdrs[@]}" "$PX/$BUCKET/ck" -o /dev/null -w '%{http_code}')
  echo "$code $(logq "$P" 'r["checksum_mismatch"]')"
}
check "reference CRC-32C of 123456789 is 0xE3069283" eq "$(b64 crc32c "$F/check")" "$("$PY" -c 'import base64; print(base64.b64encode(bytes.fromhex("E3069283")).decode())')"
check "reference CRC-64/NVME of 123456789 is 0xAE8B14860A799888" eq "$(b64 crc64nvme "$F/check")" "$("$PY" -c 'import base64; print(base64.b64encode(bytes.fromhex("AE8B14860A799888")).decode())')"
head -c 300000 "$F/f4" >"$F/f300k"
check "no checksum header: checksum_mismatch null" eq "$(ck_put "$F/f64k")" "200 null"
check "right x-amz-checksum-crc32: false" eq "$(ck_put "$F/f1m" "x-amz-checksum-crc32: $(b64 crc32 "$F/f1m")")" "200 false"
check "wrong x-amz-checksum-crc32: true" eq "$(ck_put "$F/f1m" "x-amz-checksum-crc32: AAAAAA==")" "200 true"
check "log: expected and actual crc32 recorded" eq "$(logq "$P" 'r["checksums"]["crc32"]["expected"] + " " + r["checksums"]["crc32"]["actual"]')" "AAAAAA== $(b64 crc32 "$F/f1m")"
check "right x-amz-checksum-crc32c (123456789): false" eq "$(ck_put "$F/check" "x-amz-checksum-crc32c: 4waSgw==")" "200 false"
check "right x-amz-checksum-crc32c (300 kB, bitwise reference): false" eq "$(ck_put "$F/f300k" "x-amz-checksum-crc32c: $(b64 crc32c "$F/f300k")")" "200 false"
check "wrong x-amz-checksum-crc32c: true" eq "$(ck_put "$F/f300k" "x-amz-checksum-crc32c: $(b64 crc32c "$F/f64k")")" "200 true"
check "right x-amz-checksum-crc64nvme (123456789): false" eq "$(ck_put "$F/check" "x-amz-checksum-crc64nvme: rosUhgp5mIg=")" "200 false"
check "right x-amz-checksum-crc64nvme (300 kB, bitwise reference): false" eq "$(ck_put "$F/f300k" "x-amz-checksum-crc64nvme: $(b64 crc64nvme "$F/f300k")")" "200 false"
check "wrong x-amz-checksum-crc64nvme: true" eq "$(ck_put "$F/check" "x-amz-checksum-crc64nvme: AAAAAAAAAAA=")" "200 true"
check "right sha1 and sha256: false" eq "$(ck_put "$F/f1m" "x-amz-checksum-sha1: $(b64 sha1 "$F/f1m")" "x-amz-checksum-sha256: $(b64 sha256 "$F/f1m")")" "200 false"
check "right sha256 but wrong sha1: true" eq "$(ck_put "$F/f1m" "x-amz-checksum-sha1: $(b64 sha1 "$F/f64k")" "x-amz-checksum-sha256: $(b64 sha256 "$F/f1m")")" "200 true"
start=$(now)
check "crc32c over 4 MB streamed in pieces equals crc32c of the whole: false" eq "$(ck_put "$F/f4" "x-amz-checksum-crc32c: $("$PY" -c '
import sys
sys.path.insert(0, sys.argv[2])
from faultproxy import checksum_b64
print(checksum_b64("crc32c", open(sys.argv[1], "rb").read()))' "$F/f4" "$HERE")")" "200 false"
echo "       (4 MB with crc32c took $(since "$start") s, both sides pure Python)"
# shellcheck disable=SC2094
code=$(hc -T - -H "x-amz-checksum-crc32: $(b64 crc32 "$F/f4")" "$MX/ckchunked" -o /dev/null -w '%{http_code}' <"$F/f4")
check "crc32 over a chunked request body: false" eq "$code $(logq "$M" 'r["checksum_mismatch"]')" "200 false"

# --- log and stats ---------------------------------------------------------------------

echo "# log and stats"
ctl "$P" reset >/dev/null
check "reset: stats are zero" eq "$(statq "$P" requests) $(statq "$P" max_concurrent)" "0 0"
check "reset: the log is empty" eq "$(ctl "$P" log | wc -l)" 0
check "reset: the --log file is empty" eq "$(size "$RUNDIR/p-s3/proxy-requests.jsonl")" 0
s3 -T "$F/f64k" "$PX/$BUCKET/l1" -o /dev/null
s3 "$PX/$BUCKET/l1" -o /dev/null
s3 -X DELETE "$PX/$BUCKET/l1" -o /dev/null
check "stats: 3 requests" eq "$(statq "$P" requests)" 3
check "log: 3 records in order, every field present" eq "$(logq "$P" '[[x["method"] for x in L], all(set(x) >= {"id","conn","method","path","query","headers","req_body_bytes","status","resp_body_bytes","t_start","t_end","fault","checksum_mismatch"} for x in L), [x["id"] for x in L] == sorted(x["id"] for x in L)]')" '[["PUT", "GET", "DELETE"], true, true]'
check "the --log file holds the same lines as GET /_proxy/log" cmp -s <(ctl "$P" log) "$RUNDIR/p-s3/proxy-requests.jsonl"
first=$(logq "$P" 'L[0]["id"]')
check "GET /_proxy/log?since=ID" eq "$(ctl "$P" log "$first" | wc -l)" 2
code=$(hc "$PX/_proxy/nope" -o "$RUNDIR/nope" -w '%{http_code}')
check "unknown control path: 404 from the proxy, not forwarded or logged" eq "$code/$(statq "$P" requests)" "404/3"
faults "$P" '[{"match": {"path_contains": "/conc"}, "fault": "stall", "arg": {"seconds": 1.5}, "times": -1}]'
ctl "$P" reset >/dev/null
pids=()
for i in 1 2 3 4 5 6; do
  s3 "$PX/$BUCKET/conc$i" -o /dev/null &
  pids+=($!)
done
wait "${pids[@]}"
check "stats: 6 parallel stalled requests give max_concurrent 6" eq "$(statq "$P" max_concurrent) $(statq "$P" requests)" "6 6"
check "log: 6 different client connections" eq "$(logq "$P" 'len({x["conn"] for x in L})')" 6
ctl "$P" clear >/dev/null
ctl "$P" reset >/dev/null
check "after reset max_concurrent is 0 again" eq "$(statq "$P" max_concurrent)" 0

# --- Swift (optional): SigV4 and payload hash verified by the server -------------------

if [ "${PROXY_TEST_SWIFT:-0}" = 1 ]; then
  echo "# Swift: signed requests stay valid through the proxy"
  # shellcheck disable=SC1091
  if "$ROOT/tests/servers/start.sh" swift "$RUNDIR/swift" 2>"$RUNDIR/swift-start.log" &&
    "$HERE/start.sh" "$(. "$RUNDIR/swift/env" && echo "$XFER_TEST_ENDPOINT")" "$RUNDIR/p-swift"; then
    SWP=$(cat "$RUNDIR/p-swift/proxy.port")
    SW=http://127.0.0.1:$SWP
    (
      # shellcheck disable=SC1091
      . "$RUNDIR/swift/env"
      XFER_TEST_ENDPOINT=$SW "$PY" "$S3CHECK" put "$XFER_TEST_BUCKET" sw "$F/f4" >/dev/null &&
        XFER_TEST_ENDPOINT=$SW "$PY" "$S3CHECK" get "$XFER_TEST_BUCKET" sw "$RUNDIR/sw.get" >/dev/null &&
        cmp -s "$F/f4" "$RUNDIR/sw.get"
    )
    check "Swift accepts SigV4-signed PUT and GET through the proxy" eq "$?" 0
    check "Swift: the proxy saw 200s" eq "$(logq "$SWP" '[x["status"] for x in L][-2:]')" "[200, 200]"
  else
    cat "$RUNDIR/swift-start.log"
    bad "Swift and its proxy start"
  fi
fi

# --- throughput ------------------------------------------------------------------------

echo "# throughput (200 MB, curl, loopback)"
N=$((200 * 1024 * 1024))
head -c $N /dev/urandom >"$F/f200"
rm -f "$F/f50"
mbps() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
# rate LABEL CURL-ARGS...: runs curl and prints MB/s
rate() {
  local label=$1 r
  shift
  r=$("$@" -w '%{speed_download} %{speed_upload}' 2>/dev/null) || {
    echo "       $label: curl failed" >&2
    echo 0
    return
  }
  r=$(awk '{ print ($1 > $2 ? $1 : $2) }' <<<"$r")
  mbps "$r"
}
g_mini_d=$(rate "" hc "$MINI_DIRECT/gen/$N" -o /dev/null)
g_mini_p=$(rate "" hc "$MX/gen/$N" -o /dev/null)
p_mini_d=$(rate "" hc -T "$F/f200" "$MINI_DIRECT/sink/x" -o /dev/null)
p_mini_p=$(rate "" hc -T "$F/f200" "$MX/sink/x" -o /dev/null)
p_s3_d=$(rate "" s3 -T "$F/f200" "$S3_DIRECT/$BUCKET/t200" -o /dev/null)
p_s3_p=$(rate "" s3 -T "$F/f200" "$PX/$BUCKET/t200" -o /dev/null)
g_s3_d=$(rate "" s3 "$S3_DIRECT/$BUCKET/t200" -o /dev/null)
g_s3_p=$(rate "" s3 "$PX/$BUCKET/t200" -o /dev/null)
printf '       %-28s %10s %10s\n' "MB/s" direct "via proxy"
printf '       %-28s %10s %10s\n' "GET 200 MB, mini upstream" "$g_mini_d" "$g_mini_p" \
  "PUT 200 MB, mini upstream" "$p_mini_d" "$p_mini_p" \
  "GET 200 MB, s3rver" "$g_s3_d" "$g_s3_p" \
  "PUT 200 MB, s3rver" "$p_s3_d" "$p_s3_p"
check "200 MB GET and PUT through the proxy completed" eval "[ $g_mini_p -gt 0 ] && [ $p_mini_p -gt 0 ] && [ $g_s3_p -gt 0 ] && [ $p_s3_p -gt 0 ]"
if [ -n "${XFER_PROXY_MIN_MBPS:-}" ]; then
  check "proxied GET >= $XFER_PROXY_MIN_MBPS MB/s" ge "$g_mini_p" "$XFER_PROXY_MIN_MBPS"
  check "proxied PUT >= $XFER_PROXY_MIN_MBPS MB/s" ge "$p_mini_p" "$XFER_PROXY_MIN_MBPS"
fi

# --- stop ------------------------------------------------------------------------------

read -r ppid _ <"$RUNDIR/p-s3/proxy.pid"
"$HERE/stop.sh" "$RUNDIR/p-s3"
check "stop.sh ends the proxy" eval "[ ! -e /proc/$ppid ] || grep -q '^[^ ]* ([^)]*) Z' /proc/$ppid/stat"
check "stop.sh again is a no-op" "$HERE/stop.sh" "$RUNDIR/p-s3"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
