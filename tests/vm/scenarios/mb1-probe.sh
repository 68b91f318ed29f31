#!/bin/sh
# description: Multiboot v1 ELF32 probe with two modules: entered with eax = 0x2BADB002 and ebx = the boot information, loaded at its p_paddr; its report of multiboot_info (memory, command line, modules and their bytes, memory map) matches the dry-run plan and the firmware map (checks/probe_mb.py)
# firmware: bios
# timeout: 150
# file: @BUILD@/tests/payloads/probe-mb1 /boot/probe
# check: probe_mb.py
# file: @TOP@/tests/vm/guest/mb-probe.sh etc/kx-mb-probe.sh
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"mb1",
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
. /etc/kx-mb-probe.sh
