#!/bin/sh
# description: Real-mode Linux boot-protocol probe (protocol 2.07, code32_start 0) loaded with no flags: kx picks real mode; the probe reports cs/ds/ss/sp, PE, and the setup header kx filled in (type_of_loader, CAN_USE_HEAP, heap_end_ptr, cmd_line_ptr and the command line through it), which match the dry-run plan (checks/probe_rm16.py)
# firmware: bios
# timeout: 120
# file: @BUILD@/tests/payloads/probe-rm16 /boot/rm16
# check: probe_rm16.py
# expect-re: ^format: +linux16$
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^KX-PROBE \{"probe":"rm16",
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
APPEND="rm16-cmdline \"q\" a\\b $KX_APPEND_TOKEN"
kexec --dry-run --json -l /boot/rm16 --append="$APPEND" > /tmp/plan.json ||
    fail "kexec --dry-run: status $?"
echo "KX-PLAN-JSON: $(cat /tmp/plan.json)"
run kexec --dry-run -l /boot/rm16 --append="$APPEND" || fail "dry run: status $?"
run kexec -l /boot/rm16 --append="$APPEND" || fail "kexec -l: status $?"
expect_loaded "after load" 1
exec_loaded
