#!/bin/sh
# description: reference, arm64 UEFI boot (QEMU_EFI, ACPI only): Debian's kexec-tools 2.0.25 -c loads and executes the 6.1 Image; stage 2 keeps EFI runtime services and ACPI and gets the EFI stub's /chosen entries
# arch: arm64
# firmware: uefi
# kexec: kexec-tools
# timeout: 200
# expect: KX-STAGE1-UP
# expect: KX-STAGE1-EFI-RUNTIME: yes
# expect: KX-STAGE1-ACPI: yes
# expect: KX-STAGE1-EFI-SERVICES: yes
# expect: KX-STAGE1-FDT-MEMORY: none
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: yes
# expect-re: ^KX-STAGE2-EFI-RUNTIME: yes \(efivars: [1-9]
# expect: KX-STAGE2-ACPI: yes
# expect: KX-STAGE2-EFI-SERVICES: yes
# expect: KX-STAGE2-CPUS: 2
# expect-re: ^KX-STAGE2-FDT-CHOSEN: .*linux,uefi-system-table
# kexec-tools 2.0.25 writes bootargs with a second NUL (shown as a
# trailing ',': an empty second string), here as in a DT boot.
# expect-re: ^KX-STAGE2-FDT-BOOTARGS: @APPEND@,?$
# expect-re: ^KX-STAGE2-FDT-INITRD: 0x[0-9a-f]{16}-0x[0-9a-f]{16}$
# expect: KX-STAGE2-FDT-MEMORY: none
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
kexec --version
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
