#!/bin/sh
# description: mb2-probe from a UEFI-booted kernel: the same checks, plus the ACPI tables kx recreates in low memory (RSDP 0x800, XSDT 0x840) are ACPI reclaimable in the memory map tag, not usable RAM (checks/probe_mb.py)
# firmware: uefi
# timeout: 150
# file: @BUILD@/tests/payloads/probe-mb2 /boot/probe
# check: probe_mb.py
# file: @TOP@/tests/vm/guest/mb-probe.sh etc/kx-mb-probe.sh
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"mb2",
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
. /etc/kx-mb-probe.sh
