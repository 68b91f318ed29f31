#!/usr/bin/env python3
"""Writes the inputs of the golden plan tests into a directory: a generated
bzImage, an ELF vmlinux, a Multiboot image, a UKI holding the bzImage, an
initrd, and fake system trees
(sysroots) for a BIOS and a UEFI machine and for a BIOS machine with a crash
kernel region (what `kexec -p` reads), so `kexec --dry-run --json
--sysroot=...` gives a fixed plan."""
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


def pe_image(sections):
    """A PE32+ image (Microsoft "PE Format") with the (name, data) sections in
    order, 512-byte file alignment, VirtualSize = the data's length: a UKI as
    ukify or objcopy lays it out, without the stub's own code."""
    lfanew, opt_size, align = 0x40, 240, 0x200
    table = lfanew + 4 + 20 + opt_size
    off = (table + 40 * len(sections) + align - 1) // align * align
    layout = []
    for name, data in sections:
        layout.append((name, data, off))
        off += (len(data) + align - 1) // align * align
    b = bytearray(off)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, lfanew)
    b[lfanew:lfanew + 4] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, lfanew + 4, 0x8664, len(sections), 0, 0, 0, opt_size, 0x22)
    struct.pack_into("<H", b, lfanew + 24, 0x20b)
    for i, (name, data, at) in enumerate(layout):
        raw = (len(data) + align - 1) // align * align
        struct.pack_into("<8sIIIIIIHHI", b, table + 40 * i, name.encode(), len(data),
                         0x10000 * (i + 1), raw, at, 0, 0, 0, 0, 0x40000040)
        b[at:at + len(data)] = data
    return bytes(b)


def vmlinux():
    """An x86-64 vmlinux as the kernel links it (arch/x86/kernel/vmlinux.lds.S):
    ET_EXEC, entry phys_startup_64 at the physical load address (16 MiB),
    PT_LOADs at __START_KERNEL_map + physical with 2 MiB alignment, the text
    and a data segment with a bss tail, and a "Linux" note."""
    text_off, text_sz = 0x1000, 0x30000
    data_off, data_sz, data_mem = text_off + text_sz, 0x8000, 0x20000
    note_off = 0x200
    b = bytearray(data_off + data_sz)
    for i in range(text_off, len(b)):
        b[i] = (i * 11) & 0xff
    struct.pack_into("<4sBBBB8xHHIQQQIHHHHHH", b, 0, b"\x7fELF", 2, 1, 1, 0,
                     2, 62, 1, 0x1000000, 64, 0, 0, 64, 56, 3, 64, 0, 0)
    phdrs = [
        # p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        (1, 5, text_off, 0xffffffff81000000, 0x1000000, text_sz, text_sz, 0x200000),
        (1, 6, data_off, 0xffffffff81200000, 0x1200000, data_sz, data_mem, 0x200000),
        (4, 4, note_off, 0, 0, 24, 24, 4),
    ]
    for i, ph in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", b, 64 + 56 * i, *ph)
    # LINUX_ELFNOTE(..., 0x100, ...): namesz 6 ("Linux"), descsz 4.
    struct.pack_into("<III8sI", b, note_off, 6, 4, 0x100, b"Linux", 0)
    return bytes(b)


def multiboot():
    """A Multiboot v1 image with the a.out kludge (flags bit 16): the header
    says where the file goes (Multiboot 0.6.96, 3.1.1)."""
    magic, flags = 0x1BADB002, 0x00010000
    b = bytearray(0x2000)
    struct.pack_into("<IIIIIIII", b, 0, magic, flags, (-(magic + flags)) & 0xffffffff,
                     0x100000, 0x100000, 0, 0, 0x100020)
    return bytes(b)


def kcore():
    """The head of /proc/kcore as fs/proc/kcore.c writes it (kx reads only the
    headers, src/sys/crash_read.c): an ELF64 ET_CORE with a PT_NOTE, the
    kernel text (KCORE_TEXT, at __START_KERNEL_map) and the direct map of RAM
    (KCORE_RAM, at page_offset_base)."""
    text = (0xffffffff81000000, 0x1000000, 0x2000000)
    ram = [(0xffff888000100000, 0x100000, 0x7fee0000 - 0x100000)]
    phdrs = [(4, 0, 0x1000, 0, 0, 0x1000, 0, 4)]
    phdrs.append((1, 7, 0x2000, text[0], text[1], text[2], text[2], 0x1000))
    for v, p, n in ram:
        phdrs.append((1, 7, 0x2000, v, p, n, n, 0x1000))
    b = bytearray(64 + 56 * len(phdrs))
    struct.pack_into("<4sBBBB8xHHIQQQIHHHHHH", b, 0, b"\x7fELF", 2, 1, 1, 0,
                     4, 62, 1, 0, 64, 0, 0, 64, 56, len(phdrs), 0, 0, 0)
    for i, ph in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", b, 64 + 56 * i, *ph)
    return bytes(b)


def crash_facts(root, cpus):
    """What kexec -p reads besides the memory map (src/sys/crash_read.c): the
    per-CPU crash notes, VMCOREINFO's note and the kernel's mappings."""
    write(f"{root}/sys/devices/system/cpu/possible", f"0-{cpus - 1}\n")
    for c in range(cpus):
        d = f"{root}/sys/devices/system/cpu/cpu{c}"
        write(f"{d}/crash_notes", f"{0x7e41c000 + c * 0x1000:x}\n")
        write(f"{d}/crash_notes_size", "424\n")
    write(f"{root}/sys/kernel/vmcoreinfo", "2b4c000 1024\n")
    write(f"{root}/sys/kernel/kexec_crash_loaded", "0\n")
    write(f"{root}/proc/kcore", kcore(), "wb")


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

# crashkernel=256M, as the kernel reserves it: 256 MiB below 4 GiB (here the
# D3 reproducer's 0x20000000-0x30000000).
CRASH = (0x20000000, 0x30000000)

write("bzImage", bzimage(), "wb")
write("vmlinux", vmlinux(), "wb")
write("multiboot", multiboot(), "wb")
write("initrd", bytes((i * 13) & 0xff for i in range(300000)), "wb")
write("uki.efi", pe_image([(".osrel", b"ID=kx\n"),
                           (".cmdline", b"root=/dev/vda1 console=ttyS0 kx.uki=1\n"),
                           (".uname", b"6.1.0-kx\n"),
                           (".linux", bzimage()),
                           (".initrd", bytes((i * 5) & 0xff for i in range(70001)))]), "wb")
# A multi-profile UKI (systemd 257+): base sections, then two profiles; booted
# without a choice, profile 0 (its .cmdline) over the base.
write("uki-profiles.efi", pe_image([(".linux", bzimage()), (".cmdline", b"base"),
                                    (".profile", b"ID=main\n"), (".cmdline", b"profile=0"),
                                    (".profile", b"ID=rescue\n"), (".cmdline", b"profile=1"),
                                    (".initrd", b"profile 1 initrd")]), "wb")
# Damaged UKIs for the error messages: .linux holds no kernel; the file is cut.
write("uki-junk.efi", pe_image([(".linux", b"not a kernel")]), "wb")
with open(os.path.join(out, "uki.efi"), "rb") as f:
    write("uki-cut.efi", f.read()[:4096], "wb")

for name, regions, efi, crash in (("bios", BIOS_MAP, False, None),
                                  ("uefi", UEFI_MAP, True, None),
                                  ("crash", BIOS_MAP, False, CRASH),
                                  ("crash-hotplug", BIOS_MAP, False, CRASH),
                                  ("crash-nokcore", BIOS_MAP, False, CRASH)):
    root = f"sysroot-{name}"
    memmap(root, regions)
    iomem(root, regions, crash)
    extra = " crashkernel=256M" if crash else ""
    write(f"{root}/proc/cmdline",
          f"BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0,115200 quiet{extra}\n")
    if crash:
        crash_facts(root, 2)
        # kexec KERNEL without an action runs ROOT/sbin/shutdown -r now
        # (tests/unit/test_callers.c): this one records how it was called.
        write(f"{root}/sbin/shutdown",
              '#!/bin/sh\necho "$*" > "$(dirname "$0")/../shutdown.args"\n')
        os.chmod(os.path.join(out, root, "sbin/shutdown"), 0o755)
    if name == "crash-nokcore":
        # A kernel without CONFIG_PROC_KCORE: kx cannot write the core
        # header, the kernel's file loader can.
        os.remove(os.path.join(out, root, "proc/kcore"))
    if name == "crash-hotplug":
        # Linux 6.6+ with CONFIG_CRASH_HOTPLUG: 2 + 2 possible CPUs + 8192
        # memory ranges of 56 bytes after a 64-byte ELF header.
        write(f"{root}/sys/kernel/crash_elfcorehdr_size", f"{64 + (4 + 8192) * 56}\n")
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
