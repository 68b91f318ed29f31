#!/bin/sh
# description: arm64: kx loads the fixture kernel's Image with kexec_file_load (-s); the kernel builds its own DTB and has no purgatory; stage 2 (6.12) comes up with our command line and initrd
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# timeout: 150
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect: KX-STAGE2-UNAME: Linux (none) 6.12.117
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: kx purgatory
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
run kexec -s -d -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -s -l: status $?"
expect_loaded "after load" 1
exec_loaded
