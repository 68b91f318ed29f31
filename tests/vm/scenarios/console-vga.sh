#!/bin/sh
# description: --console-serial --console-vga --reset-vga: purgatory prints on both and resets VGA, then boots
# firmware: bios
# qemu-args: -vga std
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: kx purgatory: all regions verified
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" \
    --console-serial --serial=0x3f8 --serial-baud=115200 --console-vga --reset-vga ||
    fail "kexec -c -l with console options: status $?"
expect_loaded "after load" 1
exec_loaded
