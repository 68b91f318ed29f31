#!/bin/sh
# description: a default kexec -p (auto: kexec_load with kx's purgatory), then one byte of the loaded capture kernel inverted in physical memory through QEMU's gdb stub, then a panic: purgatory finds the mismatch, says so and resets the machine (the kernel's own purgatory would hang); no capture kernel runs
# firmware: bios
# qemu-append: crashkernel=256M
# gdb: yes
# timeout: 150
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# expect-re: syscall: +auto \(kexec_load, else kexec_file_load\)
# expect: loaded with kexec_load
# expect-re: KX-HOST-GDB: byte at 0x[0-9a-f]+: ([0-9a-f]{2}) -> (?!\1)[0-9a-f]{2}
# expect: KX-CRASHING
# expect: kx purgatory: verifying
# expect-re: kx purgatory: SHA-256 mismatch in region [0-9]+
# expect: resetting
# reject: all regions verified
# reject: KX-CAPTURE-UP
# reject: KX-SCENARIO-END
# reject: KX-HOST-GDB: failed
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

if [ -e /proc/vmcore ]; then
    capture_checks
    exit 0
fi

make_capture_initrd || { fail "capture initramfs"; exit 1; }
kexec -d -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="console=ttyS0 panic=-1 nr_cpus=1" \
    > /tmp/plan.txt 2>&1 || { cat /tmp/plan.txt; fail "kexec -p: status $?"; exit 1; }
cat /tmp/plan.txt
[ "$(crash_loaded)" = 1 ] || { fail "no capture kernel loaded"; exit 1; }
# A byte 64 KiB into the capture kernel's image, as the kernel copied it into
# the crash region at load time.
kmem=$(sed -n 's/^kernel  *\(0x[0-9a-f]*\) .*/\1/p' /tmp/plan.txt)
[ -n "$kmem" ] || { fail "no kernel segment in the plan"; exit 1; }
echo "KX-GDB-FLIP: $(printf '0x%x' $((kmem + 0x10000)))"
sleep 2
crash_now
