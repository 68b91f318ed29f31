#!/bin/sh
# description: memtest86+ 6.x x64 build (protocol 2.12, XLF_KERNEL_64, not relocatable, at 1 MiB) loaded with no extra flags: the bzImage loader's 64-bit entry at 0x100200 with boot_params in rsi; purgatory hands over with 4-level paging although the guest kernel runs 5-level (-cpu max has LA57), since memtest's startup64 loads 4-level tables into CR3
# Regressions covered: syssize rounded up 8 bytes past the end of the file
# (bzimage refused the image), and entry with CR4.LA57 still set (memtest's
# PML4 walked as a PML5: reserved-bit #PF above 1 GiB, nothing printed).
# firmware: bios
# timeout: 200
# memtest never exits: the harness stops QEMU once its first test runs.
# until: [Address test, walking ones
# qemu-args: -vga std
# file: @CACHE@/legacy/memtest86+x64.bin /boot/memtest86+x64.bin
# expect-re: ^format: +bzImage$
# expect-re: then 0x100200 \(linux64\)
# The kernel's own file loader refuses a bzImage that is not relocatable:
# auto mode (-a, the default) must say so and fall back to kexec_load.
# expect: kexec: kexec_file_load failed (Exec format error), falling back to kexec_load
# expect: kexec: loaded with kexec_load
# expect: KX-OK after load: kexec_loaded=1
# expect-re: kx purgatory: all regions verified .*entering image at 0x100200
# expect: Memtest86+ v6
# expect-re: Memory +: [0-9.]+[MG]B
# expect: [Address test, walking ones
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
MT=/boot/memtest86+x64.bin
run kexec --dry-run -l "$MT" --append="console=ttyS0,115200" || fail "dry run: status $?"
run kexec -d -l "$MT" --append="console=ttyS0,115200" || fail "kexec -l memtest: status $?"
expect_loaded "after load" 1
exec_loaded
