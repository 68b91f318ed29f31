#!/bin/sh
# description: UEFI (OVMF), kexec_file_load (-s): stage 2 keeps EFI runtime services and ACPI
# firmware: uefi
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: yes
# expect: KX-STAGE2-EFI-RUNTIME: yes
# expect: KX-STAGE2-ACPI: yes
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -s -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -s -l: status $?"
expect_loaded "after load" 1
exec_loaded
