# lib.sh: shared helpers for the packaging tests (sourced, not run).
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

# fresh_dir DIR: an empty folder (the consumers are built "from an empty folder").
fresh_dir() {
  rm -rf "$1"
  mkdir -p "$1"
}

# use_prefix PREFIX LIBDIR: point pkg-config, CMake and the loader at an installed prefix only.
use_prefix() {
  PREFIX=$1
  LIBDIR=$2
  case $LIBDIR in /*) ;; *) LIBDIR=$PREFIX/$LIBDIR ;; esac
  [ -f "$LIBDIR/pkgconfig/xfer.pc" ] || fail "no $LIBDIR/pkgconfig/xfer.pc: did packaging.install run?"
  export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
  export LD_LIBRARY_PATH=$LIBDIR
  export CMAKE_PREFIX_PATH=$PREFIX
}

# The flags for linking libxfer.a rather than libxfer.so: with both in one folder the linker
# prefers the shared library for -lxfer, so name the archive (GNU ld's -l:FILE).
static_libs() {
  pkg-config --static --libs xfer | sed 's/-lxfer\b/-l:libxfer.a/'
}

# needed BINARY: the DT_NEEDED entries of an ELF file, one a line.
needed() {
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
