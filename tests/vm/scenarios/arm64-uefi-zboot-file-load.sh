#!/bin/sh
# description: arm64 UEFI boot of the fixture kernel 6.12: kx -s loads its EFI zboot image (unpacked by kx into a memfd) with kexec_file_load; stage 2 keeps EFI runtime services and ACPI and gets the kernel's /chosen with the linux,uefi-* entries
# arch: arm64
# firmware: uefi
# kernel: fixture-6.12
# timeout: 150
# expect: KX-STAGE1-UP
# expect: KX-STAGE1-EFI-SERVICES: yes
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect: KX-STAGE2-UNAME: Linux (none) 6.12.117
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: yes
# expect-re: ^KX-STAGE2-EFI-RUNTIME: yes \(efivars: [1-9]
# expect: KX-STAGE2-ACPI: yes
# expect: KX-STAGE2-EFI-SERVICES: yes
# expect: KX-STAGE2-CPUS: 2
# expect-re: ^KX-STAGE2-FDT-CHOSEN: .*linux,uefi-system-table
# expect-re: ^KX-STAGE2-FDT-BOOTARGS: @APPEND@$
# expect-re: ^KX-STAGE2-FDT-INITRD: 0x[0-9a-f]{16}-0x[0-9a-f]{16}$
# expect: KX-STAGE2-FDT-MEMORY: none
# expect: KX-STAGE2-DONE
# reject: kx purgatory
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -s -d -l /boot/vmlinuz.efi --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -s -l: status $?"
expect_loaded "after load" 1
exec_loaded
