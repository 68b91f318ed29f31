# The body of the mb*-probe scenarios (copied to /etc/kx-mb-probe.sh with
# '# file:' and sourced after /etc/kx-lib.sh): makes two modules, prints their
# FNV-1a and the firmware map for checks/probe_mb.py, prints the dry-run plan,
# then loads /boot/probe the same way and executes it.
# Two modules with run-specific content: one short text with a string, one
# that spans pages and does not end on a page boundary.
echo "kx module one $KX_APPEND_TOKEN" > /tmp/m1
head -c 5000 /dev/urandom > /tmp/m2
for m in /tmp/m1 /tmp/m2; do
    # FNV-1a 32, as the probe computes it over the module's bytes.
    h=2166136261
    for b in $(od -An -tu1 -v "$m"); do h=$(( ((h ^ b) * 16777619) & 0xffffffff )); done
    echo "KX-MODULE: $m $(wc -c < "$m") $h"
done
# The firmware map kx hands over (start, inclusive end, type name).
for d in $(ls /sys/firmware/memmap | sort -n); do
    echo "KX-FWMAP: $(cat /sys/firmware/memmap/$d/start) $(cat /sys/firmware/memmap/$d/end) $(cat /sys/firmware/memmap/$d/type)"
done
APPEND="probe-cmdline $KX_APPEND_TOKEN-ish"
kexec --dry-run --json -l /boot/probe --module "/tmp/m1 arg1" --module /tmp/m2 \
    --append "$APPEND" > /tmp/plan.json || fail "kexec --dry-run: status $?"
echo "KX-PLAN-JSON: $(cat /tmp/plan.json)"
run kexec -l /boot/probe --module "/tmp/m1 arg1" --module /tmp/m2 --append "$APPEND" ||
    fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
