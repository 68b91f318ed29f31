#!/usr/bin/env bash
# Installs every Debian package kx needs to build and test. Idempotent; run as root.
#   - Debian 12's own packages (below);
#   - QEMU 10 from bookworm-backports (its TCG has SHA-NI, AVX2 and LA57 with
#     -cpu max; 7.2's has no SHA-NI, so purgatory's SHA-NI path needs 10),
#     for x86 and for the arm64 scenarios (qemu-system-arm);
#   - the arm64 cross toolchain and libraries, and QEMU's arm64 UEFI firmware.
set -euo pipefail
pkgs=(
  build-essential meson ninja-build pkg-config clang
  libcmocka-dev
  zlib1g-dev liblzma-dev libzstd-dev liblz4-dev liblzo2-dev libsnappy-dev g++
  # libfdt for the arm64 fuzz targets tests/fuzz/build.sh builds for this
  # host: the library, named with its arch (the arm64 one would count as
  # installed otherwise). The header is the arm64 libfdt-dev's (below).
  "libfdt1:$(dpkg --print-architecture)"
  ovmf qemu-efi-aarch64 busybox-static cpio openssl systemd-boot-efi
  kexec-tools makedumpfile time file
  abigail-tools scdoc man-db groff-base
  debhelper dpkg-dev fakeroot lintian debootstrap
)
backports=bookworm-backports
backports_pkgs=(qemu-system-x86 qemu-system-arm)
backports_list=/etc/apt/sources.list.d/kx-backports.list

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# Each installed QEMU must come from backports (major version >= 10).
qemu_ok() {
  local v p
  for p in "${backports_pkgs[@]}"; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || return 1
    v=${v#*:}
    [ "${v%%.*}" -ge 10 ] 2>/dev/null || return 1
  done
}

missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
need_bp=false
qemu_ok || need_bp=true
if [ ${#missing[@]} -gt 0 ] || $need_bp; then
  export DEBIAN_FRONTEND=noninteractive
  if $need_bp && [ ! -e "$backports_list" ] &&
     ! grep -rqs "$backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian $backports main" > "$backports_list"
  fi
  apt-get update -qq
  [ ${#missing[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if $need_bp; then
    apt-get install -y -qq --no-install-recommends -t "$backports" "${backports_pkgs[@]}"
  fi
fi

# arm64 cross builds (make ARCH=arm64): the cross compiler, qemu-user for the
# unit tests, and the arm64 -dev packages through Debian multiarch (all but
# libfdt-dev are Multi-Arch: same, co-installable with the amd64 ones, with
# their static .a; libfdt-dev:arm64 replaces the amd64 one, and its header
# serves the host's fuzz build too).
cross_pkgs=(gcc-aarch64-linux-gnu qemu-user-static)
arm64_pkgs=(zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libfdt-dev libcmocka-dev)
updated=false
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq
  updated=true
fi
missing=()
for p in "${cross_pkgs[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${arm64_pkgs[@]}"; do installed "$p:arm64" || missing+=("$p:arm64"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $updated || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
