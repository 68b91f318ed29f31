#!/usr/bin/env bash
# kx benchmark (make bench): how long `kexec --dry-run` takes to load a kernel and
# a 256 MiB initrd, against `openssl dgst -sha256` over the same two files. The
# dry run reads and hashes every segment, so hashing sets the floor; the goal is
# kx <= 1.5x openssl. Also prints the raw SHA-256 throughput of kx's scalar and
# SHA-NI code and the dry run's peak RSS.
# Then bench/vm.sh (skip with BENCH_VM=0) compares kx with Debian 12's and 13's
# kexec-tools in QEMU, and bench/vm-save.sh (skip with BENCH_SAVE=0)
# vmcore-save with makedumpfile.
# Exits non-zero only when a measurement could not be taken at all.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
cache="$build/bench"
initrd="$cache/initrd-256M.bin"
initrd_mib=256
runs=3
goal=1.5
status=0

note() { printf 'bench: %s\n' "$*" >&2; }

# --- build -------------------------------------------------------------------
mkdir -p "$build"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null || note "meson setup failed"
fi
if ! ninja -C "$build" >/dev/null 2>"$cache.ninja.log"; then
  note "full build failed (someone may be mid-edit); using whatever binaries exist"
  ninja -C "$build" bench/sha256_speed kexec >/dev/null 2>&1 || true
fi
rm -f "$cache.ninja.log"
speed_bin="$build/bench/sha256_speed"
kexec_bin="$build/kexec"

# --- inputs ------------------------------------------------------------------
mkdir -p "$cache"
if [ ! -s "$initrd" ] || [ "$(stat -c %s "$initrd")" -ne $((initrd_mib << 20)) ]; then
  note "creating $initrd ($initrd_mib MiB of random bytes, once)"
  head -c $((initrd_mib << 20)) /dev/urandom > "$initrd.tmp" && mv "$initrd.tmp" "$initrd"
fi

kernel="$top/tests/vm/cache/vmlinuz"
if [ ! -s "$kernel" ] && [ -x "$top/tests/vm/setup.sh" ]; then
  note "no cached kernel; running tests/vm/setup.sh"
  "$top/tests/vm/setup.sh" >&2 || true
fi
if [ ! -s "$kernel" ]; then
  kernel=$(ls /boot/vmlinuz-* 2>/dev/null | head -n1)
  if [ -n "$kernel" ] && [ ! -r "$kernel" ]; then
    kernel=""
  fi
fi
if [ -z "$kernel" ] || [ ! -s "$kernel" ]; then
  note "no kernel found: timing the initrd alone (openssl) and skipping the kx dry run"
  kernel=""
fi

# --- timing helpers ----------------------------------------------------------
now_ns() { date +%s%N; }

# best_of CMD...: one warm-up run (page cache hot), then the best wall time of
# $runs runs, in seconds, on stdout. Returns the command's failure if any run fails.
best_of() {
  local best="" t0 t1 dt i
  "$@" >/dev/null 2>&1 || return 1
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns)
    "$@" >/dev/null 2>&1 || return 1
    t1=$(now_ns)
    dt=$((t1 - t0))
    if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# peak_rss_kib CMD...: peak resident set of one run, from wait4's rusage as
# reported by GNU time.
peak_rss_kib() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$cache/rss.txt" "$@" >/dev/null 2>&1 && cat "$cache/rss.txt"
  else
    return 1
  fi
}

# --- measurements ------------------------------------------------------------
files=("$initrd")
[ -n "$kernel" ] && files=("$kernel" "$initrd")
total_bytes=0
for f in "${files[@]}"; do total_bytes=$((total_bytes + $(stat -L -c %s "$f"))); done
total_mib=$(awk -v b="$total_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

ossl_t=""
if command -v openssl >/dev/null 2>&1; then
  ossl_t=$(best_of openssl dgst -sha256 "${files[@]}") || ossl_t=""
fi
[ -z "$ossl_t" ] && { note "openssl dgst -sha256 could not be timed"; status=1; }

kx_t="" kx_rss="" kx_msg=""
if [ -z "$kernel" ]; then
  kx_msg="skipped: no kernel image"
elif [ ! -x "$kexec_bin" ]; then
  kx_msg="FAILED: $kexec_bin was not built"
else
  if ! out=$("$kexec_bin" --dry-run -l "$kernel" --initrd "$initrd" 2>&1 >/dev/null); then
    kx_msg="FAILED: kexec --dry-run exited non-zero (loader not ready?): $(printf '%s' "$out" | head -n3 | tr '\n' ' ')"
  else
    kx_t=$(best_of "$kexec_bin" --dry-run -l "$kernel" --initrd "$initrd") || {
      kx_t=""; kx_msg="FAILED: kexec --dry-run failed during timing"; }
    kx_rss=$(peak_rss_kib "$kexec_bin" --dry-run -l "$kernel" --initrd "$initrd") || kx_rss=""
  fi
fi
# A dry run must read and hash every byte; no x86 core does SHA-256 faster than
# about 4 GB/s, so anything quicker did not do the work (a stub loader).
if [ -n "$kx_t" ] && awk -v t="$kx_t" -v b="$total_bytes" 'BEGIN { exit !(t < b / 4e9) }'; then
  kx_msg="INVALID: ${kx_t}s is too fast to have hashed ${total_mib} MiB (stub loader?)"
  kx_t="" kx_rss=""
fi

speed_out=""
if [ -x "$speed_bin" ]; then
  speed_out=$("$speed_bin" "$initrd_mib") || speed_out=""
fi
[ -z "$speed_out" ] && { note "sha256_speed could not be run"; status=1; }

# --- report ------------------------------------------------------------------
mbs() { awk -v mib="$total_mib" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", mib / t; else print "-" }'; }

echo
echo "kx benchmark: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "inputs: kernel ${kernel:-(none)}"
echo "        initrd $initrd ($initrd_mib MiB random)"
echo "        ${total_mib} MiB total; best of $runs after one warm-up, wall clock"
echo
printf '%-38s %10s %10s\n' "command" "seconds" "MiB/s"
printf '%-38s %10s %10s\n' "openssl dgst -sha256 KERNEL INITRD" "${ossl_t:--}" "$( [ -n "$ossl_t" ] && mbs "$ossl_t" || echo -)"
if [ -n "$kx_t" ]; then
  printf '%-38s %10s %10s\n' "kexec --dry-run -l KERNEL --initrd" "$kx_t" "$(mbs "$kx_t")"
else
  printf '%-38s %10s\n' "kexec --dry-run -l KERNEL --initrd" "-"
  echo "  kexec dry run $kx_msg"
fi
if [ -n "$kx_t" ] && [ -n "$ossl_t" ]; then
  ratio=$(awk -v a="$kx_t" -v b="$ossl_t" 'BEGIN { printf "%.2f", a / b }')
  verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r <= g) ? "meets goal" : "MISSES goal" }')
  echo
  echo "ratio kx/openssl: ${ratio}x (goal <= ${goal}x: $verdict)"
fi
if [ -n "$kx_rss" ]; then
  echo "kexec --dry-run peak RSS: $((kx_rss / 1024)) MiB (${kx_rss} KiB)"
elif [ -n "$kx_t" ]; then
  echo "kexec --dry-run peak RSS: not measured (/usr/bin/time missing: apt-get install time)"
fi
echo
echo "SHA-256 throughput over a ${initrd_mib} MiB buffer in memory (build/bench/sha256_speed):"
if [ -n "$speed_out" ]; then
  printf '%s\n' "$speed_out" | awk '{ printf "  %-8s %10s MiB/s\n", $1, $2 }'
else
  echo "  not measured"
fi
# openssl's own in-memory figure (16 KiB blocks, 1 s) for the same comparison
# without file reads; it reports thousands of bytes per second.
if command -v openssl >/dev/null 2>&1; then
  openssl speed -evp sha256 -bytes 16384 -seconds 1 2>/dev/null |
    awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "  %-8s %10.1f MiB/s\n", "openssl", v * 1000 / 1048576 }'
fi

# --- QEMU: kx against kexec-tools in the same guest (bench/vm.sh) -------------
# 13 VM runs (one load bench, six execs twice), 20-30 minutes under TCG;
# BENCH_VM=0 skips them, BENCH_VM_EXEC=0 the execs.
if [ "${BENCH_VM:-1}" != 0 ]; then
  "$top/bench/vm.sh" || status=1
else
  echo
  echo "QEMU comparison with kexec-tools skipped (BENCH_VM=0)"
fi

# --- QEMU: vmcore-save against makedumpfile (bench/vm-save.sh) -----------------
# One 4 GiB VM run per kernel (6.1, 6.12), 8-12 minutes each under TCG;
# BENCH_SAVE=0 skips them.
if [ "${BENCH_SAVE:-1}" != 0 ]; then
  "$top/bench/vm-save.sh" || status=1
else
  echo
  echo "QEMU comparison of vmcore-save with makedumpfile skipped (BENCH_SAVE=0)"
fi
exit $status
