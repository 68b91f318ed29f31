#!/usr/bin/env bash
# Prepares what the QEMU scenarios need. Idempotent: does nothing when the kernel
# is already in tests/vm/cache/.
#   - installs the Debian packages (scripts/install-deps.sh) when root and some are missing
#   - fetches the Debian cloud kernel as a file, without installing it:
#     tests/vm/cache/vmlinuz, tests/vm/cache/kernel-version, tests/vm/cache/config
#     and tests/vm/cache/efivarfs.ko (a module in Debian's build; the guest loads it
#     to see EFI variables, the proof that EFI runtime services work)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache="$here/cache"
meta=linux-image-cloud-amd64

need_pkgs=false
for cmd in qemu-system-x86_64 cpio; do
  command -v "$cmd" >/dev/null 2>&1 || need_pkgs=true
done
[ -x /bin/busybox ] || need_pkgs=true
[ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || need_pkgs=true
if $need_pkgs; then
  if [ "$(id -u)" = 0 ]; then
    "$top/scripts/install-deps.sh"
  else
    echo "setup: packages are missing; run scripts/install-deps.sh as root" >&2
    exit 1
  fi
fi

# Xen for the multiboot scenarios (xen-*.sh), as files only, never installed:
# tests/vm/cache/xen/xen-4.17-amd64.gz (as Debian ships it) and
# xen-4.17-amd64 (decompressed, for kexec-tools). run.py copies cache/xen/*
# into the guest's /boot. A failure here only skips those scenarios.
fetch_xen() {
  local xpkg=xen-hypervisor-4.17-amd64 xwork
  [ -s "$cache/xen/xen-4.17-amd64" ] && return 0
  mkdir -p "$cache/xen"
  xwork=$(mktemp -d "$cache/xenfetch.XXXXXX")
  chmod 777 "$xwork"
  if (cd "$xwork" && apt-get download -q "$xpkg") && dpkg -x "$xwork"/*.deb "$xwork/root"; then
    cp "$xwork/root/boot/xen-4.17-amd64.gz" "$cache/xen/xen-4.17-amd64.gz"
    gzip -dc "$cache/xen/xen-4.17-amd64.gz" > "$cache/xen/xen-4.17-amd64.tmp"
    mv "$cache/xen/xen-4.17-amd64.tmp" "$cache/xen/xen-4.17-amd64"
    echo "setup: Xen in $cache/xen"
  else
    echo "setup: could not fetch $xpkg; the xen-* scenarios will fail" >&2
  fi
  rm -rf "$xwork"
}
mkdir -p "$cache"
fetch_xen

# memtest86+ and iPXE for the memtest-* and ipxe-* scenarios, as files only:
# tests/vm/cache/legacy/{memtest86+x64.bin,memtest86+ia32.bin,ipxe.lkrn}.
# Scenarios copy them with '# file:'. A failure here only fails those.
fetch_legacy() {
  local lwork f
  [ -s "$cache/legacy/ipxe.lkrn" ] && [ -s "$cache/legacy/memtest86+ia32.bin" ] &&
    [ -s "$cache/legacy/memtest86+x64.bin" ] && return 0
  mkdir -p "$cache/legacy"
  lwork=$(mktemp -d "$cache/legacyfetch.XXXXXX")
  chmod 777 "$lwork"
  if (cd "$lwork" && apt-get download -q memtest86+ ipxe); then
    for d in "$lwork"/*.deb; do dpkg -x "$d" "$lwork/root"; done
    for f in memtest86+x64.bin memtest86+ia32.bin ipxe.lkrn; do
      cp "$lwork/root/boot/$f" "$cache/legacy/$f"
    done
    echo "setup: memtest86+ and iPXE in $cache/legacy"
  else
    echo "setup: could not fetch memtest86+ / ipxe; the memtest-* and ipxe-* scenarios will fail" >&2
  fi
  rm -rf "$lwork"
}
fetch_legacy

# The ELF vmlinux inside the kernel's bzImage, and a gzip'd copy, for the
# vmlinux-* scenarios (tests/vm/extract-vmlinux.sh; written via a temp file).
derive_vmlinux() {
  [ -s "$cache/vmlinuz" ] || return 0
  if [ ! -s "$cache/vmlinux" ] || [ "$cache/vmlinuz" -nt "$cache/vmlinux" ]; then
    "$(dirname "$0")/extract-vmlinux.sh" "$cache/vmlinuz" "$cache/vmlinux" &&
      echo "setup: ELF vmlinux in $cache/vmlinux"
  fi
  if [ ! -s "$cache/vmlinux.gz" ] || [ "$cache/vmlinux" -nt "$cache/vmlinux.gz" ]; then
    gzip -c "$cache/vmlinux" > "$cache/vmlinux.gz.tmp.$$" &&
      mv "$cache/vmlinux.gz.tmp.$$" "$cache/vmlinux.gz"
  fi
}
derive_vmlinux

have_all() {
  [ -s "$cache/vmlinuz" ] && [ -s "$cache/kernel-version" ] &&
    [ -s "$cache/efivarfs.ko" ] && [ -s "$cache/config" ]
}
if have_all; then
  exit 0
fi

mkdir -p "$cache"
# Serialise parallel callers (meson runs several scenarios at once).
exec 9>"$cache/.lock"
flock 9
have_all() {
  [ -s "$cache/vmlinuz" ] && [ -s "$cache/kernel-version" ] &&
    [ -s "$cache/efivarfs.ko" ] && [ -s "$cache/config" ]
}
if have_all; then
  exit 0
fi

resolve_pkg() {
  apt-cache depends "$meta" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}
pkg=$(resolve_pkg || true)
if [ -z "$pkg" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    pkg=$(resolve_pkg || true)
  fi
fi
if [ -z "$pkg" ]; then
  echo "setup: cannot resolve the package behind $meta (run apt-get update as root)" >&2
  exit 1
fi

echo "setup: fetching $pkg into $cache"
work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory; as root it drops privileges
# to _apt, which needs write access there.
chmod 777 "$work"
(cd "$work" && apt-get download -q "$pkg")
deb=$(ls "$work"/*.deb | head -n1)
dpkg -x "$deb" "$work/root"
img=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
ver=${img##*/vmlinuz-}
cp "$work/root/boot/config-$ver" "$cache/config"
find "$work/root/lib/modules" -name efivarfs.ko -exec cp {} "$cache/efivarfs.ko" \;
cp "$img" "$cache/vmlinuz.tmp"
mv "$cache/vmlinuz.tmp" "$cache/vmlinuz"
echo "$ver" > "$cache/kernel-version"
echo "setup: kernel $ver in $cache/vmlinuz"
derive_vmlinux
