#!/usr/bin/env bash
# check-man.sh PAGE...: fails when man(1) cannot format a page or reports any
# warning (groff's diagnostics on stderr) while formatting it.
set -euo pipefail
export MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8
status=0
for page in "$@"; do
  rc=0
  err=$(man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null) || rc=$?
  if [ "$rc" -ne 0 ] || [ -n "$err" ]; then
    echo "FAIL $page: man exited with status $rc and printed:"
    sed 's/^/    /' <<<"$err"
    status=1
  else
    echo "ok   $page"
  fi
done
exit $status
