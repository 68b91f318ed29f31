#!/usr/bin/env python3
"""Writes the inputs of the golden plan tests into a directory: a generated
bzImage, an initrd, and fake system trees (sysroots) for a BIOS and a UEFI
machine, so `kexec --dry-run --json --sysroot=...` gives a fixed plan."""
import os
import struct
import sys

out = sys.argv[1]


def write(path, data, mode="w"):
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, mode) as f:
        f.write(data)


def bzimage(payload=0x30000, init_size=0x400000):
    setup = 2 * 512  # setup_sects = 1
    b = bytearray(setup + payload)
    for i in range(setup, len(b)):
        b[i] = (i * 7) & 0xff

    def put(off, fmt, v):
        struct.pack_into("<" + fmt, b, off, v)

    put(0x1f1, "B", 1)                 # setup_sects
    put(0x1f4, "I", payload // 16)     # syssize
    put(0x1fe, "H", 0xaa55)            # boot_flag
    put(0x200, "B", 0xeb)
    put(0x201, "B", 0x26c - 0x202)     # header ends at 0x26c
    put(0x202, "I", 0x53726448)        # "HdrS"
    put(0x206, "H", 0x020f)            # protocol 2.15
    put(0x211, "B", 1)                 # loadflags: LOADED_HIGH
    put(0x22c, "I", 0x7fffffff)        # initrd_addr_max
    put(0x230, "I", 0x200000)          # kernel_alignment
    put(0x234, "B", 1)                 # relocatable
    put(0x236, "H", 0x3)               # XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G
    put(0x238, "I", 2047)              # cmdline_size
    put(0x258, "Q", 0x1000000)         # pref_address
    put(0x260, "I", init_size)         # init_size
    return bytes(b)


def memmap(root, regions):
    for i, (start, end, name) in enumerate(regions):
        d = f"{root}/sys/firmware/memmap/{i}"
        write(f"{d}/start", f"0x{start:x}\n")
        write(f"{d}/end", f"0x{end - 1:x}\n")
        write(f"{d}/type", name + "\n")


def iomem(root, regions, crash=None):
    lines = []
    for start, end, name in regions:
        lines.append(f"{start:08x}-{end - 1:08x} : {name}")
        if crash and name == "System RAM" and start <= crash[0] < end:
            lines.append(f"  {crash[0]:08x}-{crash[1] - 1:08x} : Crash kernel")
    write(f"{root}/proc/iomem", "\n".join(lines) + "\n")


def boot_params(efi):
    bp = bytearray(4096)
    bp[0] = 0x03  # screen_info.orig_x, carried over
    if efi:
        struct.pack_into("<IIIIIIII", bp, 0x1c0, 0x34364c45, 0x7f9ee018, 48, 1,
                         0x7e000000, 48 * 40, 0, 0)
    return bytes(bp)


BIOS_MAP = [
    (0x0, 0x9fc00, "System RAM"),
    (0x9fc00, 0xa0000, "Reserved"),
    (0xf0000, 0x100000, "Reserved"),
    (0x100000, 0x7ffe0000, "System RAM"),
    (0x7ffe0000, 0x80000000, "Reserved"),
    (0xfffc0000, 0x100000000, "Reserved"),
]

UEFI_MAP = [
    (0x0, 0xa0000, "System RAM"),
    (0x100000, 0x800000, "System RAM"),
    (0x800000, 0x808000, "ACPI Non-volatile Storage"),
    (0x808000, 0x7f8ee000, "System RAM"),
    (0x7f8ee000, 0x7fb6e000, "Reserved"),
    (0x7fb6e000, 0x7fb7e000, "ACPI Tables"),
    (0x7fb7e000, 0x7fbfe000, "ACPI Non-volatile Storage"),
    (0x7fbfe000, 0x7ff78000, "System RAM"),
    (0x7ff78000, 0x80000000, "Reserved"),
]

write("bzImage", bzimage(), "wb")
write("initrd", bytes((i * 13) & 0xff for i in range(300000)), "wb")

for name, regions, efi in (("bios", BIOS_MAP, False), ("uefi", UEFI_MAP, True)):
    root = f"sysroot-{name}"
    memmap(root, regions)
    iomem(root, regions)
    write(f"{root}/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0,115200 quiet\n")
    write(f"{root}/proc/meminfo", "MemTotal:        2026024 kB\n")
    write(f"{root}/sys/kernel/boot_params/data", boot_params(efi), "wb")
    write(f"{root}/sys/kernel/kexec_loaded", "0\n")
    if efi:
        e = f"{root}/sys/firmware/efi"
        write(f"{e}/fw_vendor", "0x7f9ec000\n")
        write(f"{e}/runtime", "0x7f9ebb98\n")
        write(f"{e}/config_table", "0x7f9eb018\n")
        write(f"{e}/systab", "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS=0x7f760000\n")
        rt = [(5, 0x7f8ee000, 0xfffffffeff8ee000, 0x10),
              (6, 0x7f8fe000, 0xfffffffeff8fe000, 0x20),
              (11, 0xffc00000, 0xfffffffeffc00000, 0x400)]
        for i, (t, phys, virt, pages) in enumerate(rt):
            d = f"{e}/runtime-map/{i}"
            write(f"{d}/type", f"0x{t:x}\n")
            write(f"{d}/phys_addr", f"0x{phys:x}\n")
            write(f"{d}/virt_addr", f"0x{virt:x}\n")
            write(f"{d}/num_pages", f"0x{pages:x}\n")
            write(f"{d}/attribute", "0x800000000000000f\n")
