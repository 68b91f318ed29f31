#!/usr/bin/env bash
# Installs every Debian package kx needs to build and test. Idempotent; run as root.
set -euo pipefail
pkgs=(
  build-essential meson ninja-build pkg-config clang
  libcmocka-dev
  zlib1g-dev liblzma-dev libzstd-dev liblz4-dev
  qemu-system-x86 ovmf busybox-static cpio openssl systemd-boot-efi
  kexec-tools makedumpfile time
  abigail-tools scdoc man-db groff-base
  debhelper dpkg-dev fakeroot lintian debootstrap
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
