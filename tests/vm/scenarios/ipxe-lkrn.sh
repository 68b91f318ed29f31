#!/bin/sh
# description: iPXE's ipxe.lkrn (boot protocol 2.07, code32_start 0: real-mode entry only) loaded with no extra flags; purgatory switches to real mode and iPXE runs its command line as a script
# firmware: bios
# timeout: 200
# iPXE writes through the BIOS (int 0x10); SeaBIOS's own serial console
# (sercon, port 0x3f8 in fw_cfg's etc/sercon-port as a little-endian
# integer) mirrors that to COM1. QEMU 10 no longer has the sga device.
# qemu-args: -fw_cfg name=etc/sercon-port,file=@TOP@/tests/vm/guest/sercon-port.bin
# iPXE's exit falls back to the BIOS boot order, which waits forever when
# there is no disk; the ib700 watchdog armed before kexec resets the VM.
# qemu-args: -device ib700
# file: @CACHE@/legacy/ipxe.lkrn /boot/ipxe.lkrn
# file: @BUILD@/tests/vm/wdt_arm /sbin/wdt_arm
# expect-re: ^format: +linux16$
# expect-re: then 0x[0-9a-f]+ \(real16\)
# expect: KX-OK after load: kexec_loaded=1
# expect-re: kx purgatory: all regions verified .*entering image at 0x[0-9a-f]+
# expect: iPXE initialising devices
# expect: Open Source Network Boot Firmware
# expect: KX-IPXE-CMDLINE: @APPEND_TOKEN@
# expect: No bootable device
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
IPXE=/boot/ipxe.lkrn
# ipxe.lkrn runs its command line as an iPXE script: print a token only
# this run knows, then leave iPXE.
SCRIPT="echo KX-IPXE-CMDLINE: $KX_APPEND_TOKEN && exit"
run kexec --dry-run -l "$IPXE" --append="$SCRIPT" || fail "dry run: status $?"
run kexec -d -l "$IPXE" --append="$SCRIPT" || fail "kexec -l ipxe.lkrn: status $?"
expect_loaded "after load" 1
run wdt_arm 30 || fail "wdt_arm: status $?"
exec_loaded
