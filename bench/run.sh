#!/usr/bin/env bash
# bench/run.sh: issue 7's benchmark: libxfer (CLI and C API) side by side with boto3, the AWS CRT, the AWS CLI, rclone and curl.
#
# usage: bash bench/run.sh            (as root on Debian bookworm; installs what it needs)
#
# One run: installs the clients from Debian packages, builds libxfer (Release), starts the
# fast local S3 stand-in bench/s3fast.c on 127.0.0.1:80 inside a private network namespace
# (awscrt 0.16 always dials port 80; the namespace keeps port 80 ours and nothing leaves
# it), times every client on the same files with the clients' order rotated at every
# repetition, checks a CRC-32 of what came back, then does the 1 GiB workloads again
# against OpenStack Swift (tests/servers/start.sh swift). Prints the tables and writes
# bench/RESULTS.md (override with BENCH_RESULTS=PATH).
#
# Knobs: BENCH_REPS (3), BENCH_MIB (1024), BENCH_SMALL_COUNT (1000), BENCH_SMALL_KIB (64),
# BENCH_FAST (1; 0 skips the s3fast part), BENCH_SWIFT (1; 0 skips Swift), BENCH_SWIFT_REPS (= BENCH_REPS), BENCH_SWIFT_CLIENTS
# (xfer-capi xfer-cli boto3 awscli; add rclone), BENCH_CLIENTS (space-separated subset), BENCH_WORKLOADS (subset of: up-file down-file up-stdin up-many down-many),
# BENCH_TIMEOUT (s per client run, 300), BENCH_BUDGET (s since the start, 2700: later
# repetitions are skipped past it, and RESULTS.md says so), XFER_BENCH_BUILD (build dir, default build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${XFER_BENCH_BUILD:-build}
REPS=${BENCH_REPS:-3}
MIB=${BENCH_MIB:-1024}
NSMALL=${BENCH_SMALL_COUNT:-1000}
SMALL_KIB=${BENCH_SMALL_KIB:-64}
SWIFT=${BENCH_SWIFT:-1}
FAST=${BENCH_FAST:-1}
SWIFT_REPS=${BENCH_SWIFT_REPS:-$REPS}
TMO=${BENCH_TIMEOUT:-300}
BUDGET=${BENCH_BUDGET:-2700}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
PY=/usr/bin/python3 # Debian's: boto3 1.26, s3transfer 0.6, awscrt 0.16 (not the pyenv one on PATH)
AWS=/usr/bin/aws    # Debian's AWS CLI v2 (not the pyenv CLI v1 on PATH)
ALL_CLIENTS="xfer-capi xfer-futures xfer-cli boto3 boto3-crt awscli awscli-crt rclone curl"
ALL_WORKLOADS="up-file down-file up-stdin up-many down-many"

say() { echo "bench [$(($(date +%s) - ${BENCH_T_START:-$(date +%s)}))s]: $*" >&2; }

# ---------------------------------------------------------------- outside the namespace
if [ -z "${BENCH_INNER:-}" ]; then
  export BENCH_T_START=$(date +%s)
  bash scripts/install-deps.sh
  PKGS=(rclone awscli python3-boto3 python3-botocore python3-s3transfer python3-awscrt time
        iproute2 util-linux curl)
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    say "installing ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  say "building libxfer (Release) in $BUILD"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target xfer_cli xfer_bench s3fast >/dev/null
  export BENCH_INNER=1
  if [ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null; then
    exec unshare --net -- env BENCH_NETNS=1 bash "$0" "$@"
  fi
  say "no private network namespace here: using the host's 127.0.0.1"
  exec env BENCH_NETNS=0 bash "$0" "$@"
fi

# ---------------------------------------------------------------- inside
BIN=$ROOT/$BUILD/bin
[ "${BENCH_NETNS:-0}" = 1 ] && ip link set lo up
WORK=$(mktemp -d /dev/shm/xfer-bench.XXXXXX) # tmpfs: neither side waits on a disk
SRV_PID=""
SRV_PIDS=""
SWIFT_DIR=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$SRV_PID" ]; then
    kill "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
  fi
  if [ -n "$SWIFT_DIR" ]; then
    bash tests/servers/stop.sh "$SWIFT_DIR" >/dev/null 2>&1
    rm -rf "$SWIFT_DIR"
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Machine-wide CA variables make rclone refuse to start; every endpoint here is plain http.
unset AWS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE REQUESTS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN \
  AWS_ENDPOINT_URL_S3
export LC_ALL=C
mkdir -p "$WORK/logs" "$WORK/dl"
RAW=$WORK/raw.tsv
: >"$RAW"
T0=${BENCH_T_START:-$(date +%s)}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- data
say "making ${MIB} MiB and ${NSMALL} x ${SMALL_KIB} KiB of random data in $WORK"
BIG=$WORK/big.bin
SMALL=$WORK/small
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$BIG"
mkdir -p "$SMALL"
head -c "$((NSMALL * SMALL_KIB * 1024))" /dev/urandom |
  split -b "$((SMALL_KIB * 1024))" -a 4 -d --additional-suffix=.bin - "$SMALL/f"
ls "$SMALL" >"$WORK/names.txt"
BIG_BYTES=$((MIB * 1024 * 1024))
SMALL_BYTES=$((NSMALL * SMALL_KIB * 1024))
BIG_SUM=$($PY bench/verify.py crc "$BIG")
SRC_BIG=src/big.bin # the download sources' keys
SRC_SMALL=src/small/
SMALL_SUM=$($PY bench/verify.py crc "$SMALL")

# ---------------------------------------------------------------- client configuration
set_endpoint() { # ENDPOINT BUCKET ACCESS SECRET
  EP=$1
  BUCKET=$2
  export AWS_ACCESS_KEY_ID=$3 AWS_SECRET_ACCESS_KEY=$4 AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL=$EP BENCH_ENDPOINT=$EP BENCH_BUCKET=$BUCKET XFER_BENCH_BUCKET=$BUCKET
  export AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials
  : >"$AWS_SHARED_CREDENTIALS_FILE"
  printf '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n' >"$WORK/aws-classic.cfg"
  printf '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  preferred_transfer_client = crt\n' \
    >"$WORK/aws-crt.cfg"
  export AWS_CONFIG_FILE=$WORK/aws-classic.cfg
  cat >"$WORK/rclone.conf" <<EOF
[bench]
type = s3
provider = Other
env_auth = false
access_key_id = $3
secret_access_key = $4
endpoint = $EP
region = us-east-1
force_path_style = true
no_check_bucket = true
EOF
}

# What one client runs for one workload: sets CMD (array) and STDIN_FILE, or returns 1
# with NA set to the reason. KEY/PREFIX name what is uploaded, DEST where downloads go.
plan() { # CLIENT WORKLOAD
  CMD=()
  STDIN_FILE=""
  NA=""
  local c=$1 w=$2 n
  case "$c:$w" in
    xfer-cli:up-file) CMD=("$BIN/xfer" cp --endpoint-url "$EP" "$BIG" "s3://$BUCKET/$KEY") ;;
    xfer-cli:up-stdin) CMD=("$BIN/xfer" cp --endpoint-url "$EP" - "s3://$BUCKET/$KEY"); STDIN_FILE=$BIG ;;
    xfer-cli:down-file) CMD=("$BIN/xfer" cp --endpoint-url "$EP" "s3://$BUCKET/$SRC_BIG" "$DEST") ;;
    xfer-cli:up-many) CMD=("$BIN/xfer" cp --endpoint-url "$EP" --recursive "$SMALL" "s3://$BUCKET/$PREFIX") ;;
    xfer-cli:down-many) CMD=("$BIN/xfer" cp --endpoint-url "$EP" --recursive "s3://$BUCKET/$SRC_SMALL" "$DEST") ;;
    xfer-capi:up-file) CMD=("$BIN/xfer_bench" upload-file "$BIG" "$KEY") ;;
    xfer-capi:up-stdin) CMD=("$BIN/xfer_bench" upload-stdin "$KEY"); STDIN_FILE=$BIG ;;
    xfer-capi:down-file) CMD=("$BIN/xfer_bench" download-file "$SRC_BIG" "$DEST") ;;
    xfer-capi:up-many) CMD=("$BIN/xfer_bench" upload-dir "$SMALL" "$PREFIX") ;;
    xfer-capi:down-many) CMD=("$BIN/xfer_bench" download-dir "$SRC_SMALL" "$DEST") ;;
    xfer-futures:up-many) CMD=("$BIN/xfer_bench" upload-many "$SMALL" "$PREFIX") ;;
    xfer-futures:down-many) CMD=("$BIN/xfer_bench" download-many "$SRC_SMALL" "$DEST" "$WORK/names.txt") ;;
    xfer-futures:*) NA="the same calls as the C API row"; return 1 ;;
    boto3:up-file) CMD=($PY bench/boto3_bench.py s3transfer upload-file "$BIG" "$KEY") ;;
    boto3:up-stdin) CMD=($PY bench/boto3_bench.py s3transfer upload-stdin "$KEY"); STDIN_FILE=$BIG ;;
    boto3:down-file) CMD=($PY bench/boto3_bench.py s3transfer download-file "$SRC_BIG" "$DEST") ;;
    boto3:up-many) CMD=($PY bench/boto3_bench.py s3transfer upload-many "$SMALL" "$PREFIX") ;;
    boto3:down-many) CMD=($PY bench/boto3_bench.py s3transfer download-many "$SRC_SMALL" "$DEST") ;;
    boto3-crt:up-stdin) NA="s3transfer 0.6's CRTTransferManager uploads file names only" ;;
    boto3-crt:*)
      if [ "$CRT_OK" != 1 ]; then NA=$CRT_NA; return 1; fi
      case $w in
        up-file) CMD=($PY bench/boto3_bench.py crt upload-file "$BIG" "$KEY") ;;
        down-file) CMD=($PY bench/boto3_bench.py crt download-file "$SRC_BIG" "$DEST") ;;
        up-many) CMD=($PY bench/boto3_bench.py crt upload-many "$SMALL" "$PREFIX") ;;
        down-many) CMD=($PY bench/boto3_bench.py crt download-many "$SRC_SMALL" "$DEST") ;;
      esac ;;
    awscli:* | awscli-crt:*)
      local cfg=$WORK/aws-classic.cfg
      if [ "$c" = awscli-crt ]; then
        if [ "$CRT_OK" != 1 ]; then NA=$CRT_NA; return 1; fi
        [ "$w" = up-stdin ] && { NA="the CLI uses its classic client for streams"; return 1; }
        cfg=$WORK/aws-crt.cfg
      fi
      local a=(env "AWS_CONFIG_FILE=$cfg" "$AWS" --endpoint-url "$EP" s3 cp --no-progress --only-show-errors)
      case $w in
        up-file) CMD=("${a[@]}" "$BIG" "s3://$BUCKET/$KEY") ;;
        up-stdin) CMD=("${a[@]}" - "s3://$BUCKET/$KEY"); STDIN_FILE=$BIG ;;
        down-file) CMD=("${a[@]}" "s3://$BUCKET/$SRC_BIG" "$DEST") ;;
        up-many) CMD=("${a[@]}" --recursive "$SMALL/" "s3://$BUCKET/$PREFIX") ;;
        down-many) CMD=("${a[@]}" --recursive "s3://$BUCKET/$SRC_SMALL" "$DEST/") ;;
      esac ;;
    rclone:*)
      local r=(rclone --config "$WORK/rclone.conf" -q)
      case $w in
        up-file) CMD=("${r[@]}" copyto "$BIG" "bench:$BUCKET/$KEY") ;;
        up-stdin) CMD=("${r[@]}" rcat "bench:$BUCKET/$KEY"); STDIN_FILE=$BIG ;;
        down-file) CMD=("${r[@]}" copyto "bench:$BUCKET/$SRC_BIG" "$DEST") ;;
        up-many) CMD=("${r[@]}" copy "$SMALL" "bench:$BUCKET/${PREFIX%/}") ;;
        down-many) CMD=("${r[@]}" copy "bench:$BUCKET/${SRC_SMALL%/}" "$DEST") ;;
      esac ;;
    curl:*)
      if [ "$CURL_OK" != 1 ]; then NA="curl sends no SigV4 that this server takes"; return 1; fi
      local u=(curl -sS -f -o /dev/null)
      case $w in
        up-file) CMD=("${u[@]}" -T "$BIG" "$EP/$BUCKET/$KEY") ;;
        up-stdin) CMD=("${u[@]}" -T - "$EP/$BUCKET/$KEY"); STDIN_FILE=$BIG ;;
        down-file) CMD=(curl -sS -f -o "$DEST" "$EP/$BUCKET/$SRC_BIG") ;;
        up-many)
          while read -r n; do printf 'upload-file = "%s/%s"\nurl = "%s/%s/%s%s"\noutput = "/dev/null"\n' \
            "$SMALL" "$n" "$EP" "$BUCKET" "$PREFIX" "$n"; done <"$WORK/names.txt" >"$WORK/curl-up.cfg"
          CMD=(curl -sS -f -Z --parallel-max 10 -K "$WORK/curl-up.cfg") ;;
        down-many)
          mkdir -p "$DEST"
          while read -r n; do printf 'url = "%s/%s/%s%s"\noutput = "%s/%s"\n' \
            "$EP" "$BUCKET" "$SRC_SMALL" "$n" "$DEST" "$n"; done <"$WORK/names.txt" >"$WORK/curl-down.cfg"
          CMD=(curl -sS -f -Z --parallel-max 10 -K "$WORK/curl-down.cfg") ;;
      esac ;;
    *) NA="unknown client $c"; return 1 ;;
  esac
  [ -z "$NA" ]
}

# What the server stored, read back with plain GETs: curl on s3fast (no signature needed,
# fast), boto3's get_object on a server that checks signatures. "CRC32 SIZE COUNT".
stored_crc() { # KEY
  if [ "$CURL_OK" = 1 ]; then
    curl -sS -f "$EP/$BUCKET/$1" | $PY bench/verify.py crc-stdin 1
  else
    $PY bench/verify.py get "$1"
  fi
}
stored_crc_many() { # PREFIX: the objects PREFIX+name for every source name, in name order
  if [ "$CURL_OK" = 1 ]; then
    sed "s|.*|url = \"$EP/$BUCKET/$1&\"|" "$WORK/names.txt" >"$WORK/curl-get.cfg"
    curl -sS -f -K "$WORK/curl-get.cfg" | $PY bench/verify.py crc-stdin "$(wc -l <"$WORK/names.txt")"
  else
    $PY bench/verify.py get-prefix "$1"
  fi
}
remove() { # KEY
  if [ "$CURL_OK" = 1 ]; then
    curl -sS -f -X DELETE "$EP/$BUCKET/$1" -o /dev/null || true
  else
    $PY bench/verify.py delete "$1" >/dev/null 2>&1 || true
  fi
}
remove_many() { # PREFIX
  if [ "$CURL_OK" = 1 ]; then
    sed "s|.*|url = \"$EP/$BUCKET/$1&\"|" "$WORK/names.txt" >"$WORK/curl-del.cfg"
    curl -sS -X DELETE -K "$WORK/curl-del.cfg" >/dev/null || true
  else
    $PY bench/verify.py delete-prefix "$1" >/dev/null 2>&1 || true
  fi
}

cpu_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
proc_jiffies() { # user+sys ticks of the server's processes (SRV_PIDS)
  local p t=0 v
  for p in $SRV_PIDS; do
    v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)

# Times one client on one workload and checks what came back; appends a line to $RAW.
run_one() { # SERVER WORKLOAD CLIENT REP
  local s=$1 w=$2 c=$3 rep=$4
  KEY="runs/$c/$w-$rep.bin"
  PREFIX="runs/$c/$w-$rep/"
  DEST=$WORK/dl/$c-$w-$rep
  local bytes=$BIG_BYTES want=$BIG_SUM
  case $w in up-many | down-many) bytes=$SMALL_BYTES want=$SMALL_SUM ;; esac
  case $w in down-many) mkdir -p "$DEST" ;; esac
  if ! plan "$c" "$w"; then
    printf '%s\t%s\t%s\t%s\tna\t\t\t\t\t%s\t\t\t\t%s\n' "$s" "$w" "$c" "$rep" "$bytes" "$NA" >>"$RAW"
    return 0
  fi
  local tf=$WORK/time.out log=$WORK/logs/$s-$w-$c-$rep.log rc=0
  local j0 s0 j1 s1
  j0=$(cpu_jiffies); s0=$(proc_jiffies)
  if [ -n "$STDIN_FILE" ]; then
    cat "$STDIN_FILE" | /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 5 "$TMO" "${CMD[@]}" \
      >"$log" 2>&1 || rc=$?
  else
    /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 5 "$TMO" "${CMD[@]}" </dev/null \
      >"$log" 2>&1 || rc=$?
  fi
  j1=$(cpu_jiffies); s1=$(proc_jiffies)
  local wall user sys rss
  read -r wall user sys rss < <(tail -n 1 "$tf")
  # checksum of what came back: the server's stored bytes for uploads, the file(s) for downloads
  local got="" ok=0
  if [ "$rc" -eq 0 ]; then
    case $w in
      up-file | up-stdin) got=$(stored_crc "$KEY" 2>>"$log" || true) ;;
      up-many) got=$(stored_crc_many "$PREFIX" 2>>"$log" || true) ;;
      down-file | down-many) got=$($PY bench/verify.py crc "$DEST" 2>>"$log" || true) ;;
    esac
    [ "$got" = "$want" ] && ok=1
  fi
  case $w in
    up-file | up-stdin) remove "$KEY" ;;
    up-many) remove_many "$PREFIX" ;;
  esac
  rm -rf "$WORK/dl" && mkdir -p "$WORK/dl" # with any temporary file a client left
  local srv other
  srv=$(awk -v a="$s0" -v b="$s1" -v hz="$HZ" 'BEGIN{printf "%.2f", (b-a)/hz}')
  other=$(awk -v a="$j0" -v b="$j1" -v hz="$HZ" -v u="$user" -v s="$sys" -v v="$srv" \
    'BEGIN{o=(b-a)/hz-u-s-v; if (o<0) o=0; printf "%.2f", o}')
  local note=""
  [ "$rc" -ne 0 ] && note="exit $rc: $(grep -v '^\s*$' "$log" | tail -n 1 | tr '\t' ' ' | cut -c1-160)"
  [ "$rc" -eq 0 ] && [ "$ok" -ne 1 ] && note="checksum mismatch: got '${got}' want '${want}'"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$w" "$c" "$rep" "$rc" \
    "$wall" "$user" "$sys" "$rss" "$bytes" "$ok" "$srv" "$other" "$note" >>"$RAW"
  printf '  %-8s %-10s %-11s rep %s: %6.2f s  cpu %6.2f s  rss %5d MiB  %s\n' "$s" "$w" "$c" "$rep" \
    "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" "$((rss / 1024))" \
    "$([ "$ok" = 1 ] && echo "crc ok" || echo "FAILED ${note}")" >&2
}

# Every repetition runs each workload once per client, the clients' order rotated by one
# at each repetition so that none always goes first or last.
run_matrix() { # SERVER REPS "CLIENTS" "WORKLOADS"
  local s=$1 reps=$2 clients=($3) workloads=($4) nclients rep w i
  nclients=${#clients[@]}
  for ((rep = 1; rep <= reps; rep++)); do
    if [ $(($(date +%s) - T0)) -gt "$BUDGET" ]; then
      say "time budget of ${BUDGET}s spent: skipping $s repetitions $rep..$reps"
      echo "$s: repetitions $rep..$reps skipped (time budget ${BUDGET}s)" >>"$WORK/notes.txt"
      break
    fi
    for w in "${workloads[@]}"; do
      for ((i = 0; i < nclients; i++)); do
        run_one "$s" "$w" "${clients[$(((i + rep - 1) % nclients))]}" "$rep"
      done
    done
  done
}

# A small transfer by each client first, untimed: caches warm, and a client that cannot
# talk to the server fails here with its own message.
warm_up() { # SERVER "CLIENTS"
  local c
  for c in $2; do
    KEY="warm/$c.bin" PREFIX="warm/$c/" DEST=$WORK/dl/warm
    local save_big=$BIG
    BIG=$SMALL/$(head -n 1 "$WORK/names.txt")
    if plan "$c" up-file; then
      timeout 60 "${CMD[@]}" </dev/null >"$WORK/logs/warm-$1-$c.log" 2>&1 ||
        say "warm-up of $c on $1 failed: $(tail -n 2 "$WORK/logs/warm-$1-$c.log" | tr '\n' ' ')"
    fi
    BIG=$save_big
  done
}

filter() { # "LIST" "WANTED or empty": the items of LIST that WANTED names
  local x out=""
  for x in $1; do
    if [ -z "$2" ] || [[ " $2 " == *" $x "* ]]; then out="$out $x"; fi
  done
  echo "${out# }"
}
WORKLOADS=$(filter "$ALL_WORKLOADS" "${BENCH_WORKLOADS:-}")

# ---------------------------------------------------------------- the fast server
CRT_OK=0
CRT_NA="awscrt 0.16 dials port 80 whatever the endpoint says, and the server is not on 80"
if [ "$FAST" = 1 ]; then
PORT=80
if [ "${BENCH_NETNS:-0}" != 1 ] && { [ "$(id -u)" -ne 0 ] || (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null; }; then
  PORT=0 # port 80 taken or not ours to take: any free port, and no CRT
fi
mkdir -p "$WORK/s3fast"
"$BIN/s3fast" -a 127.0.0.1 -p "$PORT" -d "$WORK/s3fast" >"$WORK/s3fast.out" 2>"$WORK/logs/s3fast.err" &
SRV_PID=$!
SRV_PIDS=$SRV_PID
for _ in $(seq 100); do grep -q listening "$WORK/s3fast.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/s3fast.out")
[ -n "$PORT" ] || { say "s3fast did not start: $(cat "$WORK/logs/s3fast.err")"; exit 1; }
[ "$PORT" = 80 ] && CRT_OK=1
CURL_OK=1
set_endpoint "http://127.0.0.1:$PORT" bench AKIDBENCHEXAMPLE0000 bench-secret-not-checked
curl -sS -f -X PUT "$EP/$BUCKET" -o /dev/null
BENCH_SEED_MD5=1 $PY bench/verify.py seed "$BIG" "$SRC_BIG"
$PY bench/verify.py seed-dir "$SMALL" "$SRC_SMALL"
[ "$($PY bench/verify.py get "$SRC_BIG")" = "$BIG_SUM" ] || { say "seeding s3fast failed"; exit 1; }

CLIENTS=$(filter "$ALL_CLIENTS" "${BENCH_CLIENTS:-}")
say "s3fast on $EP: $REPS repetitions of [$WORKLOADS] by [$CLIENTS]"
warm_up s3fast "$CLIENTS"
run_matrix s3fast "$REPS" "$CLIENTS" "$WORKLOADS"
kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
SRV_PID=""
SRV_PIDS=""
fi

# ---------------------------------------------------------------- Swift
if [ "$SWIFT" = 1 ]; then
  SWIFT_DIR=$(mktemp -d /tmp/xfer-bench-swift.XXXXXX)
  say "starting Swift in $SWIFT_DIR"
  if bash tests/servers/start.sh swift "$SWIFT_DIR" >"$WORK/logs/swift-start.log" 2>&1; then
    # shellcheck disable=SC1091
    . "$SWIFT_DIR/env"
    set_endpoint "$XFER_TEST_ENDPOINT" "$XFER_TEST_BUCKET" "$XFER_TEST_ACCESS_KEY" "$XFER_TEST_SECRET_KEY"
    CRT_OK=0
    CRT_NA="awscrt 0.16 dials port 80; Swift listens on another port"
    CURL_OK=0
    SRV_PIDS=$(cat "$SWIFT_DIR"/pids/*.pid 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
    $PY bench/verify.py seed "$BIG" "$SRC_BIG"
    SWIFT_CLIENTS=$(filter "${BENCH_SWIFT_CLIENTS:-xfer-capi xfer-cli boto3 awscli}" "${BENCH_CLIENTS:-}")
    SWIFT_WORKLOADS=$(filter "up-file down-file up-stdin" "$WORKLOADS")
    say "Swift on $EP: $SWIFT_REPS repetitions of [$SWIFT_WORKLOADS] by [$SWIFT_CLIENTS]"
    warm_up swift "$SWIFT_CLIENTS"
    run_matrix swift "$SWIFT_REPS" "$SWIFT_CLIENTS" "$SWIFT_WORKLOADS"
  else
    say "Swift did not start: $(tail -n 5 "$WORK/logs/swift-start.log")"
    echo "swift: did not start" >>"$WORK/notes.txt"
  fi
fi

# ---------------------------------------------------------------- report
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
MACHINE="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
deb() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
VERSIONS="$("$BIN/xfer" --version) at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "${XFER_BENCH_REV:-?}"); Debian python3-boto3 $(deb python3-boto3), python3-s3transfer $(deb python3-s3transfer), python3-awscrt $(deb python3-awscrt), awscli $(deb awscli), rclone $(deb rclone), curl $(deb curl)"
COMMAND="bash bench/run.sh"
for v in BENCH_REPS BENCH_MIB BENCH_SMALL_COUNT BENCH_SMALL_KIB BENCH_FAST BENCH_SWIFT BENCH_SWIFT_REPS \
  BENCH_SWIFT_CLIENTS BENCH_CLIENTS BENCH_WORKLOADS BENCH_TIMEOUT BENCH_BUDGET XFER_BENCH_BUILD; do
  [ -n "${!v:-}" ] && COMMAND="$v='${!v}' $COMMAND"
done
$PY bench/report.py "$RAW" "$RESULTS" \
  --machine "$MACHINE" --versions "$VERSIONS" \
  --load "load average at start ${LOAD_START}, at end ${LOAD_END} (1/5/15 min)" \
  --command "$COMMAND" \
  --notes "$WORK/notes.txt" --elapsed "$(($(date +%s) - T0))" \
  --sizes "$MIB MiB" "$NSMALL x $SMALL_KIB KiB"
say "results in $RESULTS"
