#!/usr/bin/env bash
# check_version.sh: xfer_version(), the header's version macros, the CMake project version, xfer.pc and the Doxyfile all agree.
# usage: check_version.sh PREFIX LIBDIR PROJECT_VERSION SOURCE_DIR WORKDIR
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
use_prefix "$1" "$2"
VERSION=$3 SRC=$4 WORK=$5
fresh_dir "$WORK"
# shellcheck disable=SC2046
${CC:-cc} -std=c99 -Wall -Wextra -Werror "$HERE/version_check.c" -o "$WORK/version_check" \
  $(pkg-config --cflags --libs xfer) || fail "cannot build version_check.c"
got=$("$WORK/version_check") || fail "xfer_version() and the header's macros disagree"
[ "$got" = "$VERSION" ] || fail "xfer_version() and XFER_VERSION_* say $got, CMake's project() says $VERSION"
[ "$(pkg-config --modversion xfer)" = "$VERSION" ] || fail "xfer.pc says $(pkg-config --modversion xfer)"
doxy=$(sed -n 's/^PROJECT_NUMBER *= *//p' "$SRC/docs/Doxyfile")
[ "$doxy" = "$VERSION" ] || fail "docs/Doxyfile PROJECT_NUMBER is '$doxy', not $VERSION"
ok "version $VERSION: xfer_version(), XFER_VERSION_MAJOR/MINOR/PATCH/STRING/NUMBER, project(), xfer.pc, Doxyfile"
