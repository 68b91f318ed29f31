#!/bin/sh
# description: make bench, QEMU part: load time and memory, kx vs Debian 12's and Debian 13's kexec-tools, both syscalls
# memory: 3072
# timeout: 1200
# file: @BUILD@/bench/rusage /bin/rusage
# file: @TOP@/bench/vm/lib.sh /etc/kx-bench-lib.sh
# file: @BUILD@/bench/vm/kexec-tools-trixie.cpio /opt/kexec-tools-trixie.cpio
# expect: KX-BENCH-INITRD-READY
# expect-re: ^KX-BENCH kx kexec_load run=3 
# expect-re: ^KX-BENCH kexec-tools-\S+ kexec_file_load run=3 
# expect: KX-BENCH-DONE
# The same kernel and one 256 MiB initrd of random bytes for every tool. Each
# run is timed by `/bin/rusage --cgroup` (wall time; wait4's ru_maxrss; the
# memory.peak of a fresh cgroup holding only the tool, and the page cache it
# added: see tests/vm/guest/rusage.c) and followed by an unload, so every load
# starts from the same state. Runs are interleaved so that drift in the host's
# load hits all tools alike; bench/vm.sh takes the best of the 3. Output lines:
#   KX-BENCH-TOOLS kx kexec-tools-A.B.C [kexec-tools-X.Y.Z]
#   KX-BENCH TOOL SYSCALL run=N load_ms=MS maxrss_kb=KIB cg_peak_kb=KIB cg_file_kb=KIB status=RC
# (SYSCALL "dry_run": kx --dry-run, no syscall).
. /etc/kx-lib.sh
. /etc/kx-bench-lib.sh
bench_initrd || exit 1
echo "KX-BENCH-INITRD-READY $(wc -c < "$BENCH_INITRD") bytes"
tools="/sbin/kexec $KT_OLD"
if kt_new_unpack; then tools="$tools $KT_NEW"; fi
labels=""
for k in $tools; do labels="$labels $(tool_label "$k")"; done
echo "KX-BENCH-TOOLS$labels"

# rusage_line OUTPUT: rusage's fields with wall_ms renamed load_ms.
rusage_line() {
    line=$(echo "$1" | sed -n 's/^KX-RUSAGE wall_ms=\([^ ]*\) /load_ms=\1 /p')
    echo "${line:-load_ms=- maxrss_kb=- cg_peak_kb=- cg_file_kb=- status=-}"
}

bench_one() { # SYSCALL RUN BINARY FLAG
    label=$(tool_label "$3")
    out=$(rusage --cgroup "$3" "$4" -l "$KX_KERNEL" --initrd="$BENCH_INITRD" --append="$KX_APPEND" 2>&1)
    line=$(rusage_line "$out")
    echo "KX-BENCH $label $1 run=$2 $line"
    case $line in *status=0) ;; *) echo "$out" | sed 's/^/  /' ;; esac
    [ "$(loaded)" = 1 ] || fail "$label $1 run $2: nothing loaded"
    "$3" "$4" -u || fail "$label $1 run $2: unload"
}

# kx's dry run reads and hashes everything but loads nothing: the userspace
# share of a kexec_load, for the breakdown.
dry_one() { # RUN
    out=$(rusage --cgroup /sbin/kexec --dry-run -l "$KX_KERNEL" --initrd="$BENCH_INITRD" \
        --append="$KX_APPEND" 2>&1 >/dev/null)
    echo "KX-BENCH kx dry_run run=$1 $(rusage_line "$out")"
}

for run in 1 2 3; do
    dry_one $run
    for flag in -c -s; do
        case $flag in -c) sc=kexec_load ;; *) sc=kexec_file_load ;; esac
        for k in $tools; do bench_one $sc $run "$k" $flag; done
    done
done
echo "KX-BENCH-DONE"
