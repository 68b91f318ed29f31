#!/bin/sh
# description: arm64 kdump under UEFI (QEMU_EFI, ACPI only; 6.1): kx -c -p starts from the EFI stub's DTB (no memory nodes), adds linux,elfcorehdr and linux,usable-memory-range; pagefill marks a page; a sysrq crash goes through kx's purgatory to the capture kernel, which finds the marked page byte for byte, reads every RAM segment of /proc/vmcore, and Debian's vmcore-dmesg and kx's find the marker in it
# arch: arm64
# firmware: uefi
# qemu-append: crashkernel=256M
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @TOP@/tests/vm/guest/arm64-kdump-lib.sh etc/kx-arm64-kdump.sh
# file: @BUILD_ARM64@/pagefill sbin/pagefill
# file: @BUILD_ARM64@/vmcore_peek sbin/vmcore_peek
# expect: KX-STAGE1-EFI-SERVICES: yes
# expect: KX-OK crash region reserved
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec_crash_loaded=1
# expect: KX-CRASHING
# expect: Starting crashdump kernel
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect-re: ^KX-STAGE1-FDT-CHOSEN: .*linux,elfcorehdr .*linux,uefi-system-table .*linux,usable-memory-range
# expect: KX-OK vmcore page exact
# expect: KX-CAPTURE-UP
# expect: KX-OK vmcore is an ELF64 core file
# expect-re: ^KX-OK vmcore: [1-9][0-9]* PT_LOAD, every one readable$
# expect: KX-OK kexec-tools' vmcore-dmesg finds the marker in kx's dump
# expect: KX-OK kx's vmcore-dmesg finds the marker
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
. /etc/kx-arm64-kdump.sh
# Under ACPI there is no /sys/firmware/devicetree and no memory node: the
# capture boot's KX-STAGE1-FDT-CHOSEN line (from /sys/firmware/fdt) shows
# /chosen, and every PT_LOAD of the core header is read once.
if [ -e /proc/vmcore ]; then
    page=$(sed -n 's/.*kx\.page=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
    if /sbin/vmcore_peek /proc/vmcore "$page" "$KD_PAGE_TOKEN"; then ok "vmcore page exact"
    else fail "vmcore page at $page differs"; fi
    echo "KX-CAPTURE-UP"
    magic=$(od -An -tx1 -N 6 /proc/vmcore | tr -d ' ')
    if [ "$magic" = 7f454c460201 ]; then ok "vmcore is an ELF64 core file"
    else fail "vmcore starts with $magic"; fi
    vmcore_loads /proc/vmcore > /tmp/loads.txt
    n=0 bad=0
    while read -r paddr vaddr offset memsz; do
        n=$((n + 1))
        page=$(awk "BEGIN { printf \"%.0f\", int(($offset + $memsz / 2) / 4096) }")
        echo "KX-VMCORE-LOAD: paddr=0x$paddr vaddr=0x$vaddr memsz=$memsz page=$page"
        dd if=/proc/vmcore of=/dev/null bs=4096 skip="$page" count=1 2>/dev/null || bad=1
    done < /tmp/loads.txt
    if [ $bad = 0 ] && [ $n -gt 0 ]; then ok "vmcore: $n PT_LOAD, every one readable"
    else fail "vmcore: $n PT_LOAD, a read failed"; fi
    "$KX_KEXEC_TOOLS_DIR/vmcore-dmesg" /proc/vmcore > /tmp/kt-dmesg.txt 2>&1
    if grep -q "$KD_MARKER" /tmp/kt-dmesg.txt; then
        ok "kexec-tools' vmcore-dmesg finds the marker in kx's dump"
    else tail -n 3 /tmp/kt-dmesg.txt; fail "kexec-tools' vmcore-dmesg: no marker in kx's dump"; fi
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
