#!/bin/sh
# description: arm64 kdump with the fixture kernel 6.12, which has KEXEC_FILE but no /proc/kcore: kx cannot write the core header there, so kx -p (auto) takes kexec_file_load and says why, kx -c -p is refused with that reason and leaves nothing loaded; a sysrq crash boots the capture kernel, whose /proc/vmcore (the kernel's own header) reads back in every RAM segment, and kx's vmcore-dmesg finds the crash marker in it
# arch: arm64
# firmware: dt
# kernel: fixture-6.12
# qemu-append: crashkernel=256M
# timeout: 150
# file: @TOP@/tests/vm/guest/kdump-lib.sh etc/kx-kdump.sh
# file: @TOP@/tests/vm/guest/arm64-kdump-lib.sh etc/kx-arm64-kdump.sh
# expect: KX-OK no /proc/kcore in this kernel
# expect: KX-OK kexec -c -p refused: cannot load this capture kernel with kexec_load: there is no /proc/kcore
# expect: KX-OK nothing loaded after the refusal
# expect-re: ^KX-PLAN-JSON: \{.*"syscall":"kexec_file_load","syscall_reason":"there is no /proc/kcore
# expect: KX-OK crash region reserved
# expect: KX-OK capture kernel loaded: kexec_crash_loaded=1
# expect: KX-CRASHING
# expect: Starting crashdump kernel
# expect: KX-CAPTURE-UP
# expect: KX-OK vmcore is an ELF64 core file
# expect: KX-OK vmcore readable in every RAM segment
# expect: KX-OK kx's vmcore-dmesg finds the marker
# expect: KX-SCENARIO-END rc=0
# reject: KX-STAGE2-UP
. /etc/kx-lib.sh
. /etc/kx-kdump.sh
. /etc/kx-arm64-kdump.sh
if [ -e /proc/vmcore ]; then
    a64_capture_checks 1
    vmcore-dmesg /proc/vmcore > /tmp/kx-dmesg.txt 2>&1
    if grep -q "$KD_MARKER" /tmp/kx-dmesg.txt; then ok "kx's vmcore-dmesg finds the marker"
    else tail -n 3 /tmp/kx-dmesg.txt; fail "kx's vmcore-dmesg: no marker"; fi
    exit 0
fi
if [ ! -e /proc/kcore ]; then ok "no /proc/kcore in this kernel"
else fail "the fixture kernel has /proc/kcore: this scenario tests nothing"; fi
make_capture_initrd || { fail "capture initramfs"; exit 1; }
out=$(kexec -c -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="console=$KX_CONSOLE" 2>&1)
case "$out" in
*"cannot load this capture kernel with kexec_load: there is no /proc/kcore"*)
    ok "kexec -c -p refused: $(echo "$out" | sed -n 's/.*\(cannot load this capture kernel with kexec_load: there is no \/proc\/kcore\).*/\1/p' | head -n 1)" ;;
*) fail "kexec -c -p: $out" ;;
esac
if [ "$(crash_loaded)" = 0 ]; then ok "nothing loaded after the refusal"
else fail "kexec_crash_loaded=$(crash_loaded) after a refused load"; fi
echo "KX-PLAN-JSON: $(kexec --dry-run --json -p "$KX_KERNEL" --initrd=/tmp/capture.cpio --append="console=$KX_CONSOLE panic=-1 nr_cpus=1 reset_devices")"
a64_kdump_load_and_crash
