#!/usr/bin/env bash
# Golden plans: `kexec --dry-run --json` for fixed inputs (generated images, fake
# system trees) compared with the checked-in expectation tests/golden/NAME.json.
# A change of placement or boot_params shows up as a reviewed diff.
#   run.sh KEXEC            compare (the test)
#   run.sh KEXEC --update   rewrite the expectations after a deliberate change
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kexec=$1
update=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/mkfixtures.py" "$work"
pass=0 fail=0
while IFS='|' read -r name root args; do
  name=$(echo "$name" | xargs)
  case "$name" in ''|'#'*) continue ;; esac
  root=$(echo "$root" | xargs)
  args=${args//@/$work}
  # shellcheck disable=SC2086
  if ! "$kexec" --dry-run --json --sysroot="$work/$root" $args > "$work/$name.raw"; then
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
    cp "$work/$name.json" "$here/$name.json"
    echo "updated $name"
  elif diff -u "$here/$name.json" "$work/$name.json"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: the plan differs from tests/golden/$name.json (see the diff above;"
    echo "     if the change is intended: tests/golden/run.sh build/kexec --update)"
    fail=$((fail + 1))
  fi
done < "$here/cases.txt"
[ "$update" = --update ] || { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
