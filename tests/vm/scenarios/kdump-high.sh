#!/bin/sh
# description: kdump with the crash region above 4 GiB (4 GiB guest, crashkernel=256M,high plus crashkernel=64M,low): kexec -p (auto) loads and unloads, then kexec -c -p places every segment, purgatory included, in the high region (the kernel takes kexec_load segments and the entry only there), the capture kernel's e820 has both parts, a sysrq crash boots it and /proc/vmcore holds the marked page byte for byte
# firmware: bios
# memory: 4096
# qemu-append: crashkernel=256M,high crashkernel=64M,low
# qemu-args: -smp 2
# timeout: 290
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect-re: ^KX-OK crash region 0x[0-9a-f]+-0x[0-9a-f]+ lies above 4 GiB$
# expect-re: ^KX-OK crash region 0x[0-9a-f]+-0x[0-9a-f]+ lies below 4 GiB$
# expect: KX-OK auto load: kexec -S -p says loaded
# expect: KX-OK auto unload: kexec -S -p says not loaded
# expect: KX-OK pagefill page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK elfcorehdr= on the command line
# expect: KX-OK vmcore page exact
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
if [ ! -e /proc/vmcore ]; then
    grep -i "crash kernel" /proc/iomem
    kd_check_region $((4 << 30)) 0 "above 4 GiB" || exit 1
    kd_check_region 0 $((4 << 30)) "below 4 GiB" || exit 1
    kd_auto_load_unload || exit 1
fi
kdump_scenario -c
