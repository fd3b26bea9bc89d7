#!/usr/bin/env bash
# check_symbols.sh: the shared library exports exactly the functions xfer.h declares (xfer_*, version node XFER_0), nothing else.
# usage: check_symbols.sh LIBXFER_SO XFER_H
. "$(dirname "$0")/lib.sh"
SO=$1 HEADER=$2

# Functions the header declares: every XFER_API declaration.
declared=$(tr '\n' ' ' <"$HEADER" | grep -oE 'XFER_API[^;(]*\(' | sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *\($/\1/' | sort -u)
[ "$(wc -l <<<"$declared")" -ge 40 ] || fail "found only $(wc -l <<<"$declared") XFER_API declarations in $HEADER"

# Dynamic symbols the library defines: "name@@VERSION TYPE".
dyn=$(nm -D --defined-only "$SO" | awk '{print $3, $2}')
others=$(awk '$1 !~ /^xfer_/ && !($1 == "XFER_0" && $2 == "A") {print $1}' <<<"$dyn")
[ -z "$others" ] || fail "$SO exports symbols other than xfer_*:"$'\n'"$(c++filt <<<"$others" | head -20 | cut -c1-160)"
unversioned=$(awk '$1 !~ /@@XFER_0$/ && $1 != "XFER_0" {print $1}' <<<"$dyn")
[ -z "$unversioned" ] || fail "symbols outside the XFER_0 version node (src/capi/xfer.map):"$'\n'"$unversioned"
not_code=$(awk '$1 ~ /^xfer_/ && $2 != "T" {print $1, $2}' <<<"$dyn")
[ -z "$not_code" ] || fail "exported xfer_* symbols that are not functions:"$'\n'"$not_code"
exported=$(awk '$1 ~ /^xfer_/ {sub(/@.*/, "", $1); print $1}' <<<"$dyn" | sort -u)

missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
[ -z "$missing" ] || fail "declared in xfer.h but not exported:"$'\n'"$missing"
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
[ -z "$extra" ] || fail "exported but not declared in xfer.h:"$'\n'"$extra"
ok "$(wc -l <<<"$exported") functions exported, all xfer_* in version node XFER_0, exactly those xfer.h declares"
