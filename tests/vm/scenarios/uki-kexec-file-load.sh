#!/bin/sh
# description: a UKI through kexec_file_load (-s): the kernel's file loader gets .linux and .initrd in sealed memfds and the UKI's .cmdline; stage 2 runs with them; -t uki names it explicitly
# firmware: bios
# uki: boot/uki.efi
# expect: KX-STAGE1-UP
# expect: kexec: loaded with kexec_file_load
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -d -s -t uki -l /boot/uki.efi || fail "kexec -s -l: status $?"
expect_loaded "after load" 1
exec_loaded
