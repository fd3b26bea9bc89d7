#!/usr/bin/env bash
# update.sh: rewrites the ABI baseline abi/libxfer.so.0.abi from a RelWithDebInfo build of libxfer.so.0.
# usage: abi/update.sh [BUILD_DIR]   (default: build; configure it with -DCMAKE_BUILD_TYPE=RelWithDebInfo)
# Run it when a release adds to the ABI, never to silence an incompatible change: that needs
# a new SONAME (SOVERSION in CMakeLists.txt) instead.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
cmake --build "$BUILD" --target xfer_shared -j2
exec bash "$ROOT/tests/packaging/check_abi.sh" dump "$BUILD/libxfer.so.0" "$ROOT" "$ROOT/abi/libxfer.so.0.abi"
