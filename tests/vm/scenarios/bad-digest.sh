#!/bin/sh
# description: purgatory finds a wrong SHA-256, says so on the console and resets instead of booting
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: kx purgatory: verifying
# expect-re: kx purgatory: SHA-256 mismatch in region 0
# reject: KX-STAGE2-UP
# reject: all regions verified
# reject: KX-SCENARIO-END
# timeout: 120
. /etc/kx-lib.sh
# --test-bad-digest stores a wrong digest for the kernel segment: the image in
# memory is intact, so only purgatory's check can stop the boot.
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --test-bad-digest ||
    fail "kexec -c -l --test-bad-digest: status $?"
expect_loaded "after load" 1
exec_loaded
