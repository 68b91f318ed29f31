#!/bin/sh
# description: reference, arm64 DT boot of the fixture kernel 6.12 (KEXEC_FILE): Debian's kexec-tools 2.0.25 -s (kexec_file_load) loads the Image and executes it; it cannot read the zboot vmlinuz.efi
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# kexec: kexec-tools
# timeout: 120
# expect: KX-STAGE1-UP
# expect: KX-OK kexec-tools cannot read the zboot image
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect: KX-STAGE2-UNAME: Linux (none) 6.12.117
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-CPUS: 2
# expect-re: ^KX-STAGE2-FDT-BOOTARGS: @APPEND@$
# expect-re: ^KX-STAGE2-FDT-INITRD: 0x[0-9a-f]{16}-0x[0-9a-f]{16}$
# expect: KX-STAGE2-FDT-MEMORY: memory@40000000=0x00000000400000000000000080000000
# expect: KX-STAGE2-DONE
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
kexec --version
# 2.0.25 predates zboot support (2.0.27): "Cannot determine the file type".
if kexec -s -l /boot/vmlinuz.efi --initrd="$KX_INITRD" --append="$KX_APPEND"; then
    fail "kexec-tools 2.0.25 loaded the zboot image"
    kexec -s -u
else ok "kexec-tools cannot read the zboot image"; fi
expect_loaded "after the zboot attempt" 0
run kexec -s -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -s -l: status $?"
expect_loaded "after load" 1
exec_loaded
