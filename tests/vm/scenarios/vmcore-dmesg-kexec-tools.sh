#!/bin/sh
# description: a real crash: kexec-tools loads the capture kernel, sysrq crashes the first kernel, and in the capture kernel our vmcore-dmesg prints byte for byte what kexec-tools' vmcore-dmesg prints, with the marker and the panic
# firmware: bios
# kexec: kx
# qemu-append: crashkernel=256M printk.devkmsg=on
# smp: 2
# timeout: 280
# file: /usr/sbin/vmcore-dmesg opt/kexec-tools/vmcore-dmesg
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# expect: KX-OK capture kernel loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect-re: ^KX-OK vmcore-dmesg identical \([0-9]+ lines\)$
# expect: KX-OK the rings wrapped: the newest fill line is there, the oldest overwritten
# expect: KX-OK marker found: KX-VMCORE-MARKER-@BOOT_TOKEN@
# expect: KX-OK panic message found: sysrq triggered crash
# expect: KX-OK escaped bytes as kexec-tools prints them
# expect: KX-OK bad file: not an ELF core file
# expect-re: ^KX-TIME vmcore-dmesg x5: ours [0-9.]+ s, kexec-tools [0-9.]+ s$
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh   # make_capture_initrd

KT_DMESG=$KX_KEXEC_TOOLS_DIR/vmcore-dmesg
MARKER=KX-VMCORE-MARKER-$KX_BOOT_TOKEN

capture() {
    echo "KX-CAPTURE-UP"
    ls -l /proc/vmcore
    /sbin/vmcore-dmesg > /tmp/ours.txt; rc=$?
    [ $rc -eq 0 ] || fail "our vmcore-dmesg: status $rc"
    "$KT_DMESG" /proc/vmcore > /tmp/theirs.txt; rc=$?
    [ $rc -eq 0 ] || fail "kexec-tools vmcore-dmesg: status $rc"
    if cmp /tmp/ours.txt /tmp/theirs.txt; then
        ok "vmcore-dmesg identical ($(wc -l < /tmp/ours.txt) lines)"
    else
        fail "vmcore-dmesg differs from kexec-tools ($(wc -l < /tmp/ours.txt) vs $(wc -l < /tmp/theirs.txt) lines)"
        diff /tmp/theirs.txt /tmp/ours.txt | head -40
    fi
    if grep -q "kx-fill 5999 " /tmp/ours.txt && ! grep -q "kx-fill 0 " /tmp/ours.txt; then
        ok "the rings wrapped: the newest fill line is there, the oldest overwritten"
    else fail "fill lines: expected kx-fill 5999 and no kx-fill 0"; fi
    if grep -q "$MARKER" /tmp/ours.txt; then ok "marker found: $MARKER"
    else fail "marker $MARKER not in our output"; fi
    if grep -q "sysrq triggered crash" /tmp/ours.txt; then
        ok "panic message found: sysrq triggered crash"
    else fail "no 'sysrq triggered crash' in our output"; fi
    # The line written with control and 8-bit bytes comes out escaped.
    if grep -qF 'kx-escape \x01\x1b tab	end \xc3\xa9' /tmp/ours.txt; then
        ok "escaped bytes as kexec-tools prints them"
    else
        fail "escaped line not found"; grep kx-escape /tmp/ours.txt
    fi
    if /sbin/vmcore-dmesg /etc/kx-lib.sh 2> /tmp/err.txt; then fail "bad file accepted"
    elif grep -q "^vmcore-dmesg: /etc/kx-lib.sh: not an ELF core file$" /tmp/err.txt; then
        ok "bad file: not an ELF core file"
    else fail "bad file: unexpected message: $(cat /tmp/err.txt)"; fi
    echo "--- last lines of the recovered log"
    tail -n 8 /tmp/ours.txt
    echo "---"
    # Timing: five runs each, busybox time has 10 ms resolution.
    time -f %e -o /tmp/t.ours sh -c 'for i in 1 2 3 4 5; do /sbin/vmcore-dmesg > /dev/null; done'
    time -f %e -o /tmp/t.theirs sh -c "for i in 1 2 3 4 5; do $KT_DMESG /proc/vmcore > /dev/null; done"
    echo "KX-TIME vmcore-dmesg x5: ours $(cat /tmp/t.ours) s, kexec-tools $(cat /tmp/t.theirs) s"
}

if [ -e /proc/vmcore ]; then
    capture
    exit 0
fi

make_capture_initrd || { fail "capture initramfs"; exit 1; }
run kexec_tools -p "$KX_KERNEL" --initrd=/tmp/capture.cpio \
    --append="console=ttyS0 panic=-1 irqpoll nr_cpus=1 reset_devices" ||
    { fail "kexec-tools -p: status $?"; exit 1; }
if [ "$(crash_loaded)" = 1 ]; then ok "capture kernel loaded"; else fail "kexec_crash_loaded=$(crash_loaded)"; fi
# Wrap both rings (Debian's 128 KiB of text, 4096 descriptors) several times
# (printk.devkmsg=on lifts the rate limit of /dev/kmsg),
# at debug level so the serial console stays quiet.
i=0
while [ $i -lt 6000 ]; do
    echo "<7>kx-fill $i ................................................................................"
    i=$((i + 1))
done > /dev/kmsg
echo "$MARKER" > /dev/kmsg
printf 'kx-escape \001\033 tab\tend \303\251\n' > /dev/kmsg
echo "KX-CRASHING"
# The tty drains to the UART after echo returns: give it time, or the panic
# cuts the line off.
sleep 1
echo c > /proc/sysrq-trigger
fail "still alive after sysrq crash"
