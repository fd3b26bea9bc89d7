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

# expect_no_open_uploads KEY WHEN: a test that no multipart upload of KEY is open
# (ListMultipartUploads; s3rver cannot list them, so there it is skipped).
expect_no_open_uploads() {
  if [ "$SERVER" = s3rver ]; then
    skip "no open multipart upload $2 (s3rver cannot list uploads)"
    return
  fi
  local n
  n=$(open_uploads "$1" 2>&1)
  if [ "$n" = 0 ]; then
    pass "no open multipart upload left $2 (ListMultipartUploads)"
  else
    fail "no open multipart upload left $2 (ListMultipartUploads)" "open uploads: $n"
  fi
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
if [ $RC -eq 0 ] && grep -q '^  cp ' out && grep -q '^  presign ' out && grep -q '^  ls ' out &&
  ! grep -q 'coming' out && grep -q -- '--endpoint-url' out && [ ! -s err ]; then
  pass "help lists the commands and global options"
else
  fail "help lists the commands and global options" "$(said)"
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
for c in ls rm mb rb presign; do
  run "$c" --help
  if [ $RC -ne 0 ] || ! grep -q "^usage: xfer $c " out; then
    ok=0
    break
  fi
done
if [ $ok -eq 1 ]; then pass "--help works on ls, rm, mb, rb and presign"; else fail "--help on $c" "$(said)"; fi

run ls --help
if grep -q -- '--human-readable' out && grep -q -- '--summarize' out && grep -q -- '--recursive' out &&
  ! grep -q -- '--exclude' out; then
  pass "ls --help lists --recursive, --human-readable, --summarize (not --exclude)"
else
  fail "ls --help lists --recursive, --human-readable, --summarize (not --exclude)" "$(said)"
fi

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
usage_error "ls without a bucket" "listing buckets is not supported" ls
usage_error "ls of two URLs" "ls needs exactly one s3:// URL" ls s3://b s3://c
usage_error "ls of a local path" "not an s3:// URL" ls ./dir
usage_error "unknown option" "unknown option '--frobnicate'" cp a s3://b/k --frobnicate
usage_error "unknown short option" "unknown option '-x'" -x cp a s3://b/k
usage_error "option missing its value" "--region needs a value" cp a s3://b/k --region
usage_error "cp with one argument" "cp needs SRC and DST" cp s3://b/k
usage_error "cp with three arguments" "cp needs SRC and DST" cp a b s3://b/k
usage_error "cp local to local" "must be an s3:// URL" cp a b
usage_error "cp stdin to stdout" "must be an s3:// URL" cp - -
usage_error "cp --recursive from S3 to S3" "from S3 to S3 are not supported" cp --recursive s3://b/d/ s3://c/d/
usage_error "cp --recursive with stdin" "not '-'" cp --recursive - s3://b/d/
usage_error "--exclude without --recursive" "need --recursive" cp a s3://b/k --exclude '*.tmp'
usage_error "--exclude on rm" "--exclude does not apply to 'rm'" rm --recursive s3://b/d --exclude x
usage_error "--human-readable on cp" "--human-readable does not apply to 'cp'" cp a s3://b/k --human-readable
usage_error "rm --recursive with --version-id" "does not apply with --recursive" rm --recursive s3://b/d --version-id v
usage_error "cp --recursive with --version-id" "does not apply with --recursive" cp --recursive s3://b/d/ ./d --version-id v
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
usage_error "download of a prefix" "names no object (a prefix needs --recursive)" cp s3://b/dir/ ./x
usage_error "stdin upload needs a key" "needs a key" cp - s3://b/dir/
usage_error "--aws-chunked needs a size" "--aws-chunked needs --expected-size" cp - s3://b/k --aws-chunked
usage_error "--aws-chunked on a file" "applies to uploads from stdin" cp a s3://b/k --aws-chunked --expected-size 1
usage_error "--aws-chunked on a download" "applies to uploads from stdin" cp s3://b/k - --aws-chunked --expected-size 1

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
run cp --recursive missing-dir s3://b/p/ --endpoint-url http://127.0.0.1:9
if [ $RC -eq 3 ] && [ "$(cat err)" = "xfer: upload failed: ./missing-dir: No such file or directory" ]; then
  pass "cp --recursive of a missing folder: exit 3, one line"
else
  fail "cp --recursive of a missing folder: exit 3, one line" "$(said)"
fi
usage_error "cp --recursive of a file" "./small.txt is not a folder" cp --recursive small.txt s3://b/p/
run cp --recursive s3://b/p/ small.txt --endpoint-url http://127.0.0.1:9
if [ $RC -eq 3 ] && [ "$(cat err)" = "xfer: download failed: ./small.txt: exists and is not a folder" ]; then
  pass "cp --recursive into a file: exit 3, one line"
else
  fail "cp --recursive into a file: exit 3, one line" "$(said)"
fi
mkdir -p drytree/sub && echo x >drytree/sub/f
run --dryrun cp --recursive drytree s3://b/p --endpoint-url http://127.0.0.1:9
if [ $RC -eq 0 ] && [ "$(cat out)" = "(dryrun) upload: ./drytree to s3://b/p/ (recursive)" ]; then
  pass "cp --recursive --dryrun: one plan line, the prefix taken as a folder"
else
  fail "cp --recursive --dryrun: one plan line, the prefix taken as a folder" "$(said)"
fi
run ls s3://xfer-test/ --endpoint-url http://127.0.0.1:9 --connect-timeout 2
if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q '^xfer: ls failed: s3://xfer-test/: ' err && [ ! -s out ]; then
  pass "ls, connection refused: exit 1, one error line"
else
  fail "ls, connection refused: exit 1, one error line" "$(said)"
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
    "progress on a terminal" "no progress off a terminal" "SIGINT" "presign" "mb/rb" "headers" \
    "cp --recursive" "ls" "rm --recursive"; do
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

  # stdin as signed aws-chunked bodies (radosgw verifies every chunk signature; Swift has no
  # aws-chunked and says 501; s3rver would store the framing as data, so it is not asked).
  if [ "$SERVER" != s3rver ]; then
    timeout 300 "$XFER" cp - "$URL/chunked" --expected-size 12MiB --aws-chunked \
      --endpoint-url "$XFER_TEST_ENDPOINT" "${EXTRA[@]}" <f12 >out 2>err
    RC=$?
    if [ "$SERVER" = swift ]; then
      if [ $RC -eq 1 ] && grep -q "NotImplemented (501)" err; then
        pass "--aws-chunked on Swift: NotImplemented (501), exit 1"
      else
        fail "--aws-chunked on Swift: NotImplemented (501), exit 1" "$(said)"
      fi
    else
      s3check get "$BUCKET" "$P/chunked" chunked.back >/dev/null 2>&1
      if [ $RC -eq 0 ] && cmp -s f12 chunked.back; then
        pass "upload 12 MiB from stdin with --aws-chunked: the server stored the same bytes"
      else
        fail "upload 12 MiB from stdin with --aws-chunked" "$(said)"
      fi
    fi
  fi

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

  # cp --recursive guesses each file's type the same way, unless --content-type gives one.
  mkdir -p typetree/sub && echo '{}' >typetree/a.json && echo x >typetree/sub/b.txt && echo y >typetree/c.zzz
  srv cp --recursive typetree "$URL/types/"
  guessed_json=$(s3check head "$BUCKET" "$P/types/a.json" 2>&1)
  guessed_txt=$(s3check head "$BUCKET" "$P/types/sub/b.txt" 2>&1)
  unknown=$(s3check head "$BUCKET" "$P/types/c.zzz" 2>&1)
  srv cp --recursive typetree "$URL/types2/" --content-type text/x-test
  given=$(s3check head "$BUCKET" "$P/types2/a.json" 2>&1)
  if grep -q '"content-type": "application/json"' <<<"$guessed_json" &&
    grep -q '"content-type": "text/plain"' <<<"$guessed_txt" && ! grep -q '"content-type": "text/plain"' <<<"$unknown" &&
    grep -q '"content-type": "text/x-test"' <<<"$given"; then
    pass "cp --recursive: each file's Content-Type guessed from its extension; --content-type wins"
  else
    fail "cp --recursive: each file's Content-Type guessed from its extension; --content-type wins" \
      "$guessed_json"$'\n'"$guessed_txt"$'\n'"$given"
  fi

  # Progress: on a terminal one line redrawn in place; off a terminal, results only.
  pty_run cp f20 "$URL/progress" --endpoint-url "$XFER_TEST_ENDPOINT" --max-bandwidth 10MB/s "${EXTRA[@]}"
  if [ $RC -eq 0 ] && grep -q '%' pty.out && has_cr pty.out && grep -q $'\x1b\\[K' pty.out &&
    grep -q 'MiB/20.0 MiB' pty.out && grep -q "upload: ./f20 to $URL/progress" pty.out; then
    pass "progress on a terminal: '\\r...%...\\e[K' redraws, then the result line"
  else
    fail "progress on a terminal: '\\r...%...\\e[K' redraws, then the result line" "exit $RC: $(head -c 600 pty.out | cat -v)"
  fi
  srv cp f20 "$URL/progress2" --max-bandwidth 40MB/s
  if [ $RC -eq 0 ] && ! has_cr out && ! has_cr err && ! grep -q $'\x1b' out err && [ ! -s err ] &&
    [ "$(lines out)" = 1 ]; then
    pass "off a terminal: no '\\r', no escapes, only the result line"
  else
    fail "off a terminal: no '\\r', no escapes, only the result line" "$(said | cat -v)"
  fi
  pty_run cp f20 "$URL/progress3" --endpoint-url "$XFER_TEST_ENDPOINT" --max-bandwidth 40MB/s \
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
  expect_no_open_uploads "$P/interrupted" "after SIGINT"
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
  expect_no_open_uploads "$P/interrupted-stdin" "after SIGINT on stdin"

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

  # ---- many objects: cp --recursive, ls, rm --recursive --------------------------------------

  # A 300-file tree: nested folders, unicode and spaces in names, an empty file, a 1536-byte
  # one (for --human-readable) and a 9 MiB one (multipart inside a folder transfer).
  "$PY" - tree <<'EOF'
import os, sys
root = sys.argv[1]
dirs = ["", "a", "a/b", "a/b/c", "ü", "ü/日本", "日本", "with space", "with space/inner dir", "x.y"]
kinds = ["f%03d.txt", "bin %03d.dat", "ü-%03d", "日本 %03d.txt", "%03d.gz"]
for i in range(300):
    d = os.path.join(root, dirs[i % len(dirs)])
    os.makedirs(d, exist_ok=True)
    size = {0: 0, 10: 1536, 7: 9 << 20}.get(i, (i * 37) % 4000 + 1)
    with open(os.path.join(d, kinds[(i // 10) % len(kinds)] % i), "wb") as f:
        f.write(os.urandom(size))
EOF
  TREE_BYTES=$(find tree -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  # expect_keys PREFIX: "SIZE KEY" lines for the files of tree (as keys under PREFIX), sorted.
  expect_keys() { (cd tree && find . -type f -printf "%s $1%P\n") | LC_ALL=C sort; }
  # stored PREFIX: "SIZE KEY" lines for what the server lists under PREFIX, sorted (s3check).
  stored() {
    s3check list-objects "$BUCKET" "$1" | "$PY" -c \
      'import json,sys; [print(o["size"], o["key"]) for o in json.load(sys.stdin)]' | LC_ALL=C sort
  }
  human() { "$PY" -c 'import sys; n=int(sys.argv[1]); print("%.1f MiB" % (n / 1048576))' "$1"; }

  TREE_FILES=$(find tree -type f | wc -l)
  srv cp --recursive tree "$URL/tree"
  if [ $RC -eq 0 ] && [ ! -s err ] && [ "$TREE_FILES" = 300 ] &&
    [ "$(cat out)" = "upload: ./tree to $URL/tree/: $TREE_FILES files, $TREE_BYTES bytes ($(human "$TREE_BYTES"))" ]; then
    pass "cp --recursive uploads a 300-file tree: one summary line with the files and bytes"
  else
    fail "cp --recursive uploads a 300-file tree: one summary line with the files and bytes" "$(said)"
  fi
  expect_keys "$P/tree/" >tree.expected
  stored "$P/tree/" >tree.stored
  if [ "$(lines tree.stored)" = 300 ] && cmp -s tree.expected tree.stored; then
    pass "the server lists the 300 keys (unicode, spaces, nested) with their sizes"
  else
    fail "the server lists the 300 keys (unicode, spaces, nested) with their sizes" \
      "$(diff tree.expected tree.stored | head -n 10)"
  fi

  srv cp --recursive "$URL/tree" dltree
  if [ $RC -eq 0 ] && [ ! -s err ] && diff -r tree dltree >diff.out 2>&1 &&
    [ "$(cat out)" = "download: $URL/tree/ to ./dltree: $TREE_FILES files, $TREE_BYTES bytes ($(human "$TREE_BYTES"))" ]; then
    pass "cp --recursive downloads the prefix into a new folder: diff -r finds no difference"
  else
    fail "cp --recursive downloads the prefix into a new folder: diff -r finds no difference" \
      "$(said)"$'\n'"$(head -n 5 diff.out)"
  fi

  # --exclude / --include in order, the last match winning ('*' crosses '/'), checked on the
  # server against Python's fnmatch applying the same rule.
  FILTERS=(--exclude '*' --include 'a/b/*' --exclude '*.gz' --exclude 'a/b/c/*' --include '*/c/*.dat')
  srv cp --recursive tree "$URL/filt/" "${FILTERS[@]}"
  up=$RC
  (cd tree && find . -type f -printf '%s %P\n') | "$PY" -c '
import fnmatch, sys
rules = [(False, "*"), (True, "a/b/*"), (False, "*.gz"), (False, "a/b/c/*"), (True, "*/c/*.dat")]
for line in sys.stdin:
    size, rel = line.rstrip("\n").split(" ", 1)
    keep = True
    for inc, pat in rules:
        if fnmatch.fnmatchcase(rel, pat):
            keep = inc
    if keep:
        print(size, sys.argv[1] + rel)' "$P/filt/" | LC_ALL=C sort >filt.expected
  stored "$P/filt/" >filt.stored
  if [ $up -eq 0 ] && [ -s filt.expected ] && cmp -s filt.expected filt.stored; then
    pass "--exclude/--include on upload: the server holds exactly the $(lines filt.stored) files the rules keep"
  else
    fail "--exclude/--include on upload: the server holds exactly the files the rules keep" \
      "upload exit $up; $(diff filt.expected filt.stored | head -n 10)"
  fi
  srv cp --recursive "$URL/tree/" dlfilt --exclude '*' --include '日本/*' --exclude '*.gz'
  got=$(cd dlfilt 2>/dev/null && find . -type f -printf '%P\n' | LC_ALL=C sort)
  want=$(cd tree && find 日本 -type f ! -name '*.gz' | LC_ALL=C sort)
  if [ $RC -eq 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
    pass "--exclude/--include on download: only the matching files arrive"
  else
    fail "--exclude/--include on download: only the matching files arrive" "$(said)"$'\n'"got: $(head -n 5 <<<"$got")"
  fi

  # ls: "PRE name/" for folders, then date, size, name, as `aws s3 ls` prints them.
  srv ls "$URL/tree/"
  {
    (cd tree && find . -mindepth 1 -maxdepth 1 -type d -printf '                           PRE %P/\n')
    (cd tree && find . -maxdepth 1 -type f -printf '%s %P\n') | while read -r size name; do
      printf '%10s %s\n' "$size" "$name"
    done
  } | LC_ALL=C sort >ls.expected
  # Object lines lose their date (checked on its own); PRE lines stay as they are.
  grep -v '^ \{27\}PRE ' out | cut -c21- >ls.objects
  { grep '^ \{27\}PRE ' out; cat ls.objects; } | LC_ALL=C sort >ls.got
  dated=$(grep -v '^ \{27\}PRE ' out | grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} ')
  if [ $RC -eq 0 ] && [ ! -s err ] && cmp -s ls.expected ls.got && [ "$dated" = "$(lines ls.objects)" ] &&
    grep -q '^ \{27\}PRE 日本/$' out && grep -q '^ \{27\}PRE with space/$' out; then
    pass "ls PREFIX/: $(grep -c ' PRE ' out) PRE lines and $(lines ls.objects) 'date size name' lines, as aws s3 ls"
  else
    fail "ls PREFIX/: PRE lines and 'date size name' lines, as aws s3 ls" \
      "$(said)"$'\n'"$(diff ls.expected ls.got | head -n 10)"
  fi
  srv ls "$URL/tree"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "                           PRE tree/" ]; then
    pass "ls PREFIX without '/': the folder itself as one PRE line"
  else
    fail "ls PREFIX without '/': the folder itself as one PRE line" "$(said)"
  fi

  srv ls "$URL/tree/" --recursive
  cut -c21- out | LC_ALL=C sort >lsr.got
  while read -r size key; do printf '%10s %s\n' "$size" "$key"; done <tree.expected | LC_ALL=C sort >lsr.expected
  if [ $RC -eq 0 ] && [ "$(lines out)" = 300 ] && ! grep -q ' PRE ' out && cmp -s lsr.expected lsr.got; then
    pass "ls --recursive: 300 lines with full keys and sizes, no PRE"
  else
    fail "ls --recursive: 300 lines with full keys and sizes, no PRE" "$(said)"$'\n'"$(diff lsr.expected lsr.got | head)"
  fi

  srv ls "$URL/tree/" --recursive --human-readable --summarize
  if [ $RC -eq 0 ] && grep -q "^.\{19\}    1.5 KiB $P/tree/bin 010.dat\$" out &&
    grep -q "^.\{19\}    0 Bytes $P/tree/f000.txt\$" out && grep -q "^.\{19\}    9.0 MiB $P/tree/with space/f007.txt\$" out &&
    [ "$(tail -n 3 out)" = $'\nTotal Objects: 300\n   Total Size: '"$(human "$TREE_BYTES")" ]; then
    pass "ls --human-readable --summarize: '1.5 KiB', '0 Bytes', 'Total Objects: 300', 'Total Size: $(human "$TREE_BYTES")'"
  else
    fail "ls --human-readable --summarize" "$(said)"
  fi
  srv ls "$URL/tree/" --recursive --summarize
  if [ "$(tail -n 2 out)" = $'Total Objects: 300\n   Total Size: '"$TREE_BYTES" ]; then
    pass "ls --summarize: the total size in bytes"
  else
    fail "ls --summarize: the total size in bytes" "$(said)"
  fi

  # Terminal: one aggregate line redrawn in place, with the total once the listing is done
  # (six files of "with space/", 9 MiB of them in one).
  PTY_BYTES=$(find "tree/with space" -maxdepth 1 -name 'f*' -printf '%s\n' | awk '{s += $1} END {print s}')
  PTY_FILES=$(find "tree/with space" -maxdepth 1 -name 'f*' | wc -l)
  pty_run cp --recursive "$URL/tree" dlpty --exclude '*' --include 'with space/f*' \
    --endpoint-url "$XFER_TEST_ENDPOINT" --max-bandwidth 10MB/s "${EXTRA[@]}"
  if [ $RC -eq 0 ] && has_cr pty.out && grep -q $'\x1b\\[K' pty.out && grep -q "MiB/$(human "$PTY_BYTES")" pty.out &&
    grep -q "download: $URL/tree/ to ./dlpty: $PTY_FILES files, $PTY_BYTES bytes" pty.out; then
    pass "cp --recursive on a terminal: one aggregate progress line with the total, then the summary"
  else
    fail "cp --recursive on a terminal: one aggregate progress line with the total, then the summary" \
      "exit $RC: $(tail -c 600 pty.out | cat -v)"
  fi

  # sigint_after SECONDS ARGS...: runs xfer ARGS in the background, SIGINT after SECONDS; sets RC
  # and MS (milliseconds from the signal to the exit).
  sigint_after() {
    local delay=$1
    shift
    timeout 300 "$XFER" "$@" --endpoint-url "$XFER_TEST_ENDPOINT" "${EXTRA[@]}" >out 2>err </dev/null &
    BG_PID=$!
    sleep "$delay"
    local t0
    t0=$(now_ms)
    kill -INT "$BG_PID"
    while kill -0 "$BG_PID" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 10000 ]; do sleep 0.02; done
    MS=$(($(now_ms) - t0))
    wait "$BG_PID"
    RC=$?
    BG_PID=""
  }
  # SIGINT during a recursive download: exit 130 at once; what arrived is whole, no partial file.
  sigint_after 1 cp --recursive "$URL/tree/" dlint --max-bandwidth 2MB/s
  partial=""
  while IFS= read -r f; do
    cmp -s "tree/$f" "dlint/$f" || partial="$partial [$f]"
  done < <(cd dlint 2>/dev/null && find . -type f -printf '%P\n')
  if [ $RC -eq 130 ] && [ $MS -le 2000 ] && [ "$(cat err)" = "xfer: cancelled" ] && [ -z "$partial" ]; then
    pass "SIGINT during cp --recursive down: exit 130 after $MS ms, $(find dlint -type f 2>/dev/null | wc -l) whole files, no partial one"
  else
    fail "SIGINT during cp --recursive down: exit 130 within 2 s, no partial file" \
      "took $MS ms; partial:$partial; $(said)"
  fi

  # rm --recursive: a prefix is a folder (tre does not reach tree/); --dryrun deletes nothing.
  srv rm --recursive "$URL/tre"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "deleted 0 objects" ] && [ "$(stored "$P/tree/" | wc -l)" = 300 ]; then
    pass "rm --recursive s3://b/p/tre deletes nothing under p/tree/ (the prefix is a folder)"
  else
    fail "rm --recursive s3://b/p/tre deletes nothing under p/tree/ (the prefix is a folder)" "$(said)"
  fi
  srv rm --recursive --dryrun "$URL/tree"
  if [ $RC -eq 0 ] && [ "$(lines out)" = 300 ] && grep -q "^(dryrun) delete: $URL/tree/日本/日本 " out &&
    [ "$(stored "$P/tree/" | wc -l)" = 300 ]; then
    pass "rm --recursive --dryrun: 300 '(dryrun) delete: URL' lines, nothing deleted"
  else
    fail "rm --recursive --dryrun: 300 '(dryrun) delete: URL' lines, nothing deleted" "$(said)"
  fi
  srv rm --recursive "$URL/tree/"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "deleted 300 objects" ] && [ ! -s err ]; then
    pass "rm --recursive: 'deleted 300 objects'"
  else
    fail "rm --recursive: 'deleted 300 objects'" "$(said)"
  fi
  srv ls "$URL/tree/" --recursive
  ls_rc=$RC
  ls_out=$(cat out err)
  left=$(s3check list-objects "$BUCKET" "$P/tree/" 2>&1)
  if [ $ls_rc -eq 1 ] && [ -z "$ls_out" ] && [ "$left" = "[]" ]; then
    pass "after rm --recursive: ls prints nothing (exit 1, as aws s3 ls) and the server lists nothing"
  else
    fail "after rm --recursive: ls prints nothing (exit 1, as aws s3 ls) and the server lists nothing" \
      "ls exit $ls_rc: $ls_out; s3check: $(head -c 300 <<<"$left")"
  fi

  # A missing bucket: one line per failure, the summary, exit 1.
  NB="xfer-no-such-bucket-$$"
  srv ls "s3://$NB/p/"
  if [ $RC -eq 1 ] && [ ! -s out ] && [ "$(lines err)" = 1 ] && grep -q "^xfer: ls failed: s3://$NB/p/: NoSuchBucket (404)" err; then
    pass "ls of a missing bucket: 'xfer: ls failed: URL: NoSuchBucket (404)', exit 1"
  else
    fail "ls of a missing bucket: 'xfer: ls failed: URL: NoSuchBucket (404)', exit 1" "$(said)"
  fi
  rid=' \[request id [^]]+\]' # s3rver sends no request id
  if [ "$SERVER" = s3rver ]; then rid=''; fi
  srv cp --recursive drytree "s3://$NB/p"
  if [ $RC -eq 1 ] && [ "$(cat err)" != "" ] && [ "$(lines err)" = 1 ] &&
    grep -Eq "^xfer: upload failed: s3://$NB/p/sub/f: NoSuchBucket \(404\)(: .*)?$rid\$" err &&
    [ "$(cat out)" = "upload: ./drytree to s3://$NB/p/: 0 files, 0 bytes, 1 failed" ]; then
    pass "cp --recursive to a missing bucket: 'xfer: upload failed: KEY: NoSuchBucket (404): ... [request id ...]', '0 files, 0 bytes, 1 failed', exit 1"
  else
    fail "cp --recursive to a missing bucket: 'xfer: upload failed: KEY: NoSuchBucket (404): ... [request id ...]', '0 files, 0 bytes, 1 failed', exit 1" "$(said)"
  fi
  srv cp --recursive "s3://$NB/p" dlnb
  if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] && [ ! -e dlnb ] &&
    grep -q "^xfer: download failed: s3://$NB/p/ to ./dlnb: NoSuchBucket (404)" err; then
    pass "cp --recursive from a missing bucket: one NoSuchBucket (404) line, exit 1, no folder"
  else
    fail "cp --recursive from a missing bucket: one NoSuchBucket (404) line, exit 1, no folder" "$(said)"
  fi
  srv rm --recursive "s3://$NB/p"
  if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q "^xfer: delete failed: s3://$NB/p/: NoSuchBucket (404)" err; then
    pass "rm --recursive in a missing bucket: one NoSuchBucket (404) line, exit 1"
  else
    fail "rm --recursive in a missing bucket: one NoSuchBucket (404) line, exit 1" "$(said)"
  fi

  # One file of a tree refused by the server: its key is longer than S3's 1,024 bytes. The
  # others arrive; the per-file line has the code, HTTP status and request id, as a single
  # transfer's does (radosgw sends no message, and InvalidObjectName); the summary counts what
  # arrived; exit 1. (s3rver has no key limit.)
  mkdir -p errtree
  printf 'one\n' >errtree/ok1.txt
  printf 'second\n' >errtree/ok2.txt
  LONG_REL=""
  for _ in 1 2 3 4 5; do LONG_REL="$LONG_REL$(printf 'd%.0s' $(seq 1 220))/"; done
  LONG_REL="${LONG_REL}long.txt"
  if [ "$SERVER" = s3rver ]; then
    skip "a per-file failure carries the S3 code, HTTP status and request id (s3rver has no key length limit)"
  else
    mkdir -p "errtree/$(dirname "$LONG_REL")"
    printf 'long\n' >"errtree/$LONG_REL"
    code='[A-Za-z]+'
    if [ "$SERVER" = swift ]; then code=KeyTooLongError; fi
    srv cp --recursive errtree "$URL/errtree/"
    if [ $RC -eq 1 ] && [ "$(lines err)" = 1 ] &&
      grep -Eq "^xfer: upload failed: $URL/errtree/$LONG_REL: $code \(400\)(: .*)? \[request id [^]]+\]\$" err &&
      [ "$(cat out)" = "upload: ./errtree to $URL/errtree/: 2 files, 11 bytes, 1 failed" ] &&
      [ "$(stored "$P/errtree/")" = $'4 '"$P/errtree/ok1.txt"$'\n7 '"$P/errtree/ok2.txt" ]; then
      pass "a per-file failure: 'xfer: upload failed: URL: CODE (400): ... [request id ...]', '2 files, 11 bytes, 1 failed', exit 1"
    else
      fail "a per-file failure: 'xfer: upload failed: URL: CODE (400): ... [request id ...]', '2 files, 11 bytes, 1 failed', exit 1" \
        "$(said)"$'\n'"stored: $(stored "$P/errtree/")"
    fi
    rm -rf "errtree/$(dirname "$LONG_REL")"
  fi
  if [ "$SERVER" = s3rver ]; then srv cp --recursive errtree "$URL/errtree/"; fi
  # A local failure in a tree: a folder where a downloaded file would go. Exit 3, one line, the
  # other file arrives.
  mkdir -p dlerr/ok1.txt/blocker
  srv cp --recursive "$URL/errtree/" dlerr
  if [ $RC -eq 3 ] && [ "$(lines err)" = 1 ] && grep -q "^xfer: download failed: $URL/errtree/ok1.txt: " err &&
    ! grep -q 'request id' err && cmp -s errtree/ok2.txt dlerr/ok2.txt &&
    [ "$(cat out)" = "download: $URL/errtree/ to ./dlerr: 1 file, 7 bytes, 1 failed" ]; then
    pass "a local per-file failure: 'xfer: download failed: URL: ...', '1 file, 7 bytes, 1 failed', exit 3"
  else
    fail "a local per-file failure: 'xfer: download failed: URL: ...', '1 file, 7 bytes, 1 failed', exit 3" "$(said)"
  fi
  if [ "$(id -u)" = 0 ]; then
    skip "an unreadable file in a tree (running as root: every file is readable)"
  else
    mkdir -p unreadable && printf 'x\n' >unreadable/a.txt && printf 'y\n' >unreadable/secret.txt
    chmod 000 unreadable/secret.txt
    srv cp --recursive unreadable "$URL/unreadable/"
    if [ $RC -eq 3 ] && [ "$(lines err)" = 1 ] && grep -q "^xfer: upload failed: $URL/unreadable/secret.txt: " err &&
      [ "$(cat out)" = "upload: ./unreadable to $URL/unreadable/: 1 file, 2 bytes, 1 failed" ]; then
      pass "an unreadable file in a tree: one 'upload failed' line, '1 file, 2 bytes, 1 failed', exit 3"
    else
      fail "an unreadable file in a tree: one 'upload failed' line, '1 file, 2 bytes, 1 failed', exit 3" "$(said)"
    fi
    chmod 600 unreadable/secret.txt
  fi
  srv rm --recursive "$URL/errtree/"
  if [ $RC -eq 0 ] && [ "$(cat out)" = "deleted 2 objects" ]; then
    pass "rm --recursive of the tree with a refused file: 'deleted 2 objects'"
  else
    fail "rm --recursive of the tree with a refused file: 'deleted 2 objects'" "$(said)"
  fi

  # SIGINT during a recursive upload: exit 130 at once, no open multipart upload, no object.
  mkdir -p bigtree/sub
  for i in 1 2 3 4; do head -c $((12 << 20)) /dev/urandom >"bigtree/sub/f$i"; done
  sigint_after 1 cp --recursive bigtree "$URL/bigint/" --max-bandwidth 20MB/s
  if [ $RC -eq 130 ] && [ $MS -le 2000 ] && [ "$(cat err)" = "xfer: cancelled" ]; then
    pass "SIGINT during cp --recursive up: 'xfer: cancelled', exit 130 after $MS ms"
  else
    fail "SIGINT during cp --recursive up: 'xfer: cancelled', exit 130 within 2 s" "took $MS ms; $(said)"
  fi
  if [ "$SERVER" = s3rver ]; then
    skip "no open multipart upload after SIGINT of cp --recursive (s3rver cannot list uploads)"
  else
    n=$(s3check list-uploads "$BUCKET" | "$PY" -c \
      'import json,sys; print(sum(1 for u in json.load(sys.stdin) if u["key"].startswith(sys.argv[1])))' "$P/bigint/")
    if [ "$n" = 0 ] && [ "$(stored "$P/bigint/")" = "" ]; then
      pass "no open multipart upload and no object left after SIGINT of cp --recursive"
    else
      fail "no open multipart upload and no object left after SIGINT of cp --recursive" "open: $n; $(stored "$P/bigint/")"
    fi
  fi

  # Clean up this run's objects (best effort).
  srv rm --recursive "$URL/"
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
