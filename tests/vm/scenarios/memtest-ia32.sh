#!/bin/sh
# description: memtest86+ 6.x ia32 build (boot protocol 2.12 without XLF_KERNEL_64) loaded with no extra flags: the 32-bit protected-mode entry at code32_start with boot_params in esi; memtest reads console=ttyS0 from its command line
# firmware: bios
# timeout: 200
# memtest never exits: the harness stops QEMU once its first test runs.
# until: [Address test, walking ones
# qemu-args: -vga std
# file: @CACHE@/legacy/memtest86+ia32.bin /boot/memtest86+ia32.bin
# expect-re: ^format: +linux16$
# expect-re: then 0x100000 \(pm32\)
# expect: KX-OK after load: kexec_loaded=1
# expect-re: kx purgatory: all regions verified .*entering image at 0x100000
# expect: Memtest86+ v6
# expect-re: Memory +: [0-9.]+[MG]B
# expect: [Address test, walking ones
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
MT=/boot/memtest86+ia32.bin
run kexec --dry-run -l "$MT" --append="console=ttyS0,115200" || fail "dry run: status $?"
run kexec -d -l "$MT" --append="console=ttyS0,115200" || fail "kexec -l memtest: status $?"
expect_loaded "after load" 1
exec_loaded
