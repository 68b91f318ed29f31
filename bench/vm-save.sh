#!/usr/bin/env bash
# The dump saver part of `make bench` (bench/run.sh calls it; BENCH_SAVE=0
# skips it): bench/vm/bench-save.sh in QEMU, once per kernel (BENCH_SAVE_LINUX,
# default "6.1 6.12"). A 4 GiB guest fills its memory with anonymous data
# (1.1 GiB, THP), page cache (900 MiB of tmpfs) and leaves the rest free, then
# crashes; the capture kernel (both vCPUs) times vmcore-save against Debian
# 13's makedumpfile 1.7.6 (and Debian 12's 1.7.2 for -l) at -d 31 with -z and
# -l, into tmpfs, and notes each dump's size. Prints the table with the goal:
# vmcore-save --num-threads=2 in at most half of makedumpfile 1.7.6's time,
# its output within 5% of makedumpfile's size (on 6.12, where makedumpfile
# 1.7.6 keeps the free pages, against vmcore-save -d 15, which keeps the same
# pages). Each row is the fastest of three runs (bench/vm/bench-save.sh RUNS),
# interleaved with the other rows.
# BENCH_SAVE_REPORT_ONLY=1 reprints the tables from the last logs.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
out="$build/bench/vm"
kernels=${BENCH_SAVE_LINUX:-6.1 6.12}
status=0

note() { printf 'bench-save: %s\n' "$*" >&2; }

if ! command -v qemu-system-x86_64 >/dev/null; then
  note "qemu-system-x86_64 not installed: skipped (scripts/install-deps.sh)"
  exit 0
fi
for f in "$build/vmcore-save" "$build/bench/rusage" "$build/tests/vm/memfill"; do
  [ -x "$f" ] || { note "$f missing: skipped"; exit 1; }
done
"$top/tests/vm/setup.sh" >&2 || note "tests/vm/setup.sh failed"
mkdir -p "$out"

for k in $kernels; do
  log="$out/bench-save-$k.log"
  [ "${BENCH_SAVE_REPORT_ONLY:-0}" = 1 ] && continue
  note "QEMU run on $k (log $log)"
  python3 "$top/tests/vm/run.py" --build-dir "$build" --linux "$k" --log "$log" \
    "$top/bench/vm/bench-save.sh" > "$out/bench-save-$k.run" 2>&1 ||
    { note "the $k run failed:"; tail -n 15 "$out/bench-save-$k.run" >&2; status=1; }
done

# row LOG LABEL: "wall_ms bytes" of the best (fastest) run of LABEL.
row() {
  grep -a "^KX-BENCH-SAVE $2 run=" "$1" 2>/dev/null | grep -a 'status=0' |
    sed -n 's/.* wall_ms=\([0-9]*\) bytes=\([0-9]*\) .*/\1 \2/p' | sort -n | head -n1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

for k in $kernels; do
  log="$out/bench-save-$k.log"
  echo
  echo "vmcore-save vs makedumpfile, Linux $k, 4 GiB guest, -d 31, capture kernel with" \
       "$(sed -n 's/^KX-BENCH-SAVE-CPUS //p' "$log" 2>/dev/null | head -n1) CPUs (TCG)"
  sed -n 's/^\(vmcore-save: level 31: .*\) in .*/  \1/p' "$log" 2>/dev/null | head -n1
  printf '  %-28s %10s %12s %10s %10s\n' tool "time (s)" "bytes" "time/mdf" "size/mdf"
  for c in z l c p; do
    read -r ref_ms ref_b <<<"$(row "$log" "makedumpfile-1.7.6 -$c")"
    for t in "vmcore-save-t2" "vmcore-save-t1" "vmcore-save-t2-d15" "makedumpfile-1.7.6" \
             "makedumpfile-1.7.6-t2" "makedumpfile-1.7.2"; do
      read -r ms b <<<"$(row "$log" "$t -$c")"
      if [ -z "${ms:-}" ]; then
        bad=$(grep -a "^KX-BENCH-SAVE $t -$c run=" "$log" 2>/dev/null | sed -n 's/.*status=\([0-9-]*\).*/\1/p' | head -n1)
        [ -n "$bad" ] && printf '  %-28s %10s\n' "$t -$c" "failed (status $bad)"
        continue
      fi
      printf '  %-28s %10s %12s %10s %10s\n' "$t -$c" "$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }')" \
        "$b" "$(ratio "$ms" "${ref_ms:-}")" "$(ratio "$b" "${ref_b:-}")"
    done
    [ "$c" = c ] || [ "$c" = p ] && continue # zlib, snappy: measured, not a goal
    read -r ms b <<<"$(row "$log" "vmcore-save-t2 -$c")"
    tr=$(ratio "${ms:-}" "${ref_ms:-}") sr=$(ratio "${b:-}" "${ref_b:-}")
    # When makedumpfile kept pages that -d 31 leaves out (6.12's free pages,
    # README), the same work is vmcore-save -d 15: the goal is judged on it.
    if [ "$sr" != - ] && awk -v s="$sr" 'BEGIN { exit !(s < 0.95) }'; then
      echo "  (-$c: makedumpfile 1.7.6 kept pages that -d 31 leaves out; judged on" \
           "vmcore-save-t2-d15, which keeps the same pages)"
      read -r ms b <<<"$(row "$log" "vmcore-save-t2-d15 -$c")"
      tr=$(ratio "${ms:-}" "${ref_ms:-}") sr=$(ratio "${b:-}" "${ref_b:-}")
    fi
    tr3=$(awk -v a="${ms:-0}" -v b="${ref_ms:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    if [ "$tr" = - ] || [ "$sr" = - ]; then
      echo "  goal -$c: no measurement"
      status=1
    # Judged on the measured times and sizes, not the rounded ratios (1789
    # ms against 3554 is 0.503x, which prints as 0.50).
    elif awk -v m="$ms" -v r="$ref_ms" -v b="$b" -v rb="$ref_b" \
           'BEGIN { exit !(2 * m <= r && b <= 1.05 * rb && b >= 0.95 * rb) }'; then
      echo "  goal -$c: met (time ${tr3}x makedumpfile 1.7.6's, <= 0.5; size ${sr}x, within 5%)"
    else
      echo "  goal -$c: NOT met (time ${tr3}x makedumpfile 1.7.6's, goal <= 0.5; size ${sr}x, goal within 5%)"
    fi
  done
done
exit $status
