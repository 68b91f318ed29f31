#!/bin/sh
# description: -u unloads: kexec_loaded goes 1 -> 0 and nothing is executed
# firmware: bios
# expect: KX-STAGE1-UP
# expect: KX-OK after load: kexec_loaded=1
# expect: KX-OK after unload: kexec_loaded=0
# expect: KX-OK -S -l after unload: status 0
# expect: KX-OK -e with nothing loaded refused
# expect: KX-OK -S -l after load: status 1
# expect: KX-OK -S (the capture kernel) after load: status 0
# expect: KX-OK after kexec_load unload: kexec_loaded=0
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
run kexec -l "$KX_KERNEL" --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
run kexec -u || fail "kexec -u: status $?"
expect_loaded "after unload" 0
# -S reports the state through the exit status as kexec-tools does: 1 when
# loaded, 0 when not; -l selects the normal kernel (plain -S asks about the
# capture kernel).
kexec -S -l; rc=$?
if [ $rc -eq 0 ]; then ok "-S -l after unload: status 0"; else fail "-S -l after unload: status $rc, expected 0"; fi
# -e with nothing loaded must refuse with advice, not reboot.
kexec -e 2>/tmp/err; rc=$?
cat /tmp/err
if [ $rc -ne 0 ] && grep -q "no kernel is loaded" /tmp/err; then ok "-e with nothing loaded refused"
else fail "-e with nothing loaded: status $rc"; fi
run kexec -c -l "$KX_KERNEL" --initrd="$KX_INITRD" || fail "kexec -c -l: status $?"
kexec -S -l; rc=$?
if [ $rc -eq 1 ]; then ok "-S -l after load: status 1"; else fail "-S -l after load: status $rc, expected 1"; fi
kexec -S; rc=$?
if [ $rc -eq 0 ]; then ok "-S (the capture kernel) after load: status 0"; else fail "-S after load: status $rc, expected 0 (no capture kernel)"; fi
run kexec -c -u || fail "kexec -c -u: status $?"
expect_loaded "after kexec_load unload" 0
