#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: builds every target listed in
# tests/fuzz/meson.build with clang -fsanitize=fuzzer,address,undefined and runs
# each for SECONDS (default 30). New inputs go to build/fuzz/corpus/<name>/;
# crashes to build/fuzz/crashes/. Exits non-zero if any target crashed.
#
# Usage: tests/fuzz/build.sh [SECONDS] [TARGET...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$repo/build/fuzz}
secs=${1:-30}
shift || true
cc=${CC:-clang}
jobs=${FUZZ_JOBS:-1} # FUZZ_JOBS=N fuzzes each target with N processes

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I$repo/src -I$repo"

# The library: every source of src/ but the cli (it has main()). Objects that
# fail to compile (someone mid-edit) are skipped with a warning; a target that
# needs one then fails to link, which is reported.
mkdir -p "$out/obj" "$out/crashes" "$out/corpus"
rm -f "$out/libkx_fuzz.a" "$out"/obj/*.o
objs=()
while IFS= read -r src; do
  rel=${src#"$repo"/}
  obj="$out/obj/$(echo "$rel" | tr '/' '_' | sed 's/\.c$/.o/')"
  if $cc $cflags $san -fsanitize=fuzzer-no-link -c "$src" -o "$obj" 2>"$obj.log"; then
    objs+=("$obj")
  else
    echo "warning: $rel does not compile, left out (see $obj.log)" >&2
  fi
done < <(find "$repo/src" -name '*.c' -not -path "$repo/src/cli/*" | sort)
ar rcs "$out/libkx_fuzz.a" "${objs[@]}"

# Targets: the lines "['name', files('a.c', 'b.c')]," of meson.build.
mapfile -t lines < <(grep -E "^[[:space:]]*\['[A-Za-z0-9_]+',[[:space:]]*files\(" "$here/meson.build")
want=("$@")
failed=()
for line in "${lines[@]}"; do
  mapfile -t words < <(grep -oE "'[^']*'" <<<"$line" | tr -d "'")
  name=${words[0]}
  if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
    continue
  fi
  srcs=()
  for f in "${words[@]:1}"; do srcs+=("$here/$f"); done
  bin="$out/fuzz_$name"
  echo "== $name: build"
  if ! $cc $cflags $san -fsanitize=fuzzer "${srcs[@]}" "$out/libkx_fuzz.a" -o "$bin"; then
    failed+=("$name (build)")
    continue
  fi
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
echo "fuzz: all targets ran ${secs}s without a crash"
