# Helpers for scenario scripts; sourced as /etc/kx-lib.sh inside the guest.
# The environment (/etc/kx-test.env) gives:
#   KX_KERNEL   the kernel to load next (/boot/vmlinuz, the same one that runs)
#   KX_INITRD   the second-stage initramfs; its init prints the KX-STAGE2-* markers
#   KX_APPEND   the command line to pass with --append (holds KX_APPEND_TOKEN)
#   KX_TOKEN    the token only the second-stage initramfs holds
#   KX_BOOT_TOKEN  a token on the first kernel's command line (kx.boot=...)

ok()   { echo "KX-OK $*"; }
fail() { echo "KX-FAIL $*"; }

# Runs a command with its line shown in the log first.
run() { echo "+ $*"; "$@"; }

loaded() { cat /sys/kernel/kexec_loaded; }
crash_loaded() { cat /sys/kernel/kexec_crash_loaded; }

# expect_loaded WHAT 0|1
expect_loaded() {
    if [ "$(loaded)" = "$2" ]; then ok "$1: kexec_loaded=$2"
    else fail "$1: kexec_loaded=$(loaded), expected $2"; fi
}

# Executes the loaded kernel; anything after it returns is a failure.
exec_loaded() {
    echo "+ kexec -e $*"
    kexec -e "$@"
    fail "kexec -e returned (status $?)"
}

# Debian's kexec-tools, always in the initramfs: compare it with kx in the same VM.
kexec_tools() { "$KX_KEXEC_TOOLS_DIR/kexec" "$@"; }

# self_initrd OUT: this guest's own root as an initramfs for the next kernel,
# so that kernel runs /init and /scenario.sh again (chain, sync-before-exec).
# The root filesystem (-xdev leaves out /proc, /sys, /dev, /tmp) without Xen and
# the second stage, which no next kernel needs, and without /kx-next; then a
# small archive appended after it (the kernel unpacks one after the other) with
# /dev/console (hidden here under the devtmpfs mount; the kernel opens it
# before init runs) and whatever the caller put in /tmp/kx-next/, which the next
# kernel finds in /kx-next/. The root archive is built once per kernel.
self_initrd() {
    if [ ! -s /tmp/self.cpio ]; then
        (cd / && find . -xdev \( -path ./boot/stage2.cpio.gz -o -path './boot/xen*' \
            -o -path ./kx-next \) -prune -o -print |
            cpio -o -H newc > /tmp/self.cpio 2>/dev/null) || return 1
    fi
    rm -rf /tmp/next-root && mkdir -p /tmp/next-root/dev /tmp/kx-next || return 1
    mknod /tmp/next-root/dev/console c 5 1 || return 1
    cp -a /tmp/kx-next /tmp/next-root/kx-next || return 1
    (cd /tmp/next-root && find . | cpio -o -H newc > /tmp/next-tail.cpio 2>/dev/null) || return 1
    cat /tmp/self.cpio /tmp/next-tail.cpio > "$1" || return 1
    rm -rf /tmp/next-root /tmp/next-tail.cpio
}
