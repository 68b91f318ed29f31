#!/bin/sh
# description: kdump from a non-boot CPU: the crashing shell is pinned to CPU 1 (kexec -s -p); the capture kernel reads the marked page byte for byte and vmcore-dmesg shows the panic on CPU 1
# firmware: bios
# qemu-append: crashkernel=256M
# smp: 2
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect: KX-KDUMP-CPUS: 2 online
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-OK crashing shell runs on CPU 1
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK elfcorehdr= on the command line
# expect: KX-OK vmcore page exact
# expect: KX-OK vmcore-dmesg marker found
# expect: KX-OK vmcore-dmesg panic found
# expect: KX-OK the panic came from CPU 1
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
KD_CRASH_CPU=1
kdump_repeat -s
