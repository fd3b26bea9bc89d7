#!/usr/bin/env bash
# sanitize.sh MODE: builds the library and its C/C++ tests with sanitizers (address = ASan+UBSan,
# thread = TSan) in build-MODE and runs the core suite (unit, C API, integration) under them.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?usage: sanitize.sh address|thread}
BUILD=build-$MODE
bash scripts/install-deps.sh
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXFER_SANITIZE="$MODE" -DXFER_BINDINGS=OFF \
  -DXFER_EXAMPLES=OFF -DXFER_PACKAGING_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
cd "$BUILD"
# The core suite: what runs our code in-process (the CLI and proxy scripts add nothing here).
ctest --output-on-failure -j2 --timeout 900 -L "unit|integration" -E "cli|proxy.selftest" "${@:2}"
