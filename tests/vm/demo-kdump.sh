#!/bin/sh
# description: make demo, part 2: kdump with kx: load a capture kernel, crash on purpose, print the recovered log
# firmware: bios
# qemu-append: crashkernel=256M
# qemu-args: -smp 2
# timeout: 200
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CAPTURE-UP
# expect: KX-OK vmcore-dmesg recovered the marker
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

if [ -e /proc/vmcore ]; then
    echo "KX-CAPTURE-UP"
    echo
    echo "=================== the capture kernel is up ===================="
    echo "cmdline: $(cat /proc/cmdline)"
    echo "vmcore:  $(wc -c < /proc/vmcore) bytes"
    echo
    echo "=================== vmcore-dmesg: the crashed kernel's last words ==="
    /sbin/vmcore-dmesg > /tmp/log || fail "vmcore-dmesg: status $?"
    tail -n 30 /tmp/log
    echo
    if grep -q "$KD_MARKER" /tmp/log; then ok "vmcore-dmesg recovered the marker"
    else fail "vmcore-dmesg: marker $KD_MARKER missing"; fi
    exit 0
fi

echo
echo "=================== kx demo, part 2: kdump ============================"
echo "crash region: $(grep -i 'crash kernel' /proc/iomem)"
make_capture_initrd >/dev/null || { fail "capture initramfs"; exit 1; }
run kexec -p "$KX_KERNEL" --initrd=/tmp/capture.cpio \
    --append="console=ttyS0 panic=-1 irqpoll nr_cpus=1 reset_devices" ||
    { fail "kexec -p: status $?"; exit 1; }
status_says "capture kernel loaded" 1
echo
echo "=================== crashing on purpose (sysrq c) ====================="
crash_now
