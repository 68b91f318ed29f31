#!/bin/sh
# description: memtest86+ 6.x x64 build (protocol 2.12, XLF_KERNEL_64, not relocatable, at 1 MiB); loaded with no extra flags when kx's bzImage loader takes it, else through linux16's real-mode entry (--real-mode, as kexec-tools needs too)
# Measured: bzImage refuses it today (its syssize is rounded up 8 bytes past
# the file); with that check relaxed, purgatory enters the 64-bit entry at
# 0x100200 and memtest prints nothing in 30 s, so the no-flag path then fails
# here on purpose. --real-mode and --entry-32bit (memtest-x64-entry32) work.
# firmware: bios
# timeout: 200
# memtest never exits: the ib700 watchdog armed before kexec resets the VM.
# qemu-args: -vga std -device ib700
# file: @CACHE@/legacy/memtest86+x64.bin /boot/memtest86+x64.bin
# file: @BUILD@/tests/vm/wdt_arm /sbin/wdt_arm
# expect: KX-OK after load: kexec_loaded=1
# expect-re: kx purgatory: all regions verified .*entering image at 0x
# expect: Memtest86+ v6
# expect-re: Memory +: [0-9.]+[MG]B
# expect: [Address test, walking ones
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
MT=/boot/memtest86+x64.bin
FLAGS=
if ! kexec --dry-run -l "$MT" --append="console=ttyS0,115200"; then
	echo "KX-NOTE memtest86+x64.bin: no-flag load refused (above); using --real-mode"
	FLAGS=--real-mode
fi
run kexec $FLAGS --dry-run -l "$MT" --append="console=ttyS0,115200" || fail "dry run: status $?"
run kexec $FLAGS -d -l "$MT" --append="console=ttyS0,115200" || fail "kexec -l memtest: status $?"
expect_loaded "after load" 1
run wdt_arm 30 || fail "wdt_arm: status $?"
exec_loaded
