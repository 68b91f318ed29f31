#!/usr/bin/env bash
# The QEMU part of `make bench` (bench/run.sh calls it; BENCH_VM=0 skips it):
# kx against Debian 12's kexec-tools (2.0.25, the host's package) and Debian
# 13's (2.0.29, bench/fetch-kexec-tools-trixie.sh; run with its own ld.so and
# libraries), side by side in the same guest, with the Debian kernel and a
# 256 MiB random initrd made inside the guest.
#   1. bench/vm/bench-load.sh, one VM: `kexec -c -l` (kexec_load) and `kexec -s -l`
#      (kexec_file_load), 3 interleaved runs each: wall time, the memory.peak of
#      a cgroup holding only the tool (what it costs the system; files already
#      in memory are not charged to it) and, for reference, wait4's peak RSS.
#   2. bench/vm/bench-exec.sh, one VM per exec (BENCH_VM_EXEC_RUNS each, default
#      2, interleaved): from `kexec -e` to the next kernel's `Linux version` after a
#      kexec_load (-c) of the same initrd, for kx and both kexec-tools, with
#      purgatory's checks and without (-i), split at purgatory's first line and,
#      for kx, at its "all regions verified", from the host's arrival time of
#      each serial line (tests/vm/run.py --stamps).
# Absolute times under TCG mean little; the ratios are the point. Prints
# numbers next to the goals; exits non-zero only when a run produced none.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
out="$build/bench/vm"
kt_new_archive="$top/tests/vm/cache/trixie/kexec-tools-trixie.cpio"
exec_runs=${BENCH_VM_EXEC_RUNS:-2}
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

# Debian 13's kexec-tools: fetched once (as root; apt and dpkg only, nothing
# installed). Without it the scenarios get an empty archive and the 2.0.29
# rows are left out.
if [ ! -s "$kt_new_archive" ]; then
  if [ "$(id -u)" = 0 ]; then
    "$top/bench/fetch-kexec-tools-trixie.sh" || note "Debian 13's kexec-tools could not be fetched"
  else
    note "Debian 13's kexec-tools not fetched yet: run bench/fetch-kexec-tools-trixie.sh as root"
  fi
fi
if [ -s "$kt_new_archive" ]; then
  cp "$kt_new_archive" "$out/kexec-tools-trixie.cpio"
  have_new=true
else
  : > "$out/kexec-tools-trixie.cpio"
  have_new=false
  status=1
fi

# run_vm LOGNAME SCENARIO: one QEMU run of bench/vm/SCENARIO.sh; serial log
# and stamps in $out.
run_vm() {
  note "QEMU run $1 (log $out/$1.log)"
  rm -f "$out/$1.log" "$out/$1.stamps"
  python3 "$top/tests/vm/run.py" --build-dir "$build" --log "$out/$1.log" \
    --stamps "$out/$1.stamps" "$top/bench/vm/$2.sh" >"$out/$1.run" 2>&1 ||
    { note "$1 failed:"; tail -n 15 "$out/$1.run" >&2; return 1; }
}

# The exec variants, each "TOOL FLAGS" (bench/vm/bench-exec.sh): kx with its
# checks first, then what it is compared with.
variants=("kx checks" "kx -i" "kexec-tools-old checks" "kexec-tools-old -i")
$have_new && variants+=("kexec-tools-new checks" "kexec-tools-new -i")
exec_log() { echo "bench-exec-$1${2/checks/}-r$3" | tr -d ' '; } # TOOL FLAGS RUN

# BENCH_VM_REPORT_ONLY=1: the tables from the logs of the last runs, no QEMU.
if [ "${BENCH_VM_REPORT_ONLY:-0}" = 1 ]; then
  run_vm() { :; }
fi
run_vm bench-load bench-load || status=1
if [ "${BENCH_VM_EXEC:-1}" != 0 ]; then
  for ((r = 1; r <= exec_runs; r++)); do
    for v in "${variants[@]}"; do
      set -- $v
      flags=$2
      [ "$flags" = checks ] && flags=""
      printf 'BENCH_KEXEC=%s\nBENCH_FLAGS=%s\n' "$1" "$flags" > "$out/exec.env"
      run_vm "$(exec_log "$1" "$2" "$r")" bench-exec || status=1
    done
  done
fi

# --- load: best wall time of the 3 runs, highest memory ------------------------
load_log="$out/bench-load.log"
tools=$(sed -n 's/^KX-BENCH-TOOLS //p' "$load_log" 2>/dev/null | head -n1)
[ -n "$tools" ] || tools="kx"
# best TOOL SYSCALL FIELD: over runs with status=0, the min of load_ms, the max
# of the memory fields.
best() {
  awk -v tool="$1" -v sc="$2" -v field="$3" '
    $1 == "KX-BENCH" && $2 == tool && $3 == sc && / status=0/ {
      for (i = 4; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] != field || kv[2] == "-" || kv[2] < 0) continue
        v = kv[2] + 0
        if (n == 0 || (field == "load_ms" && v < r) || (field != "load_ms" && v > r)) r = v
        n++
      }
    }
    END { if (n) printf "%g", r; else print "-" }' "$load_log" 2>/dev/null || echo -
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
faster() { # percent less time than the reference: (1 - a/b) * 100
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.0f%%", (1 - a / b) * 100 }'; }
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
  if (v == "-" || v == "") { print "no data"; exit }
  ok = (op == "<=") ? v + 0 <= g + 0 : v + 0 >= g + 0
  print ok ? "meets" : "MISSES" }'; }

echo
echo "QEMU (TCG, BIOS, 3072 MiB): the Debian kernel + a 256 MiB random initrd in tmpfs,"
echo "kx against kexec-tools in the same guest; load: best of 3 interleaved runs, each followed by -u"
echo "memory: peak_kb = memory.peak of a fresh cgroup v2 holding only the tool (anonymous"
echo "  memory, page tables, kernel stacks, accounted slab; file pages already in memory, like"
echo "  the tmpfs initrd and the initramfs, are charged elsewhere and not counted; file_kb is"
echo "  the page cache the tool added); the highest of the 3 runs. maxrss_kb (wait4) for"
echo "  reference: it counts every file page the tool maps."
echo
fmt='%-16s %-19s %9s %9s %11s %9s %10s %8s\n'
printf "$fmt" syscall tool load_ms "kx faster" peak_kb "kx/tool" maxrss_kb file_kb
for sc in kexec_load kexec_file_load; do
  kx_t=$(best kx $sc load_ms); kx_p=$(best kx $sc cg_peak_kb)
  first=$sc
  for tool in $tools; do
    t=$(best "$tool" $sc load_ms); p=$(best "$tool" $sc cg_peak_kb)
    f="" pr=""
    if [ "$tool" != kx ]; then f=$(faster "$kx_t" "$t"); pr=$(ratio "$kx_p" "$p"); fi
    printf "$fmt" "$first" "$tool" "$t" "$f" "$p" "$pr" \
      "$(best "$tool" $sc maxrss_kb)" "$(best "$tool" $sc cg_file_kb)"
    first=""
  done
done
echo "goals: kx at least 40% faster, kx's peak at most 0.5x kexec-tools' (cgroup peak):"
for sc in kexec_load kexec_file_load; do
  for tool in $tools; do
    [ "$tool" = kx ] && continue
    f=$(faster "$(best kx $sc load_ms)" "$(best "$tool" $sc load_ms)")
    pr=$(ratio "$(best kx $sc cg_peak_kb)" "$(best "$tool" $sc cg_peak_kb)")
    printf '  %-16s vs %-19s time %-7s %-8s memory %-6s %s\n' "$sc" "$tool" "$f" \
      "$(verdict "${f%\%}" '>=' 40)" "${pr}x" "$(verdict "$pr" '<=' 0.5)"
  done
done
echo "kx --dry-run in the same guest (reads and hashes all, loads nothing):" \
  "$(best kx dry_run load_ms) ms, cgroup peak $(best kx dry_run cg_peak_kb) KiB," \
  "maxrss $(best kx dry_run maxrss_kb) KiB"
[ "$(best kx kexec_load load_ms)" = - ] && status=1

# --- exec ---------------------------------------------------------------------
# stamp FILE REGEX: host seconds of the first line matching REGEX after the
# KX-BENCH-EXEC-START line.
stamp() {
  awk -v re="$2" 'started && $0 ~ re { print $1; found = 1; exit }
                  / KX-BENCH-EXEC-START/ && !started { started = 1 }
                  END { if (!found) print "-" }' "$1" 2>/dev/null || echo -
}
msdiff() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.0f", (a - b) * 1000 }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-") print "-"; else print a - b }'; }

# exec_times TOOL FLAGS: "label total to_purgatory purgatory_to_linux verify
# verified_to_linux verified_kib all_totals" (ms, KiB; "-" where a line is
# missing), from the run with the shortest total; all_totals is every run's
# total joined by "/".
exec_times() {
  local r s t0 tp tv tl total kib best="" label="" all=""
  for ((r = 1; r <= exec_runs; r++)); do
    s="$out/$(exec_log "$1" "$2" "$r").stamps"
    [ -s "$s" ] || continue
    t0=$(awk '/ KX-BENCH-EXEC-START/ { print $1; exit }' "$s")
    [ -n "$t0" ] || continue
    label=$(awk '/ KX-BENCH-EXEC-START/ { print $3; exit }' "$s")
    tp=$(stamp "$s" "kx purgatory: verifying|I'm in purgatory")
    tv=$(stamp "$s" 'kx purgatory: all regions verified')
    tl=$(stamp "$s" 'Linux version')
    total=$(msdiff "$tl" "$t0")
    [ "$total" = - ] && continue
    all="${all:+$all/}$total"
    if [ -z "$best" ] || [ "$total" -lt "${best%% *}" ]; then
      kib=$(sed -n 's/.*kx purgatory: all regions verified (\([0-9]*\) KiB.*/\1/p' "$s" | head -n1)
      best="$total $(msdiff "$tp" "$t0") $(msdiff "$tl" "$tp") $(msdiff "$tv" "$tp")"
      best="$best $(msdiff "$tl" "$tv") ${kib:--}"
    fi
  done
  [ -n "$best" ] && echo "$label $best $all"
}

if [ "${BENCH_VM_EXEC:-1}" != 0 ]; then
  echo
  echo "kexec -e to the next kernel's 'Linux version' after kexec_load (-c) of the same 256 MiB"
  echo "initrd, host arrival time of serial lines; one VM per exec, best of $exec_runs:"
  efmt='%-19s %-7s %13s %16s %15s %12s  %s\n'
  printf "$efmt" tool purg. "-e→purgatory" "purgatory→Linux" "-e→Linux" "verify (kx)" "each run's -e→Linux"
  declare -A total=()
  for v in "${variants[@]}"; do
    set -- $v
    read -r label t_all t_p t_pl t_v t_vl kib runs <<<"$(exec_times "$1" "$2")"
    if [ -z "${label:-}" ]; then
      printf "$efmt" "$1" "$2" - - - - -
      status=1
      continue
    fi
    total[$label $2]=$t_all
    if [ "$1 $2" = "kx checks" ]; then kx_split="$t_p $t_v $t_vl $kib"; fi
    if [ "$1" = kx ] && [ "$t_v" != - ]; then t_v="$t_v ms"; else t_v="-"; fi
    printf "$efmt" "$label" "$2" "$t_p ms" "$t_pl ms" "$t_all ms" "$t_v" "$runs ms"
  done
  echo "(purg. = purgatory's SHA-256 checks on, or off with -i. purgatory→Linux includes"
  echo " the bzImage's decompression, the same for all; verify (kx) = kx purgatory's first"
  echo " line to its 'all regions verified'. kexec-tools' purgatory prints nothing when it"
  echo " has verified, so its cost shows only as checks minus -i.)"
  kx_log=$(ls "$out"/bench-exec-kx-r*.log 2>/dev/null | head -n1)
  said=$(grep -ho 'all regions verified ([^)]*)' ${kx_log:-/dev/null} 2>/dev/null | head -n1)
  echo "kx purgatory said: ${said:-nothing (no log)}"
  kxc=${total[kx checks]:-}
  echo
  for tool in $tools; do
    [ "$tool" = kx ] && continue
    kti=${total[$tool -i]:-}; ktc=${total[$tool checks]:-}
    r=$(ratio "${kxc:--}" "${kti:--}")
    printf 'kx (checks) / %s (-i): %sx (goal <= 1.05x: %s); / %s (checks): %sx\n' \
      "$tool" "$r" "$(verdict "$r" '<=' 1.05)" "$tool" "$(ratio "${kxc:--}" "${ktc:--}")"
  done
  read -r s_p s_v s_vl s_kib <<<"${kx_split:-- - - -}"
  rate=$(awk -v k="$s_kib" -v t="$s_v" 'BEGIN {
    if (k == "-" || t == "-" || t <= 0) print "-"; else printf "%.0f", k / 1024 / (t / 1000) }')
  echo "where kx's time goes (kx, checks):"
  echo "  ${s_p} ms from -e to purgatory (the tool's start, then the kernel's shutdown and"
  echo "    relocate_kernel's copy of every page, the same for every tool)"
  echo "  ${s_v} ms verifying ${s_kib} KiB in purgatory: ${rate} MiB/s, SHA-NI as QEMU's TCG"
  echo "    emulates it (build/bench/sha256_speed above gives the host's own rate)"
  echo "  ${s_vl} ms from 'all regions verified' to 'Linux version' (decompression)"
  kx_noverify=$(minus "$kxc" "$s_v")
  for tool in $tools; do
    [ "$tool" = kx ] && continue
    echo "  kx (checks) less its verify: ${kx_noverify} ms = $(ratio "$kx_noverify" "${total[$tool -i]:--}")x $tool (-i);" \
      "$tool's own checks cost $(minus "${total[$tool checks]:-}" "${total[$tool -i]:-}") ms (checks - -i)"
  done
  echo "  kx's checks cost $(minus "$kxc" "${total[kx -i]:-}") ms by the same difference (few runs on a shared"
  echo "  host: the -e to purgatory step, nearly the same work, varies by seconds between runs)"
fi
exit $status
