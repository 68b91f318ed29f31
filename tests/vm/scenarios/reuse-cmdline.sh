#!/bin/sh
# description: --reuse-cmdline: stage 2 runs with stage 1's command line (minus BOOT_IMAGE=)
# firmware: bios
# cmdline-reuse: yes
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: .*kx\.boot=@BOOT_TOKEN@
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --reuse-cmdline || fail "kexec -l --reuse-cmdline: status $?"
expect_loaded "after load" 1
exec_loaded
