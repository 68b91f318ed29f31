#!/bin/sh
# description: kexec -s -p (kexec_file_load: the kernel builds the core header); a sysrq crash boots the capture kernel, whose /proc/vmcore holds a marked page byte for byte, vmcore-dmesg finds the marker and makedumpfile accepts the dump; -s -u -p unloads
# firmware: bios
# qemu-append: crashkernel=256M
# qemu-args: -smp 2
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# file: /usr/sbin/vmcore-dmesg opt/kexec-tools/vmcore-dmesg
# file: /usr/bin/makedumpfile opt/makedumpfile/makedumpfile
# file: /lib/x86_64-linux-gnu/liblzo2.so.2 lib/x86_64-linux-gnu/liblzo2.so.2
# file: /lib/x86_64-linux-gnu/libdw.so.1 lib/x86_64-linux-gnu/libdw.so.1
# file: /lib/x86_64-linux-gnu/libelf.so.1 lib/x86_64-linux-gnu/libelf.so.1
# file: /lib/x86_64-linux-gnu/libz.so.1 lib/x86_64-linux-gnu/libz.so.1
# file: /lib/x86_64-linux-gnu/liblzma.so.5 lib/x86_64-linux-gnu/liblzma.so.5
# file: /lib/x86_64-linux-gnu/libbz2.so.1.0 lib/x86_64-linux-gnu/libbz2.so.1.0
# expect: KX-OK first load: kexec -S -p says loaded
# expect: KX-OK after unload: kexec -S -p says not loaded
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK elfcorehdr= on the command line
# expect: KX-OK vmcore page exact
# expect: KX-OK vmcore-dmesg marker found
# expect: KX-OK vmcore-dmesg panic found
# expect-re: ^KX-OK vmcore-dmesg identical to kexec-tools' \([0-9]+ lines\)$
# expect: KX-OK makedumpfile accepted the vmcore
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
kdump_scenario -s unload
