#!/bin/sh
# description: memtest86+ 6.x x64 build forced to the 32-bit boot protocol (--entry-32bit: linux16, eip = code32_start = 0x100000, esi = boot_params); memtest's startup32 enters long mode itself
# firmware: bios
# timeout: 200
# memtest never exits: the harness stops QEMU once its first test runs.
# until: [Address test, walking ones
# qemu-args: -vga std
# file: @CACHE@/legacy/memtest86+x64.bin /boot/memtest86+x64.bin
# expect-re: ^format: +linux16$
# expect-re: then 0x100000 \(pm32\)
# expect: KX-OK after load: kexec_loaded=1
# expect-re: kx purgatory: all regions verified .*entering image at 0x100000
# expect: Memtest86+ v6
# expect-re: Memory +: [0-9.]+[MG]B
# expect: [Address test, walking ones
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
MT=/boot/memtest86+x64.bin
run kexec --entry-32bit --dry-run -l "$MT" --append="console=ttyS0,115200" || fail "dry run: status $?"
run kexec --entry-32bit -d -l "$MT" --append="console=ttyS0,115200" || fail "kexec -l memtest: status $?"
expect_loaded "after load" 1
exec_loaded
