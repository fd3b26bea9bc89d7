#!/usr/bin/env bash
# check_pkgconfig_consumer.sh: builds consumer.c in an empty folder with `cc $(pkg-config ...)` against the installed prefix, shared or static, and runs it.
# usage: check_pkgconfig_consumer.sh PREFIX LIBDIR shared|static WORKDIR
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
use_prefix "$1" "$2"
MODE=$3 WORK=$4
fresh_dir "$WORK"
cp "$HERE/consumer.c" "$WORK/"
cd "$WORK" || exit 1

if [ "$MODE" = shared ]; then
  # shellcheck disable=SC2046
  ${CC:-cc} -std=c99 -Wall -Wextra -Werror consumer.c -o consumer $(pkg-config --cflags --libs xfer) ||
    fail "cc consumer.c \$(pkg-config --cflags --libs xfer)"
  deps=$(needed consumer | xargs)
  case " $deps " in *" libxfer.so.0 "*) ;; *) fail "consumer does not need libxfer.so.0: $deps" ;; esac
  where=$(ldd ./consumer | awk '$1 == "libxfer.so.0" {print $3}')
  [ "$where" = "$LIBDIR/libxfer.so.0" ] || fail "consumer loads libxfer.so.0 from '$where', not $LIBDIR"
  ./consumer || fail "the consumer failed"
  ok "shared consumer: built with pkg-config, needs libxfer.so.0, ran"
else
  # Without --static the link must fail: it shows the static flags are what makes it work.
  # shellcheck disable=SC2046
  if ${CC:-cc} -std=c99 consumer.c -o nolibs $(pkg-config --cflags --libs xfer | sed 's/-lxfer\b/-l:libxfer.a/') \
    >nolibs.log 2>&1; then
    fail "libxfer.a linked without its dependencies: this check proves nothing"
  fi
  # shellcheck disable=SC2046
  ${CC:-cc} -std=c99 -Wall -Wextra -Werror consumer.c -o consumer $(pkg-config --static --cflags xfer) $(static_libs) ||
    fail "cc consumer.c \$(pkg-config --static --cflags --libs xfer), -lxfer as -l:libxfer.a"
  deps=$(needed consumer | xargs)
  case " $deps " in *" libxfer.so"*) fail "the static consumer still needs libxfer: $deps" ;; esac
  syms=$(nm consumer)
  grep -qE ' T xfer_version$' <<<"$syms" || fail "xfer_version is not linked into the consumer"
  loaded=$(ldd ./consumer)
  ! grep libxfer <<<"$loaded" || fail "ldd finds libxfer in the static consumer"
  env -u LD_LIBRARY_PATH ./consumer || fail "the static consumer failed"
  ok "static consumer: libxfer.a linked in (no libxfer at run time; needs $deps), ran"
fi
