#!/usr/bin/env bash
# run_examples.sh: runs the installed-library examples against a local test server and checks every round trip byte for byte.
# usage: run_examples.sh SERVER_ENV_FILE PREFIX LIBDIR BINDIR WORKDIR
# The server's XFER_TEST_* settings reach the examples as the standard AWS_* variables.
. "$(dirname "$0")/lib.sh"
ENVFILE=$1
use_prefix "$2" "$3"
BIN=$4 WORK=$5
fresh_dir "$WORK"
cd "$WORK" || exit 1

[ -f "$ENVFILE" ] || fail "no server env file $ENVFILE"
# shellcheck disable=SC1090
. "$ENVFILE"
unset AWS_PROFILE AWS_DEFAULT_REGION AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE
export AWS_ENDPOINT_URL=$XFER_TEST_ENDPOINT AWS_ACCESS_KEY_ID=$XFER_TEST_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$XFER_TEST_SECRET_KEY AWS_REGION=${XFER_TEST_REGION:-us-east-1}
export AWS_CONFIG_FILE=$WORK/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-aws-credentials
B=$XFER_TEST_BUCKET
P=examples/$(date +%s)-$$ # key prefix of this run
s3check() { /usr/bin/python3 "$XFER_TEST_S3CHECK" "$@"; }
etag_of() { s3check head "$B" "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["headers"]["etag"])'; }

head -c $((12 << 20)) /dev/urandom >data # above the 8 MiB threshold: 2 parts
size=$(stat -c %s data)

# upload_file, checked by the independent checker, then download.c to a file and to stdout
"$BIN/upload_file" data "$B" "$P/file" || fail "upload_file"
s3check get "$B" "$P/file" checked >/dev/null || fail "s3check get $P/file"
cmp data checked || fail "the object upload_file stored differs from the file"
etag=$(etag_of "$P/file")
# Swift gives AWS's multipart ETags (md5 of the part md5s, "-N"); s3rver the object's md5.
if [ "${XFER_TEST_SERVER:-}" = swift ]; then
  case $etag in *-2\"|*-2) ;; *) fail "upload_file: ETag $etag is not that of a 2-part upload" ;; esac
fi
"$BIN/download" "$B" "$P/file" got || fail "download to a file"
cmp data got || fail "download to a file: bytes differ"
"$BIN/download" "$B" "$P/file" - >got.stdout || fail "download to stdout"
cmp data got.stdout || fail "download to stdout: bytes differ"
ok "upload_file (ETag $etag) and download (file and stdout) round trip"

# upload_stream from stdin (a pipe, unknown length): multipart, small and empty
head -c 1000 data >small
: >empty
for f in data small empty; do
  cat "$f" | "$BIN/upload_stream" "$B" "$P/stream-$f" || fail "upload_stream < $f"
  s3check get "$B" "$P/stream-$f" checked >/dev/null || fail "s3check get $P/stream-$f"
  cmp "$f" checked || fail "upload_stream < $f: the object stored differs from the input"
  "$BIN/download" "$B" "$P/stream-$f" - >got || fail "download of stream-$f"
  cmp "$f" got || fail "upload_stream < $f: the round trip differs"
done
ok "upload_stream stored (checked by s3check) and round trips: $size bytes, 1000 bytes, empty"

# progress: the bar reaches 100%; a cancel leaves neither object nor multipart upload behind
"$BIN/progress" data "$B" "$P/progress" 2>progress.err >progress.out || { cat progress.err; fail "progress"; }
last=$(tail -n 1 progress.err)
[[ $last == *" 100% $size/$size bytes" ]] || { cat progress.err; fail "progress did not end at 100%"; }
grep -q "^done: $size bytes" progress.out || fail "progress: $(cat progress.out)"
s3check get "$B" "$P/progress" checked >/dev/null || fail "s3check get $P/progress"
cmp data checked || fail "the object progress stored differs from the file"
# The cancel lands at the first progress report (100 ms in): 64 MiB keep the upload running
# well past it even on a fast server, so it is still sending parts, before its commit point.
head -c $((64 << 20)) /dev/urandom >big
rc=0
"$BIN/progress" big "$B" "$P/cancelled" --cancel-after 1 2>/dev/null >cancel.out || rc=$?
[ $rc -eq 3 ] || fail "progress --cancel-after 1 exited $rc, not 3 (cancelled): $(cat cancel.out)"
s3check list-objects "$B" "$P/cancelled" >objects.json
[ "$(cat objects.json)" = "[]" ] || fail "a cancelled upload left an object: $(cat objects.json)"
if [ "${XFER_TEST_SERVER:-}" != s3rver ]; then # s3rver has no ListMultipartUploads
  s3check list-uploads "$B" >uploads.json
  ! grep -F "\"$P/cancelled\"" uploads.json || fail "a cancelled upload left a multipart upload open"
fi
ok "progress: $(grep -c '%' progress.err) updates up to 100%; a cancel leaves nothing behind"

# firmware_logger: 64 MiB of samples under a 2 x 5 MiB budget. Its peak RSS, less that of a
# 1 MiB run (libraries, threads, connections: no part in memory), is the budget's 2 parts
# plus slack: one part more, or memory growing with the upload, fails.
peak_rss() { sed -n 's/^peak RSS \([0-9]*\) KiB.*/\1/p' <<<"$1"; }
out=$("$BIN/firmware_logger" "$B" "$P/logger-1" 1 2>/dev/null) || fail "firmware_logger (1 MiB)"
base=$(peak_rss "$out")
out=$("$BIN/firmware_logger" "$B" "$P/logger" 64) || fail "firmware_logger"
echo "$out"
"$BIN/firmware_logger" --stdout 64 >logger.expected
s3check get "$B" "$P/logger" checked >/dev/null || fail "s3check get $P/logger"
cmp logger.expected checked || fail "firmware_logger: the stored object differs from the sensor stream"
if [ "${XFER_TEST_SERVER:-}" = swift ]; then # AWS-style multipart ETag: 64 MiB in 5 MiB parts
  etag=$(etag_of "$P/logger")
  case $etag in *-13\"|*-13) ;; *) fail "firmware_logger: ETag $etag is not that of 13 parts of 5 MiB" ;; esac
fi
rss=$(peak_rss "$out")
[ -n "$rss" ] && [ -n "$base" ] || fail "firmware_logger printed no peak RSS"
limit=$((base + (2 * 5 + 5) * 1024))
[ "$rss" -le "$limit" ] || fail "firmware_logger peak RSS $rss KiB, above $limit KiB (1 MiB run $base KiB + 2 x 5 MiB parts + 5 MiB): memory is not bounded by the budget"
ok "firmware_logger: 64 MiB stored byte-exact; peak RSS $((rss / 1024)) MiB, $(((rss - base) / 1024)) MiB over a 1 MiB run (limit $(((limit - base) / 1024)))"
