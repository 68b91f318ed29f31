#!/usr/bin/env bash
# make demo: boots a Debian kernel in QEMU (BIOS) whose init loads the same kernel with
# build/kexec and executes it; the second kernel prints its banner and the markers.
# Then a second VM crashes on purpose and its capture kernel prints the recovered log.
# Everything is shown live. Exit 0 if both worked.
# Extra arguments go to run.py (e.g. --firmware uefi, --kexec-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
"$here/setup.sh"
if [ ! -x "$top/build/kexec" ]; then
  echo "demo: $top/build/kexec is missing; run make first" >&2
  exit 1
fi
python3 "$here/run.py" --verbose --build-dir "$top/build" "$here/demo-scenario.sh" "$@"
# Part 2: a capture kernel boots after a crash and gets the log out.
exec python3 "$here/run.py" --verbose --build-dir "$top/build" "$here/demo-kdump.sh" "$@"
