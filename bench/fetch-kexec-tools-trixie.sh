#!/usr/bin/env bash
# Debian 13's kexec-tools (the newest packaged one) for the QEMU benchmark, as a
# second anchor next to Debian 12's 2.0.25. Never installed on the host: apt
# downloads it with its own sources list, state and cache (the host's apt setup
# is left alone), `dpkg -x` unpacks it, and the library packages it needs are
# followed through their Depends until every DT_NEEDED of every ELF file we ship
# (readelf -d, recursively through the libraries) is found. The result is one
# newc archive for the guest:
#   /opt/kexec-tools-trixie/kexec         sh wrapper: ld.so --library-path lib bin/kexec
#   /opt/kexec-tools-trixie/vmcore-dmesg  the same for vmcore-dmesg, if packaged
#   /opt/kexec-tools-trixie/bin/          the package's binaries
#   /opt/kexec-tools-trixie/lib/          ld-linux-x86-64.so.2 and the NEEDED sonames
#   /opt/kexec-tools-trixie/version       the package version
#   /opt/kexec-tools-trixie/downloaded    every package downloaded to get there
# Output: tests/vm/cache/trixie/kexec-tools-trixie.cpio (the guest unpacks it
# with `cpio -id`). Idempotent: does nothing when that archive exists
# (KX_REFETCH=1 redoes it). Needs root only for apt's partial-download
# directory ownership; needs apt-get, apt-cache, dpkg, readelf, cpio.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/tests/vm/cache/trixie"
archive="$dir/kexec-tools-trixie.cpio"
suite=trixie
guest=opt/kexec-tools-trixie

note() { printf 'fetch-kexec-tools-trixie: %s\n' "$*" >&2; }

if [ -s "$archive" ] && [ "${KX_REFETCH:-0}" != 1 ]; then
  exit 0
fi
for t in apt-get apt-cache dpkg dpkg-deb readelf cpio; do
  command -v "$t" >/dev/null || { note "$t missing (scripts/install-deps.sh)"; exit 1; }
done

mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
# Debian 12's debian-archive-keyring (2023.3+deb12u2) carries the trixie keys,
# so the default trusted keyrings verify the Release file.
echo "deb http://deb.debian.org/debian $suite main" > "$dir/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache"
  -o Dir::State::Status=/dev/null -o APT::Architecture=amd64
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

note "apt-get update ($suite, private lists in $dir/apt)"
apt-get "${apt_opts[@]}" update -qq >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"

declare -A fetched=()
# fetch PKG: download PKG's .deb from trixie into $dir/debs and unpack it in $root.
fetch() {
  local pkg=$1 deb
  [ -n "${fetched[$pkg]:-}" ] && return 0
  (cd "$dir/debs" && apt-get "${apt_opts[@]}" download -qq "$pkg:amd64" >&2) ||
    { note "cannot download $pkg"; return 1; }
  deb=$(ls -t "$dir/debs/${pkg}_"*_amd64.deb | head -n1)
  dpkg -x "$deb" "$root"
  fetched[$pkg]=$(dpkg-deb -f "$deb" Version)
  note "unpacked $(basename "$deb")"
}

# depends PKG: PKG's Depends and Pre-Depends in trixie (first of each
# alternative, virtual packages left out).
depends() {
  apt-cache "${apt_opts[@]}" depends --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "$1:amd64" 2>/dev/null |
    awk '/^ *\|?(Pre)?Depends: [^<]/ { sub(/^ *\|?(Pre)?Depends: /, ""); sub(/:amd64$/, ""); print }' |
    sort -u
}

libdir_of() { # SONAME: its path under $root, or nothing
  local d
  for d in usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu usr/lib lib usr/lib64 lib64; do
    if [ -e "$root/$d/$1" ]; then printf '%s\n' "$root/$d/$1"; return 0; fi
  done
}

# missing_sonames: every NEEDED soname of the package's binaries and of the
# libraries they pull in that is not unpacked yet.
missing_sonames() {
  local seen=() todo=("$@") f so
  declare -A done_=()
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}; todo=("${todo[@]:1}")
    [ -n "${done_[$f]:-}" ] && continue
    done_[$f]=1
    for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      p=$(libdir_of "$so")
      if [ -n "$p" ]; then todo+=("$p"); else seen+=("$so"); fi
    done
  done
  [ ${#seen[@]} -gt 0 ] && printf '%s\n' "${seen[@]}" | sort -u
  return 0
}

fetch kexec-tools
bins=()
for b in kexec vmcore-dmesg; do
  for d in usr/sbin sbin usr/bin; do
    if [ -x "$root/$d/$b" ]; then bins+=("$root/$d/$b"); break; fi
  done
done
[ ${#bins[@]} -gt 0 ] && [ "$(basename "${bins[0]}")" = kexec ] ||
  { note "the trixie package has no kexec binary"; exit 1; }

# Follow the library packages' Depends until nothing NEEDED is missing.
for round in 1 2 3 4 5 6; do
  missing=$(missing_sonames "${bins[@]}")
  [ -z "$missing" ] && break
  note "round $round: missing $(echo $missing)"
  new=0
  for p in "${!fetched[@]}"; do
    for d in $(depends "$p"); do
      case $d in lib*|zlib1g) ;; *) continue ;; esac
      [ -n "${fetched[$d]:-}" ] && continue
      fetch "$d" && new=1
    done
  done
  [ $new = 1 ] || { note "nothing left to fetch for: $(echo $missing)"; exit 1; }
done
[ -z "$(missing_sonames "${bins[@]}")" ] || { note "unresolved sonames remain"; exit 1; }
ldso=$(libdir_of ld-linux-x86-64.so.2)
[ -n "$ldso" ] || { note "libc6 gave no ld-linux-x86-64.so.2"; exit 1; }

# The guest tree: binaries, ld.so and exactly the NEEDED closure.
out="$work/out"
mkdir -p "$out/$guest/bin" "$out/$guest/lib"
cp -L "$ldso" "$out/$guest/lib/"
sonames() { # FILES...: the NEEDED closure, as sonames
  local todo=("$@") f so
  declare -A done_=()
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}; todo=("${todo[@]:1}")
    [ -n "${done_[$f]:-}" ] && continue
    done_[$f]=1
    for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      printf '%s\n' "$so"; todo+=("$(libdir_of "$so")")
    done
  done | sort -u
}
for so in $(sonames "${bins[@]}"); do
  cp -L "$(libdir_of "$so")" "$out/$guest/lib/$so"
done
for b in "${bins[@]}"; do
  n=$(basename "$b")
  cp "$b" "$out/$guest/bin/$n"
  printf '#!/bin/sh\n# Debian 13 %s with its own libc (not the host'"'"'s).\nd=/%s\nexec "$d/lib/ld-linux-x86-64.so.2" --library-path "$d/lib" "$d/bin/%s" "$@"\n' \
    "$n" "$guest" "$n" > "$out/$guest/$n"
done
chmod 755 "$out/$guest"/bin/* "$out/$guest"/lib/* "$out/$guest/kexec"
[ -e "$out/$guest/vmcore-dmesg" ] && chmod 755 "$out/$guest/vmcore-dmesg"
echo "kexec-tools ${fetched[kexec-tools]}" > "$out/$guest/version"
for p in "${!fetched[@]}"; do echo "$p ${fetched[$p]}"; done | sort > "$out/$guest/downloaded"

(cd "$out" && find opt | sort | cpio -o -H newc --quiet) > "$archive.tmp"
mv "$archive.tmp" "$archive"
note "$archive: kexec-tools ${fetched[kexec-tools]}, libraries: $(ls "$out/$guest/lib" | tr '\n' ' ')"
