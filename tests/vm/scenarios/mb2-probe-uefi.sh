#!/bin/sh
# description: mb2-probe from a UEFI-booted kernel: the same checks, plus the ACPI tables kx recreates in low memory (RSDP 0x800, XSDT 0x840) are ACPI reclaimable in the memory map tag, not usable RAM (checks/probe_mb.py)
# firmware: uefi
# timeout: 150
# file: @BUILD@/tests/payloads/probe-mb2 /boot/probe
# check: probe_mb.py
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"mb2",
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
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
