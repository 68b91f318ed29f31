#!/bin/sh
# description: Multiboot2 probe with the relocatable tag (2 MiB aligned, 2-256 MiB, high) and position-independent code, two modules: entered with eax = 0x36D76289, runs where the plan relocated it; its report of the boot information tags (command line, modules and their bytes, memory map, load base, RSDP) matches the dry-run plan and the firmware map (checks/probe_mb.py)
# firmware: bios
# timeout: 150
# file: @BUILD@/tests/payloads/probe-mb2 /boot/probe
# check: probe_mb.py
# file: @TOP@/tests/vm/guest/mb-probe.sh etc/kx-mb-probe.sh
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"mb2",
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
. /etc/kx-mb-probe.sh
