#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed files of the builder targets (mb_plan, acpi_tables,
bootparams, panic_plan, purgatory_verify) into tests/fuzz/corpus/: fuzz
inputs in the encodings their harnesses and fuzz_facts.h describe, built
from plausible machines (a BIOS PC, a UEFI PC with a framebuffer, runtime
map and ACPI tables, a kdump setup). Rerun after changing an encoding:

    tests/fuzz/mkseeds.py
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
MIB = 1 << 20

# fuzz_facts.c's type table
T_RAM, T_RES, T_ACPI, T_NVS, T_UNUS, T_PMEM, T_PRAM, T_SOFT, T_CRASH = range(9)
FZF_EFI, FZF_BP, FZF_RSDP, FZF_TABLES, FZF_KDUMP = 1, 2, 4, 8, 16


def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def string(s): return u8(len(s)) + s


BIOS_MAP = [(T_RAM, 0, 0x9fc00), (T_RES, 0x9fc00, 0x400), (T_RES, 0xf0000, 0x10000),
            (T_RAM, MIB, 511 * MIB), (T_ACPI, 512 * MIB, 0x20000), (T_NVS, 512 * MIB + 0x20000, 0x10000),
            (T_RES, 0xfec00000, 0x1000), (T_RAM, 4 << 30, 1 << 30)]
# OVMF-like: RAM from 0, the kernel's reserved low 64 KiB is still RAM in the map
UEFI_MAP = [(T_RAM, 0, 0xa0000), (T_RAM, MIB, 0x7ee00000), (T_ACPI, 0x7fb7e000, 0x4000),
            (T_NVS, 0x7fb82000, 0x80000), (T_RES, 0x7fc02000, 0x3fe000), (T_RES, 0xffc00000, 0x400000)]


def sdt(sig, body, rev=1):
    n = 36 + len(body)
    h = sig + u32(n) + u8(rev) + b"\0" + b"BOCHS " + b"BXPC    " + u32(1) + b"BXPC" + u32(1)
    t = bytearray(h + body)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


ACPI_TABLES = (sdt(b"FACP", bytes(range(80)) + u64(0x7fb7e000) + u64(0x7fb7f000), 6) +
               sdt(b"APIC", u32(0xfee00000) + u32(1) + bytes([0, 8, 0, 0, 1, 0, 0, 0])) +
               sdt(b"HPET", bytes(20)) + sdt(b"WAET", u32(2)))


def rsdp(xsdt=0x7fb7d0e8):
    r = bytearray(b"RSD PTR " + b"\0" + b"BOCHS " + u8(2) + u32(0) + u32(36) + u64(xsdt) + bytes(4))
    r[8] = (-sum(r[:20])) & 0xff
    r[32] = (-sum(r)) & 0xff
    return bytes(r)


def screen_info_lfb():
    si = bytearray(0x40)
    si[0x0f] = 0x70  # VIDEO_TYPE_EFI
    struct.pack_into("<HHH", si, 0x12, 1024, 768, 32)
    struct.pack_into("<I", si, 0x18, 0x80000000)
    struct.pack_into("<H", si, 0x24, 4096)
    si[0x26:0x2e] = bytes([8, 16, 8, 8, 8, 0, 8, 24])
    return bytes(si)


def boot_params_patches(efi, fb):
    """u16 length, u8 patches, each u16 offset, u8 n, bytes."""
    patches = []
    if fb:
        patches.append((0, screen_info_lfb()))
    patches.append((0x70, u64(0x7fb7e014)))  # acpi_rsdp_addr
    if efi:
        patches.append((0x1c0, u32(0x34364c45) + u32(0x7f9ee018) + u32(48) + u32(1)))
        patches.append((0x1dc, u32(0)))
    patches.append((0x23c, u32(0)))  # hardware_subarch
    out = u16(4096) + u8(len(patches))
    for off, b in patches:
        out += u16(off) + u8(len(b)) + b
    return out


def facts(flags=0, fw=BIOS_MAP, crash=(), efi_map=(), bp=None, rsdp_bytes=b"", tables=b"",
          notes=(), vmcoreinfo=(0, 0), kernel=(0, 0, 0), page_offset=0):
    out = u8(flags) + u8(len(fw))
    for t, start, size in fw:
        out += u8(t) + u64(start) + u64(size)
    out += u8(len(crash))
    for start, size in crash:
        out += u64(start) + u64(size)
    out += u64(0x7f9ee000) + u64(0x7f9ed000) + u64(0x7f9ec000) + u64(0x7f9eb000) + u64(0x7fb7e014)
    out += u8(len(efi_map))
    for t, phys, virt, pages, attr in efi_map:
        out += u32(t) + u64(phys) + u64(virt) + u64(pages) + u64(attr)
    out += bp if bp is not None else u16(0) + u8(0)
    out += u8(len(rsdp_bytes)) + u64(0xf52a0 if rsdp_bytes else 0) + rsdp_bytes.ljust(36, b"\0")
    out += u16(len(tables)) + tables
    out += u8(len(notes))
    for cpu, addr, size in notes:
        out += u32(cpu) + u64(addr) + u64(size)
    out += u64(vmcoreinfo[0]) + u64(vmcoreinfo[1])
    out += u64(kernel[0]) + u64(kernel[1]) + u64(kernel[2]) + u64(page_offset)
    return out


EFI_MAP = [(5, 0x7f9e0000, 0xfffffffeff9e0000, 0x20, 0x800000000000000f),
           (6, 0x7fa00000, 0xfffffffeffa00000, 0x40, 0x800000000000000f),
           (11, 0xffc00000, 0xfffffffeffc00000, 0x400, 0x8000000000000001)]


def uefi_facts(extra=0, **kw):
    kw.setdefault("fw", UEFI_MAP)
    kw.setdefault("efi_map", EFI_MAP)
    kw.setdefault("bp", boot_params_patches(True, True))
    return facts(FZF_EFI | FZF_BP | extra, **kw)


# --- images ---

def mb1_addr_image(video=False):
    flags = (1 << 16) | (1 << 1) | ((1 << 2) if video else 0)
    hdr = u32(0x1BADB002) + u32(flags) + u32((-(0x1BADB002 + flags)) & 0xffffffff)
    hdr += u32(0x100000) + u32(0x100000) + u32(0) + u32(0x110000) + u32(0x100040)
    if video:
        hdr += u32(0) + u32(1024) + u32(768) + u32(32)
    return (hdr + b"\xf4" * 16).ljust(512, b"\x90")


def elf32(paddr, body, entry_off=0, memsz=None):
    eh = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh += u16(2) + u16(3) + u32(1) + u32(paddr + entry_off) + u32(52) + u32(0) + u32(0)
    eh += u16(52) + u16(32) + u16(1) + u16(0) + u16(0) + u16(0)
    off = 0x60
    ph = u32(1) + u32(off) + u32(paddr) + u32(paddr) + u32(len(body)) + \
        u32(memsz or len(body)) + u32(7) + u32(0x1000)
    return (eh + ph).ljust(off, b"\0") + body


def mb1_elf_image():
    flags = 3
    hdr = u32(0x1BADB002) + u32(flags) + u32((-(0x1BADB002 + flags)) & 0xffffffff)
    return elf32(0x200000, hdr + b"\xf4" * 52, 12, 0x3000)


def mb2_tag(t, body, optional=False):
    n = 8 + len(body)
    return (u16(t) + u16(1 if optional else 0) + u32(n) + body).ljust((n + 7) & ~7, b"\0")


def mb2_image(reloc=False, want=(1, 6, 4), optional_want=(8, 12, 14, 15, 17), fb=True):
    tags = mb2_tag(1, b"".join(u32(w) for w in want))
    tags += mb2_tag(1, b"".join(u32(w) for w in optional_want), optional=True)
    tags += mb2_tag(2, u32(0x200000) + u32(0x200000) + u32(0) + u32(0x210000))
    tags += mb2_tag(3, u32(0x200100))
    if fb:
        tags += mb2_tag(5, u32(1024) + u32(768) + u32(32), optional=True)
    if reloc:
        tags += mb2_tag(10, u32(0x200000) + u32(0x3fffffff) + u32(0x200000) + u32(2), optional=True)
    tags += mb2_tag(0, b"")
    length = 16 + len(tags)
    hdr = u32(0xE85250D6) + u32(0) + u32(length) + u32((-(0xE85250D6 + length)) & 0xffffffff)
    return (hdr + tags).ljust(0x400, b"\xf4")


def corpus_file(target, name):
    with open(os.path.join(CORPUS, target, name), "rb") as f:
        return f.read()


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def modules(mods):
    out = u8(len(mods))
    for s, data in mods:
        out += string(s) + u16(len(data)) + data
    return out


def mb_opts(v2, cmdline=b"console=com1 dom0_mem=1G", mods=(), window=None, hash_=True, noname=False):
    flags = (1 if v2 else 0) | (2 if window else 0) | (4 if noname else 0) | (8 if hash_ else 0)
    mn, mx = window or (0, 0)
    return u8(flags) + string(cmdline) + modules(mods) + u64(mn) + u64(mx)


def mb_plan_seeds():
    dom0 = [(b"vmlinuz root=/dev/sda1 console=hvc0", b"\x01" * 3000), (b"initrd.img", b"\x02" * 100)]
    write("mb_plan", "mb1-addr-bios", facts(0) + mb_opts(False, mods=dom0) + mb1_addr_image())
    write("mb_plan", "mb1-elf-uefi-tables",
          uefi_facts(FZF_TABLES, tables=ACPI_TABLES) + mb_opts(False, mods=dom0[:1]) + mb1_elf_image())
    write("mb_plan", "mb1-video-uefi-rsdp",
          uefi_facts(FZF_RSDP, rsdp_bytes=rsdp()) + mb_opts(False, cmdline=b"") + mb1_addr_image(True))
    write("mb_plan", "mb2-addr-bios",
          facts(0) + mb_opts(True, mods=dom0, window=(MIB, 1 << 30)) + mb2_image(fb=False))
    write("mb_plan", "mb2-reloc-uefi-tables",
          uefi_facts(FZF_TABLES, tables=ACPI_TABLES) + mb_opts(True, mods=dom0) + mb2_image(reloc=True))
    write("mb_plan", "mb2-uefi-rsdp-efi-tags",
          uefi_facts(FZF_RSDP, rsdp_bytes=rsdp()) + mb_opts(True, noname=True) +
          mb2_image(want=(1, 6, 8, 12, 14, 15, 17)))
    write("mb_plan", "mb2-xen-head", uefi_facts(FZF_RSDP, rsdp_bytes=rsdp()[:20]) +
          mb_opts(True, mods=dom0) + corpus_file("multiboot2", "xen-head"))


def acpi_input(tables, rsdp_bytes=b"", flags=0):
    return u8(flags) + u8(len(rsdp_bytes)) + rsdp_bytes.ljust(36, b"\0") + tables


def acpi_tables_seeds():
    write("acpi_tables", "ovmf-4", acpi_input(ACPI_TABLES))
    write("acpi_tables", "facp-only", acpi_input(ACPI_TABLES[:ACPI_TABLES.index(b"APIC")]))
    write("acpi_tables", "firmware-rsdp", acpi_input(ACPI_TABLES, rsdp()))
    big = sdt(b"SSDT", bytes(0x3000))
    write("acpi_tables", "near-64k", acpi_input(ACPI_TABLES + big * 5))
    write("acpi_tables", "cut-last", acpi_input(ACPI_TABLES[:-10]))


def bp_setup_header():
    # setup_sects .. init_size of a 2.15 bzImage (boot.rst), from 0x1f1
    h = bytearray(0x7b)
    h[0] = 27
    struct.pack_into("<H", h, 0x1fe - 0x1f1, 0xaa55)
    struct.pack_into("<I", h, 0x202 - 0x1f1, 0x53726448)
    struct.pack_into("<H", h, 0x206 - 0x1f1, 0x020f)
    h[0x211 - 0x1f1] = 0x81
    struct.pack_into("<I", h, 0x22c - 0x1f1, 0x7fffffff)
    struct.pack_into("<I", h, 0x230 - 0x1f1, 0x200000)
    h[0x234 - 0x1f1] = 1
    struct.pack_into("<H", h, 0x236 - 0x1f1, 0x7f)
    struct.pack_into("<I", h, 0x238 - 0x1f1, 2047)
    return bytes(h)


def bp_opts(crash=False, cmdline=b"root=/dev/vda1 console=ttyS0", initrd=b"", hdr=None,
            initrd_max=0x7fffffff, corehdr=(0, 0)):
    hdr = bp_setup_header() if hdr is None else hdr
    return (u8(1 if crash else 0) + string(cmdline) + u16(len(hdr)) + hdr + u16(len(initrd)) + initrd +
            u64(initrd_max) + u64(corehdr[0]) + u64(corehdr[1]))


def many_e820(n):
    out, at = [], 0
    for i in range(n):
        out.append((T_RAM if i % 2 == 0 else T_RES, at, 0x100000 - 0x1000 if i % 2 == 0 else 0x1000))
        at += out[-1][2]
    return out


def bootparams_seeds():
    write("bootparams", "bios", facts(0) + bp_opts(initrd=b"\x1f\x8b" + b"\0" * 62))
    write("bootparams", "uefi-efi-map", uefi_facts() + bp_opts())
    write("bootparams", "e820-200-uefi", uefi_facts(fw=many_e820(200)) + bp_opts(cmdline=b"quiet " * 40))
    write("bootparams", "e820-129", facts(0, fw=many_e820(129)) + bp_opts(cmdline=b""))
    write("bootparams", "e820-255-efi-255",
          uefi_facts(fw=many_e820(255), efi_map=EFI_MAP * 85) + bp_opts(hdr=b""))
    write("bootparams", "crash",
          facts(0, crash=[(0x30000000, 256 * MIB)]) + bp_opts(crash=True, corehdr=(0x3ffff000, 0x1000)))


def kdump_facts(fw=BIOS_MAP, crash=((0x20000000, 256 * MIB),), ncpu=4, extra=0, **kw):
    notes = [(i, 0x1fc00000 + i * 0x1000, 0x1000) for i in range(ncpu)]
    return facts(FZF_KDUMP | extra, fw=fw, crash=crash, notes=notes, vmcoreinfo=(0x2a00000, 0x1000),
                 kernel=(0xffffffff81000000, 0x1000000, 0x2000000), page_offset=0xffff888000000000,
                 **kw)


def panic_opts(type_=0, cmdline=b"root=/dev/vda1 irqpoll nr_cpus=1", initrd=b"", hash_=False):
    return u8(type_ | (0x80 if hash_ else 0)) + string(cmdline) + u16(len(initrd)) + initrd


def panic_plan_seeds():
    bz = corpus_file("bzimage", "small")
    write("panic_plan", "bzimage-bios", kdump_facts() + panic_opts(initrd=b"\0" * 300) + bz)
    write("panic_plan", "bzimage-uefi-2regions",
          kdump_facts(fw=UEFI_MAP, crash=((0x40000000, 128 * MIB), (0x10000000, 64 * MIB)), ncpu=16,
                      extra=FZF_EFI | FZF_BP, efi_map=EFI_MAP, bp=boot_params_patches(True, True)) +
          panic_opts(1, hash_=True) + bz)
    write("panic_plan", "linux16-refused", kdump_facts() + panic_opts() + corpus_file("linux16", "ipxe-lkrn"))
    write("panic_plan", "multiboot-refused", kdump_facts() + panic_opts(4) + mb1_addr_image())
    write("panic_plan", "elf-refused", kdump_facts() + panic_opts() + corpus_file("elf", "probe-elf64"))
    write("panic_plan", "no-crash-region", kdump_facts(crash=()) + panic_opts() + bz)


def purgatory_seeds():
    base = 0x1000000
    mem = bytes((i * 131 + 7) & 0xff for i in range(2048))  # MEM_MAX
    arch_size = ARCH_SIZE

    def params(nr, mode, regs, fix=True, clamp=True):
        flags = (1 if fix else 0) | (2 if clamp else 0)
        arch = u32(mode).ljust(arch_size, b"\0")
        body = u32(0) + u32(nr) + u64(0) + u64(0) + u64(0) + arch
        for start, length in regs:
            d = hashlib.sha256(mem[start - base:start - base + length]).digest() \
                if base <= start < base + len(mem) else bytes(32)
            body += u64(start) + u64(length) + d
        return u8(flags) + u64(base) + u16(len(body)) + body

    write("purgatory_verify", "ok-4",
          params(4, 1, [(base, 1024), (base + 1024, 55), (base + 1100, 0), (base + 1200, 848)]) + mem)
    write("purgatory_verify", "unmapped", params(2, 2, [(base, 64), (0x100000, 4096)]) + mem)
    write("purgatory_verify", "wraps", params(1, 3, [(0xfffffffffffff000, 0x2000)]) + mem)
    write("purgatory_verify", "bad-mode", params(1, 9, [(base, 64)]) + mem)
    write("purgatory_verify", "mismatch", params(1, 1, [(base, 128)], fix=False) + mem[:256])
    write("purgatory_verify", "too-many", params(33, 1, [], clamp=False) + mem[:64])


# sizeof(struct kx_purg_arch), asserted in purgatory/arch/x86_64/abi_arch.h
ARCH_SIZE = 176

if __name__ == "__main__":
    mb_plan_seeds()
    acpi_tables_seeds()
    bootparams_seeds()
    panic_plan_seeds()
    purgatory_seeds()
