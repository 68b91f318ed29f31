#!/bin/sh
# description: kdump with the crash region between 2 and 4 GiB (4 GiB guest, crashkernel=384M lands near 0xa5000000, above the kernel's initrd_addr_max): kexec -p (auto) loads and unloads, then kexec -c -p places initrd and boot_params inside the region (ext_* fields), a sysrq crash boots the capture kernel and /proc/vmcore holds the marked page byte for byte
# firmware: bios
# memory: 4096
# qemu-append: crashkernel=384M
# qemu-args: -smp 2
# timeout: 290
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect-re: ^KX-OK crash region 0x[0-9a-f]+-0x[0-9a-f]+ lies between 2 and 4 GiB$
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
    kd_check_region $((2 << 30)) $((4 << 30)) "between 2 and 4 GiB" || exit 1
    kd_auto_load_unload || exit 1
fi
kdump_scenario -c
