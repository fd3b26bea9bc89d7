#!/usr/bin/env bash
# install.sh: packaging test fixture: `cmake --install` the build into a fresh temporary prefix.
# usage: install.sh BUILD_DIR PREFIX
. "$(dirname "$0")/lib.sh"
BUILD=$1 PREFIX=$2
fresh_dir "$PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >"$PREFIX.log" 2>&1 || { cat "$PREFIX.log"; fail "cmake --install"; }
ok "installed into $PREFIX"
