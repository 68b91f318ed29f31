#!/bin/sh
# description: kexec -p with the ELF vmlinux out of the Debian kernel, no flags (auto: kexec_load): kx moves it into the crash region as one 2 MiB-aligned block with its entry moved alike (kexec-tools 2.0.25 refuses it: "Invalid memory segment"); a sysrq crash boots it as the capture kernel, which gets elfcorehdr= and reads the marked page byte for byte; -u -p unloads
# firmware: bios
# qemu-append: crashkernel=256M
# qemu-args: -smp 2
# timeout: 280
# file: @KDIR@/vmlinux /boot/vmlinux
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect: KX-OK dry run: elf-linux (capture kernel, -p)
# expect-re: ^KX-OK kernel at 0x[0-9a-f]+, 2 MiB aligned inside the crash region 0x[0-9a-f]+-0x[0-9a-f]+$
# expect: KX-OK first load: kexec -S -p says loaded
# expect: KX-OK after unload: kexec -S -p says not loaded
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
KD_KERNEL=/boot/vmlinux
if [ ! -e /proc/vmcore ]; then
    kexec --dry-run -p "$KD_KERNEL" --append=console=ttyS0 > /tmp/plan 2>&1 ||
        { sed 's/^/  plan: /' /tmp/plan; fail "kexec --dry-run -p: status $?"; exit 1; }
    sed 's/^/  plan: /' /tmp/plan
    grep -q '^format: *elf-linux (capture kernel, -p)' /tmp/plan &&
        ok "dry run: elf-linux (capture kernel, -p)" || fail "not planned as a Linux capture kernel"
    # "  2b000000-3affffff : Crash kernel" (nested under System RAM)
    range=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Crash kernel$/\1 \2/p' /proc/iomem | head -n 1)
    set -- $range
    lo=$((0x$1)); hi=$((0x$2 + 1))
    mem=$(awk '$1 == "kernel" { print $2; exit }' /tmp/plan)
    size=$(awk '$1 == "kernel" { print $3; exit }' /tmp/plan)
    if [ -n "$mem" ] && [ $((mem % 0x200000)) -eq 0 ] && [ $((mem)) -ge $lo ] &&
       [ $((mem + size)) -le $hi ]; then
        ok "kernel at $(printf '0x%x' $((mem))), 2 MiB aligned inside the crash region $(printf '0x%x-0x%x' $lo $hi)"
    else
        fail "kernel segment '$mem' (size $size) not 2 MiB aligned inside 0x$1-0x$2"
    fi
fi
kdump_scenario "" unload
