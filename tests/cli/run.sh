#!/usr/bin/env bash
# The command line on the host: help, version, usage errors (exit 2 with a message),
# refusal without root, and a dry run without root. No kernel is loaded here.
set -uo pipefail
kexec=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/../golden/mkfixtures.py" "$work"
chmod -R a+rX "$work"
pass=0 fail=0

# check NAME WANT_STATUS WANT_TEXT CMD...: status and a substring of stdout+stderr
check() {
  local name=$1 want=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: status $rc (want $want), output:"; sed 's/^/     /' <<<"$out" | head -20
    fail=$((fail + 1))
  fi
}

img=$work/bzImage
check "help"                0 "--kexec-file-syscall" "$kexec" --help
check "version"             0 "kexec (kx)" "$kexec" --version
check "unknown option"      2 "unknown option '--bogus'" "$kexec" --bogus
check "unknown short"       2 "unknown option '-Z'" "$kexec" -Z
check "no image"            2 "no kernel image given" "$kexec"
check "-l without image"    2 "no kernel image given to load" "$kexec" -l
check "two images"          2 "unexpected argument" "$kexec" -l "$img" "$img"
check "--json alone"        2 "--json goes with --dry-run" "$kexec" --json -l "$img"
check "bad --mem-min"       2 "--mem-min needs an address" "$kexec" -l "$img" --mem-min=lots
check "missing value"       2 "needs a value" "$kexec" -l "$img" --initrd
check "-f with -p"          2 "do not go together" "$kexec" -f -p "$img"
check "conflicting actions" 2 "conflicts" "$kexec" -l -u "$img"
check "bad --serial-baud"   2 "must be at least 9600 and divide 115200" "$kexec" -l "$img" --serial-baud=7
check "--serial-baud 4800"  2 "at least 9600" "$kexec" -l "$img" --serial-baud=4800
check "--serial-baud 9600"  0 "role" "$kexec" --dry-run -l "$img" --serial-baud=9600 --sysroot="$work/sysroot-bios"
check "--serial ttyS2"      2 "needs ttyS0, ttyS1 or an I/O port" "$kexec" -l "$img" --serial=ttyS2
check "--serial 0x10000"    2 "needs ttyS0, ttyS1" "$kexec" -l "$img" --serial=0x10000
check "--serial 0"          2 "needs ttyS0, ttyS1" "$kexec" -l "$img" --serial=0
check "--serial 0x3f8x"     2 "needs ttyS0, ttyS1" "$kexec" -l "$img" --serial=0x3f8x
check "-s with --mem-max"   1 "need kexec_load (-c)" "$kexec" -s -l "$img" --mem-max=0x40000000 --dry-run
check "unknown -t"          1 "unknown image type 'pe'" "$kexec" --dry-run -t pe -l "$img"
check "dry run"             0 "role" "$kexec" --dry-run -l "$img" --initrd="$work/initrd" --sysroot="$work/sysroot-bios"
check "dry run json"        0 '"segments":[' "$kexec" --dry-run --json -l "$img" --sysroot="$work/sysroot-bios"
# -p: a bzImage and an ELF vmlinux are told the core header and the crash memory
# map (tests/golden crash-*); every other format is refused before any load.
crash=(--sysroot="$work/sysroot-crash")
refuse="cannot be loaded as a capture kernel (-p)"
check "-p linux16"          1 "a linux16 image $refuse" "$kexec" --dry-run -p --real-mode "$img" "${crash[@]}"
check "-p multiboot"        1 "a multiboot image $refuse" "$kexec" --dry-run -p "$work/multiboot" "${crash[@]}"
check "-p ELF --args-elf"   1 "(--args-elf) cannot be a capture kernel (-p)" "$kexec" --dry-run -p --args-elf "$work/vmlinux" "${crash[@]}"
check "-p ELF --args-none"  1 "(--args-none) cannot be a capture kernel (-p)" "$kexec" --dry-run -p --args-none "$work/vmlinux" "${crash[@]}"
check "-p vmlinux"          0 "elf-linux (capture kernel, -p)" "$kexec" --dry-run -p "$work/vmlinux" "${crash[@]}"
# No /proc/kcore: kx cannot write the core header; auto takes kexec_file_load,
# -c is refused with the reason, a format the file loader cannot take too.
nokcore=(--sysroot="$work/sysroot-crash-nokcore")
check "-p, no kcore"        0 "with kexec_file_load the kernel writes it" "$kexec" --dry-run -d -p "$img" "${nokcore[@]}"
check "-c -p, no kcore"     1 "cannot load this capture kernel with kexec_load: there is no /proc/kcore" "$kexec" --dry-run -c -p "$img" "${nokcore[@]}"
check "-p vmlinux, no kcore" 1 "the kernel's file loader does not take this format" "$kexec" --dry-run -p "$work/vmlinux" "${nokcore[@]}"
# Not regular files fail at once (open() must not wait for a FIFO's writer).
mkfifo "$work/fifo"
bios=(--sysroot="$work/sysroot-bios")
check "FIFO kernel"         1 "is not a regular file" timeout 10 "$kexec" --dry-run -l "$work/fifo" "${bios[@]}"
check "FIFO initrd"         1 "is not a regular file" timeout 10 "$kexec" --dry-run -l "$img" --initrd="$work/fifo" "${bios[@]}"
check "FIFO module"         1 "is not a regular file" timeout 10 "$kexec" --dry-run -l "$img" --module="$work/fifo" "${bios[@]}"
: > "$work/empty"
check "empty initrd"        1 "is empty" "$kexec" --dry-run -l "$img" --initrd="$work/empty" "${bios[@]}"
# A file truncated while a dry run hashes it: an error naming it, never SIGBUS
# (status 135). Raced, so status 0 (hashed before the truncate) passes too.
big=$work/big-initrd
for delay in 0.02 0.1 0.3; do
  : > "$big"; truncate -s 200M "$big"
  "$kexec" --dry-run -l "$img" --initrd="$big" "${bios[@]}" >/dev/null 2>"$work/race.err" &
  pid=$!
  sleep "$delay"; truncate -s 4096 "$big"
  wait "$pid"; rc=$?
  if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -q "changed or became unreadable" "$work/race.err"; }; then
    echo "ok   initrd truncated after ${delay}s (status $rc)"; pass=$((pass + 1))
  else
    echo "FAIL initrd truncated after ${delay}s: status $rc"; sed 's/^/     /' "$work/race.err"
    fail=$((fail + 1))
  fi
done
rm -f "$big"
check "empty sysroot"       1 "" "$kexec" --dry-run -l "$img" --sysroot="$work/nowhere"

# kexec-tools options: accepted with their meaning, or refused saying why.
for port in ttyS0 ttyS1 0x2e8 1016; do
  check "--serial=$port"     0 "role" "$kexec" --dry-run -l "$img" --serial=$port "${bios[@]}"
done
check "--reuseinitrd"       1 "--reuseinitrd is not supported on x86" "$kexec" -l "$img" --reuseinitrd
check "--load-preserve-context" 1 "kexec jump) is not supported" "$kexec" --load-preserve-context "$img"
check "--load-jump-back-helper" 1 "kexec jump) is not supported" "$kexec" --load-jump-back-helper
check "--entry"             1 "--entry goes with --load-jump-back-helper" "$kexec" --entry=0x1000
check "--exec-live-update"  1 "Xen live update) is not supported" "$kexec" --exec-live-update
check "--load-live-update"  1 "Xen live update) is not supported" "$kexec" --load-live-update "$img"
crashroot=$work/sysroot-crash
check "--print-ckr-size"    0 "268435456" "$kexec" --print-ckr-size --sysroot="$crashroot"
check "--print-ckr-size wins" 0 "268435456" "$kexec" -l "$img" --print-ckr-size --sysroot="$crashroot"
check "--print-ckr-size, none" 0 "0" "$kexec" --print-ckr-size "${bios[@]}"
out=$("$kexec" --print-ckr-size "${bios[@]}")
if [ "$out" = 0 ]; then echo "ok   --print-ckr-size prints 0 alone"; pass=$((pass + 1))
else echo "FAIL --print-ckr-size without a region printed '$out'"; fail=$((fail + 1)); fi
check "--elf32-core-headers" 1 "an ELF32 core header cannot describe" "$kexec" --dry-run -p "$img" --elf32-core-headers --sysroot="$crashroot"
check "--elf64-core-headers" 0 "capture kernel" "$kexec" --dry-run -p "$img" --elf32-core-headers --elf64-core-headers --sysroot="$crashroot"
# --hotplug needs a kernel with crash hotplug (/sys/kernel/crash_elfcorehdr_size).
check "--hotplug"           0 "hotplug:   the kernel may rewrite" "$kexec" --dry-run -p "$img" --hotplug --sysroot="$crashroot-hotplug"
check "--hotplug, 6.1"      1 "crash_elfcorehdr_size" "$kexec" --dry-run -p "$img" --hotplug --sysroot="$crashroot"
for opt in --no-cma --force-dtb --noefi --pass-memmap-cmdline --reuse-video-type; do
  check "$opt accepted"     0 "role" "$kexec" --dry-run -p "$img" $opt --sysroot="$crashroot"
done
# The last --append counts (kexec-tools); --reuse-cmdline comes before it.
check "last --append"       0 "cmdline:   b" "$kexec" --dry-run -l "$img" --append=a --command-line=b "${bios[@]}"
check "--reuse-cmdline --append" 0 "cmdline:   root=/dev/vda1 console=ttyS0,115200 quiet c" "$kexec" --dry-run -l "$img" --append=a --reuse-cmdline --append=c "${bios[@]}"
# -t with kexec-tools' names: bzImage is its 16/32-bit loader (kx's linux16).
check "-t bzImage"          0 "format:    linux16" "$kexec" --dry-run -t bzImage -l "$img" "${bios[@]}"
check "-t bzImage64"        0 "format:    bzImage" "$kexec" --dry-run -t bzImage64 -l "$img" "${bios[@]}"
check "-t elf-x86_64"       0 "format:    elf" "$kexec" --dry-run -t elf-x86_64 -l "$work/vmlinux" "${bios[@]}"
check "-t multiboot-x86"    0 "format:    multiboot" "$kexec" --dry-run -t multiboot-x86 -l "$work/multiboot" "${bios[@]}"
check "-t beoboot-x86"      1 "kx does not load Beowulf" "$kexec" --dry-run -t beoboot-x86 -l "$img" "${bios[@]}"
check "-t nbi-x86"          1 "network boot images (NBI)" "$kexec" --dry-run -t nbi-x86 -l "$img" "${bios[@]}"
check "-t uki, a bzImage"   1 "-t uki: pe: no MZ signature" "$kexec" --dry-run -t uki -l "$img" "${bios[@]}"
check "-t uki"              0 "format:    bzImage" "$kexec" --dry-run -t uki -l "$work/uki.efi" "${bios[@]}"
# --dtb: an FDT header is checked before anything else.
printf 'not a dtb at all, just text, forty bytes or more' > "$work/bad.dtb"
check "--dtb not an FDT"    1 "is not a flattened device tree" "$kexec" --dry-run -l "$img" --dtb="$work/bad.dtb" "${bios[@]}"
check "--dtb missing"       1 "nowhere.dtb" "$kexec" --dry-run -l "$img" --dtb="$work/nowhere.dtb" "${bios[@]}"
python3 - "$work/good.dtb" <<'PY'
import struct, sys
# An empty tree: header, an empty reservation map, FDT_END, no strings.
hdr = struct.pack(">10I", 0xd00dfeed, 40 + 16 + 4, 56, 60, 40, 17, 16, 0, 0, 4)
open(sys.argv[1], "wb").write(hdr + bytes(16) + struct.pack(">I", 9))
PY
check "--dtb"               0 "syscall:   kexec_load" "$kexec" --dry-run -l "$img" --dtb="$work/good.dtb" "${bios[@]}"
check "-s --dtb"            1 "--dtb needs kexec_load (-c)" "$kexec" --dry-run -s -l "$img" --dtb="$work/good.dtb" "${bios[@]}"
head -c 50 "$work/good.dtb" > "$work/short.dtb"
check "--dtb truncated"     1 "does not fit the file" "$kexec" --dry-run -l "$img" --dtb="$work/short.dtb" "${bios[@]}"

# -S as in kexec-tools: exit 1 when loaded, 0 when not; the capture kernel
# unless -l asks about the normal one; 2 when the state cannot be read.
st=$work/status
mkdir -p "$st/sys/kernel"
echo 1 > "$st/sys/kernel/kexec_loaded"; echo 0 > "$st/sys/kernel/kexec_crash_loaded"
check "-S: capture not loaded"  0 "" "$kexec" -S --sysroot="$st"
check "-S -p: not loaded"       0 "" "$kexec" -S -p --sysroot="$st"
check "-S -l: loaded"           1 "" "$kexec" -S -l --sysroot="$st"
check "-l -S: loaded"           1 "" "$kexec" -l -S --sysroot="$st"
check "-S -l -p: capture"       0 "" "$kexec" -S -l -p --sysroot="$st"
echo 0 > "$st/sys/kernel/kexec_loaded"; echo 1 > "$st/sys/kernel/kexec_crash_loaded"
check "-S: capture loaded"      1 "" "$kexec" -S --sysroot="$st"
check "-S -l: not loaded"       0 "" "$kexec" -S -l --sysroot="$st"
check "-S unreadable"           2 "cannot read /sys/kernel/kexec_crash_loaded" "$kexec" -S --sysroot="$work/nowhere"
check "-S with -u"              2 "conflicts" "$kexec" -S -u

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  check "load as non-root"   1 "must be run as root" "${nobody[@]}" "$kexec" -l "$img"
  check "exec as non-root"   1 "must be run as root" "${nobody[@]}" "$kexec" -e
  check "unload as non-root" 1 "must be run as root" "${nobody[@]}" "$kexec" -u
  check "dry run as non-root" 0 "purgatory" "${nobody[@]}" "$kexec" --dry-run -l "$img" --initrd="$work/initrd"
else
  echo "skip non-root checks (needs root and setpriv)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
