#!/bin/sh
# description: vmcore-save -d 31 in the capture kernel, on an ext4 virtio disk: -c, -l, -z, -p and -E dumps of a guest holding page cache (ext4 and tmpfs), anonymous memory (THP too), hugetlb pages and free pages; Debian 13's makedumpfile -l -d 31 next to it. On the host (checks/vmcore_save_dumps.py): the 2nd bitmaps compared page by page with makedumpfile's, and Debian 13's crash reads every dump (log with the marker, bt, ps, the marked page), its makedumpfile --dump-dmesg every one but snappy's (built without snappy)
# firmware: bios
# qemu-append: crashkernel=256M
# memory: 1024
# smp: 2
# timeout: 300
# disk: 1024 ext4 virtio
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @BUILD@/tests/vm/memfill sbin/memfill
# file: @BUILD@/tests/vm/vmcore_peek sbin/vmcore_peek
# file: @BUILD@/vmcore-save sbin/vmcore-save
# file: @CACHE@/trixie/dumptools/makedumpfile.cpio opt/makedumpfile-trixie.cpio
# file: @KDIR@/modules.cpio opt/modules.cpio
# check: vmcore_save_dumps.py
# expect: KX-OK marked page in a kernel page at
# expect: KX-OK capture kernel loaded: kexec -S -p says loaded
# expect: KX-CRASHING
# expect: KX-CAPTURE-UP
# expect: KX-OK disk mounted in the capture kernel
# expect-re: ^KX-OK vmcore-save -c -d 31 wrote a complete dump
# expect-re: ^KX-OK vmcore-save -l -d 31 wrote a complete dump
# expect-re: ^KX-OK vmcore-save -z --num-threads=2 -d 31 wrote a complete dump
# expect-re: ^KX-OK vmcore-save -p -d 31 wrote a complete dump
# expect-re: ^KX-OK vmcore-save -E -d 31 wrote a complete dump
# expect: KX-OK the ELF dump holds the marked page exactly
# expect: KX-OK makedumpfile 1.7.6 -l -d 31 wrote a dump
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh

MDF=/opt/dumptools-trixie/makedumpfile
# Under /run, which the capture initramfs leaves out (make_capture_initrd).
D=/run/disk
KD_PAGE_TOKEN=kxpage-$KX_BOOT_TOKEN

# The virtio-blk driver, as the modules this kernel does not build in.
load_virtio() {
    for m in $(cat /modules/order); do
        insmod "/modules/$m.ko" || { fail "insmod $m"; return 1; }
    done
    for i in 1 2 3 4 5 6 7 8 9 10; do
        [ -b "$KX_DISK" ] && return 0
        sleep 1
    done
    fail "no $KX_DISK after loading virtio_blk"
    return 1
}

# save NAME ARGS...: vmcore-save ARGS -d 31 /proc/vmcore $D/NAME, its report
# and time on the console.
save() {
    name=$1
    shift
    t0=$(date +%s)
    /sbin/vmcore-save "$@" -d 31 --message-level 23 /proc/vmcore "$D/$name" 2> /tmp/save.txt
    rc=$?
    t1=$(date +%s)
    cat /tmp/save.txt
    if [ $rc -eq 0 ] && [ -s "$D/$name" ] && [ ! -e "$D/$name.incomplete" ]; then
        ok "vmcore-save $* -d 31 wrote a complete dump ($(wc -c < "$D/$name") bytes, $((t1 - t0)) s)"
    else
        fail "vmcore-save $* -d 31: status $rc"
    fi
}

if [ -e /proc/vmcore ]; then
    echo "KX-CAPTURE-UP"
    load_virtio || exit 1
    mkdir -p "$D"
    if mount -t ext4 "$KX_DISK" "$D"; then ok "disk mounted in the capture kernel"
    else fail "mount $KX_DISK"; exit 1; fi
    # What the crashed kernel says of its struct page (the filter reads these).
    head -c 65536 /proc/vmcore | strings |
        grep -E '^(OSRELEASE|SIZE\(page\)|OFFSET\((page|folio)\.|NUMBER\((PG_|PAGE_|HUGETLB)|LENGTH\(zone)' |
        sed 's/^/KX-VMCOREINFO /'
    page=$(sed -n 's/.*kx\.page=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
    echo "KX-MARKED-PAGE $page"
    save ours.c -c
    save ours.l -l
    # Two threads: the page walk split between them, checked on the host
    # against makedumpfile's bitmap like the others.
    save ours.z -z --num-threads=2
    save ours.p -p
    save ours.E -E
    if /sbin/vmcore_peek $D/ours.E "$page" "$KD_PAGE_TOKEN"; then
        ok "the ELF dump holds the marked page exactly"
    else fail "the marked page at $page is not exact in the ELF dump"; fi
    if [ "$KX_LINUX" != 6.1 ]; then
        # makedumpfile 1.7.6 keeps 6.12's free pages (see checks/vmcore_save_dumps.py):
        # level 15 is the one to compare its level 31 with there.
        /sbin/vmcore-save -l -d 15 /proc/vmcore $D/ours.l15 || fail "vmcore-save -l -d 15"
    fi
    t0=$(date +%s)
    "$MDF" -l -d 31 --message-level 23 /proc/vmcore $D/mdf.l > /tmp/mdf.txt 2>&1; rc=$?
    t1=$(date +%s)
    grep -v '^Copying\|^Excluding\|^Checking' /tmp/mdf.txt | tail -n 20
    if [ $rc -eq 0 ] && [ -s $D/mdf.l ]; then
        ok "makedumpfile 1.7.6 -l -d 31 wrote a dump ($(wc -c < $D/mdf.l) bytes, $((t1 - t0)) s)"
    else fail "makedumpfile 1.7.6 -l -d 31: status $rc"; fi
    ls -l "$D"
    umount "$D"
    sync
    exit 0
fi

cd / && cpio -id < /opt/makedumpfile-trixie.cpio 2>/dev/null && cpio -id < /opt/modules.cpio 2>/dev/null ||
    { fail "unpacking the helpers"; exit 1; }
rm -f /opt/makedumpfile-trixie.cpio /opt/modules.cpio
load_virtio || exit 1
mkdir -p "$D" && mount -t ext4 "$KX_DISK" "$D" || { fail "mount $KX_DISK"; exit 1; }
# Page cache of a real file system (ext4: some pages carry buffer heads, so
# PG_private), and of tmpfs (swap-backed, on the LRU).
yes "kx ext4 page cache line" | head -c $((48 << 20)) > $D/cache.txt && sync
yes "kx tmpfs page cache line" | head -c $((64 << 20)) > /tmp/shm.txt
# hugetlb pages: a free hugetlb page is still a hugetlb folio (user data).
echo 4 > /proc/sys/vm/nr_hugepages
echo "KX-HUGEPAGES $(cat /proc/sys/vm/nr_hugepages)"
make_capture_initrd || { fail "capture initramfs"; exit 1; }
/sbin/memfill "$KD_PAGE_TOKEN" 160 > /tmp/memfill.out 2>&1 &
for i in $(seq 1 60); do
    grep -q '^KX-MEMFILL' /tmp/memfill.out && break
    sleep 1
done
cat /tmp/memfill.out
KD_PAGE=$(sed -n 's/^KX-PAGEFILL phys=//p' /tmp/memfill.out)
[ -n "$KD_PAGE" ] || { fail "memfill did not start"; exit 1; }
ok "marked page in a kernel page at $KD_PAGE"
grep -E '^(MemFree|Cached|Shmem|AnonPages|AnonHugePages|HugePages_Total):' /proc/meminfo
# The disk stays mounted, so its page cache is there at the crash; the
# capture kernel's mount replays the journal.
sync
run kexec -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="$(capture_append)" ||
    { fail "kexec -p: status $?"; exit 1; }
status_says "capture kernel loaded" 1
crash_now
