#!/bin/sh
# description: benchmark (bench/vm-save.sh): in one capture kernel with both vCPUs, vmcore-save against Debian 13's makedumpfile 1.7.6 (and Debian 12's 1.7.2 for lzo) at -d 31 with -z and with -l, on a 4 GiB guest whose memory holds page cache, anonymous data and free pages; wall time and output size of each
# firmware: bios
# qemu-append: crashkernel=512M
# memory: 4096
# smp: 2
# timeout: 1500
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/memfill sbin/memfill
# file: @BUILD@/vmcore-save sbin/vmcore-save
# file: @BUILD@/bench/rusage bin/rusage
# file: @CACHE@/trixie/dumptools/makedumpfile.cpio opt/makedumpfile-trixie.cpio
# file: /usr/bin/makedumpfile opt/makedumpfile/makedumpfile
# file: /lib/x86_64-linux-gnu/liblzo2.so.2 lib/x86_64-linux-gnu/liblzo2.so.2
# file: /lib/x86_64-linux-gnu/libdw.so.1 lib/x86_64-linux-gnu/libdw.so.1
# file: /lib/x86_64-linux-gnu/libelf.so.1 lib/x86_64-linux-gnu/libelf.so.1
# file: /lib/x86_64-linux-gnu/libz.so.1 lib/x86_64-linux-gnu/libz.so.1
# file: /lib/x86_64-linux-gnu/liblzma.so.5 lib/x86_64-linux-gnu/liblzma.so.5
# file: /lib/x86_64-linux-gnu/libbz2.so.1.0 lib/x86_64-linux-gnu/libbz2.so.1.0
# expect: KX-OK marked page in a kernel page at
# expect: KX-CAPTURE-UP
# expect: KX-BENCH-SAVE-DONE
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

MDF13=/opt/dumptools-trixie/makedumpfile
MDF12=/opt/makedumpfile/makedumpfile
KD_PAGE_TOKEN=kxpage-$KX_BOOT_TOKEN
OUT=/tmp/bench-dump
# Runs of each variant, interleaved; the table takes each one's fastest.
RUNS=3

# one LABEL CMD...: one timed save into $OUT (tmpfs), then its size; the
# dump is removed so the next one has the same room.
one() {
    label=$1
    shift
    rm -f "$OUT" "$OUT.incomplete"
    sync
    echo 3 > /proc/sys/vm/drop_caches
    /bin/rusage "$@" > /tmp/one.out 2> /tmp/one.err
    r=$(sed -n 's/^KX-RUSAGE //p' /tmp/one.err)
    st=$(echo "$r" | sed -n 's/.*status=\([0-9-]*\).*/\1/p')
    ms=$(echo "$r" | sed -n 's/.*wall_ms=\([0-9]*\).*/\1/p')
    size=$(wc -c < "$OUT" 2>/dev/null || echo 0)
    echo "KX-BENCH-SAVE $label run=$run wall_ms=${ms:--} bytes=$size status=${st:--}"
    grep '^vmcore-save: ms' /tmp/one.err
    [ "$st" = 0 ] || { grep -v '^Copying\|^Excluding\|^Checking' /tmp/one.err | tail -n 5; }
    rm -f "$OUT"
}

if [ -e /proc/vmcore ]; then
    echo "KX-CAPTURE-UP"
    echo "KX-BENCH-SAVE-CPUS $(grep -c '^processor' /proc/cpuinfo)"
    echo "KX-BENCH-SAVE-VMCORE $(stat -c %s /proc/vmcore) bytes"
    /bin/rusage /sbin/vmcore-save -D -z -d 31 --message-level 23 /proc/vmcore "$OUT" 2>&1 | tail -n 3
    rm -f "$OUT"
    for run in $(seq 1 "$RUNS"); do
        for c in z l; do
            one "vmcore-save-t2 -$c" /sbin/vmcore-save -D -$c -d 31 --num-threads=2 \
                /proc/vmcore "$OUT"
            one "makedumpfile-1.7.6 -$c" "$MDF13" -$c -d 31 /proc/vmcore "$OUT"
            one "vmcore-save-t1 -$c" /sbin/vmcore-save -D -$c -d 31 /proc/vmcore "$OUT"
            # The pages makedumpfile 1.7.6 keeps on 6.12 (it takes 6.12's free
            # pages for slab): a comparison of the same work there.
            one "vmcore-save-t2-d15 -$c" /sbin/vmcore-save -D -$c -d 15 --num-threads=2 \
                /proc/vmcore "$OUT"
        done
        # makedumpfile's own threads (it aborted here each time: status 134)
        one "makedumpfile-1.7.6-t2 -l" "$MDF13" -l -d 31 --num-threads=2 /proc/vmcore "$OUT"
        one "makedumpfile-1.7.2 -l" "$MDF12" -l -d 31 /proc/vmcore "$OUT"
    done
    # zlib, for the record (the goal is about -z and -l): one run each.
    run=1
    one "vmcore-save-t2 -c" /sbin/vmcore-save -D -c -d 31 --num-threads=2 /proc/vmcore "$OUT"
    one "makedumpfile-1.7.6 -c" "$MDF13" -c -d 31 /proc/vmcore "$OUT"
    one "vmcore-save-t2-d15 -c" /sbin/vmcore-save -D -c -d 15 --num-threads=2 /proc/vmcore "$OUT"
    # snappy: Debian's makedumpfile has none (makedumpfile -v), so ours alone.
    one "vmcore-save-t2 -p" /sbin/vmcore-save -D -p -d 31 --num-threads=2 /proc/vmcore "$OUT"
    echo "KX-BENCH-SAVE-DONE"
    exit 0
fi

cd / && cpio -id < /opt/makedumpfile-trixie.cpio 2>/dev/null || { fail "unpacking makedumpfile"; exit 1; }
rm -f /opt/makedumpfile-trixie.cpio
make_capture_initrd || { fail "capture initramfs"; exit 1; }
# Memory as a busy machine has it: anonymous data (THP) and page cache
# (tmpfs: cannot be dropped before the crash), the rest free.
/sbin/memfill "$KD_PAGE_TOKEN" 1100 > /tmp/memfill.out 2>&1 &
for i in $(seq 1 300); do
    grep -q '^KX-MEMFILL' /tmp/memfill.out && break
    sleep 1
done
cat /tmp/memfill.out
KD_PAGE=$(sed -n 's/^KX-PAGEFILL phys=//p' /tmp/memfill.out)
[ -n "$KD_PAGE" ] || { fail "memfill did not start"; exit 1; }
ok "marked page in a kernel page at $KD_PAGE"
mkdir -p /cache && mount -t tmpfs -o size=1200m tmpfs /cache
yes "kx bench page cache: a line of text like a log file holds, 0123456789" | head -c $((900 << 20)) > /cache/a.txt
grep -E '^(MemTotal|MemFree|Cached|Shmem|AnonPages|AnonHugePages):' /proc/meminfo
run kexec -p "$KX_KERNEL" --initrd=/tmp/capture.cpio \
    --append="console=ttyS0 panic=-1 irqpoll nr_cpus=2 reset_devices" ||
    { fail "kexec -p: status $?"; exit 1; }
# The crash on CPU 0: a 6.12 capture kernel that boots on another CPU (APIC
# ID 1 first) brings up no second one ("Allowing 1 present CPUs", seen here).
taskset -p -c 0 $$ > /dev/null || { fail "taskset"; exit 1; }
crash_now
