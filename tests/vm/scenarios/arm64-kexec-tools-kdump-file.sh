#!/bin/sh
# description: reference, arm64 kdump with the fixture kernel 6.12 (KEXEC_FILE) on the DT boot: crashkernel=256M, Debian's kexec-tools 2.0.25 -s -p (the kernel builds the core header), a sysrq crash boots the capture kernel, whose /proc/vmcore covers the old kernel's RAM and reads back in every RAM segment
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# kexec: kexec-tools
# qemu-append: crashkernel=256M
# timeout: 150
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @TOP@/tests/vm/guest/arm64-kdump-lib.sh etc/kx-arm64-kdump.sh
# expect: KX-OK crash region reserved
# expect: KX-OK capture kernel loaded: kexec_crash_loaded=1
# expect: KX-CRASHING
# expect: Starting crashdump kernel
# expect: KX-CAPTURE-UP
# expect: KX-OK linux,elfcorehdr in /chosen
# expect: KX-OK vmcore is an ELF64 core file
# expect-re: ^KX-OK vmcore: [1-9][0-9]* PT_LOAD in RAM, 1[6-7][0-9][0-9] MiB$
# expect: KX-OK vmcore readable in every RAM segment
# expect-re: ^KX-INFO kexec-tools vmcore-dmesg: status 0, [0-9]+ lines, marker [1-9]
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
. /etc/kx-arm64-kdump.sh
if [ -e /proc/vmcore ]; then
    a64_capture_checks 1
    exit 0
fi
kexec --version
a64_kdump_load_and_crash -s
