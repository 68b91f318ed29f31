# The sync-before-exec and no-sync-exec scenarios; copied to /etc/kx-sync.sh
# with '# file:' and sourced after /etc/kx-lib.sh. The harness gives an ext4
# disk ('# disk: 64 ext4', $KX_DISK). The first kernel writes 16 MiB of random
# bytes and their sha256 to it as the last thing before kexec -e; the next
# kernel (this root again, self_initrd) mounts the disk and reports what is
# there. The digest also rides in the next initramfs (/kx-next/sha256), so
# an empty or missing file cannot pass as intact.

SY_MB=16

meminfo_kb() { sed -n "s/^$1: *\([0-9]*\) kB$/\1/p" /proc/meminfo; }

mount_disk() {
    mkdir -p /mnt
    if mount -t ext4 "$KX_DISK" /mnt; then ok "disk $KX_DISK mounted"
    else fail "mount $KX_DISK"; exit 1; fi
}

# What the next kernel finds: prints KX-SYNC-FOUND: intact|empty|absent|
# differs (SIZE bytes) and returns 0 only for intact.
sync_found() {
    want=$(cat /kx-next/sha256)
    if [ ! -e /mnt/data ]; then state=absent
    elif [ ! -s /mnt/data ]; then state=empty
    elif [ "$(sha256sum < /mnt/data | cut -d' ' -f1)" = "$want" ] &&
         [ "$(cut -d' ' -f1 /mnt/data.sha256 2>/dev/null)" = "$want" ]; then state=intact
    else state="differs ($(wc -c < /mnt/data) bytes)"; fi
    echo "KX-SYNC-FOUND: $state"
    ls -l /mnt
    [ "$state" = intact ]
}

# sync_first_kernel FLAGS...: the load, then the write, then kexec FLAGS -e.
sync_first_kernel() {
    mount_disk
    # The bytes and their digest are made in tmpfs first, so the digest can
    # ride in the next initramfs and nothing but the copy happens on the disk
    # between the write and the jump.
    dd if=/dev/urandom of=/tmp/data bs=1M count=$SY_MB 2>/dev/null || { fail "dd"; exit 1; }
    mkdir -p /tmp/kx-next
    sha256sum < /tmp/data | cut -d' ' -f1 > /tmp/kx-next/sha256
    echo "KX-SYNC-SHA256: $(cat /tmp/kx-next/sha256)"
    self_initrd /tmp/next.cpio || { fail "next initramfs"; exit 1; }
    run kexec -s -l "$KX_KERNEL" --initrd=/tmp/next.cpio --append="$KX_APPEND kx.verify=1" ||
        { fail "kexec -s -l: status $?"; exit 1; }
    expect_loaded "next kernel loaded" 1
    cp /tmp/data /mnt/data && (cd /mnt && sha256sum data > data.sha256) ||
        { fail "write to the disk"; exit 1; }
    # The copy sits in the page cache: ext4 allocates blocks (delalloc) and
    # writes them back only after dirty_expire_centisecs (30 s by default).
    # Dirty is read without folding in the per-CPU counter deltas, so it can
    # lag by a few dozen pages: ask for three quarters.
    dirty=$(meminfo_kb Dirty)
    if [ "$dirty" -ge $((SY_MB * 768)) ]; then ok "$SY_MB MiB written, not yet on disk: Dirty $dirty kB"
    else fail "only $dirty kB dirty after writing $SY_MB MiB: written back already"; fi
    exec_loaded "$@"
}
