#!/bin/sh
# description: make bench, QEMU part: time from kexec -e to the next kernel after a kexec_load of a 256 MiB initrd; the tool and flags come from bench/vm.sh
# memory: 3072
# timeout: 600
# file: @BUILD@/bench/rusage /bin/rusage
# file: @TOP@/bench/vm/lib.sh /etc/kx-bench-lib.sh
# file: @BUILD@/bench/vm/exec.env /etc/kx-bench-exec.env
# file: @BUILD@/bench/vm/kexec-tools-trixie.cpio /opt/kexec-tools-trixie.cpio
# expect-re: ^KX-BENCH-EXEC-START 
# expect-re: Linux version
# One exec per VM run: bench/vm.sh writes exec.env (BENCH_KEXEC: kx,
# $KT_OLD or $KT_NEW; BENCH_FLAGS: "" or "-i") before each run. Every tool
# loads the same way: kexec_load (-c), the same kernel, a 256 MiB random
# initrd, purgatory's messages on ttyS0 at 115200. The next kernel will not
# unpack the random initrd and panics, which ends the run: only the time to
# its first lines matters. earlyprintk makes it print "Linux version" at once.
# bench/vm.sh splits the time with the host's arrival times of the console
# lines (run.py --stamps): KX-BENCH-EXEC-START (just before kexec -e),
# purgatory's first line, kx purgatory's "all regions verified", "Linux version".
. /etc/kx-lib.sh
. /etc/kx-bench-lib.sh
. /etc/kx-bench-exec.env
case $BENCH_KEXEC in
kx) kexec=/sbin/kexec ;;
kexec-tools-old) kexec=$KT_OLD ;;
kexec-tools-new)
    kt_new_unpack || { fail "no Debian 13 kexec-tools in this initramfs"; exit 1; }
    kexec=$KT_NEW ;;
*) fail "unknown BENCH_KEXEC=$BENCH_KEXEC"; exit 1 ;;
esac
label=$(tool_label "$kexec")
bench_initrd || exit 1
run rusage "$kexec" -c $BENCH_FLAGS -l "$KX_KERNEL" --initrd="$BENCH_INITRD" \
    --console-serial --serial-baud=115200 \
    --append="$KX_APPEND earlyprintk=ttyS0,115200" || { fail "load"; exit 1; }
echo "KX-BENCH-EXEC-START $label ${BENCH_FLAGS:-checks}"
"$kexec" -e
fail "kexec -e returned"
