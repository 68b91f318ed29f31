#!/bin/sh
# description: arm64 DT boot at EL2: purgatory finds a wrong SHA-256 (--test-bad-digest), prints the region on the PL011 and resets through PSCI SYSTEM_RESET over smc (the DT's /psci method): QEMU (-no-reboot) exits instead of booting or hanging
# arch: arm64
# firmware: dt
# el2: yes
# timeout: 120
# expect: KX-STAGE1-EL: EL2
# expect: KX-STAGE1-PSCI: smc
# expect: KX-OK after load: kexec_loaded=1
# expect: kx purgatory: verifying 3 regions at EL2
# expect-re: ^kx purgatory: SHA-256 mismatch in region 0 \(start 0x[0-9a-f]+, len 0x[0-9a-f]+\): refusing to boot, resetting$
# reject: KX-STAGE2-UP
# reject: all regions verified
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
# --test-bad-digest stores a wrong digest for the kernel segment: the image in
# memory is intact, so only purgatory's check can stop the boot. A hang would
# time out (a failure); only the reset ends QEMU in time.
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --test-bad-digest ||
    fail "kexec -c -l --test-bad-digest: status $?"
expect_loaded "after load" 1
exec_loaded
