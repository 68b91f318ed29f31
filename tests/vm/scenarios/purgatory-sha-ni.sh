#!/bin/sh
# description: QEMU 10's -cpu max has SHA-NI: purgatory verifies every segment with the SHA extensions and says so; the next kernel boots with its command line and initrd
# firmware: bios
# expect: KX-CPU-SHA-NI: yes
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha-ni\), entering image at 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
if grep -qw sha_ni /proc/cpuinfo; then echo "KX-CPU-SHA-NI: yes"; else echo "KX-CPU-SHA-NI: no"; fi
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -c -l: status $?"
expect_loaded "after load" 1
exec_loaded
