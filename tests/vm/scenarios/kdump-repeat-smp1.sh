#!/bin/sh
# description: kdump with one CPU: kexec -c -p, a sysrq crash; the capture kernel reads the marked page byte for byte from /proc/vmcore and vmcore-dmesg finds the marker and the panic
# firmware: bios
# qemu-append: crashkernel=256M
# smp: 1
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect: KX-KDUMP-CPUS: 1 online
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK elfcorehdr= on the command line
# expect: KX-OK vmcore page exact
# expect: KX-OK vmcore-dmesg marker found
# expect: KX-OK vmcore-dmesg panic found
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
kdump_repeat -c
