# Helpers for the benchmark scenarios (bench/vm/*.sh); sourced as
# /etc/kx-bench-lib.sh after /etc/kx-lib.sh.
#   BENCH_INITRD  the 256 MiB random initrd every tool loads (tmpfs, made once)
#   KT_OLD        Debian 12's kexec-tools (the harness puts it in every initramfs)
#   KT_NEW        Debian 13's kexec-tools behind its ld.so wrapper, when
#                 bench/vm.sh put its archive in (bench/fetch-kexec-tools-trixie.sh)
BENCH_INITRD=/tmp/kx-bench-initrd.img
KT_OLD=$KX_KEXEC_TOOLS_DIR/kexec
KT_NEW=/opt/kexec-tools-trixie/kexec
KT_NEW_ARCHIVE=/opt/kexec-tools-trixie.cpio

# In tmpfs, so the initramfs stays small and the page cache holds it for every
# run (its pages are charged to this shell's cgroup, not to the tools').
bench_initrd() {
    head -c 268435456 /dev/urandom > "$BENCH_INITRD" || { fail "cannot write $BENCH_INITRD"; return 1; }
}

# Unpacks Debian 13's kexec-tools; false when bench/vm.sh had none to give.
kt_new_unpack() {
    [ -s "$KT_NEW_ARCHIVE" ] || return 1
    (cd / && cpio -id < "$KT_NEW_ARCHIVE" 2>/dev/null) || return 1
    "$KT_NEW" --version >/dev/null 2>&1
}

# tool_label KEXEC: "kx", or "kexec-tools-VERSION" from the binary's --version,
# so the tables name what actually ran.
tool_label() {
    case $1 in
    /sbin/kexec) echo kx ;;
    *) v=$("$1" --version 2>&1 | sed -n 's/^kexec-tools \([0-9][0-9.]*\).*/\1/p' | head -n1)
       echo "kexec-tools-${v:-unknown}" ;;
    esac
}
