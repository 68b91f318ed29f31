#!/bin/sh
# description: vmcore-save in the capture kernel on a real /proc/vmcore: -l -d 16 leaves out exactly the free pages makedumpfile -d 16 leaves out (their 2nd bitmaps are identical), makedumpfile --dump-dmesg reads our dump and finds the marker, --dump-dmesg finds it too
# firmware: bios
# qemu-append: crashkernel=256M
# qemu-args: -smp 2
# memory: 1024
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# file: @BUILD@/vmcore-save sbin/vmcore-save
# file: /usr/bin/makedumpfile opt/makedumpfile/makedumpfile
# file: /lib/x86_64-linux-gnu/liblzo2.so.2 lib/x86_64-linux-gnu/liblzo2.so.2
# file: /lib/x86_64-linux-gnu/libdw.so.1 lib/x86_64-linux-gnu/libdw.so.1
# file: /lib/x86_64-linux-gnu/libelf.so.1 lib/x86_64-linux-gnu/libelf.so.1
# file: /lib/x86_64-linux-gnu/libz.so.1 lib/x86_64-linux-gnu/libz.so.1
# file: /lib/x86_64-linux-gnu/liblzma.so.5 lib/x86_64-linux-gnu/liblzma.so.5
# file: /lib/x86_64-linux-gnu/libbz2.so.1.0 lib/x86_64-linux-gnu/libbz2.so.1.0
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK vmcore-save -l -d 16 wrote a complete dump
# expect: KX-OK makedumpfile --dump-dmesg reads vmcore-save's dump: marker found
# expect: KX-OK vmcore-save --dump-dmesg: marker found
# expect: KX-OK free pages: 2nd bitmap identical to makedumpfile -d 16
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

MDF=/opt/makedumpfile/makedumpfile

# bitmap2 DUMP OUT: the 2nd bitmap of a kdump-compressed file (after the
# header block, sub_hdr_size blocks and the 1st bitmap; 4 KiB blocks).
bitmap2() {
    sub=$(od -An -tu4 -j432 -N4 "$1" | tr -d ' ')
    bb=$(od -An -tu4 -j436 -N4 "$1" | tr -d ' ')
    dd if="$1" of="$2" bs=4096 skip=$((1 + sub + bb / 2)) count=$((bb / 2)) 2>/dev/null
}

if [ -e /proc/vmcore ]; then
    echo "KX-CAPTURE-UP"
    # One dump at a time: the capture kernel's memory holds /tmp.
    t0=$(date +%s)
    /sbin/vmcore-save -l -d 16 --message-level 22 /proc/vmcore /tmp/ours; rc=$?
    t1=$(date +%s)
    if [ $rc -eq 0 ] && [ -s /tmp/ours ] && [ ! -e /tmp/ours.incomplete ]; then
        ok "vmcore-save -l -d 16 wrote a complete dump ($(wc -c < /tmp/ours) bytes, $((t1 - t0)) s)"
    else fail "vmcore-save: status $rc"; fi
    bitmap2 /tmp/ours /tmp/ours.bm2
    "$MDF" --dump-dmesg /tmp/ours /tmp/mdf-dmesg.txt > /tmp/mdf.txt 2>&1
    if grep -q "$KD_MARKER" /tmp/mdf-dmesg.txt; then
        ok "makedumpfile --dump-dmesg reads vmcore-save's dump: marker found"
    else fail "makedumpfile --dump-dmesg on vmcore-save's dump"; tail -n 5 /tmp/mdf.txt; fi
    rm -f /tmp/ours /tmp/mdf-dmesg.txt
    /sbin/vmcore-save --dump-dmesg /proc/vmcore /tmp/log.txt
    if grep -q "$KD_MARKER" /tmp/log.txt; then ok "vmcore-save --dump-dmesg: marker found"
    else fail "vmcore-save --dump-dmesg: no marker"; fi

    t0=$(date +%s)
    "$MDF" -l -d 16 /proc/vmcore /tmp/mdf > /tmp/mdf.txt 2>&1; rc=$?
    t1=$(date +%s)
    [ $rc -eq 0 ] || { fail "makedumpfile -l -d 16: status $rc"; tail -n 5 /tmp/mdf.txt; }
    echo "KX-INFO makedumpfile -l -d 16: $(wc -c < /tmp/mdf) bytes, $((t1 - t0)) s"
    bitmap2 /tmp/mdf /tmp/mdf.bm2
    rm -f /tmp/mdf
    if [ -s /tmp/ours.bm2 ] && cmp -s /tmp/ours.bm2 /tmp/mdf.bm2; then
        ok "free pages: 2nd bitmap identical to makedumpfile -d 16 ($(wc -c < /tmp/ours.bm2) bytes)"
    else
        fail "free pages: 2nd bitmaps differ from makedumpfile's"
        cmp -l /tmp/ours.bm2 /tmp/mdf.bm2 | head -n 8
        echo "differing bytes: $(cmp -l /tmp/ours.bm2 /tmp/mdf.bm2 | wc -l)"
    fi
    exit 0
fi
make_capture_initrd || { fail "capture initramfs"; exit 1; }
start_pagefill || exit 1
run kexec -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="$(capture_append)" ||
    { fail "kexec -p: status $?"; exit 1; }
status_says "capture kernel loaded" 1
crash_now
