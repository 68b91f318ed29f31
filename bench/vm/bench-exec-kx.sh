#!/bin/sh
# description: make bench, QEMU part: time from kexec -e to the next kernel, kx, kexec_load, 256 MiB initrd
# memory: 3072
# timeout: 600
# file: @BUILD@/bench/rusage /bin/rusage
# expect: KX-BENCH-EXEC-START kx
# expect-re: Linux version
# The next kernel gets a 256 MiB random initrd (it will not unpack it and then
# panics, which ends the run: only the time to its first lines matters).
# earlyprintk makes the next kernel print "Linux version" at once (not when
# its console driver registers); purgatory prints on the serial port too, so
# bench/vm.sh splits the time with the host's arrival times of these lines
# (run.py --stamps): KX-BENCH-EXEC-START (before kexec -e), purgatory's first
# line, kx purgatory's "all regions verified", "Linux version".
. /etc/kx-lib.sh
big=/tmp/kx-bench-initrd.img
head -c 268435456 /dev/urandom > "$big" || fail "cannot write $big"
run rusage /sbin/kexec -c -l "$KX_KERNEL" --initrd="$big" \
    --append="$KX_APPEND earlyprintk=ttyS0,115200" || fail "load"
echo "KX-BENCH-EXEC-START kx"
/sbin/kexec -e
fail "kexec -e returned"
