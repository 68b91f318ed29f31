# Helpers of the kdump-* scenarios; the scenarios copy this file to
# /etc/kx-kdump.sh with '# file:' and source it after /etc/kx-lib.sh.
# The capture kernel boots the same initramfs (make_capture_initrd), so the
# scenario runs twice: first kernel (no /proc/vmcore) and capture kernel.

KD_MARKER=KX-KDUMP-MARKER-$KX_BOOT_TOKEN
KD_PAGE_TOKEN=kxpage-$KX_BOOT_TOKEN
KD_KT_DMESG=$KX_KEXEC_TOOLS_DIR/vmcore-dmesg

# The capture kernel's initramfs: our own root without the kernel images
# (not needed there) and the mounts.
make_capture_initrd() {
    mkdir -p /tmp/cap || return 1
    for d in /*; do
        case "$d" in
        /boot|/proc|/sys|/dev|/tmp|/run) mkdir -p "/tmp/cap$d" ;;
        *) cp -a "$d" /tmp/cap/ || return 1 ;;
        esac
    done
    # The kernel opens /dev/console of the initramfs before init runs.
    mknod /tmp/cap/dev/console c 5 1 || return 1
    (cd /tmp/cap && find . | cpio -o -H newc > /tmp/capture.cpio 2>/dev/null) || return 1
    rm -rf /tmp/cap
    ls -l /tmp/capture.cpio
}

# Starts pagefill in the background; sets KD_PAGE (physical address).
start_pagefill() {
    /sbin/pagefill "$KD_PAGE_TOKEN" > /tmp/pagefill.out 2>&1 &
    for i in 1 2 3 4 5 6 7 8 9 10; do
        KD_PAGE=$(sed -n 's/^KX-PAGEFILL phys=//p' /tmp/pagefill.out)
        [ -n "$KD_PAGE" ] && break
        sleep 1
    done
    cat /tmp/pagefill.out
    [ -n "$KD_PAGE" ] || { fail "pagefill did not start"; return 1; }
    ok "pagefill page at $KD_PAGE"
}

# The capture kernel's command line: the page address rides along on it.
capture_append() {
    echo "console=ttyS0 panic=-1 irqpoll nr_cpus=1 reset_devices kx.page=$KD_PAGE"
}

# status_says WHAT 0|1: `kexec -S -p` exits 1 when a capture kernel is loaded
# and 0 when not, as kexec-tools' -S does.
status_says() {
    kexec -S -p; st=$?
    want=$2
    if [ "$want" = 1 ] && [ $st -eq 1 ]; then ok "$1: kexec -S -p says loaded"
    elif [ "$want" = 0 ] && [ $st -eq 0 ]; then ok "$1: kexec -S -p says not loaded"
    else fail "$1: kexec -S -p status $st, kexec_crash_loaded=$(crash_loaded)"; fi
}

crash_now() {
    # The kernel prints the marker on the console at once, in the middle of
    # whatever line of ours the serial port is still sending: let ours drain
    # first, and the kernel's before the next.
    sleep 1
    echo "$KD_MARKER" > /dev/kmsg
    sleep 1
    echo "KX-CRASHING"
    sleep 1
    echo c > /proc/sysrq-trigger
    fail "still alive after sysrq crash"
}

# Everything checked in the capture kernel.
capture_checks() {
    echo "KX-CAPTURE-UP"
    cat /proc/cmdline
    if grep -q 'elfcorehdr=' /proc/cmdline; then ok "elfcorehdr= on the command line"
    else fail "no elfcorehdr= on the command line"; fi
    ls -l /proc/vmcore
    page=$(sed -n 's/.*kx\.page=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
    if /sbin/vmcore_peek /proc/vmcore "$page" "$KD_PAGE_TOKEN"; then ok "vmcore page exact"
    else fail "vmcore page at $page differs"; fi

    if [ -x /sbin/vmcore-dmesg ]; then
        /sbin/vmcore-dmesg > /tmp/ours.txt; rc=$?
        [ $rc -eq 0 ] || fail "vmcore-dmesg: status $rc"
        if grep -q "$KD_MARKER" /tmp/ours.txt; then ok "vmcore-dmesg marker found"
        else fail "marker $KD_MARKER not in vmcore-dmesg output"; fi
        if grep -q "sysrq triggered crash" /tmp/ours.txt; then ok "vmcore-dmesg panic found"
        else fail "no 'sysrq triggered crash' in vmcore-dmesg output"; fi
        if [ -x "$KD_KT_DMESG" ]; then
            "$KD_KT_DMESG" /proc/vmcore > /tmp/theirs.txt
            if cmp -s /tmp/ours.txt /tmp/theirs.txt; then
                ok "vmcore-dmesg identical to kexec-tools' ($(wc -l < /tmp/ours.txt) lines)"
            else fail "vmcore-dmesg differs from kexec-tools'"; fi
        fi
        tail -n 4 /tmp/ours.txt
    else
        echo "KX-SKIP no vmcore-dmesg built"
    fi

    if [ -x /opt/makedumpfile/makedumpfile ]; then
        /opt/makedumpfile/makedumpfile -l -d 31 /proc/vmcore /tmp/dump > /tmp/mdf.txt 2>&1; rc=$?
        tail -n 6 /tmp/mdf.txt
        if [ $rc -eq 0 ] && [ -s /tmp/dump ]; then
            ok "makedumpfile accepted the vmcore ($(wc -c < /tmp/dump) bytes)"
        else fail "makedumpfile: status $rc"; fi
    fi
}

# The whole scenario for kexec -p through syscall flag $1 (-c, -s, or "" for
# the default): in the capture kernel the checks; in the first kernel, with
# $2 = unload, a load, -u -p and -S -p first, then the real load with the
# marked page, and the crash. The capture kernel is $KD_KERNEL (default
# $KX_KERNEL, the bzImage that runs).
kdump_scenario() {
    sc=$1
    kernel=${KD_KERNEL:-$KX_KERNEL}
    if [ -e /proc/vmcore ]; then
        capture_checks
        exit 0
    fi
    [ -s /tmp/capture.cpio ] || make_capture_initrd || { fail "capture initramfs"; exit 1; }
    if [ "${2:-}" = unload ]; then
        # shellcheck disable=SC2086 # $sc: one flag or none
        run kexec $sc -p "$kernel" --initrd=/tmp/capture.cpio --append="console=ttyS0" ||
            fail "kexec $sc -p: status $?"
        status_says "first load" 1
        # shellcheck disable=SC2086
        run kexec $sc -u -p || fail "kexec $sc -u -p: status $?"
        status_says "after unload" 0
    fi
    start_pagefill || exit 1
    # shellcheck disable=SC2086
    run kexec -d $sc -p "$kernel" --initrd=/tmp/capture.cpio --append="$(capture_append)" ||
        { fail "kexec $sc -p: status $?"; exit 1; }
    status_says "capture kernel loaded" 1
    crash_now
}

# kd_check_region LO HI WHAT: a "Crash kernel" range of /proc/iomem lies in
# [LO, HI) (HI 0: no limit); says which with KX-OK.
kd_check_region() {
    for r in $(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Crash kernel$/\1-\2/p' /proc/iomem); do
        s=$((0x${r%-*})); e=$((0x${r#*-} + 1))
        if [ "$s" -ge "$1" ] && { [ "$2" = 0 ] || [ "$e" -le "$2" ]; }; then
            ok "crash region $(printf '0x%x-0x%x' "$s" "$e") lies $3"
            return 0
        fi
    done
    fail "no crash region $3 in /proc/iomem"
    return 1
}

# kexec -p with no syscall flag (kexec_file_load first), then -u -p.
kd_auto_load_unload() {
    make_capture_initrd || { fail "capture initramfs"; return 1; }
    run kexec -d -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="console=ttyS0" ||
        fail "kexec -p: status $?"
    status_says "auto load" 1
    run kexec -u -p || fail "kexec -u -p: status $?"
    status_says "auto unload" 0
}

# Fills all but KD_FILL_LEAVE_MB (default 128) of the available memory with a
# file in a fresh tmpfs (its pages cannot be dropped: there is no swap).
fill_memory() {
    mkdir -p /fill && mount -t tmpfs -o size=100% tmpfs /fill || return 1
    avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
    mb=$((avail / 1024 - ${KD_FILL_LEAVE_MB:-128}))
    dd if=/dev/zero of=/fill/ballast bs=1M count=$mb 2>/dev/null || return 1
    after=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
    free=$(sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
    echo "KX-KDUMP-FILL $mb MiB in tmpfs: MemAvailable $avail kB -> $after kB, MemFree $free kB"
    if [ "$after" -lt 262144 ]; then ok "memory filled: MemAvailable under 256 MiB"
    else fail "memory not filled: MemAvailable $after kB"; fi
}

# The kdump-repeat-* scenarios: one capture through syscall flag $1 (-c or -s),
# checked as the kdump-* scenarios do (marked page, vmcore-dmesg). With
# KD_CRASH_CPU set, the crashing shell is pinned to that CPU first and the
# capture kernel finds the panic reported from it; with KD_FILL=1 the memory is
# filled (fill_memory) after the load, just before the crash.
kdump_repeat() {
    sc=$1
    if [ -e /proc/vmcore ]; then
        capture_checks
        if [ -n "${KD_CRASH_CPU:-}" ]; then
            # 6.12 prints "CPU: 1 UID: 0 PID: ...", 6.1 "CPU: 1 PID: ...".
            if grep -qE "CPU: $KD_CRASH_CPU (UID: [0-9]+ )?PID: [0-9]+ Comm: sh " /tmp/ours.txt; then
                ok "the panic came from CPU $KD_CRASH_CPU"
            else
                fail "vmcore-dmesg has no 'CPU: $KD_CRASH_CPU PID: ... Comm: sh'"
                grep 'CPU: [0-9]* PID' /tmp/ours.txt
            fi
        fi
        exit 0
    fi
    echo "KX-KDUMP-CPUS: $(grep -c '^processor' /proc/cpuinfo) online"
    make_capture_initrd || { fail "capture initramfs"; exit 1; }
    start_pagefill || exit 1
    run kexec "$sc" -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="$(capture_append)" ||
        { fail "kexec $sc -p: status $?"; exit 1; }
    status_says "capture kernel loaded" 1
    if [ "${KD_FILL:-0}" = 1 ]; then fill_memory || { fail "fill_memory"; exit 1; }; fi
    if [ -n "${KD_CRASH_CPU:-}" ]; then
        taskset -p -c "$KD_CRASH_CPU" $$ > /dev/null || { fail "taskset"; exit 1; }
        # Field 39 of stat: the CPU the task last ran on (proc(5)).
        cpu=$(cut -d' ' -f39 /proc/$$/stat)
        if [ "$cpu" = "$KD_CRASH_CPU" ]; then ok "crashing shell runs on CPU $cpu"
        else fail "crashing shell runs on CPU $cpu, not $KD_CRASH_CPU"; fi
    fi
    crash_now
}
