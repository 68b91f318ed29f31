#!/bin/sh
# description: arm64 --dtb=FILE: kx starts the next kernel's tree from the given DTB, a copy of the running one whose memory node is patched from 2 GiB to 1 GiB; stage 2 has 1 GiB and the /chosen kx wrote into that tree
# arch: arm64
# firmware: dt
# timeout: 150
# expect: KX-OK memory node patched to 1 GiB
# expect-re: ^KX-PLAN-JSON: \{"format":"Image",
# expect: KX-OK after load: kexec_loaded=1
# expect-re: ^kx purgatory: all regions verified \([0-9]+ KiB, sha2-ce\), entering image at 0x[0-9a-f]+ with x0 0x[0-9a-f]+$
# expect: KX-STAGE2-UP
# expect-re: ^KX-STAGE2-CMDLINE: @APPEND@$
# expect: KX-STAGE2-INITRD: @TOKEN@
# expect-re: ^KX-STAGE2-MEMTOTAL: (9[0-9]{5}|10[0-4][0-9]{4}) kB$
# expect: KX-STAGE2-FDT-MEMORY: memory@40000000=0x00000000400000000000000040000000
# expect: KX-STAGE2-DONE
# check: ../scenarios/arm64-handoff-check.py
# reject: KX-SCENARIO-END
. /etc/kx-lib.sh
cp /sys/firmware/fdt /tmp/given.dtb
# The memory node's reg (2/2 cells): base 0x40000000, size 0x80000000. Its
# byte offset in the blob, then the size's top byte 0x80 becomes 0x40.
reg=" 00 00 00 00 40 00 00 00 00 00 00 00 80 00 00 00"
pos=$(od -v -An -tx1 /tmp/given.dtb | tr -d '\n' | awk -v r="$reg" '{ i = index($0, r); print i ? (i - 1) / 3 : -1 }')
[ "$pos" -ge 0 ] || fail "no memory reg in /sys/firmware/fdt"
printf '\100' | dd of=/tmp/given.dtb bs=1 seek=$((pos + 12)) conv=notrunc 2>/dev/null
if od -v -An -tx1 /tmp/given.dtb | tr -d '\n' | grep -q " 00 00 00 00 40 00 00 00 00 00 00 00 40 00 00 00"; then
    ok "memory node patched to 1 GiB"; fi
echo "KX-PLAN-JSON: $(kexec -c -l "$KX_KERNEL" --dtb=/tmp/given.dtb --initrd="$KX_INITRD" --append="$KX_APPEND" --dry-run --json)"
run kexec -l "$KX_KERNEL" --dtb=/tmp/given.dtb --initrd="$KX_INITRD" --append="$KX_APPEND" || fail "kexec -l --dtb: status $?"
expect_loaded "after load" 1
exec_loaded
