#!/bin/sh
# description: make bench, QEMU part: load time and peak RSS, kx vs kexec-tools, both syscalls
# memory: 3072
# timeout: 900
# file: @BUILD@/bench/rusage /bin/rusage
# expect: KX-BENCH-INITRD-READY
# expect-re: ^KX-BENCH kx kexec_load run=3 
# expect-re: ^KX-BENCH kexec-tools kexec_file_load run=3 
# expect: KX-BENCH-DONE
# The same kernel and one 256 MiB initrd of random bytes (made here, in tmpfs,
# so the initramfs stays small and the page cache holds it for every run).
# Each run is timed by /bin/rusage (wall time, wait4's ru_maxrss) and followed
# by an unload, so every load starts from the same state. Runs are interleaved
# so that drift in the host's load hits both tools alike; bench/vm.sh takes the
# best of the 3. Output lines:
#   KX-BENCH TOOL SYSCALL run=N load_ms=MS maxrss_kb=KIB status=RC
# (SYSCALL "dry_run": kx --dry-run, no syscall).
. /etc/kx-lib.sh
big=/tmp/kx-bench-initrd.img
head -c 268435456 /dev/urandom > "$big" || fail "cannot write $big"
echo "KX-BENCH-INITRD-READY $(wc -c < "$big") bytes"
kt=$KX_KEXEC_TOOLS_DIR/kexec

bench_one() { # TOOL SYSCALL RUN BINARY FLAG
    out=$(rusage "$4" "$5" -l "$KX_KERNEL" --initrd="$big" --append="$KX_APPEND" 2>&1)
    line=$(echo "$out" | sed -n 's/^KX-RUSAGE wall_ms=\([^ ]*\) /load_ms=\1 /p')
    [ -n "$line" ] || line="load_ms=- maxrss_kb=- status=-"
    echo "KX-BENCH $1 $2 run=$3 $line"
    case $line in *status=0) ;; *) echo "$out" | sed 's/^/  /' ;; esac
    [ "$(loaded)" = 1 ] || fail "$1 $2 run $3: nothing loaded"
    "$4" "$5" -u || fail "$1 $2 run $3: unload"
}

# kx's dry run reads and hashes everything but loads nothing: the userspace
# share of a kexec_load, for the breakdown.
dry_one() { # RUN
    out=$(rusage /sbin/kexec --dry-run -l "$KX_KERNEL" --initrd="$big" --append="$KX_APPEND" 2>&1 >/dev/null)
    line=$(echo "$out" | sed -n 's/^KX-RUSAGE wall_ms=\([^ ]*\) /load_ms=\1 /p')
    echo "KX-BENCH kx dry_run run=$1 ${line:-load_ms=- maxrss_kb=- status=-}"
}

for run in 1 2 3; do
    dry_one $run
    bench_one kx kexec_load $run /sbin/kexec -c
    bench_one kexec-tools kexec_load $run "$kt" -c
    bench_one kx kexec_file_load $run /sbin/kexec -s
    bench_one kexec-tools kexec_file_load $run "$kt" -s
done
echo "KX-BENCH-DONE"
