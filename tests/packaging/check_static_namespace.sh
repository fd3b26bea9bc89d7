#!/usr/bin/env bash
# check_static_namespace.sh: libxfer.a defines no global symbol outside xfer_* and the C++ namespace xfer::, so static linking cannot clash with a program's own names.
# usage: check_static_namespace.sh LIBXFER_A
. "$(dirname "$0")/lib.sh"
A=$1
# Strong global definitions (weak and unique ones, e.g. inline functions and template
# instantiations of std::, are merged by the linker and cannot clash).
syms=$(nm -g --defined-only "$A" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TDBRGSC]$/ {print $3}' | sort -u)
foreign=$(grep -v '^xfer_' <<<"$syms" | c++filt |
  grep -vE '^(xfer::|(vtable|VTT|typeinfo|typeinfo name|guard variable|construction vtable) for .*xfer::)' || true)
[ -z "$foreign" ] || fail "libxfer.a defines global symbols outside xfer_* / xfer:: (a static link clashes with any program defining them; give them internal linkage):"$'\n'"$foreign"
ok "$(wc -l <<<"$syms") global definitions in libxfer.a, all xfer_* or in namespace xfer"
