#!/bin/sh
# description: ELF32 ET_EXEC probe: loaded at its p_paddr, entered in 32-bit protected mode with edi = command line, esi/edx = initrd; the probe's report matches the dry-run plan (checks/probe_elf.py)
# firmware: bios
# timeout: 120
# file: @BUILD@/tests/payloads/probe-elf32 /boot/probe
# check: probe_elf.py
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"elf32",.*"reloc_ok":true\}
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
