#!/usr/bin/env bash
# check_header.sh: compiles a file that includes only the installed <xfer/xfer.h>, as C or C++ at a given standard, warnings as errors.
# usage: check_header.sh PREFIX LIBDIR c|c++ STD WORKDIR
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
use_prefix "$1" "$2"
LANG_=$3 STD=$4 WORK=$5
fresh_dir "$WORK"
warn=(-Wall -Wextra -pedantic -Werror -Wundef -Wshadow -Wcast-qual)
# CC and CXX may hold several words (e.g. "ccache cc"): split them on purpose.
# shellcheck disable=SC2206
if [ "$LANG_" = c ]; then
  cmd=(${CC:-cc} -x c -std="$STD" "${warn[@]}" -Wstrict-prototypes -Wmissing-prototypes -Wc++-compat)
else
  cmd=(${CXX:-c++} -x c++ -std="$STD" "${warn[@]}" -Wold-style-cast -Wzero-as-null-pointer-constant)
fi
# shellcheck disable=SC2046
"${cmd[@]}" $(pkg-config --cflags xfer) -c "$HERE/header_alone.c" -o "$WORK/header_alone.o" ||
  fail "xfer.h does not compile alone: ${cmd[*]}"
ok "xfer.h compiles alone: ${cmd[*]}"
