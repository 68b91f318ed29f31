#!/usr/bin/env bash
# The QEMU part of `make bench` (bench/run.sh calls it; BENCH_VM=0 skips it):
# kx against Debian's kexec-tools, side by side in the same guest, with the
# Debian kernel and a 256 MiB random initrd made inside the guest.
#   1. bench/vm/bench-load.sh, one VM: `kexec -c -l` (kexec_load) and `kexec -s -l`
#      (kexec_file_load), 3 interleaved runs each, wall time and peak RSS.
#   2. bench/vm/bench-exec-{kx,kexec-tools}.sh, one VM each: from `kexec -e` to
#      the next kernel's first line after a kexec_load, split at purgatory's
#      first line and at the decompressor's, from the host's arrival time of
#      each serial line (tests/vm/run.py --stamps).
# Absolute times under TCG mean little; the ratios are the point. Prints
# numbers next to the goals; exits non-zero only when a run produced none.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
out="$build/bench/vm"
status=0

note() { printf 'bench-vm: %s\n' "$*" >&2; }

if ! command -v qemu-system-x86_64 >/dev/null; then
  note "qemu-system-x86_64 not installed: skipped (scripts/install-deps.sh)"
  exit 0
fi
if [ ! -x "$build/bench/rusage" ] || [ ! -x "$build/kexec" ]; then
  note "build/kexec or build/bench/rusage missing: skipped"
  exit 1
fi
mkdir -p "$out"

# run_vm NAME: one QEMU run of bench/vm/NAME.sh; serial log and stamps in $out.
run_vm() {
  note "QEMU run $1 (log $out/$1.log)"
  python3 "$top/tests/vm/run.py" --build-dir "$build" --log "$out/$1.log" \
    --stamps "$out/$1.stamps" "$top/bench/vm/$1.sh" >"$out/$1.run" 2>&1 ||
    { note "$1 failed:"; tail -n 15 "$out/$1.run" >&2; return 1; }
}

run_vm bench-load || status=1
if [ "${BENCH_VM_EXEC:-1}" != 0 ]; then
  run_vm bench-exec-kx || status=1
  run_vm bench-exec-kexec-tools || status=1
fi

# --- load: best wall time of the 3 runs, highest peak RSS ---------------------
# best TOOL SYSCALL FIELD: min of load_ms, max of maxrss_kb over runs with status=0.
best() {
  awk -v tool="$1" -v sc="$2" -v field="$3" '
    $1 == "KX-BENCH" && $2 == tool && $3 == sc && / status=0/ {
      for (i = 4; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] != field) continue
        v = kv[2] + 0
        if (n == 0 || (field == "load_ms" && v < r) || (field != "load_ms" && v > r)) r = v
        n++
      }
    }
    END { if (n) printf "%g", r; else print "-" }' "$out/bench-load.log" 2>/dev/null || echo -
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
faster() { # percent less time than the reference: (1 - a/b) * 100
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.0f%%", (1 - a / b) * 100 }'; }
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
  if (v == "-") { print "no data"; exit }
  ok = (op == "<=") ? v + 0 <= g + 0 : v + 0 >= g + 0
  print ok ? "meets" : "MISSES" }'; }

echo
echo "QEMU (TCG, BIOS, 3072 MiB): the Debian kernel + a 256 MiB random initrd in tmpfs,"
echo "kx against kexec-tools in the same guest; load: best of 3 interleaved runs, each followed by -u"
echo
printf '%-16s %-12s %10s %10s %12s %12s %8s %8s\n' syscall tool load_ms kt_ms "faster" "goal>=40%" maxrss_kb "RSS x"
for sc in kexec_load kexec_file_load; do
  kx_t=$(best kx $sc load_ms); kt_t=$(best kexec-tools $sc load_ms)
  kx_r=$(best kx $sc maxrss_kb); kt_r=$(best kexec-tools $sc maxrss_kb)
  f=$(faster "$kx_t" "$kt_t")
  printf '%-16s %-12s %10s %10s %12s %12s %8s %8s\n' "$sc" kx "$kx_t" "$kt_t" "$f" \
    "$(verdict "${f%\%}" '>=' 40)" "$kx_r" "$(ratio "$kx_r" "$kt_r")"
  printf '%-16s %-12s %10s %10s %12s %12s %8s %8s\n' "" kexec-tools "$kt_t" "" "" "" "$kt_r" ""
  printf '%-16s %-12s %10s %10s %12s %12s %8s %8s\n' "" "" "" "" "" "RSS goal<=0.5x:" \
    "$(verdict "$(ratio "$kx_r" "$kt_r")" '<=' 0.5)" ""
done
echo "kx --dry-run in the same guest (reads and hashes all, loads nothing):" \
  "$(best kx dry_run load_ms) ms, peak RSS $(best kx dry_run maxrss_kb) KiB"
[ "$(best kx kexec_load load_ms)" = - ] && status=1

# --- exec ---------------------------------------------------------------------
# stamp FILE REGEX: host seconds of the first line matching REGEX after the
# KX-BENCH-EXEC-START line.
stamp() {
  awk -v re="$2" 'started && $0 ~ re { print $1; found = 1; exit }
                  / KX-BENCH-EXEC-START/ && !started { started = 1; t0 = $1 }
                  END { if (!found) print "-" }' "$1" 2>/dev/null || echo -
}
msdiff() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.0f", (a - b) * 1000 }'; }

if [ "${BENCH_VM_EXEC:-1}" != 0 ]; then
  echo
  echo "kexec -e after kexec_load of the same 256 MiB initrd (host arrival time of serial lines):"
  printf '%-12s %16s %22s %20s %18s\n' tool "-e to purgatory" "purgatory to 'Linux'" "-e to 'Linux version'" "verify alone"
  for tool in kx kexec-tools; do
    s="$out/bench-exec-$tool.stamps"
    t0=$(awk '/ KX-BENCH-EXEC-START/ { print $1; exit }' "$s" 2>/dev/null)
    t0=${t0:--}
    tp=$(stamp "$s" "kx purgatory: verifying|I'm in purgatory")
    tv=$(stamp "$s" 'kx purgatory: all regions verified')
    tl=$(stamp "$s" 'Linux version')
    verify="$(msdiff "$tv" "$tp") ms"
    [ "$tool" = kexec-tools ] && verify="(prints no end)"
    printf '%-12s %13s ms %19s ms %17s ms %18s\n' "$tool" "$(msdiff "$tp" "$t0")" \
      "$(msdiff "$tl" "$tp")" "$(msdiff "$tl" "$t0")" "$verify"
    [ "$(msdiff "$tl" "$t0")" = - ] && status=1
  done
  grep -ho 'all regions verified ([^)]*)' "$out/bench-exec-kx.log" 2>/dev/null | head -n1 |
    sed 's/^/kx purgatory: /'
  echo "(purgatory to 'Linux' = purgatory's first line to the next kernel's first, so it"
  echo " includes the bzImage's decompression, the same for both. QEMU 7.2's TCG has no"
  echo " SHA-NI: both purgatories hash in scalar code here; on hardware kx's uses SHA-NI.)"
fi
exit $status
