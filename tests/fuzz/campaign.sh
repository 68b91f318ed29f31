#!/usr/bin/env bash
# A fuzzing campaign measured in CPU time, resumable across sessions.
#
# Each target runs under libFuzzer (ASan + UBSan, built by build.sh) in slices
# of SLICE wall seconds, at nice 19, until the CPU time of all its slices adds
# up to CPU_MINUTES. The corpus grows in $out/corpus/<name>/ between slices;
# what each slice did is appended to the ledger, tests/fuzz/campaign/<name>.tsv
# (date, cpu seconds, executions, coverage, features, exit status), which is
# committed with the minimized corpus (tests/fuzz/corpus/<name>/, each slice's
# second corpus directory). So a campaign stopped halfway (a session ending,
# even on another machine) goes on where it was when started again. A slice
# that finds a crash stops that target: the input is in $out/crashes/. Once
# the bug is fixed (with a test, and the input added to the target's seeds),
# its ledger line's verdict becomes crash-fixed and the target goes on.
#
# Usage: tests/fuzz/campaign.sh [run|table|minimize] [TARGET...]
#   run       (default) fuzz every target (or those named) up to the budget
#   table     print the campaign table (markdown) from the .tsv files
#   minimize  merge each target's corpus into a minimal set and replace
#             tests/fuzz/corpus/<name>/ with it (the committed seeds)
# Env: FUZZ_OUT (build/fuzz), KX_BUILD (build), CPU_MINUTES (30), SLICE (600),
# CAMPAIGN_PAR (2 targets at a time), CAMPAIGN_LEDGER (tests/fuzz/campaign),
# CAMPAIGN_TIMEOUT (10: libFuzzer's -timeout, seconds of wall time per input;
# raise it when the slices share the CPU with other work at nice 0, so that a
# fuzzer starved of CPU is not taken for a hang).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$repo/build/fuzz}
budget=$(( ${CPU_MINUTES:-30} * 60 ))
slice=${SLICE:-600}
par=${CAMPAIGN_PAR:-2}
timeout=${CAMPAIGN_TIMEOUT:-10}
mode=${1:-run}
case "$mode" in run|table|minimize) shift || true ;; *) mode=run ;; esac
state="$out/campaign"                       # slice logs, this machine only
ledger=${CAMPAIGN_LEDGER:-$here/campaign}   # what every slice did, committed
mkdir -p "$state" "$ledger" "$out/corpus" "$out/crashes"

targets() {
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; return; fi
  # The targets build.sh builds: the lists fuzz_targets (x86_64) and
  # fuzz_targets_arm64_host of meson.build, each from "LIST = [" to "]".
  awk '/^fuzz_targets(_arm64_host)? = \[$/ {on = 1; next} on && /^]/ {on = 0} on' "$here/meson.build" |
    grep -oE "^[[:space:]]*\['[A-Za-z0-9_]+'" | tr -d " ['"
}

# Sum of column N of a target's slices.
total() { awk -F'\t' -v c="$2" '{s += $c} END {printf "%d", s}' "$ledger/$1.tsv" 2>/dev/null || echo 0; }

one_target() {
  local name=$1 bin="$out/fuzz_$1" log used cpu execs cov ft rc
  [ -x "$bin" ] || { echo "campaign: $bin missing (build.sh)" >&2; return 1; }
  mkdir -p "$out/corpus/$name"
  while :; do
    used=$(total "$name" 2)
    [ "$used" -ge "$budget" ] && break
    if grep -qP '\tcrash$' "$ledger/$name.tsv" 2>/dev/null; then break; fi
    log="$state/$name.slice.log"
    rc=0
    (cd "$out" && nice -n 19 /usr/bin/time -f '%U %S' -o "$state/$name.time" \
       "$bin" -max_total_time="$slice" -timeout="$timeout" -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/crashes/$name-" \
       "$out/corpus/$name" "$here/corpus/$name" >"$log" 2>&1) || rc=$?
    cpu=$(awk '{printf "%d", $1 + $2 + 0.5}' "$state/$name.time" 2>/dev/null | tail -n1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    cov=$(grep -oE ' cov: [0-9]+' "$log" | tail -n1 | tr -dc 0-9)
    ft=$(grep -oE ' ft: [0-9]+' "$log" | tail -n1 | tr -dc 0-9)
    local verdict=ok
    [ "$rc" -ne 0 ] && verdict=crash
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "${cpu:-0}" "${execs:-0}" \
      "${cov:-0}" "${ft:-0}" "$verdict" >> "$ledger/$name.tsv"
    echo "campaign: $name slice: ${cpu:-0} s cpu, ${execs:-0} execs, cov ${cov:-0}, $verdict" \
         "($(total "$name" 2)/$budget s)"
    [ "$verdict" = crash ] && { tail -n 30 "$log" >&2; break; }
  done
}

case "$mode" in
run)
  [ "${CAMPAIGN_NO_BUILD:-0}" = 1 ] || FUZZ_BUILD_ONLY=1 "$here/build.sh" 0 "$@"
  mapfile -t list < <(targets "$@")
  running=0
  for t in "${list[@]}"; do
    one_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$par" ]; then wait -n || true; running=$((running - 1)); fi
  done
  wait
  "$0" table "$@"
  ;;
table)
  echo "| target | CPU min | executions | coverage (edges) | features | slices | crashes | fixed |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for t in $(targets "$@"); do
    f="$ledger/$t.tsv"
    [ -s "$f" ] || { echo "| $t | 0 | 0 | - | - | 0 | - | - |"; continue; }
    awk -F'\t' -v t="$t" '{cpu += $2; ex += $3; cov = ($4 > cov ? $4 : cov);
      ft = ($5 > ft ? $5 : ft); n++; if ($6 ~ /^crash/) cr++; if ($6 == "crash-fixed") fx++}
      END {printf "| %s | %.1f | %d | %d | %d | %d | %d | %d |\n", t, cpu / 60, ex, cov, ft, n,
           cr, fx}' "$f"
  done
  ;;
minimize)
  for t in $(targets "$@"); do
    bin="$out/fuzz_$t"
    [ -x "$bin" ] || continue
    min="$out/min/$t"
    rm -rf "$min" && mkdir -p "$min"
    (cd "$out" && "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$min" \
       "$here/corpus/$t" "$out/corpus/$t" >"$state/$t.merge.log" 2>&1)
    # Keep the hand-written seeds (readable names) and add what the merge kept
    # (libFuzzer names each file by its SHA-1) unless a seed has those bytes.
    declare -A have=()
    while read -r sum _; do have[$sum]=1; done < <(cd "$here/corpus/$t" && sha1sum -- * 2>/dev/null)
    for f in "$min"/*; do
      [ -e "$f" ] || continue
      h=$(basename "$f")
      [ -n "${have[$h]:-}" ] || cp "$f" "$here/corpus/$t/min-${h:0:16}"
    done
    unset have
    echo "campaign: $t: $(ls "$here/corpus/$t" | wc -l) seeds"
  done
  ;;
esac
