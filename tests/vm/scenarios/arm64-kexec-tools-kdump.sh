#!/bin/sh
# description: reference, arm64 kdump on the DT boot: crashkernel=256M, Debian's kexec-tools 2.0.25 -p (kexec_load) loads the 6.1 Image with this initramfs, a sysrq crash boots it, and the capture kernel finds an ELF /proc/vmcore whose RAM segments cover the old kernel's RAM (their pages cannot be read: see below)
# arch: arm64
# firmware: dt
# kexec: kexec-tools
# qemu-append: crashkernel=256M
# timeout: 240
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
# kexec-tools 2.0.25's core header on 6.1 (no _text in /proc/kallsyms): a
# kernel text PT_LOAD with vaddr ~0 and a size near 2^64 comes first and
# pushes the file offsets of the RAM segments past 2^64, so no RAM page can
# be read and its vmcore-dmesg finds nothing. Reported as KX-INFO; kx must
# do better (arm64-*kdump* scenarios of kx check the reads).
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
. /etc/kx-arm64-kdump.sh
if [ -e /proc/vmcore ]; then
    a64_capture_checks 0
    exit 0
fi
kexec --version
a64_kdump_load_and_crash -c
