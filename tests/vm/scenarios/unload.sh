#!/bin/sh
# description: -u unloads: kexec_loaded goes 1 -> 0 and nothing is executed
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-OK after unload: kexec_loaded=0
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
run kexec -u || fail "kexec -u: status $?"
expect_loaded "after unload" 0
