#!/bin/sh
# description: arm64 DT boot at EL2 (virt,virtualization=on, PSCI over smc): the old kernel enters kx's purgatory at EL2, which enables FP/SIMD there (CPTR_EL2), verifies with the SHA-256 instructions and enters the 6.1 Image at EL2 with x0 = kx's DTB
# arch: arm64
# firmware: dt
# el2: yes
# timeout: 180
# expect: KX-STAGE1-EL: EL2
# expect: KX-STAGE1-PSCI: smc
# expect-re: ^KX-PLAN-JSON: \{"format":"Image",.*"psci":"smc"
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: verifying 3 regions at EL2$
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-EL: EL2
# expect: KX-STAGE2-CPUS: 2
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -c -l: status $?"
expect_loaded "after load" 1
exec_loaded
