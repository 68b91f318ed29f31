#!/bin/sh
# description: crash hotplug with kexec_load (Linux 6.12): a default kexec -p (kexec_load, KEXEC_UPDATE_ELFCOREHDR, the core header sized from /sys/kernel/crash_elfcorehdr_size and left out of purgatory's digest); then a CPU and a 256 MiB DIMM are hot-added through QMP and the crash follows. The capture kernel's /proc/vmcore must hold the new CPU's NT_PRSTATUS note and cover the DIMM: only a core header the kernel rewrote has them.
# firmware: bios
# qemu-append: crashkernel=256M memhp_default_state=online
# qemu-args: -smp 1,maxcpus=4 -m 2048,slots=2,maxmem=4G
# acpi-hotplug: yes
# qmp: yes
# timeout: 280
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/pagefill sbin/pagefill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# expect: KX-HOTPLUG possible CPUs: 0-3
# expect-re: syscall: +auto \(kexec_load, else kexec_file_load\)
# expect-re: ^hotplug: +the kernel may rewrite the core header
# expect-re: loaded with kexec_load \(crash hotplug
# expect: KX-OK crash_hotplug reads 1
# expect: KX-OK hot-added CPU 1 online
# expect: KX-OK hot-added DIMM online
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK vmcore page exact
# expect: KX-OK the new CPU's note is in the dump (prstatus=2)
# expect: KX-OK the new DIMM is in the dump
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

if [ -e /proc/vmcore ]; then
    capture_checks
    s=$(/sbin/vmcore_peek --summary /proc/vmcore)
    echo "$s"
    case "$s" in
    *" prstatus=2 "*) ok "the new CPU's note is in the dump (prstatus=2)" ;;
    *) fail "the dump does not hold two CPUs' notes: $s" ;;
    esac
    above=${s##*ram_above_4g=}
    if [ "$above" -ge 268435456 ]; then ok "the new DIMM is in the dump"
    else fail "the dump covers $above bytes above 4 GiB, not the 256 MiB DIMM"; fi
    exit 0
fi

echo "KX-HOTPLUG possible CPUs: $(cat /sys/devices/system/cpu/possible)"
make_capture_initrd || { fail "capture initramfs"; exit 1; }
start_pagefill || exit 1
run kexec -d -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="$(capture_append)" ||
    { fail "kexec -p: status $?"; exit 1; }
[ "$(crash_loaded)" = 1 ] || { fail "no capture kernel loaded"; exit 1; }
hp=$(cat /sys/devices/system/cpu/crash_hotplug 2>/dev/null)
if [ "$hp" = 1 ]; then ok "crash_hotplug reads 1"; else fail "crash_hotplug reads '$hp'"; fi

# A CPU: QEMU adds it to the next free slot; the kernel sees it through ACPI.
echo "KX-QMP: cpu-add"
for i in $(seq 1 30); do [ -e /sys/devices/system/cpu/cpu1/online ] && break; sleep 1; done
echo 1 > /sys/devices/system/cpu/cpu1/online 2>/dev/null
if [ "$(cat /sys/devices/system/cpu/cpu1/online 2>/dev/null)" = 1 ]; then
    ok "hot-added CPU 1 online"
else fail "CPU 1 did not come up"; dmesg | tail -n 20; fi

# A DIMM: onlined by the kernel (memhp_default_state=online).
before=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
echo 'KX-QMP: {"execute":"object-add","arguments":{"qom-type":"memory-backend-ram","id":"kxmem1","size":268435456}}'
sleep 1
echo 'KX-QMP: {"execute":"device_add","arguments":{"driver":"pc-dimm","id":"kxdimm1","memdev":"kxmem1"}}'
for i in $(seq 1 30); do
    now=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
    [ "$now" -gt $((before + 200000)) ] && break
    sleep 1
done
if [ "$now" -gt $((before + 200000)) ]; then ok "hot-added DIMM online (MemTotal $before -> $now kB)"
else fail "the DIMM did not come online (MemTotal $before -> $now kB)"; fi
dmesg | grep -i "crash hp" | tail -n 4
crash_now
