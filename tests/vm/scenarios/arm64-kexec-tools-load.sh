#!/bin/sh
# description: reference, arm64 DT boot: Debian's kexec-tools 2.0.25 loads the 6.1 Image with kexec_load (-c) and executes it; stage 2 has our command line, initrd and both CPUs
# arch: arm64
# firmware: dt
# kexec: kexec-tools
# timeout: 150
# expect: KX-STAGE1-UP
# expect: KX-STAGE1-EL: EL1
# expect: KX-STAGE1-PSCI: hvc
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: no
# expect: KX-STAGE2-CPUS: 2
# kexec-tools 2.0.25 writes bootargs with a second NUL (shown as a trailing
# ',': an empty second string).
# expect-re: ^KX-STAGE2-FDT-BOOTARGS: @APPEND@,?$
# expect-re: ^KX-STAGE2-FDT-INITRD: 0x[0-9a-f]{16}-0x[0-9a-f]{16}$
# expect: KX-STAGE2-FDT-MEMORY: memory@40000000=0x00000000400000000000000080000000
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
kexec --version
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
