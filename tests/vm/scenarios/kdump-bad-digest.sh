#!/bin/sh
# description: a corrupted capture kernel does not boot: kexec -c -p --test-bad-digest gives purgatory one wrong SHA-256; after the crash purgatory says so and resets, no capture kernel runs
# firmware: bios
# qemu-append: crashkernel=256M
# qemu-args: -smp 2
# timeout: 150
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: kx purgatory: verifying
# expect-re: kx purgatory: SHA-256 mismatch in region 0
# reject: all regions verified
# reject: KX-CAPTURE-UP
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

if [ -e /proc/vmcore ]; then
    capture_checks
    exit 0
fi

make_capture_initrd || { fail "capture initramfs"; exit 1; }
# The segments in memory are intact: only purgatory's check can stop the boot.
run kexec -c -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="console=ttyS0 panic=-1 nr_cpus=1" \
    --test-bad-digest || { fail "kexec -c -p --test-bad-digest: status $?"; exit 1; }
status_says "capture kernel loaded" 1
crash_now
