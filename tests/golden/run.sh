#!/usr/bin/env bash
# Golden plans: `kexec --dry-run --json` for fixed inputs (generated images, fake
# system trees) compared with the checked-in expectation tests/golden/NAME.json.
# A change of placement or boot_params shows up as a reviewed diff.
#   run.sh KEXEC            compare (the test)
#   run.sh KEXEC --update   rewrite the expectations after a deliberate change
# KX_GOLDEN_SET=arm64 picks the arm64 set (cases-arm64.txt, arm64/NAME.json,
# mkfixtures_arm64.py) for an arm64 KEXEC, run through KX_GOLDEN_WRAPPER
# (qemu-aarch64-static) when given.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kexec=$1
update=${2:-}
wrapper=${KX_GOLDEN_WRAPPER:-}
if [ "${KX_GOLDEN_SET:-}" = arm64 ]; then
  cases=$here/cases-arm64.txt expected=$here/arm64 mkfixtures=$here/mkfixtures_arm64.py
else
  cases=$here/cases.txt expected=$here mkfixtures=$here/mkfixtures.py
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$mkfixtures" "$work"
pass=0 fail=0
while IFS='|' read -r name root args; do
  name=$(echo "$name" | xargs)
  case "$name" in ''|'#'*) continue ;; esac
  root=$(echo "$root" | xargs)
  args=${args//@/$work}
  # shellcheck disable=SC2086
  if ! $wrapper "$kexec" --dry-run --json --sysroot="$work/$root" $args > "$work/$name.raw"; then
    echo "FAIL $name: kexec refused the case (message above)"
    fail=$((fail + 1)); continue
  fi
  # Purgatory's own bytes change with every compiler or purgatory edit; its
  # parameters (the digests and registers) are covered by the other fields.
  python3 - "$work/$name.raw" > "$work/$name.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
for s in plan["segments"]:
    if s["role"] == "purgatory":
        s["sha256"] = s["bufsz"] = s["memsz"] = "(purgatory build)"
print(json.dumps(plan, indent=4, sort_keys=True))
PY
  if [ "$update" = --update ]; then
    cp "$work/$name.json" "$expected/$name.json"
    echo "updated $name"
  elif diff -u "$expected/$name.json" "$work/$name.json"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: the plan differs from $expected/$name.json (see the diff above;"
    echo "     if the change is intended: tests/golden/run.sh build/kexec --update, or for"
    echo "     arm64 KX_GOLDEN_SET=arm64 KX_GOLDEN_WRAPPER=qemu-aarch64-static"
    echo "     tests/golden/run.sh build-arm64/kexec --update)"
    fail=$((fail + 1))
  fi
done < "$cases"
[ "$update" = --update ] || { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
