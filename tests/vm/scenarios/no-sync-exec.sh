#!/bin/sh
# description: what -y costs: the same write as sync-before-exec, still dirty in the page cache, then kexec -y -e (no sync); the kernel does not write the page cache back on its way into the next kernel, so the next kernel finds the file absent, or empty when ext4's 5 s journal commit recorded its creation in between, never intact (that would mean something synced)
# firmware: bios
# disk: 64 ext4
# file: @TOP@/tests/vm/guest/sync-lib.sh etc/kx-sync.sh
# expect: KX-OK disk /dev/nvme0n1 mounted
# expect: KX-OK next kernel loaded: kexec_loaded=1
# expect-re: ^KX-OK 16 MiB written, not yet on disk: Dirty [0-9]+ kB$
# expect: + kexec -e -y
# expect: KX-OK disk /dev/nvme0n1 mounted
# expect-re: ^KX-SYNC-FOUND: (absent|empty)$
# expect: KX-OK data lost with kexec -y -e
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-sync.sh
if grep -q 'kx\.verify=1' /proc/cmdline; then
    mount_disk
    if sync_found; then fail "data intact after kexec -y -e: something synced"
    else ok "data lost with kexec -y -e"; fi
    exit 0
fi
sync_first_kernel -y
