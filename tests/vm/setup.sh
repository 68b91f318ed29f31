#!/usr/bin/env bash
# Prepares what the QEMU scenarios need. Idempotent: does nothing when the kernel
# is already in tests/vm/cache/.
#   - installs the Debian packages (scripts/install-deps.sh) when root and some are missing
#   - fetches the Debian cloud kernels as files, without installing them:
#     6.1 (linux-image-cloud-amd64) into tests/vm/cache/ and 6.12
#     (linux-image-6.12-cloud-amd64, from bookworm-security) into
#     tests/vm/cache/6.12/: vmlinuz, kernel-version, config and efivarfs.ko (a
#     module in Debian's build; the guest loads it to see EFI variables, the
#     proof that EFI runtime services work), plus the ELF vmlinux taken out of
#     the bzImage and a gzip'd copy of it
#   - for the arm64 scenarios, Debian 12's arm64 cloud kernel, busybox and
#     kexec-tools into tests/vm/cache/arm64/ (arm64_setup below)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache="$here/cache"
meta=linux-image-cloud-amd64

need_pkgs=false
for cmd in qemu-system-x86_64 cpio; do
  command -v "$cmd" >/dev/null 2>&1 || need_pkgs=true
done
# QEMU 10 (backports): its TCG has SHA-NI, which the scenarios rely on.
qv=$(qemu-system-x86_64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
[ "${qv:-0}" -ge 10 ] || need_pkgs=true
[ -x /bin/busybox ] || need_pkgs=true
[ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || need_pkgs=true
# arm64 scenarios: qemu-system-aarch64 (QEMU 10) and its UEFI firmware.
command -v qemu-system-aarch64 >/dev/null 2>&1 || need_pkgs=true
[ -e /usr/share/qemu-efi-aarch64/QEMU_EFI.fd ] || need_pkgs=true
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

# Debian 12's kdump-tools (kdump-config, its defaults) as files, never
# installed: tests/vm/cache/kdump-tools/ holds the unpacked package, which
# the kdump-tools scenario copies into the guest. A failure only fails it.
fetch_kdump_tools() {
  local kwork
  [ -s "$cache/kdump-tools/usr/sbin/kdump-config" ] && return 0
  kwork=$(mktemp -d "$cache/kdtfetch.XXXXXX")
  chmod 777 "$kwork"
  if (cd "$kwork" && apt-get download -q kdump-tools) && dpkg -x "$kwork"/*.deb "$kwork/root"; then
    rm -rf "$cache/kdump-tools"
    mv "$kwork/root" "$cache/kdump-tools"
    echo "setup: kdump-tools in $cache/kdump-tools"
  else
    echo "setup: could not fetch kdump-tools; the kdump-tools scenario will fail" >&2
  fi
  rm -rf "$kwork"
}
fetch_kdump_tools

# The ELF vmlinux inside a bzImage, and a gzip'd copy, for the vmlinux-*
# scenarios (tests/vm/extract-vmlinux.sh; written via a temp file).
derive_vmlinux() {
  local d=$1
  [ -s "$d/vmlinuz" ] || return 0
  if [ ! -s "$d/vmlinux" ] || [ "$d/vmlinuz" -nt "$d/vmlinux" ]; then
    "$here/extract-vmlinux.sh" "$d/vmlinuz" "$d/vmlinux" &&
      echo "setup: ELF vmlinux in $d/vmlinux"
  fi
  if [ ! -s "$d/vmlinux.gz" ] || [ "$d/vmlinux" -nt "$d/vmlinux.gz" ]; then
    gzip -c "$d/vmlinux" > "$d/vmlinux.gz.tmp.$$" &&
      mv "$d/vmlinux.gz.tmp.$$" "$d/vmlinux.gz"
  fi
}

have_kernel() {
  [ -s "$1/vmlinuz" ] && [ -s "$1/kernel-version" ] &&
    [ -s "$1/efivarfs.ko" ] && [ -s "$1/config" ] && [ -s "$1/vmlinux.gz" ]
}

# The image package behind a meta package (linux-image-cloud-amd64 ->
# linux-image-6.1.0-NN-cloud-amd64).
resolve_pkg() {
  apt-cache depends "$1" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}

# fetch_kernel META DIR: download and unpack the kernel behind META into DIR.
fetch_kernel() {
  local meta=$1 dir=$2 pkg work deb img ver
  have_kernel "$dir" && return 0
  mkdir -p "$dir"
  pkg=$(resolve_pkg "$meta" || true)
  if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    pkg=$(resolve_pkg "$meta" || true)
  fi
  if [ -z "$pkg" ]; then
    echo "setup: cannot resolve the package behind $meta (run apt-get update as root)" >&2
    return 1
  fi
  if [ ! -s "$dir/vmlinuz" ] || [ ! -s "$dir/efivarfs.ko" ] || [ ! -s "$dir/config" ]; then
    echo "setup: fetching $pkg into $dir"
    work=$(mktemp -d "$cache/fetch.XXXXXX")
    # apt-get download writes into the current directory; as root it drops
    # privileges to _apt, which needs write access there.
    chmod 777 "$work"
    if ! (cd "$work" && apt-get download -q "$pkg"); then
      rm -rf "$work"
      return 1
    fi
    deb=$(ls "$work"/*.deb | head -n1)
    dpkg -x "$deb" "$work/root"
    img=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
    ver=${img##*/vmlinuz-}
    cp "$work/root/boot/config-$ver" "$dir/config"
    # 6.1 ships efivarfs.ko, 6.12 efivarfs.ko.xz (busybox's insmod takes neither
    # compressed form, so it is stored plain).
    local ko
    ko=$(find "$work/root/lib/modules" -name 'efivarfs.ko*' | head -n1)
    case "$ko" in
      *.xz) xz -dc "$ko" > "$dir/efivarfs.ko" ;;
      *.zst) zstd -qdc "$ko" > "$dir/efivarfs.ko" ;;
      ?*) cp "$ko" "$dir/efivarfs.ko" ;;
    esac
    cp "$img" "$dir/vmlinuz.tmp"
    mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
    echo "$ver" > "$dir/kernel-version"
    rm -rf "$work"
    echo "setup: kernel $ver in $dir/vmlinuz"
  fi
  derive_vmlinux "$dir"
}

# ---------------------------------------------------------------- arm64
# The arm64 scenarios (tests/vm/scenarios/arm64-*.sh), as files only, never
# installed, in tests/vm/cache/arm64/:
#   Image, kernel-version, config, efivarfs.ko  Debian 12's cloud kernel 6.1
#       (linux-image-cloud-arm64: a plain Image with the EFI stub; KEXEC and
#       CRASH_DUMP, no KEXEC_FILE)
#   busybox                  Debian 12's busybox-static:arm64 (not installed:
#       it would replace the host's amd64 busybox-static)
#   kexec-tools/             a root tree: opt/kexec-tools/{kexec,vmcore-dmesg}
#       from Debian 12's kexec-tools:arm64 (2.0.25) and, at their own paths,
#       the arm64 libraries their ELF files need (found by walking DT_NEEDED)
#   fixture-6.12/            ../shared/kernels/arm64/{Image.gz,vmlinuz.efi}
#       (6.12.117 with KEXEC_FILE and EFI_ZBOOT) and the Image decompressed
#   vmlinux                  the 6.1 kernel's ELF vmlinux, from its -dbg
#       package (a 260 MB download), stripped of debug info, for
#       arm64-vmlinux (ARM64_VMLINUX=0 skips it)
# A failure here only fails the arm64 scenarios.
arm64_cache="$cache/arm64"
# The fixture's home: ../shared beside the checkout, as the project is laid
# out; a clone made elsewhere (CI's clean clone) finds it through KX_SHARED or
# the workplace's /work/shared. Its files are copied into the cache, where
# run.py and the unit tests read them.
arm64_fixture=
for d in ${KX_SHARED:+"$KX_SHARED"} "$(dirname "$top")/shared" /work/shared; do
  if [ -s "$d/kernels/arm64/Image.gz" ]; then arm64_fixture="$d/kernels/arm64"; break; fi
done

have_arm64() {
  [ -s "$arm64_cache/Image" ] && [ -s "$arm64_cache/kernel-version" ] &&
    [ -s "$arm64_cache/config" ] && [ -x "$arm64_cache/busybox" ] &&
    [ -x "$arm64_cache/kexec-tools/opt/kexec-tools/kexec" ]
}

# arm64_copy_needed ROOT OUT ELF...: copies into OUT, at their paths under
# /lib/aarch64-linux-gnu, the libraries the ELF files need (DT_NEEDED, walked
# transitively) and the dynamic loader, all taken from the unpacked ROOT.
arm64_copy_needed() {
  local root=$1 out=$2 f lib found d todo seen=" "
  shift 2
  todo=("$@")
  mkdir -p "$out/lib/aarch64-linux-gnu"
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}
    todo=("${todo[@]:1}")
    for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      case "$seen" in *" $lib "*) continue ;; esac
      seen="$seen$lib "
      found=
      for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
        [ -e "$root/$d/$lib" ] && found="$root/$d/$lib" && break
      done
      if [ -z "$found" ]; then
        echo "setup: arm64 library $lib (needed by ${f##*/}) is in none of the packages" >&2
        return 1
      fi
      cp -L "$found" "$out/lib/aarch64-linux-gnu/$lib"
      todo+=("$out/lib/aarch64-linux-gnu/$lib")
    done
  done
  # PT_INTERP is /lib/ld-linux-aarch64.so.1.
  cp -L "$root/lib/ld-linux-aarch64.so.1" "$out/lib/ld-linux-aarch64.so.1"
}

fetch_arm64() {
  local work pkg pkgs img ver ko
  have_arm64 && return 0
  mkdir -p "$arm64_cache"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup: no arm64 in dpkg's architectures (run scripts/install-deps.sh as root); the arm64 scenarios will fail" >&2
    return 1
  fi
  pkg=$(resolve_pkg linux-image-cloud-arm64:arm64 || true)
  pkg=${pkg%:arm64}
  if [ -z "$pkg" ]; then
    echo "setup: cannot resolve linux-image-cloud-arm64:arm64 (apt-get update as root)" >&2
    return 1
  fi
  # kexec-tools and the libraries of its dependency closure (the packages
  # dpkg and debconf pull in are not libraries kexec links).
  pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
           --no-breaks --no-replaces --no-enhances --no-pre-depends kexec-tools:arm64 |
         sed -n 's/^\(lib[^ ]*\|zlib1g\):arm64$/\1:arm64/p' | sort -u)
  echo "setup: fetching $pkg, busybox-static, kexec-tools and its libraries (arm64)"
  work=$(mktemp -d "$cache/arm64fetch.XXXXXX")
  chmod 777 "$work"
  if ! (cd "$work" && apt-get download -q "$pkg:arm64" busybox-static:arm64 \
          kexec-tools:arm64 $pkgs >/dev/null); then
    rm -rf "$work"
    echo "setup: could not download the arm64 packages; the arm64 scenarios will fail" >&2
    return 1
  fi
  for d in "$work"/*.deb; do dpkg -x "$d" "$work/root"; done
  img=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
  ver=${img##*/vmlinuz-}
  cp "$work/root/boot/config-$ver" "$arm64_cache/config"
  ko=$(find "$work/root/lib/modules" -name 'efivarfs.ko*' | head -n1)
  case "$ko" in
    *.xz) xz -dc "$ko" > "$arm64_cache/efivarfs.ko" ;;
    ?*) cp "$ko" "$arm64_cache/efivarfs.ko" ;;
  esac
  cp "$work/root/bin/busybox" "$arm64_cache/busybox"
  rm -rf "$arm64_cache/kexec-tools"
  mkdir -p "$work/kt/opt/kexec-tools"
  if ! cp "$work/root/sbin/kexec" "$work/root/sbin/vmcore-dmesg" "$work/kt/opt/kexec-tools/" ||
     ! arm64_copy_needed "$work/root" "$work/kt" "$work"/kt/opt/kexec-tools/*; then
    rm -rf "$work"
    echo "setup: arm64 kexec-tools incomplete; the arm64 scenarios will fail" >&2
    return 1
  fi
  dpkg-deb -f "$work"/kexec-tools_*.deb Version > "$work/kt/opt/kexec-tools/VERSION"
  mv "$work/kt" "$arm64_cache/kexec-tools"
  cp "$img" "$arm64_cache/Image.tmp"
  mv "$arm64_cache/Image.tmp" "$arm64_cache/Image"
  echo "$ver" > "$arm64_cache/kernel-version"
  rm -rf "$work"
  echo "setup: arm64 kernel $ver, busybox and kexec-tools $(cat "$arm64_cache/kexec-tools/opt/kexec-tools/VERSION") in $arm64_cache"
}

# The fixture kernel (test data in ../shared, not in git): its Image.gz and
# vmlinuz.efi copied, the Image decompressed, once.
arm64_fixture() {
  local d="$arm64_cache/fixture-6.12" f
  [ -s "$d/Image" ] && [ -s "$d/Image.gz" ] && [ -s "$d/vmlinuz.efi" ] && return 0
  if [ -z "$arm64_fixture" ]; then
    echo "setup: no arm64 fixture kernel (shared/kernels/arm64/Image.gz beside the checkout," \
         "in \$KX_SHARED or in /work/shared); the arm64 fixture scenarios will fail" >&2
    return 0
  fi
  mkdir -p "$d"
  for f in Image.gz vmlinuz.efi; do
    cp "$arm64_fixture/$f" "$d/$f.tmp.$$" && mv "$d/$f.tmp.$$" "$d/$f"
  done
  gzip -dc "$d/Image.gz" > "$d/Image.tmp.$$" && mv "$d/Image.tmp.$$" "$d/Image"
  echo "6.12.117" > "$d/kernel-version"
  echo "setup: arm64 fixture kernel from $arm64_fixture in $d"
}

# Unless ARM64_VMLINUX=0: the 6.1 arm64 kernel's ELF
# vmlinux out of linux-image-VERSION-cloud-arm64-dbg (about 260 MB to
# download, about 40 s here; only the vmlinux is taken out of the package),
# stripped of its debug sections (33 MB, symbols kept).
fetch_arm64_vmlinux() {
  local work ver
  [ -s "$arm64_cache/vmlinux" ] && return 0
  ver=$(cat "$arm64_cache/kernel-version")
  work=$(mktemp -d "$cache/arm64dbg.XXXXXX")
  chmod 777 "$work"
  if (cd "$work" && apt-get download -q "linux-image-$ver-dbg:arm64" >/dev/null); then
    dpkg-deb --fsys-tarfile "$work"/*.deb |
      tar -xf - -C "$work" "./usr/lib/debug/boot/vmlinux-$ver" &&
      aarch64-linux-gnu-strip --strip-debug -o "$arm64_cache/vmlinux" \
        "$work/usr/lib/debug/boot/vmlinux-$ver" &&
      echo "setup: arm64 ELF vmlinux in $arm64_cache/vmlinux"
  else
    echo "setup: could not fetch linux-image-$ver-dbg:arm64" >&2
  fi
  rm -rf "$work"
}

arm64_setup() {
  mkdir -p "$arm64_cache"
  (
    flock 8
    fetch_arm64 || true
    arm64_fixture
    if [ "${ARM64_VMLINUX:-1}" = 1 ] && have_arm64; then fetch_arm64_vmlinux; fi
  ) 8>"$arm64_cache/.lock"
}
arm64_setup
# ---------------------------------------------------------------- end arm64

# ---- for the vmcore-save scenarios (kdump-vmcore-save-*); a failure here
# only fails those. Per cached kernel: the matching vmlinux with debug info
# from its -dbg package (DIR/vmlinux.dbg, for crash), and virtio-blk with the
# modules it needs that the kernel does not build in (6.1: six, 6.12: only
# virtio_blk), uncompressed for busybox's insmod, in load order in
# DIR/modules/order and together in DIR/modules.cpio (the guest unpacks it);
# Debian 13's makedumpfile and crash (tests/vm/fetch-trixie-dumptools.sh).
VIRTIO_MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"

fetch_debug_vmlinux() {
  local dir=$1 ver work deb
  [ -s "$dir/vmlinux.dbg" ] && return 0
  ver=$(cat "$dir/kernel-version")
  work=$(mktemp -d "$cache/dbgfetch.XXXXXX")
  chmod 777 "$work"
  if (cd "$work" && apt-get download -q "linux-image-$ver-dbg"); then
    deb=$(ls "$work"/*.deb | head -n1)
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/lib/debug/boot/vmlinux-$ver" > "$dir/vmlinux.dbg.tmp" &&
      mv "$dir/vmlinux.dbg.tmp" "$dir/vmlinux.dbg" && echo "setup: debug vmlinux in $dir/vmlinux.dbg"
  else
    echo "setup: could not fetch linux-image-$ver-dbg; crash cannot read the dumps" >&2
  fi
  rm -rf "$work" "$dir/vmlinux.dbg.tmp"
}

fetch_virtio_modules() {
  local dir=$1 ver work deb m ko
  [ -s "$dir/modules.cpio" ] && return 0
  ver=$(cat "$dir/kernel-version")
  work=$(mktemp -d "$cache/modfetch.XXXXXX")
  chmod 777 "$work"
  if (cd "$work" && apt-get download -q "linux-image-$ver"); then
    deb=$(ls "$work"/*.deb | head -n1)
    rm -rf "$dir/modules"
    mkdir -p "$work/root" "$dir/modules"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/root" --wildcards \
      "./lib/modules/$ver/kernel/drivers/virtio/*" "./lib/modules/$ver/kernel/drivers/block/virtio_blk.ko*"
    for m in $VIRTIO_MODULES; do
      ko=$(find "$work/root" -name "$m.ko*" | head -n1)
      case "$ko" in
        *.xz) xz -dc "$ko" > "$dir/modules/$m.ko" ;;
        *.zst) zstd -qdc "$ko" > "$dir/modules/$m.ko" ;;
        ?*) cp "$ko" "$dir/modules/$m.ko" ;;
        *) continue ;; # built in
      esac
      echo "$m" >> "$dir/modules/order"
    done
    (cd "$dir" && find modules | sort | cpio -o -H newc --quiet) > "$dir/modules.cpio"
    echo "setup: virtio-blk modules in $dir/modules: $(tr '\n' ' ' < "$dir/modules/order")"
  else
    echo "setup: could not fetch linux-image-$ver for its virtio modules" >&2
  fi
  rm -rf "$work"
}

fetch_dump_extras() {
  local d
  exec 8>"$cache/.lock-dump"
  flock 8
  for d in "$cache" "$cache/6.12"; do
    [ -s "$d/kernel-version" ] || continue
    fetch_debug_vmlinux "$d"
    fetch_virtio_modules "$d"
  done
  "$here/fetch-trixie-dumptools.sh" ||
    echo "setup: no Debian 13 makedumpfile and crash; the vmcore-save scenarios will fail" >&2
  exec 8>&-
}

if have_kernel "$cache" && have_kernel "$cache/6.12"; then
  fetch_dump_extras
  exit 0
fi
# Serialise parallel callers (meson runs several scenarios at once).
exec 9>"$cache/.lock"
flock 9
fetch_kernel linux-image-cloud-amd64 "$cache"
fetch_kernel linux-image-6.12-cloud-amd64 "$cache/6.12"
fetch_dump_extras
