#!/bin/sh
# description: arm64 DT boot at EL1: kx loads Debian's 6.1 Image with kexec_load (-c): its purgatory verifies every segment with the SHA-256 instructions and enters the kernel with x0 = kx's DTB, whose /chosen (bootargs, initrd, fresh seeds) stage 2 booted with
# arch: arm64
# firmware: dt
# timeout: 180
# expect: KX-STAGE1-UP
# expect: KX-STAGE1-EL: EL1
# expect: KX-STAGE1-PSCI: hvc
# expect-re: ^KX-PLAN-JSON: \{"format":"Image",.*"entry_mode":"linux-arm64",.*"uart":\{"type":"pl011","base":150994944\},"psci":"hvc"
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: verifying 3 regions at EL1$
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-CPUS: 2
# expect-re: ^KX-STAGE2-FDT-BOOTARGS: @APPEND@$
# expect-re: ^KX-STAGE2-FDT-INITRD: 0x[0-9a-f]{16}-0x[0-9a-f]{16}$
# expect: KX-STAGE2-FDT-MEMORY: memory@40000000=0x00000000400000000000000080000000
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -c -l: status $?"
expect_loaded "after load" 1
exec_loaded
