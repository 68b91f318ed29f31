#!/bin/sh
# description: arm64 UEFI boot (QEMU_EFI, ACPI only): kx -c starts from the EFI stub's DTB, keeps its linux,uefi-* entries, finds the console in SPCR and the PSCI conduit in the FADT; purgatory verifies and reports; stage 2 keeps EFI runtime services and ACPI
# arch: arm64
# firmware: uefi
# timeout: 240
# expect: KX-STAGE1-EFI-SERVICES: yes
# expect-re: ^KX-PLAN-JSON: \{"format":"Image",.*"uart":\{"type":"pl011","base":150994944\},"psci":"hvc"
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: yes
# expect-re: ^KX-STAGE2-EFI-RUNTIME: yes \(efivars: [1-9]
# expect: KX-STAGE2-ACPI: yes
# expect: KX-STAGE2-EFI-SERVICES: yes
# expect-re: ^KX-STAGE2-FDT-CHOSEN: .*linux,uefi-system-table
# expect: KX-STAGE2-FDT-MEMORY: none
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -c -l: status $?"
expect_loaded "after load" 1
exec_loaded
