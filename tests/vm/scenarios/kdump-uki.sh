#!/bin/sh
# description: a UKI as the capture kernel, loaded as Fedora's kdumpctl does (kexec -s -p --command-line=... --initrd=KDUMP_INITRD UKI): the kernel's file loader gets .linux, the given initrd replaces the UKI's .initrd and the given command line its .cmdline; a sysrq crash boots it and /proc/vmcore holds the marked page
# firmware: bios
# uki: boot/uki.efi
# qemu-append: crashkernel=256M
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect: cmdline from: given, the UKI's not used
# expect: initrd from:  given, the UKI's not used
# expect: kexec: loaded with kexec_file_load
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK elfcorehdr= on the command line
# expect: KX-OK vmcore page exact
# expect: KX-OK vmcore-dmesg marker found
# expect: KX-OK given initrd only
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
if [ -e /proc/vmcore ]; then
    capture_checks
    # The UKI's .initrd (stage 2) would have brought /kx-stage2-token.
    if [ -e /kx-stage2-token ]; then fail "the UKI's .initrd was unpacked as well"
    else ok "given initrd only"; fi
    exit 0
fi
make_capture_initrd || { fail "capture initramfs"; exit 1; }
start_pagefill || exit 1
run kexec -d -s -p --command-line="$(capture_append)" --initrd=/tmp/capture.cpio /boot/uki.efi ||
    { fail "kexec -s -p: status $?"; exit 1; }
status_says "capture kernel loaded" 1
crash_now
