#!/bin/sh
# description: reference, arm64 DT boot at EL2 (virt,virtualization=on, PSCI over smc): Debian's kexec-tools 2.0.25 -c loads and executes the 6.1 Image; stage 2 starts at EL2 again with our command line and initrd
# arch: arm64
# firmware: dt
# el2: yes
# kexec: kexec-tools
# timeout: 150
# expect: KX-STAGE1-UP
# expect: KX-STAGE1-EL: EL2
# expect: KX-STAGE1-PSCI: smc
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EFI: no
# expect: KX-STAGE2-EL: EL2
# expect: KX-STAGE2-CPUS: 2
# expect: KX-STAGE2-PSCI: smc
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
