#!/usr/bin/env bash
# libkx's ABI against the stored baseline (abi/libkx.abi), with libabigail:
# abidw describes the built libkx.so from its DWARF, restricted to the public
# headers (include/kx); abidiff compares. Any change but an addition fails: a
# removed function, a changed signature, a changed enum value or type. New
# functions pass (abidiff --no-added-syms); record them with --update. After a
# deliberate, soname-bumping change or an addition:
#   tests/pkg/abi-check.sh BUILD_DIR SOURCE_DIR --update
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
update=${3:-}
baseline=$src/abi/libkx.abi
command -v abidw >/dev/null || { echo "abidw not found (Debian package abigail-tools)"; exit 1; }
lib=$(readlink -f "$build/libkx.so")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
abidw --headers-dir "$src/include/kx" --drop-private-types --no-corpus-path --out-file "$work/libkx.abi" "$lib"
if [ "$update" = --update ]; then
  cp "$work/libkx.abi" "$baseline"
  echo "updated $baseline"
  exit 0
fi
[ -f "$baseline" ] || { echo "FAIL no baseline $baseline (run with --update once)"; exit 1; }
set +e
abidiff --no-added-syms --suppressions "$src/abi/libkx.suppr" "$baseline" "$work/libkx.abi" > "$work/diff.txt"
rc=$?
set -e
cat "$work/diff.txt"
# abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
if [ $((rc & 3)) -ne 0 ]; then
  echo "FAIL abidiff could not compare (status $rc)"; exit 1
elif [ $((rc & 12)) -ne 0 ]; then
  echo "FAIL libkx's ABI changed against abi/libkx.abi (see above): keep the old"
  echo "     calls, types and values, or bump the soname and run --update"
  exit 1
fi
n=$(grep -c '<elf-symbol name=.*type=.func-type' "$baseline" || true)
echo "ok   libkx ABI matches the baseline ($n exported functions)"
