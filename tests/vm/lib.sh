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
