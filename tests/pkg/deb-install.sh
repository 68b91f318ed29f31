#!/usr/bin/env bash
# Installs the Debian packages that `make deb` built into a fresh Debian 12 root
# that already has kexec-tools, as a user replacing it would, and uses them:
#   - apt replaces kexec-tools by kx, and /sbin/kexec and /usr/sbin/kexec (the
#     paths kdump-tools and systemd call) are kx's, printing its version;
#   - man kexec shows kx's page, the bash completion for kexec loads;
#   - pkg-config --libs kx prints -lkx (libkx-dev) and libkx.so.0 is there.
# Usage: tests/pkg/deb-install.sh [DEBDIR]   (default build-deb; run as root)
# The minbase root is cached as DEBDIR/cache/*.tar; each run unpacks a fresh copy.
# Exit 0: every check passed, 1: one failed, 77: not root (skipped).
set -euo pipefail

debdir=$(realpath -m "${1:-$(dirname "$0")/../../build-deb}")

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: deb-install needs root (debootstrap, chroot)"
  exit 77
fi

suite=bookworm
mirror=http://deb.debian.org/debian
include=man-db,pkg-config
cache=$debdir/cache/$suite-minbase-${include//,/-}.tar
root=$debdir/root

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }

shopt -s nullglob
debs=()
for f in "$debdir"/*.deb; do
  case $f in *-dbgsym_*) ;; *) debs+=("$f") ;; esac
done
kx_deb=$(printf '%s\n' "${debs[@]}" | grep '/kx_[^/]*\.deb$' | head -n 1) || true
[ -n "$kx_deb" ] || fail "no kx_*.deb in $debdir: run make deb"
version=$(dpkg-deb -f "$kx_deb" Version)

if [ ! -f "$cache" ]; then
  echo "building the $suite root (once; cached as $cache)"
  tmp=$debdir/root.new
  rm -rf "$tmp"
  debootstrap --variant=minbase --include="$include" "$suite" "$tmp" "$mirror"
  mkdir -p "$(dirname "$cache")"
  tar -C "$tmp" -cf "$cache.part" . && mv "$cache.part" "$cache"
  rm -rf "$tmp"
fi

rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$cache"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# No /dev/pts in the chroot: without this apt prints "E: Can not write log".
echo 'Dpkg::Use-Pty "0";' >"$root/etc/apt/apt.conf.d/90no-pty"
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"

in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends kexec-tools >/dev/null
in_root dpkg-query -W -f='${Status}' kexec-tools | grep -q 'install ok installed' ||
  fail "kexec-tools did not install in the $suite root"

# kx replaces kexec-tools, whose files are in /sbin. Both ways matter: apt
# removes kexec-tools before it unpacks kx, dpkg -i unpacks kx first and then
# removes kexec-tools, deleting whatever its file list names (with merged /usr
# a kx file at /usr/sbin/kexec is the same file as kexec-tools' /sbin/kexec).
check_kx_replaced_kexec_tools() { # LABEL: how kx was installed
  local status out path owner
  status=$(in_root dpkg-query -W -f='${Status}' kexec-tools 2>/dev/null || true)
  case $status in *" installed") fail "$1: kexec-tools is still installed next to kx ($status)" ;; esac
  for path in /sbin/kexec /usr/sbin/kexec kexec; do
    out=$(in_root "$path" --version 2>&1) || fail "$1: $path --version failed: $out"
    [[ $out == *"(kx) $version"* ]] || fail "$1: $path --version printed '$out', want kx $version"
  done
  for path in /sbin/vmcore-dmesg /usr/sbin/vmcore-dmesg; do
    in_root test -x "$path" || fail "$1: $path is missing"
  done
  owner=$(in_root dpkg -S /sbin/kexec /sbin/vmcore-dmesg 2>&1) || fail "$1: dpkg -S: $owner"
  [ "$(grep -c '^kx: ' <<<"$owner")" -eq 2 ] || fail "$1: /sbin/kexec, /sbin/vmcore-dmesg belong to: $owner"
  ok "$1: kx replaced kexec-tools; kexec --version: $out"
}

in_root sh -c 'apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb' ||
  fail "apt-get install of ${debs[*]##*/} failed"
check_kx_replaced_kexec_tools "apt-get install"

in_root apt-get install -y -qq --no-install-recommends kexec-tools >/dev/null
in_root dpkg -i "/tmp/debs/${kx_deb##*/}" || fail "dpkg -i ${kx_deb##*/} failed"
check_kx_replaced_kexec_tools "dpkg -i"

page=$(in_root man -P cat 8 kexec 2>&1) || fail "man kexec failed: $page"
grep -q 'kexec_file_load' <<<"$page" || fail "man kexec does not mention kexec_file_load"
grep -qw 'kx' <<<"$page" || fail "man kexec is not kx's page"
ok "man kexec renders kx's page ($(wc -l <<<"$page") lines)"

out=$(in_root bash -c '. /usr/share/bash-completion/completions/kexec && complete -p kexec' 2>&1) ||
  fail "the bash completion for kexec does not load: $out"
ok "bash completion: $out"

libs=$(in_root pkg-config --libs kx 2>&1) || fail "pkg-config --libs kx failed: $libs"
[[ " $libs " == *" -lkx "* ]] || fail "pkg-config --libs kx printed '$libs', want -lkx"
in_root test -e "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libkx.so.0" ||
  fail "libkx.so.0 is not installed"
ok "pkg-config --libs kx: $libs"

echo "deb-install: all checks passed ($suite, kx $version)"
