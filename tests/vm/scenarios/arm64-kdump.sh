#!/bin/sh
# description: arm64 kdump on the DT boot (6.1): kx -c -p puts its core header (a PT_NOTE per possible CPU, VMCOREINFO, the kernel text from /proc/kcore, the linear map) in the crash region and passes it in the DT (linux,elfcorehdr, linux,usable-memory-range); pagefill marks a page; a sysrq crash goes through kx's purgatory to the capture kernel, which finds the marked page byte for byte and reads a page of every RAM segment of /proc/vmcore, and both Debian's vmcore-dmesg and kx's find the crash marker in it (so the text mapping and VMCOREINFO are right)
# arch: arm64
# firmware: dt
# qemu-append: crashkernel=256M
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @TOP@/tests/vm/guest/arm64-kdump-lib.sh etc/kx-arm64-kdump.sh
# file: @BUILD_ARM64@/pagefill sbin/pagefill
# file: @BUILD_ARM64@/vmcore_peek sbin/vmcore_peek
# expect: KX-OK crash region reserved
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec_crash_loaded=1
# expect: KX-CRASHING
# expect: Starting crashdump kernel
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-OK vmcore page exact
# expect: KX-OK linux,usable-memory-range in /chosen
# expect: KX-CAPTURE-UP
# expect: KX-OK linux,elfcorehdr in /chosen
# expect: KX-OK vmcore is an ELF64 core file
# expect-re: ^KX-OK vmcore: [1-9][0-9]* PT_LOAD in RAM, 1[6-8][0-9][0-9] MiB$
# expect: KX-OK vmcore readable in every RAM segment
# expect: KX-OK kexec-tools' vmcore-dmesg finds the marker in kx's dump
# expect: KX-OK kx's vmcore-dmesg finds the marker
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
. /etc/kx-arm64-kdump.sh
if [ -e /proc/vmcore ]; then
    page=$(sed -n 's/.*kx\.page=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
    if /sbin/vmcore_peek /proc/vmcore "$page" "$KD_PAGE_TOKEN"; then ok "vmcore page exact"
    else fail "vmcore page at $page differs"; fi
    if [ -e /sys/firmware/devicetree/base/chosen/linux,usable-memory-range ]; then
        ok "linux,usable-memory-range in /chosen"; fi
    a64_capture_checks 1
    if grep -q "$KD_MARKER" /tmp/kt-dmesg.txt; then
        ok "kexec-tools' vmcore-dmesg finds the marker in kx's dump"
    else fail "kexec-tools' vmcore-dmesg: no marker in kx's dump"; fi
    vmcore-dmesg /proc/vmcore > /tmp/kx-dmesg.txt 2>&1
    if grep -q "$KD_MARKER" /tmp/kx-dmesg.txt; then ok "kx's vmcore-dmesg finds the marker"
    else tail -n 3 /tmp/kx-dmesg.txt; fail "kx's vmcore-dmesg: no marker"; fi
    exit 0
fi
# As a64_kdump_load_and_crash, with a page marked by pagefill whose address
# rides along on the capture kernel's command line.
if grep 'Crash kernel' /proc/iomem; then ok "crash region reserved"
else fail "no Crash kernel in /proc/iomem"; fi
start_pagefill || exit 1
make_capture_initrd || { fail "capture initramfs"; exit 1; }
run kexec -c -p "$KX_KERNEL" --initrd=/tmp/capture.cpio \
    --append="console=$KX_CONSOLE panic=-1 nr_cpus=1 reset_devices kx.page=$KD_PAGE" ||
    { fail "kexec -c -p: status $?"; exit 1; }
if [ "$(crash_loaded)" = 1 ]; then ok "capture kernel loaded: kexec_crash_loaded=1"
else fail "kexec_crash_loaded=$(crash_loaded)"; fi
crash_now
