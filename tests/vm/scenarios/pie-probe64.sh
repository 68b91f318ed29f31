#!/bin/sh
# description: ELF64 PIE (ET_DYN) probe: placed by the planner, R_X86_64_RELATIVE applied (its pointer table holds run-time addresses), rdi = command line; the probe's report matches the dry-run plan (checks/probe_elf.py)
# firmware: bios
# timeout: 120
# file: @BUILD@/tests/payloads/probe-pie64 /boot/probe
# check: probe_elf.py
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"pie64",.*"reloc_ok":true\}
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo kx-probe-initrd > /tmp/initrd
kexec --dry-run --json -l /boot/probe --initrd=/tmp/initrd --append="probe cmdline \"q\" $KX_APPEND_TOKEN" > /tmp/plan.json ||
    fail "kexec --dry-run: status $?"
echo "KX-PLAN-JSON: $(cat /tmp/plan.json)"
run kexec -l /boot/probe --initrd=/tmp/initrd --append="probe cmdline \"q\" $KX_APPEND_TOKEN" ||
    fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
