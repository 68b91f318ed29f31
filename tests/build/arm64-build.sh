#!/usr/bin/env bash
# Cross-builds the tree for arm64 (cross/arm64.txt, as make ARCH=arm64) in
# BUILD_ROOT/build-arm64-check and runs its unit suite under qemu-user:
#   arm64-build.sh SOURCE_DIR BUILD_ROOT
# Skips (77) when the cross toolchain, qemu-user or the arm64 libraries are
# not installed (scripts/install-deps.sh installs them). Any compiler
# warning fails (-Werror).
set -euo pipefail
src=$(realpath "$1")
dir=$(realpath "$2")/build-arm64-check
for tool in aarch64-linux-gnu-gcc qemu-aarch64-static; do
  command -v "$tool" >/dev/null ||
    { echo "SKIP: $tool not found (run scripts/install-deps.sh)"; exit 77; }
done
for pc in zlib liblzma libzstd liblz4 cmocka; do
  PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
    pkg-config --exists "$pc" ||
    { echo "SKIP: arm64 $pc not installed (run scripts/install-deps.sh)"; exit 77; }
done
# libfdt (arm64's device tree) has no pkg-config file in Debian.
[ -e /usr/lib/aarch64-linux-gnu/libfdt.a ] ||
  { echo "SKIP: arm64 libfdt-dev not installed (run scripts/install-deps.sh)"; exit 77; }
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$src" --cross-file "$src/cross/arm64.txt" -Dwerror=true \
    >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; echo "FAIL meson setup (arm64)"; exit 1; }
fi
ninja -C "$dir" >"$dir.build.log" 2>&1 ||
  { grep -E 'error|warning' -A3 "$dir.build.log" | head -60; echo "FAIL build (arm64)"; exit 1; }
for bin in kexec vmcore-dmesg; do
  file "$dir/$bin" | grep -q 'ARM aarch64.*statically linked' ||
    { file "$dir/$bin"; echo "FAIL $bin is not a static arm64 program"; exit 1; }
done
meson test -C "$dir" --suite unit --no-rebuild --print-errorlogs --num-processes 2 \
  >"$dir.test.log" 2>&1 || { tail -80 "$dir.test.log"; echo "FAIL unit tests (arm64)"; exit 1; }
grep -E '^(Ok|Fail|Skipped):' "$dir.test.log"
echo "ok   arm64 build: static kexec and vmcore-dmesg, unit suite passes under qemu-aarch64"
