#!/usr/bin/env bash
# Debian 13's makedumpfile (1.7.6) and crash (8.0.6), the references the
# vmcore-save scenarios check dumps with, as files: never installed. Debian 12
# runs them through Debian 13's own ld.so and libraries (ld.so --library-path).
# apt downloads with a private sources list, state and cache (the host's apt
# setup is left alone), `dpkg -x` unpacks, and library packages are followed
# through their Depends until every DT_NEEDED of both programs is found.
# Output, in tests/vm/cache/trixie/dumptools/:
#   bin/makedumpfile bin/crash     the packages' programs
#   lib/                           ld-linux-x86-64.so.2 and the NEEDED closure
#   makedumpfile crash             sh wrappers: DIR/lib/ld.so --library-path DIR/lib DIR/bin/X
#   versions                       every package downloaded, with its version
#   makedumpfile.cpio              makedumpfile, its wrapper and libraries under
#                                  /opt/dumptools-trixie, for a guest (cpio -id)
# Idempotent: nothing to do when makedumpfile.cpio exists (KX_REFETCH=1 redoes it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir="$here/cache/trixie"
out="$dir/dumptools"
guest=opt/dumptools-trixie
suite=trixie

note() { printf 'fetch-trixie-dumptools: %s\n' "$*" >&2; }

if [ -s "$out/makedumpfile.cpio" ] && [ -x "$out/crash" ] && [ "${KX_REFETCH:-0}" != 1 ]; then
  exit 0
fi
for t in apt-get apt-cache dpkg dpkg-deb readelf cpio; do
  command -v "$t" >/dev/null || { note "$t missing (scripts/install-deps.sh)"; exit 1; }
done

mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
# Debian 12's debian-archive-keyring carries the trixie keys.
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

fetch() { # PKG: download from trixie into $dir/debs, unpack into $root
  local pkg=$1 deb
  [ -n "${fetched[$pkg]:-}" ] && return 0
  (cd "$dir/debs" && apt-get "${apt_opts[@]}" download -qq "$pkg:amd64" >&2) ||
    { note "cannot download $pkg"; return 1; }
  deb=$(ls -t "$dir/debs/${pkg}_"*_amd64.deb | head -n1)
  dpkg -x "$deb" "$root"
  fetched[$pkg]=$(dpkg-deb -f "$deb" Version)
  note "unpacked $(basename "$deb")"
}

depends() { # PKG: its Depends and Pre-Depends in trixie (first alternative)
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

needed_closure() { # FILES...: "found SONAME" / "missing SONAME" for the NEEDED closure
  local todo=("$@") f so p
  declare -A done_=()
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}; todo=("${todo[@]:1}")
    [ -n "${done_[$f]:-}" ] && continue
    done_[$f]=1
    for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      p=$(libdir_of "$so")
      if [ -n "$p" ]; then echo "found $so"; todo+=("$p"); else echo "missing $so"; fi
    done
  done | sort -u
}

fetch makedumpfile
fetch crash
mdf=$root/usr/bin/makedumpfile
crash=$root/usr/bin/crash
[ -x "$mdf" ] && [ -x "$crash" ] || { note "the packages lack usr/bin/makedumpfile or crash"; exit 1; }
fetch libgcc-s1
for round in 1 2 3 4 5 6 7 8; do
  missing=$(needed_closure "$mdf" "$crash" | sed -n 's/^missing //p')
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
[ -z "$(needed_closure "$mdf" "$crash" | sed -n 's/^missing //p')" ] ||
  { note "unresolved sonames remain"; exit 1; }
ldso=$(libdir_of ld-linux-x86-64.so.2)
[ -n "$ldso" ] || { note "libc6 gave no ld-linux-x86-64.so.2"; exit 1; }

# wrapper NAME: runs bin/NAME with the tree's own ld.so and libraries.
wrapper() {
  printf '#!/bin/sh\n# Debian 13 %s with its own libc (not the host'"'"'s).\nd=$(cd "$(dirname "$0")" && pwd)\nexec "$d/lib/ld-linux-x86-64.so.2" --library-path "$d/lib" "$d/bin/%s" "$@"\n' "$1" "$1"
}

tree() { # DEST PROGRAMS...: bin/, lib/ (ld.so + closure) and wrappers
  local dest=$1 p so
  shift
  mkdir -p "$dest/bin" "$dest/lib"
  cp -L "$ldso" "$dest/lib/"
  # glibc dlopens libgcc_s.so.1 for pthread_exit (makedumpfile --num-threads
  # aborts without it: "libgcc_s.so.1 must be installed for pthread_exit").
  cp -L "$(libdir_of libgcc_s.so.1)" "$dest/lib/"
  for so in $(needed_closure "$@" | sed -n 's/^found //p'); do
    cp -L "$(libdir_of "$so")" "$dest/lib/$so"
  done
  for p in "$@"; do
    cp "$p" "$dest/bin/"
    wrapper "$(basename "$p")" > "$dest/$(basename "$p")"
    chmod 755 "$dest/$(basename "$p")" "$dest/bin/$(basename "$p")"
  done
}

rm -rf "$out.tmp"
tree "$out.tmp" "$mdf" "$crash"
for p in "${!fetched[@]}"; do echo "$p ${fetched[$p]}"; done | sort > "$out.tmp/versions"
tree "$work/guest/$guest" "$mdf"
(cd "$work/guest" && find opt | sort | cpio -o -H newc --quiet) > "$out.tmp/makedumpfile.cpio"
rm -rf "$out"
mv "$out.tmp" "$out"
note "$out: $(grep -E '^(makedumpfile|crash) ' "$out/versions" | tr '\n' ' ')"
