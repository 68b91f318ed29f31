#!/bin/sh
# description: no data lost: 16 MiB of random bytes and their sha256 written to an ext4 disk, still dirty in the page cache, then kexec -e (which syncs first); the next kernel mounts the disk and the digest matches
# firmware: bios
# disk: 64 ext4
# file: @TOP@/tests/vm/guest/sync-lib.sh etc/kx-sync.sh
# expect: KX-OK disk /dev/nvme0n1 mounted
# expect: KX-OK next kernel loaded: kexec_loaded=1
# expect-re: ^KX-OK 16 MiB written, not yet on disk: Dirty [0-9]+ kB$
# expect: + kexec -e
# expect: KX-OK disk /dev/nvme0n1 mounted
# expect: KX-SYNC-FOUND: intact
# expect: KX-OK data intact after kexec -e
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-sync.sh
if grep -q 'kx\.verify=1' /proc/cmdline; then
    mount_disk
    if sync_found; then ok "data intact after kexec -e"
    else fail "data lost across kexec -e"; fi
    exit 0
fi
sync_first_kernel
