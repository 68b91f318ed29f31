#!/bin/sh
# description: arm64: the fixture kernel's EFI zboot image (vmlinuz.efi, gzip payload) through kexec_file_load (-s): kx unpacks the zboot image into a memfd and the kernel's arm64 file loader takes the Image; stage 2 (6.12) comes up with our command line and initrd (kexec-tools 2.0.25 cannot read zboot at all)
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# timeout: 150
# expect-re: ^KX-PLAN-JSON: \{"format":"Image",
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-STAGE2-UP
# expect: KX-STAGE2-UNAME: Linux (none) 6.12.117
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect: KX-STAGE2-DONE
# reject: kx purgatory
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
echo "KX-PLAN-JSON: $(kexec -s -l /boot/vmlinuz.efi --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -s -d -l /boot/vmlinuz.efi --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -s -l vmlinuz.efi: status $?"
expect_loaded "after load" 1
exec_loaded
