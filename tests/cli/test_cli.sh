#!/usr/bin/env bash
# tests/cli/test_cli.sh: end-to-end tests of the `xfer` command-line tool against a running S3 test server.
#
# usage: XFER=path/to/xfer [XFER_TEST_ENDPOINT=... XFER_TEST_ACCESS_KEY=... XFER_TEST_SECRET_KEY=...
#        XFER_TEST_REGION=... XFER_TEST_SERVER=swift|s3rver] tests/cli/test_cli.sh
#
# The XFER_TEST_* variables are the ones tests/servers/start.sh writes to RUNDIR/env (the bucket
# xfer-test must exist). Without XFER_TEST_ENDPOINT only the offline checks run and the server
# checks are counted as skipped. XFER_CLI_TEST_ARGS adds options to every command that talks to
# the server (e.g. "--checksum-algorithm NONE"). What the server stored is checked with
# tests/servers/s3check.py (its own SigV4 client), not with xfer itself.
# Prints one line per check and "N passed, M failed" (", K skipped") at the end; exits 1 if any
# check failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3 # Debian's: s3check.py needs only the standard library
S3CHECK=${XFER_TEST_S3CHECK:-$ROOT/tests/servers/s3check.py}
BUCKET=${XFER_TEST_BUCKET:-xfer-test}
SERVER=${XFER_TEST_SERVER:-unknown}

if [ -z "${XFER:-}" ] || [ ! -x "$XFER" ]; then
  echo "test_cli.sh: set XFER to the path of the xfer binary (got '${XFER:-}')" >&2
  exit 2
fi
XFER=$(cd "$(dirname "$XFER")" && pwd)/$(basename "$XFER")

PASS=0
FAIL=0
SKIP=0
T=$(mktemp -d "${TMPDIR:-/tmp}/xfer-cli-test.XXXXXX")
BG_PID=""
PRODUCER=""
cleanup() {
  if [ -n "$BG_PID" ]; then kill -KILL "$BG_PID" 2>/dev/null; fi
  if [ -n "$PRODUCER" ]; then kill -KILL "$PRODUCER" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 2

pass() {
  PASS=$((PASS + 1))
  echo "ok      $1"
}
fail() {
  FAIL=$((FAIL + 1))
  echo "FAILED  $1"
  if [ $# -gt 1 ] && [ -n "$2" ]; then printf '%s\n' "$2" | head -n 20 | sed 's/^/        | /'; fi
}
skip() {
  SKIP=$((SKIP + 1))
  echo "skipped $1"
}
# What the last run printed, for failure reports.
said() { printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$(head -c 1500 out)" "$(head -c 1500 err)"; }

# Keep ~/.aws and the caller's AWS_* settings out of the way: every test configures itself.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=$T/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$T/no-aws-credentials
export AWS_ACCESS_KEY_ID=${XFER_TEST_ACCESS_KEY:-AKIDEXAMPLE}
export AWS_SECRET_ACCESS_KEY=${XFER_TEST_SECRET_KEY:-wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY}
export AWS_REGION=${XFER_TEST_REGION:-us-east-1}

read -r -a EXTRA <<<"${XFER_CLI_TEST_ARGS:-}"

# run ARGS...: runs xfer without a terminal or stdin; sets RC, leaves out and err.
run() {
  timeout 300 "$XFER" "$@" >out 2>err </dev/null
  RC=$?
}
# srv ARGS...: run, talking to the test server.
srv() {
  run --endpoint-url "$XFER_TEST_ENDPOINT" "$@" "${EXTRA[@]}"
}
# pty_run ARGS...: runs xfer on a pseudo-terminal (util-linux script); output in pty.out, RC.
pty_run() {
  local cmd
  cmd=$(printf '%q ' timeout 300 "$XFER" "$@")
  script -qfec "$cmd" /dev/null >pty.out 2>&1 </dev/null
  RC=$?
}
s3check() {
  XFER_TEST_ENDPOINT=$XFER_TEST_ENDPOINT XFER_TEST_ACCESS_KEY=$XFER_TEST_ACCESS_KEY \
    XFER_TEST_SECRET_KEY=$XFER_TEST_SECRET_KEY XFER_TEST_REGION=${XFER_TEST_REGION:-us-east-1} \
    S3CHECK_TIMEOUT=20 "$PY" "$S3CHECK" "$@"
}
# Open multipart uploads for KEY in the bucket: prints their count.
open_uploads() {
  s3check list-uploads "$BUCKET" | "$PY" -c \
    'import json,sys; k=sys.argv[1]; print(sum(1 for u in json.load(sys.stdin) if u["key"] == k))' "$1"
}
now_ms() { date +%s%3N; }
has_cr() { grep -q $'\r' "$1"; }
lines() { wc -l <"$1" | tr -d ' '; }

# ---- offline: version, help, usage errors ---------------------------------------------------

run --version
if [ $RC -eq 0 ] && grep -Eqx 'xfer [0-9]+\.[0-9]+\.[0-9]+ \(libxfer [0-9]+\.[0-9]+\.[0-9]+\)' out; then
  pass "--version prints 'xfer X.Y.Z (libxfer X.Y.Z)'"
else
  fail "--version prints 'xfer X.Y.Z (libxfer X.Y.Z)'" "$(said)"
fi

run help
if [ $RC -eq 0 ] && grep -q '^  cp ' out && grep -q '^  presign ' out && grep -q '^  ls .*coming' out &&
  grep -q -- '--endpoint-url' out && [ ! -s err ]; then
  pass "help lists the commands (ls as coming) and global options"
else
  fail "help lists the commands (ls as coming) and global options" "$(said)"
fi

run help cp
cp out help_cp
run cp --help
if [ $RC -eq 0 ] && grep -q '^usage: xfer cp SRC DST' out && grep -q -- '--multipart-chunksize SIZE' out &&
  grep -q -- '--max-bandwidth RATE' out && cmp -s out help_cp; then
  pass "help cp and cp --help show cp's usage and options"
else
  fail "help cp and cp --help show cp's usage and options" "$(said)"
fi

ok=1
for c in rm mb rb presign; do
  run "$c" --help
  if [ $RC -ne 0 ] || ! grep -q "^usage: xfer $c " out; then
    ok=0
    break
  fi
done
if [ $ok -eq 1 ]; then pass "--help works on rm, mb, rb and presign"; else fail "--help on $c" "$(said)"; fi

run presign --help
if grep -q -- '--expires-in SECONDS' out && ! grep -q -- '--content-type' out; then
  pass "a command's help lists only the options it takes"
else
  fail "a command's help lists only the options it takes" "$(said)"
fi

# usage_error DESCRIPTION EXPECTED_TEXT ARGS...: exit 2, one "xfer: ..." line naming the problem.
usage_error() {
  local what=$1 text=$2
  shift 2
  run "$@"
  if [ $RC -eq 2 ] && [ ! -s out ] && head -n 1 err | grep -q "^xfer: .*$text"; then
    pass "usage error (exit 2): $what"
  else
    fail "usage error (exit 2): $what" "$(said)"
  fi
}
usage_error "no command" "" # prints the general help on stderr
usage_error "unknown command" "unknown command 'frob'" frob
usage_error "ls is coming, not there yet" "ls" ls s3://b
usage_error "unknown option" "unknown option '--frobnicate'" cp a s3://b/k --frobnicate
usage_error "unknown short option" "unknown option '-x'" -x cp a s3://b/k
usage_error "option missing its value" "--region needs a value" cp a s3://b/k --region
usage_error "cp with one argument" "cp needs SRC and DST" cp s3://b/k
usage_error "cp with three arguments" "cp needs SRC and DST" cp a b s3://b/k
usage_error "cp local to local" "must be an s3:// URL" cp a b
usage_error "cp stdin to stdout" "must be an s3:// URL" cp - -
usage_error "--recursive is not supported yet" "--recursive is not supported yet" cp --recursive d s3://b/d/
usage_error "bad size" "--multipart-chunksize: unknown unit 'XB'" cp a s3://b/k --multipart-chunksize 12XB
usage_error "bad rate" "--max-bandwidth" cp a s3://b/k --max-bandwidth fast
usage_error "zero concurrency" "--max-concurrency" cp a s3://b/k --max-concurrency 0
usage_error "unknown checksum algorithm" "--checksum-algorithm" cp a s3://b/k --checksum-algorithm MD5
usage_error "option the command does not take" "--content-type does not apply to 'rm'" \
  rm s3://b/k --content-type text/plain
usage_error "object option that does not apply to a download" "--content-type does not apply to downloads" \
  cp s3://b/k ./k --content-type text/plain
usage_error "bad --metadata" "expected KEY=VALUE" cp a s3://b/k --metadata novalue
usage_error "empty bucket name" "missing bucket name" rm s3:///k
usage_error "rm of a bucket" "names no object" rm s3://b
usage_error "mb of an object" "names an object" mb s3://b/k
usage_error "presign --expires-in out of range" "--expires-in" presign s3://b/k --expires-in 604801
usage_error "download of a prefix" "names no object" cp s3://b/dir/ ./x
usage_error "stdin upload needs a key" "needs a key" cp - s3://b/dir/

# Global options go before or after the command; --dryrun shows the plan without a server.
echo data >small.txt
run --region eu-west-1 --dryrun cp small.txt s3://b/dir/ --no-progress --endpoint-url http://127.0.0.1:9
if [ $RC -eq 0 ] && [ "$(cat out)" = "(dryrun) upload: ./small.txt to s3://b/dir/small.txt" ]; then
  pass "global options before and after the command; DST ending in / takes the basename"
else
  fail "global options before and after the command; DST ending in / takes the basename" "$(said)"
fi

run cp missing-file s3://b/k --endpoint-url http://127.0.0.1:9
if [ $RC -eq 3 ] && grep -q '^xfer: upload failed: ./missing-file: No such file or directory$' err; then
  pass "missing local source: exit 3, one line"
else
  fail "missing local source: exit 3, one line" "$(said)"
fi

run cp small.txt s3://xfer-test/k --endpoint-url http://127.0.0.1:9 --connect-timeout 2
if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q '^xfer: upload failed: s3://xfer-test/k: ' err; then
  pass "connection refused: exit 1, one error line"
else
  fail "connection refused: exit 1, one error line" "$(said)"
fi

# ---- against the server ----------------------------------------------------------------------

if [ -z "${XFER_TEST_ENDPOINT:-}" ]; then
  for c in "20 MiB round trip" "stdin/stdout round trip" "s3 to s3 copy" "rm then NoSuchKey" \
    "progress on a terminal" "no progress off a terminal" "SIGINT" "presign" "mb/rb" "headers"; do
    skip "$c (no XFER_TEST_ENDPOINT)"
  done
else
  P="cli-$$-$RANDOM" # key prefix of this run
  URL="s3://$BUCKET/$P"

  # Local -> S3 -> local, 20 MiB (multipart at the default 8 MiB threshold).
  head -c $((20 << 20)) /dev/urandom >f20
  srv cp f20 "$URL/dir/"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "upload: ./f20 to $URL/dir/f20" ] && [ ! -s err ]; then
    pass "upload 20 MiB: one result line, nothing on stderr"
  else
    fail "upload 20 MiB: one result line, nothing on stderr" "$(said)"
  fi
  size=$(s3check head "$BUCKET" "$P/dir/f20" 2>&1 | "$PY" -c \
    'import json,sys; print(json.load(sys.stdin)["headers"].get("content-length"))' 2>/dev/null)
  if [ "$size" = $((20 << 20)) ]; then
    pass "the server holds all 20 MiB under the key"
  else
    fail "the server holds all 20 MiB under the key" "HEAD content-length: $size"
  fi
  mkdir dl
  srv cp "$URL/dir/f20" dl/
  if [ $RC -eq 0 ] && cmp -s f20 dl/f20 && [ "$(cat out)" = "download: $URL/dir/f20 to ./dl/f20" ]; then
    pass "download into a folder: same bytes (cmp)"
  else
    fail "download into a folder: same bytes (cmp)" "$(said)"
  fi
  srv cp "$URL/dir/f20" "$T/dl/renamed.bin" --quiet
  if [ $RC -eq 0 ] && cmp -s f20 dl/renamed.bin && [ ! -s out ] && [ ! -s err ]; then
    pass "download to a named file with --quiet: same bytes, nothing printed"
  else
    fail "download to a named file with --quiet: same bytes, nothing printed" "$(said)"
  fi

  # stdin -> S3 -> stdout: 12 MiB (more than one part) and a small one.
  head -c $((12 << 20)) /dev/urandom >f12
  timeout 300 "$XFER" cp - "$URL/stream" --endpoint-url "$XFER_TEST_ENDPOINT" "${EXTRA[@]}" \
    <f12 >out 2>err
  RC=$?
  if [ $RC -eq 0 ] && [ "$(cat out)" = "upload: - to $URL/stream" ]; then
    pass "upload 12 MiB from stdin"
  else
    fail "upload 12 MiB from stdin" "$(said)"
  fi
  timeout 300 "$XFER" cp "$URL/stream" - --endpoint-url "$XFER_TEST_ENDPOINT" >f12.back 2>err </dev/null
  RC=$?
  if [ $RC -eq 0 ] && cmp -s f12 f12.back && [ ! -s err ]; then
    pass "download to stdout: same bytes (cmp), nothing else on stdout"
  else
    fail "download to stdout: same bytes (cmp), nothing else on stdout" "exit $RC; $(cmp f12 f12.back 2>&1); $(cat err)"
  fi
  printf 'hello\n' | timeout 60 "$XFER" cp - "$URL/hello" --endpoint-url "$XFER_TEST_ENDPOINT" \
    "${EXTRA[@]}" >out 2>err
  back=$(timeout 60 "$XFER" cp "$URL/hello" - --endpoint-url "$XFER_TEST_ENDPOINT" 2>err)
  if [ "$back" = hello ]; then pass "small stdin/stdout round trip"; else fail "small stdin/stdout round trip" "got '$back'; $(cat err)"; fi

  # S3 -> S3 copy (server-side), checked by fetching the copy with s3check. 20 MiB goes
  # multipart (UploadPartCopy); s3rver lacks that, so there a single CopyObject is used.
  what="s3 to s3 copy of 20 MiB (multipart)"
  big_copy=()
  if [ "$SERVER" = s3rver ]; then
    what="s3 to s3 copy of 20 MiB (CopyObject; s3rver has no UploadPartCopy)"
    big_copy=(--multipart-threshold 64MiB)
  fi
  srv cp "$URL/dir/f20" "$URL/copies/" "${big_copy[@]}"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "copy: $URL/dir/f20 to $URL/copies/f20" ]; then
    s3check get "$BUCKET" "$P/copies/f20" copy.bin >/dev/null 2>&1
    if cmp -s f20 copy.bin; then
      pass "$what: the copy has the same bytes"
    else
      fail "$what: the copy has the same bytes" "$(cmp f20 copy.bin 2>&1)"
    fi
  else
    fail "$what" "$(said)"
  fi

  # Keys with spaces, '+', '%', unicode and '//' survive a round trip (s3rver cannot do '//').
  KEY="$P/we ird+key%20é//x"
  if [ "$SERVER" = s3rver ]; then KEY="$P/we ird+key%20é/x"; fi
  srv cp small.txt "s3://$BUCKET/$KEY"
  up=$RC
  srv cp "s3://$BUCKET/$KEY" odd.txt
  if [ $up -eq 0 ] && [ $RC -eq 0 ] && cmp -s small.txt odd.txt && s3check head "$BUCKET" "$KEY" >/dev/null 2>&1; then
    pass "a key with spaces, +, %, unicode and // round-trips under that exact key"
  else
    fail "a key with spaces, +, %, unicode and // round-trips under that exact key" "upload exit $up; $(said)"
  fi

  # rm, then the key is gone: NoSuchKey (404) on one line, exit 1, no local file.
  srv rm "$URL/hello"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "delete: $URL/hello" ]; then pass "rm prints 'delete: URL'"; else fail "rm prints 'delete: URL'" "$(said)"; fi
  srv cp "$URL/hello" gone.txt
  if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q "^xfer: download failed: $URL/hello: NoSuchKey (404)" err &&
    [ ! -e gone.txt ]; then
    pass "cp of a removed key: exit 1, 'NoSuchKey (404)' on one line, no local file"
  else
    fail "cp of a removed key: exit 1, 'NoSuchKey (404)' on one line, no local file" "$(said)"
  fi
  srv cp f20 "s3://xfer-no-such-bucket-$$/k"
  if [ $RC -eq 1 ] && grep -q 'NoSuchBucket (404)' err; then
    pass "upload to a missing bucket: NoSuchBucket (404), exit 1"
  else
    fail "upload to a missing bucket: NoSuchBucket (404), exit 1" "$(said)"
  fi

  # Content-Type and metadata reach the server; the type is guessed from the extension.
  echo '{}' >doc.json
  srv cp doc.json "$URL/meta/doc" --content-type text/x-test --metadata color=blue --metadata=size=xl
  hdrs=$(s3check head "$BUCKET" "$P/meta/doc" 2>&1)
  srv cp doc.json "$URL/meta/"
  guessed=$(s3check head "$BUCKET" "$P/meta/doc.json" 2>&1)
  if grep -q '"content-type": "text/x-test"' <<<"$hdrs" && grep -q '"x-amz-meta-color": "blue"' <<<"$hdrs" &&
    grep -q '"x-amz-meta-size": "xl"' <<<"$hdrs" && grep -q '"content-type": "application/json"' <<<"$guessed"; then
    pass "headers: --content-type, --metadata and a guessed Content-Type are stored"
  else
    fail "headers: --content-type, --metadata and a guessed Content-Type are stored" "$hdrs"$'\n'"$guessed"
  fi

  # Progress: on a terminal one line redrawn in place; off a terminal, results only.
  pty_run cp f20 "$URL/progress" --endpoint-url "$XFER_TEST_ENDPOINT" --max-bandwidth 10MB/s "${EXTRA[@]}"
  if [ $RC -eq 0 ] && grep -q '%' pty.out && has_cr pty.out && grep -q $'\x1b\\[K' pty.out &&
    grep -q 'MiB/20.0 MiB' pty.out && grep -q "upload: ./f20 to $URL/progress" pty.out; then
    pass "progress on a terminal: '\\r...%...\\e[K' redraws, then the result line"
  else
    fail "progress on a terminal: '\\r...%...\\e[K' redraws, then the result line" "exit $RC: $(head -c 600 pty.out | cat -v)"
  fi
  srv cp f20 "$URL/progress2" --max-bandwidth 20MB/s
  if [ $RC -eq 0 ] && ! has_cr out && ! has_cr err && ! grep -q $'\x1b' out err && [ ! -s err ] &&
    [ "$(lines out)" = 1 ]; then
    pass "off a terminal: no '\\r', no escapes, only the result line"
  else
    fail "off a terminal: no '\\r', no escapes, only the result line" "$(said | cat -v)"
  fi
  pty_run cp f20 "$URL/progress3" --endpoint-url "$XFER_TEST_ENDPOINT" --max-bandwidth 10MB/s \
    --no-progress "${EXTRA[@]}"
  if ! grep -q $'\x1b' pty.out && grep -q "upload: ./f20" pty.out; then
    pass "--no-progress on a terminal: no progress line"
  else
    fail "--no-progress on a terminal: no progress line" "$(head -c 600 pty.out | cat -v)"
  fi

  # SIGINT during a long upload: exit 130 within 2 s, multipart upload aborted.
  head -c $((200 << 20)) /dev/urandom >f200
  timeout 300 "$XFER" cp f200 "$URL/interrupted" --endpoint-url "$XFER_TEST_ENDPOINT" \
    --max-bandwidth 20MB/s "${EXTRA[@]}" >out 2>err </dev/null &
  BG_PID=$!
  # Wait until the upload is under way (the multipart upload exists), at most 10 s.
  for _ in $(seq 1 100); do
    if [ "$SERVER" = s3rver ]; then sleep 2 && break; fi # s3rver cannot list uploads
    [ "$(open_uploads "$P/interrupted" 2>/dev/null)" = 1 ] && break
    sleep 0.1
  done
  sleep 0.5
  t0=$(now_ms)
  kill -INT "$BG_PID"
  while kill -0 "$BG_PID" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 10000 ]; do sleep 0.02; done
  t1=$(now_ms)
  wait "$BG_PID"
  RC=$?
  BG_PID=""
  if [ $RC -eq 130 ] && [ $((t1 - t0)) -le 2000 ] && grep -q '^xfer: cancelled$' err; then
    pass "SIGINT during a 200 MiB upload: 'xfer: cancelled', exit 130 after $((t1 - t0)) ms"
  else
    fail "SIGINT during a 200 MiB upload: 'xfer: cancelled', exit 130 within 2 s" "took $((t1 - t0)) ms; $(said)"
  fi
  if [ "$SERVER" = s3rver ]; then
    skip "no open multipart upload after SIGINT (s3rver cannot list uploads)"
  else
    n=$(open_uploads "$P/interrupted" 2>&1)
    if [ "$n" = 0 ]; then
      pass "no open multipart upload left after SIGINT (ListMultipartUploads)"
    else
      fail "no open multipart upload left after SIGINT (ListMultipartUploads)" "open uploads: $n"
    fi
  fi
  if ! s3check head "$BUCKET" "$P/interrupted" >/dev/null 2>&1; then
    pass "no object was created by the interrupted upload"
  else
    fail "no object was created by the interrupted upload"
  fi

  # SIGINT while waiting for a silent stdin (the read blocks): also exit 130 within 2 s.
  mkfifo slow.fifo
  {
    head -c $((9 << 20)) f12
    exec sleep 60
  } >slow.fifo &
  PRODUCER=$!
  timeout 300 "$XFER" cp - "$URL/interrupted-stdin" --endpoint-url "$XFER_TEST_ENDPOINT" "${EXTRA[@]}" \
    <slow.fifo >out 2>err &
  BG_PID=$!
  sleep 2
  t0=$(now_ms)
  kill -INT "$BG_PID"
  while kill -0 "$BG_PID" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 10000 ]; do sleep 0.02; done
  t1=$(now_ms)
  wait "$BG_PID"
  RC=$?
  BG_PID=""
  kill "$PRODUCER" 2>/dev/null
  wait "$PRODUCER" 2>/dev/null
  if [ $RC -eq 130 ] && [ $((t1 - t0)) -le 2000 ] && grep -q '^xfer: cancelled$' err &&
    ! s3check head "$BUCKET" "$P/interrupted-stdin" >/dev/null 2>&1; then
    pass "SIGINT while stdin is silent: 'xfer: cancelled', exit 130 after $((t1 - t0)) ms, no object"
  else
    fail "SIGINT while stdin is silent: 'xfer: cancelled', exit 130 within 2 s, no object" "took $((t1 - t0)) ms; $(said)"
  fi
  if [ "$SERVER" = s3rver ]; then
    skip "no open multipart upload after SIGINT on stdin (s3rver cannot list uploads)"
  else
    n=$(open_uploads "$P/interrupted-stdin" 2>&1)
    if [ "$n" = 0 ]; then
      pass "no open multipart upload left after SIGINT on stdin"
    else
      fail "no open multipart upload left after SIGINT on stdin" "open uploads: $n"
    fi
  fi

  # presign: a GET URL that works without credentials.
  srv presign "$URL/dir/f20" --expires-in 600
  presigned=$(cat out)
  if [ $RC -eq 0 ] && [[ $presigned == http*X-Amz-Expires=600*X-Amz-Signature=* ]]; then
    if [ "$SERVER" = s3rver ]; then
      pass "presign prints a signed URL"
    elif curl -fsS --noproxy '*' --max-time 60 -o presigned.bin "$presigned" && cmp -s f20 presigned.bin; then
      pass "presign: the URL downloads the object with plain curl"
    else
      fail "presign: the URL downloads the object with plain curl" "$presigned"
    fi
  else
    fail "presign prints a signed URL" "$(said)"
  fi

  # mb / rb.
  B2="xfer-cli-$$-$RANDOM"
  srv mb "s3://$B2"
  mb_out=$(cat out)
  listed=$(s3check list-buckets 2>&1)
  srv rb "s3://$B2"
  rb_out=$(cat out)
  if [ "$mb_out" = "make_bucket: $B2" ] && grep -q "\"$B2\"" <<<"$listed" && [ "$rb_out" = "remove_bucket: $B2" ] &&
    ! s3check list-buckets 2>&1 | grep -q "\"$B2\""; then
    pass "mb creates and rb removes a bucket"
  else
    fail "mb creates and rb removes a bucket" "mb: $mb_out; rb: $rb_out; $(said)"
  fi
  srv rb "s3://$B2"
  if [ $RC -eq 1 ] && grep -q "^xfer: remove_bucket failed: s3://$B2: NoSuchBucket (404)" err; then
    pass "rb of a missing bucket: NoSuchBucket (404), exit 1"
  else
    fail "rb of a missing bucket: NoSuchBucket (404), exit 1" "$(said)"
  fi

  # Clean up this run's objects (best effort).
  s3check list-objects "$BUCKET" "$P/" 2>/dev/null | "$PY" -c \
    'import json,sys; [print(o["key"]) for o in json.load(sys.stdin)]' 2>/dev/null |
    while IFS= read -r k; do s3check delete "$BUCKET" "$k" >/dev/null 2>&1; done
fi

if [ $SKIP -gt 0 ]; then
  echo "$PASS passed, $FAIL failed, $SKIP skipped"
else
  echo "$PASS passed, $FAIL failed"
fi
[ $FAIL -eq 0 ]
