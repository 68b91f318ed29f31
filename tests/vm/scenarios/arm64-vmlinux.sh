#!/bin/sh
# description: arm64: kx loads the stripped ELF vmlinux of Debian's 6.1 kernel (the -dbg package's) with kexec_load: its PT_LOADs, flattened, are the Image; purgatory verifies it and stage 2 boots with our command line and initrd
# arch: arm64
# firmware: dt
# file: @CACHE@/arm64/vmlinux /boot/vmlinux
# timeout: 180
# expect-re: ^KX-PLAN-JSON: \{"format":"vmlinux",.*"entry_mode":"linux-arm64"
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -l /boot/vmlinux --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -l /boot/vmlinux --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l vmlinux: status $?"
expect_loaded "after load" 1
exec_loaded
