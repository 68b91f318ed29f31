# shellcheck shell=sh
# Helpers of the arm64 kdump scenarios (arm64-*kdump*.sh); they copy this
# file to /etc/kx-arm64-kdump.sh with '# file:' and source it after
# /etc/kx-lib.sh and /etc/kx-kdump.sh (make_capture_initrd, crash_now, KD_MARKER).
# The capture kernel boots the same initramfs, so the scenario runs twice.

# vmcore_loads FILE: one line per PT_LOAD program header of an ELF64
# little-endian core file: "PADDR VADDR OFFSET MEMSZ", addresses in hex,
# offset and size in decimal (e_phoff at 32, e_phentsize at 54, e_phnum at
# 56; p_type at 0, p_offset at 8, p_vaddr at 16, p_paddr at 24, p_memsz at 40).
vmcore_loads() {
    hdr=$(od -An -tu1 -v -N 64 "$1" | awk '{ for (i = 1; i <= NF; i++) b[k++] = $i }
        function le(o, n,   v, i) { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]; return v }
        END { printf "%.0f %.0f %.0f\n", le(32, 8), le(54, 2), le(56, 2) }')
    set -- "$1" $hdr
    od -An -tu1 -v -N $(($2 + $3 * $4)) "$1" | awk -v off="$2" -v sz="$3" -v num="$4" '
        { for (i = 1; i <= NF; i++) b[k++] = $i }
        function le(o, n,   v, i) { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]; return v }
        function hex(o, n,   s, i) { s = ""; for (i = n - 1; i >= 0; i--) s = s sprintf("%02x", b[o + i]); return s }
        END { for (p = 0; p < num; p++) { o = off + p * sz
                  if (le(o, 4) == 1)
                      printf "%s %s %.0f %.0f\n", hex(o + 24, 8), hex(o + 16, 8), le(o + 8, 8), le(o + 40, 8) } }'
}

# a64_capture_checks STRICT: in the capture kernel. The core header's
# address comes in the DT (linux,elfcorehdr), /proc/vmcore is an ELF64 core
# file whose PT_LOAD segments in the old kernel's RAM (the DT's memory
# node) add up to its RAM minus the crash region; one page from the middle
# of each is read. With STRICT=1 a failed read fails the scenario, with 0 it
# is reported (KX-INFO): kexec-tools 2.0.25 on 6.1 writes a kernel text
# segment of absurd size first, which pushes the file offsets of every
# later segment past 2^64.
a64_capture_checks() {
    strict=$1
    echo "KX-CAPTURE-UP"
    cat /proc/cmdline
    # arm64 passes the core header's address in the DT, not on the command line.
    if [ -e /sys/firmware/devicetree/base/chosen/linux,elfcorehdr ]; then
        ok "linux,elfcorehdr in /chosen"
    else fail "no linux,elfcorehdr in /chosen"; fi
    ls -l /proc/vmcore
    magic=$(od -An -tx1 -N 6 /proc/vmcore | tr -d ' ')
    # \177ELF, ELFCLASS64, ELFDATA2LSB
    if [ "$magic" = 7f454c460201 ]; then ok "vmcore is an ELF64 core file"
    else fail "vmcore starts with $magic"; fi
    # The old kernel's RAM: the DT's memory node (base and size, 2 cells each).
    # shellcheck disable=SC2046 # two numbers, split on purpose
    set -- $(od -An -tu1 -v /sys/firmware/devicetree/base/memory@*/reg | awk '
        { for (i = 1; i <= NF; i++) b[k++] = $i }
        function be(o,   v, i) { v = 0; for (i = 0; i < 8; i++) v = v * 256 + b[o + i]; return v }
        END { printf "%.0f %.0f\n", be(0), be(0) + be(8) }')
    ram_lo=$1 ram_hi=$2
    vmcore_loads /proc/vmcore > /tmp/loads.txt
    sed 's/^/KX-VMCORE-LOAD: paddr=0x/; s/ / vaddr=0x/2; s/ / offset=/3; s/ / memsz=/4' /tmp/loads.txt
    nram=0 ram_mib=0 bad=0
    while read -r paddr vaddr offset memsz; do
        p=$((0x$paddr))
        if [ "$p" -ge "$ram_lo" ] && awk "BEGIN { exit !($p + $memsz <= $ram_hi) }"; then
            nram=$((nram + 1)) ram_mib=$((ram_mib + memsz / 1048576))
            # One page from the middle of the segment, through /proc/vmcore.
            page=$(awk "BEGIN { printf \"%.0f\", int(($offset + $memsz / 2) / 4096) }")
            if dd if=/proc/vmcore of=/dev/null bs=4096 skip="$page" count=1 2>/dev/null; then
                echo "KX-INFO read page $page of /proc/vmcore (segment at 0x$paddr)"
            else
                bad=1
                if [ "$strict" = 1 ]; then fail "reading page $page of /proc/vmcore (segment at 0x$paddr)"
                else echo "KX-INFO reading page $page of /proc/vmcore (segment at 0x$paddr) failed"; fi
            fi
        else
            echo "KX-INFO PT_LOAD paddr=0x$paddr vaddr=0x$vaddr memsz=$memsz is not in RAM"
        fi
    done < /tmp/loads.txt
    ok "vmcore: $nram PT_LOAD in RAM, $ram_mib MiB"
    if [ $bad = 0 ] && [ $nram -gt 0 ]; then ok "vmcore readable in every RAM segment"; fi
    "$KX_KEXEC_TOOLS_DIR/vmcore-dmesg" /proc/vmcore > /tmp/kt-dmesg.txt 2>&1
    echo "KX-INFO kexec-tools vmcore-dmesg: status $?, $(wc -l < /tmp/kt-dmesg.txt) lines, marker $(grep -c "$KD_MARKER" /tmp/kt-dmesg.txt)"
    tail -n 3 /tmp/kt-dmesg.txt
}

# a64_kdump_load_and_crash KEXEC-ARGS...: in the first kernel, checks the
# crash region, loads this initramfs as the capture kernel's with
# `kexec ARGS -p $KX_KERNEL` and crashes through sysrq.
a64_kdump_load_and_crash() {
    if grep 'Crash kernel' /proc/iomem; then ok "crash region reserved"
    else fail "no Crash kernel in /proc/iomem"; fi
    make_capture_initrd || { fail "capture initramfs"; exit 1; }
    run kexec "$@" -p "$KX_KERNEL" --initrd=/tmp/capture.cpio \
        --append="console=$KX_CONSOLE panic=-1 nr_cpus=1 reset_devices" ||
        { fail "kexec $* -p: status $?"; exit 1; }
    if [ "$(crash_loaded)" = 1 ]; then ok "capture kernel loaded: kexec_crash_loaded=1"
    else fail "kexec_crash_loaded=$(crash_loaded)"; fi
    crash_now
}
