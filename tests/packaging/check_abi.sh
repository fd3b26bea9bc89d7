#!/usr/bin/env bash
# check_abi.sh: ABI of libxfer.so.0 against the committed baseline abi/libxfer.so.0.abi (abigail-tools); also writes the baseline.
# usage: check_abi.sh dump  LIBXFER_SO SOURCE_DIR OUT_ABI
#        check_abi.sh check LIBXFER_SO SOURCE_DIR BASELINE_ABI WORKDIR
#
# The dump covers the exported functions and the types of include/xfer only, and leaves out
# what depends on the machine or checkout (corpus and compilation paths, architecture,
# DT_NEEDED, source locations; the source root in file names is made relative), so the
# same sources give the same file anywhere. abidiff's exit status is a bit field: 1 error,
# 2 usage error, 4 ABI change, 8 incompatible ABI change (removal). Additions pass; any
# other change to what the baseline has fails.
. "$(dirname "$0")/lib.sh"

dump() { # LIB SRC OUT
  local lib=$1 src=$2 out=$3
  command -v abidw >/dev/null || fail "abidw not found: apt-get install abigail-tools (scripts/install-deps.sh)"
  abidw --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed --no-architecture \
    --drop-private-types --exported-interfaces-only --type-id-style hash \
    --headers-dir "$src/include/xfer" --out-file "$out.tmp" "$lib" || fail "abidw $lib"
  sed "s|path='$src/|path='|g" "$out.tmp" >"$out"
  rm -f "$out.tmp"
  local fns syms
  fns=$(grep -c '<function-decl ' "$out" || true)
  syms=$(grep -c '<elf-symbol name=.xfer_' "$out" || true)
  [ "$fns" -gt 0 ] && [ "$fns" -ge "$syms" ] ||
    fail "$lib: $fns function declarations for $syms symbols in the dump: build with debug info (RelWithDebInfo or Debug)"
}

MODE=$1
case $MODE in
  dump)
    dump "$2" "$(cd "$3" && pwd)" "$4"
    ok "wrote $4"
    ;;
  check)
    LIB=$2 SRC=$(cd "$3" && pwd) BASE=$4 WORK=$5
    fresh_dir "$WORK"
    [ -f "$BASE" ] || fail "no baseline $BASE (abi/update.sh writes it)"
    dump "$LIB" "$SRC" "$WORK/current.abi"
    # The gate ignores added functions: any other difference in the existing interface
    # (a function removed, a parameter, return or struct type changed, an enumerator's value
    # changed) is a break. abidiff sets bit 8 only for removals; type changes set bit 4, so
    # bit 8 alone would let a changed struct layout through. Harmless changes (parameter
    # names, enumerators added) are filtered out by abidiff and pass.
    rc=0
    abidiff --no-show-locs --no-added-syms "$BASE" "$WORK/current.abi" >"$WORK/abidiff.txt" 2>&1 || rc=$?
    report=0
    abidiff --no-show-locs "$BASE" "$WORK/current.abi" >"$WORK/abidiff-full.txt" 2>&1 || report=$?
    if [ $((rc & 3)) -ne 0 ]; then
      cat "$WORK/abidiff.txt"
      fail "abidiff failed (exit $rc)"
    elif [ $rc -ne 0 ]; then
      cat "$WORK/abidiff-full.txt"
      fail "the ABI of existing functions changed against $BASE (abidiff exit $rc$([ $((rc & 8)) -ne 0 ] && echo ', incompatible: removed')): keep the old functions and types, or make a new SONAME"
    elif [ $report -ne 0 ]; then
      cat "$WORK/abidiff-full.txt"
      ok "only additions to the ABI; record them with abi/update.sh"
    else
      ok "ABI identical to $BASE"
    fi
    ;;
  *) fail "usage: $0 dump|check ..." ;;
esac
