#!/usr/bin/env bash
# check_layout.sh: checks what `cmake --install` put in the prefix: headers, libraries and SONAME, pkg-config file, CMake package.
# usage: check_layout.sh PREFIX LIBDIR INCLUDEDIR VERSION SOURCE_DIR BUILD_DIR WORKDIR
. "$(dirname "$0")/lib.sh"
PREFIX=$1 LIBREL=$2 INCREL=$3 VERSION=$4 SRC=$5 BUILD=$6 WORK=$7
use_prefix "$PREFIX" "$LIBREL"
INC=$PREFIX/$INCREL
fresh_dir "$WORK"
MAJOR=${VERSION%%.*}

# --- headers: the public ones, as in the sources, and nothing from src/
for h in xfer.h export.h; do
  [ -f "$INC/xfer/$h" ] || fail "missing $INC/xfer/$h"
  cmp -s "$INC/xfer/$h" "$SRC/include/xfer/$h" || fail "$INC/xfer/$h differs from the source"
done
ok "headers include/xfer/xfer.h and export.h"

# --- every installed file is expected (no test programs, internal headers or stray files)
( cd "$PREFIX" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort ) >"$WORK/files"
unexpected=$(grep -vxE "bin/xfer|$INCREL/xfer/(xfer|export)\.h|$LIBREL/libxfer\.(a|so|so\.$MAJOR|so\.$VERSION)|$LIBREL/pkgconfig/xfer\.pc|$LIBREL/cmake/xfer/xfer(Config|ConfigVersion|Targets|Targets-[a-z]+)\.cmake" "$WORK/files" || true)
[ -z "$unexpected" ] || fail "unexpected installed files:"$'\n'"$unexpected"
ok "no unexpected files ($(wc -l <"$WORK/files") installed)"

# --- the shared library: real file, SONAME, links, no RPATH into the build tree
so=$LIBDIR/libxfer.so.$VERSION
[ -f "$so" ] && [ ! -L "$so" ] || fail "$so is not a regular file"
[ "$(readlink "$LIBDIR/libxfer.so.$MAJOR")" = "libxfer.so.$VERSION" ] || fail "libxfer.so.$MAJOR does not link to libxfer.so.$VERSION"
[ "$(readlink "$LIBDIR/libxfer.so")" = "libxfer.so.$MAJOR" ] || fail "libxfer.so does not link to libxfer.so.$MAJOR"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libxfer.so.$MAJOR" ] || fail "SONAME is '$soname', not libxfer.so.$MAJOR"
dyn=$(readelf -d "$so")
! grep -E '\((RPATH|RUNPATH)\)' <<<"$dyn" || fail "$so has an RPATH/RUNPATH"
ok "libxfer.so.$VERSION, SONAME $soname, links libxfer.so -> libxfer.so.$MAJOR -> libxfer.so.$VERSION"

# --- the static library: an archive holding the whole C API
[ -f "$LIBDIR/libxfer.a" ] || fail "missing libxfer.a"
syms=$(nm --defined-only "$LIBDIR/libxfer.a" 2>/dev/null)
grep -qE ' T xfer_version$' <<<"$syms" || fail "libxfer.a does not define xfer_version"
ok "libxfer.a"

# --- pkg-config: the prefix given to cmake --install, -lxfer alone for shared linking,
#     libxfer.a's dependencies under --static
pkg-config --validate xfer || fail "pkg-config --validate xfer"
[ "$(pkg-config --modversion xfer)" = "$VERSION" ] || fail "pkg-config --modversion: $(pkg-config --modversion xfer), not $VERSION"
[ "$(pkg-config --variable=prefix xfer)" = "$PREFIX" ] || fail "xfer.pc prefix is $(pkg-config --variable=prefix xfer), not $PREFIX"
cflags=$(pkg-config --cflags-only-I xfer)
case " $cflags " in *" -I$INC "*) ;; *) fail "pkg-config --cflags has no -I$INC: $cflags" ;; esac
libs=$(pkg-config --libs xfer | xargs)
[ "$libs" = "-L$LIBDIR -lxfer" ] || fail "pkg-config --libs xfer is '$libs', not '-L$LIBDIR -lxfer' (shared linking needs nothing else)"
req=$(pkg-config --print-requires-private xfer | awk '{print $1}' | sort | xargs)
[ "$req" = "libcrypto libcurl libisal tinyxml2" ] || fail "Requires.private is '$req'"
slibs=" $(pkg-config --static --libs xfer) "
for l in -lxfer -lcurl -ltinyxml2 -lisal -lcrypto -lstdc++ -lpthread; do
  case $slibs in *" $l "*) ;; *) fail "pkg-config --static --libs xfer lacks $l: $slibs" ;; esac
done
case " $(pkg-config --static --cflags xfer) " in *" -DXFER_STATIC_DEFINE "*) ;; *) fail "pkg-config --static --cflags lacks -DXFER_STATIC_DEFINE" ;; esac
ok "xfer.pc: prefix $PREFIX, Libs '$libs', Requires.private '$req'"

# --- CMake package: config, SameMajorVersion version file, both exported targets
CM=$LIBDIR/cmake/xfer
for f in xferConfig.cmake xferConfigVersion.cmake xferTargets.cmake; do
  [ -f "$CM/$f" ] || fail "missing $CM/$f"
done
cat >"$WORK/version.cmake" <<'CMAKE'
# Asks the installed version file what find_package(xfer REQ) would.
string(REPLACE "." ";" parts "${REQ}")
list(LENGTH parts n)
set(PACKAGE_FIND_VERSION "${REQ}")
list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
if(n GREATER 1)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
endif()
set(PACKAGE_FIND_VERSION_COUNT ${n})
include("${VF}")
if(PACKAGE_VERSION_COMPATIBLE)
  message("compatible")
else()
  message("incompatible")
endif()
CMAKE
answer() { cmake -DVF="$CM/xferConfigVersion.cmake" -DREQ="$1" -P "$WORK/version.cmake" 2>&1; }
IFS=. read -r vmaj vmin _ <<<"$VERSION"
[ "$(answer "$VERSION")" = compatible ] || fail "version file rejects $VERSION"
[ "$(answer "$vmaj")" = compatible ] || fail "version file rejects $vmaj"
[ "$(answer "$vmaj.$((vmin + 1))")" = incompatible ] || fail "version file accepts a newer minor $vmaj.$((vmin + 1))"
[ "$(answer "$((vmaj + 1)).0")" = incompatible ] || fail "version file accepts major $((vmaj + 1))"
if [ "$vmaj" -gt 0 ]; then
  [ "$(answer "$((vmaj - 1)).0")" = incompatible ] || fail "version file accepts major $((vmaj - 1))"
fi
ok "xferConfigVersion.cmake: SameMajorVersion ($VERSION satisfies $vmaj.x requests up to $VERSION)"

grep -q 'add_library(xfer::xfer SHARED IMPORTED)' "$CM/xferTargets.cmake" || fail "xfer::xfer is not exported as a shared library"
grep -q 'add_library(xfer::xfer_static STATIC IMPORTED)' "$CM/xferTargets.cmake" || fail "xfer::xfer_static is not exported as a static library"
deps=$(sed -n '/set_target_properties(xfer::xfer_static/,/^)/p' "$CM/xferTargets.cmake" | sed -n 's/.*INTERFACE_LINK_LIBRARIES "\(.*\)"/\1/p')
for d in PkgConfig::CURL PkgConfig::TINYXML2 PkgConfig::ISAL OpenSSL::Crypto Threads::Threads; do
  case ";$deps;" in *";$d;"*) ;; *) fail "xfer::xfer_static does not carry $d (has: $deps)" ;; esac
done
ok "exported xfer::xfer and xfer::xfer_static (with $deps)"

# --- nothing installed points back into the build or source tree
# (The test prefix itself may lie inside the build tree: its own path does not count.)
for f in "$LIBDIR"/pkgconfig/* "$LIBDIR"/cmake/xfer/* "$INC"/xfer/*; do
  if sed "s|$PREFIX||g" "$f" | grep -nF -e "$BUILD" -e "$SRC/"; then
    fail "$f mentions the build or source tree"
  fi
done
ok "no build-tree or source-tree paths in installed text files"
