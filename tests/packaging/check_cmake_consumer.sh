#!/usr/bin/env bash
# check_cmake_consumer.sh: builds an outside CMake project with find_package(xfer) from an empty folder (C only, then C and C++) and runs its programs.
# usage: check_cmake_consumer.sh PREFIX LIBDIR WORKDIR
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
use_prefix "$1" "$2"
WORK=$3
fresh_dir "$WORK/src"
cp "$HERE/cmake_consumer/CMakeLists.txt" "$HERE/consumer.c" "$WORK/src/"

for cxx in OFF ON; do
  B=$WORK/build-cxx-$cxx
  cmake -S "$WORK/src" -B "$B" -DCONSUMER_CXX=$cxx >"$B.log" 2>&1 || { cat "$B.log"; fail "configure (CONSUMER_CXX=$cxx)"; }
  cmake --build "$B" -j2 >>"$B.log" 2>&1 || { cat "$B.log"; fail "build (CONSUMER_CXX=$cxx)"; }
  progs=(consumer_shared consumer_static)
  [ $cxx = ON ] && progs+=(consumer_cxx_shared consumer_cxx_static)
  for p in "${progs[@]}"; do
    deps=" $(needed "$B/$p" | xargs) "
    case $p in
      *shared) case $deps in *" libxfer.so.0 "*) ;; *) fail "$p does not need libxfer.so.0:$deps" ;; esac ;;
      *static) case $deps in *libxfer*) fail "$p needs libxfer at run time:$deps" ;; esac ;;
    esac
    "$B/$p" >"$B/$p.out" 2>&1 || { cat "$B/$p.out"; fail "$p failed"; }
  done
  ok "find_package(xfer) with CONSUMER_CXX=$cxx: ${progs[*]} built and ran"
done
