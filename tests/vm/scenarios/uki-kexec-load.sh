#!/bin/sh
# description: a UKI (systemd-stub + the kernel, the stage-2 initrd and $KX_APPEND as .linux, .initrd, .cmdline) through kexec_load with no --initrd and no --append: stage 2 runs with the UKI's command line and initrd; the dry run names the sections used
# firmware: bios
# uki: boot/uki.efi
# expect: KX-STAGE1-UP
# expect-re: ^uki: +\.linux +at file offset 0x[0-9a-f]+, 0x[0-9a-f]+ bytes$
# expect: cmdline from: uki
# expect: initrd from:  uki
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec --dry-run -c -l /boot/uki.efi || fail "kexec --dry-run: status $?"
run kexec -c -l /boot/uki.efi || fail "kexec -c -l: status $?"
expect_loaded "after load" 1
exec_loaded
