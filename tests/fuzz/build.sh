#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: builds every target listed in
# tests/fuzz/meson.build with clang -fsanitize=fuzzer,address,undefined and runs
# each for SECONDS (default 30). New inputs go to build/fuzz/corpus/<name>/;
# crashes to build/fuzz/crashes/. Exits non-zero if any target crashed.
# Everything runs on this x86_64 host: the targets of fuzz_targets link src/
# built for x86_64, those of fuzz_targets_arm64_host src/ built for arm64
# (its arch folder; pure code, so it runs here) and the host's libfdt.
#
# Usage: tests/fuzz/build.sh [SECONDS] [TARGET...]
# FUZZ_OUT: output dir (build/fuzz); KX_BUILD: the meson build dir whose
# purgatory blob is linked (build); FUZZ_JOBS: processes per target (1);
# FUZZ_BUILD_ONLY=1: build the targets, run none (tests/fuzz/campaign.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$repo/build/fuzz}
# The meson build dir that generated the purgatory blob (purgatory_blob.c).
mesonbuild=${KX_BUILD:-$repo/build}
secs=${1:-30}
shift || true
cc=${CC:-clang}
jobs=${FUZZ_JOBS:-1} # FUZZ_JOBS=N fuzzes each target with N processes

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# The include path of the meson build (meson.build `inc`) for ARCH: core/plan.h
# and purgatory/abi.h include the arch's arch_handoff.h, arch_facts.h, abi_arch.h.
cflags_for() {
  echo "-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I$repo/include -I$repo/src
 -I$repo/src/arch/$1 -I$repo/purgatory/arch/$1 -I$repo $codec_defs"
}
# The kdump page codecs that meson builds in when their -dev packages are
# there (src/crash/pagecodec.c): lzo and snappy, here too when they are.
codec_defs="" codec_libs=()
has_header() { echo "#include <$1>" | $cc -E -x c - >/dev/null 2>&1; }
if has_header lzo/lzo1x.h; then codec_defs+=" -DKX_HAVE_LZO"; codec_libs+=(-llzo2); fi
if has_header snappy-c.h; then codec_defs+=" -DKX_HAVE_SNAPPY"; codec_libs+=(-lsnappy); fi

# The entries "['name', files('a.c', 'b.c')]," of the list LIST of meson.build,
# one a line (a list runs from "LIST = [" to the "]" that starts a line).
target_lines() {
  awk -v list="$1" '$0 == list " = [" {on = 1; next} on && /^]/ {on = 0} on' "$here/meson.build" |
    grep -E "^[[:space:]]*\['[A-Za-z0-9_]+',[[:space:]]*files\(" || true
}

member() {
  local x=$1 w
  shift
  for w in "$@"; do [ "$w" = "$x" ] && return 0; done
  return 1
}
wanted() { [ ${#want[@]} -eq 0 ] || member "$1" "${want[@]}"; }

# build_lib ARCH OBJDIR ARCHIVE SKIP [EXTRA...]: the library for ARCH, every
# source of src/ but the cli (it has main()), other arches' folders and SKIP
# (a path in the repo, or ""), plus the EXTRA sources. Objects that fail to
# compile (someone mid-edit) are skipped with a warning; a target that needs
# one then fails to link, which is reported.
build_lib() {
  local arch=$1 objdir=$2 archive=$3 skip=$4 src rel obj cflags
  shift 4
  local objs=()
  cflags=$(cflags_for "$arch")
  mkdir -p "$objdir"
  rm -f "$archive" "$objdir"/*.o
  while IFS= read -r src; do
    rel=${src#"$repo"/}
    [ -n "$skip" ] && [ "$rel" = "$skip" ] && continue
    obj="$objdir/$(echo "$rel" | tr '/' '_' | sed 's/\.c$/.o/')"
    if $cc $cflags $san -fsanitize=fuzzer-no-link -c "$src" -o "$obj" 2>"$obj.log"; then
      objs+=("$obj")
    else
      echo "warning: $rel does not compile for $arch, left out (see $obj.log)" >&2
    fi
  done < <(find "$repo/src" -name '*.c' -not -path "$repo/src/cli/*" \
             \( -not -path "$repo/src/arch/*" -o -path "$repo/src/arch/$arch/*" \) | sort
           [ $# -eq 0 ] || printf '%s\n' "$@")
  ar rcs "$archive" "${objs[@]}"
}

mkdir -p "$out/crashes" "$out/corpus"
want=("$@")
# Targets: "arch name sources..." for each wanted entry of the two lists.
targets=() names=() arches=()
for list in fuzz_targets:x86_64 fuzz_targets_arm64_host:arm64; do
  while IFS= read -r line; do
    mapfile -t words < <(grep -oE "'[^']*'" <<<"$line" | tr -d "'")
    wanted "${words[0]}" || continue
    targets+=("${list#*:} ${words[*]}")
    names+=("${words[0]}")
    arches+=("${list#*:}")
  done < <(target_lines "${list%:*}")
done
for w in "${want[@]}"; do
  member "$w" "${names[@]}" ||
    echo "warning: no target $w in fuzz_targets or fuzz_targets_arm64_host" >&2
done

# x86_64: with the purgatory blob the meson build generated.
if member x86_64 "${arches[@]}"; then
  blob=()
  [ -f "$mesonbuild/purgatory/purgatory_blob.c" ] && blob=("$mesonbuild/purgatory/purgatory_blob.c")
  build_lib x86_64 "$out/obj" "$out/libkx_fuzz.a" "" "${blob[@]}"
fi
# arm64 on this host: sha256_accel.c (SHA-256 in arm64 instructions,
# <arm_neon.h>), which no x86_64 compiler builds, gives way to
# arm64_host_sha256.c (no accelerated path: the scalar one runs); no
# purgatory blob (KX_BUILD's is x86_64's), so a target that needs one cannot
# link.
# libfdt: the header from libfdt-dev (of either arch: Debian 12 cannot
# install the amd64 one next to the arm64 one the cross build needs), the
# library by soname from libfdt1, Multi-Arch: same (scripts/install-deps.sh).
fdt_lib=-l:libfdt.so.1
if member arm64 "${arches[@]}"; then
  echo '#include <libfdt.h>' | $cc -E -x c - >/dev/null 2>&1 ||
    echo "warning: no libfdt.h: install libfdt-dev (scripts/install-deps.sh)" >&2
  build_lib arm64 "$out/obj-arm64" "$out/libkx_fuzz_arm64.a" src/arch/arm64/sha256_accel.c \
    "$here/arm64_host_sha256.c"
fi

failed=()
for t in "${targets[@]}"; do
  read -r arch name files <<<"$t"
  srcs=()
  for f in $files; do srcs+=("$here/$f"); done
  lib="$out/libkx_fuzz.a"
  libs=()
  if [ "$arch" = arm64 ]; then
    lib="$out/libkx_fuzz_arm64.a"
    libs=("$fdt_lib")
  fi
  bin="$out/fuzz_$name"
  echo "== $name: build"
  # The image codecs (src/formats/decompress.c) come from the system libraries.
  cflags=$(cflags_for "$arch")
  if ! $cc $cflags $san -fsanitize=fuzzer "${srcs[@]}" "$lib" \
       -lz -llzma -lzstd -llz4 "${codec_libs[@]}" "${libs[@]}" -o "$bin"; then
    failed+=("$name (build)")
    continue
  fi
  [ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && continue
  mkdir -p "$out/corpus/$name"
  seeds=()
  [ -d "$here/corpus/$name" ] && seeds+=("$here/corpus/$name")
  par=()
  # -jobs runs workers in subprocesses that log to fuzz-N.log in the current
  # directory: only asked for, and then from inside $out.
  [ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
  echo "== $name: fuzz for ${secs}s"
  if ! (cd "$out" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       "${par[@]}" -print_final_stats=1 -artifact_prefix="$out/crashes/$name-" \
       "$out/corpus/$name" "${seeds[@]}" 2>"$out/$name.log"); then
    tail -n 40 "$out/$name.log" >&2
    failed+=("$name")
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$name.log" | tail -n 2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $out/crashes/)" >&2
  exit 1
fi
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && { echo "fuzz: targets built in $out"; exit 0; }
echo "fuzz: all targets ran ${secs}s without a crash"
