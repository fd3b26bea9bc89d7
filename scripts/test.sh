#!/usr/bin/env bash
# test.sh: the README's test command: installs what it needs, builds, and runs every test
# (unit, SigV4 suite, integration against Swift and s3rver, CLI) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh  # Debian packages; tests/servers/start.sh runs `npm ci` for s3rver

BUILD=${XFER_BUILD_DIR:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${XFER_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j2 --timeout 900 "$@"
