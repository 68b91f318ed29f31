#!/bin/sh
# description: arm64 auto mode (-l, no -c/-s) on Debian's 6.1, which has no KEXEC_FILE: kx tries kexec_file_load, gets ENOSYS, falls back to kexec_load with its own purgatory and DTB; stage 2 comes up with our command line and initrd
# arch: arm64
# firmware: dt
# timeout: 180
# expect-re: ^KX-PLAN-JSON: \{"format":"Image","syscall":"auto \(kexec_file_load, else kexec_load\)"
# expect-re: kexec_file_load failed \(.*\), falling back to kexec_load
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -d -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
