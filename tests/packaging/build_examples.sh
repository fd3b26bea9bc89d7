#!/usr/bin/env bash
# build_examples.sh: builds every examples/*.c in an empty folder against the installed libxfer, with `cc $(pkg-config --cflags --libs xfer)`.
# usage: build_examples.sh PREFIX LIBDIR EXAMPLES_DIR OUTDIR
. "$(dirname "$0")/lib.sh"
use_prefix "$1" "$2"
EXAMPLES=$3 OUT=$4
fresh_dir "$OUT"
n=0
for src in "$EXAMPLES"/*.c; do
  name=$(basename "$src" .c)
  # shellcheck disable=SC2046
  ${CC:-cc} -std=c99 -O2 -Wall -Wextra -Wconversion -pedantic -Werror "$src" -o "$OUT/$name" \
    $(pkg-config --cflags --libs xfer) || fail "cannot build $name.c"
  n=$((n + 1))
done
[ $n -ge 5 ] || fail "only $n examples in $EXAMPLES"
ok "built $n examples into $OUT"
