#!/usr/bin/env bash
# Builds the tree a second way and runs its unit and fuzz-replay suites there:
#   other-build.sh clang    SOURCE_DIR BUILD_ROOT   CC=clang (purgatory included)
#   other-build.sh sanitize SOURCE_DIR BUILD_ROOT   ASan + UBSan, -Dstatic=false
# Any compiler warning fails too (-Werror), and a sanitizer report aborts the
# test that caused it (halt_on_error, no recovery).
set -euo pipefail
kind=$1
src=$(realpath "$2")
dir=$(realpath "$3")/build-$kind
case "$kind" in
  clang)
    command -v clang >/dev/null || { echo "clang not found"; exit 1; }
    env=(CC=clang)
    opts=(-Dwerror=true)
    slower=1 ;;
  sanitize)
    env=()
    opts=(-Dstatic=false -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true)
    slower=5 ;;   # the fuzz replays run several times slower under ASan
  *) echo "usage: $0 clang|sanitize SOURCE_DIR BUILD_ROOT"; exit 2 ;;
esac
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if [ ! -f "$dir/build.ninja" ]; then
  env "${env[@]}" meson setup "$dir" "$src" "${opts[@]}" >"$dir.setup.log" 2>&1 ||
    { cat "$dir.setup.log"; echo "FAIL meson setup ($kind)"; exit 1; }
fi
ninja -C "$dir" >"$dir.build.log" 2>&1 ||
  { grep -E 'error|warning' -A3 "$dir.build.log" | head -60; echo "FAIL build ($kind)"; exit 1; }
# The unit suite (which has the golden plans and the command-line tests) and
# the fuzz replays; the package checks and the VM scenarios run in the main build.
meson test -C "$dir" --suite unit --suite fuzz --no-rebuild --print-errorlogs --num-processes 2 \
  --timeout-multiplier "$slower" \
  >"$dir.test.log" 2>&1 || { tail -80 "$dir.test.log"; echo "FAIL tests ($kind)"; exit 1; }
grep -E '^(Ok|Fail|Skipped):' "$dir.test.log"
echo "ok   $kind build: built without warnings, unit and fuzz suites pass"
