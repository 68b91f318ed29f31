#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fixtures of the arm64 golden plans (run.sh with KX_GOLDEN_SET=arm64),
written from scratch into DIR:

  Image, vmlinux   a small arm64 Image (64-byte header, booting.rst) and an
                   ELF64 EM_AARCH64 vmlinux whose one PT_LOAD is that Image
  initrd, other.dtb
  sysroot-dt/      a QEMU virt DT boot at EL1: /proc/iomem, /proc/cmdline,
                   /sys/firmware/fdt (PL011 console, PSCI over hvc, 2 GiB)
  sysroot-el2/     the same at EL2 (PSCI over smc)
  sysroot-uefi/    a UEFI boot: the EFI stub's DTB (/chosen linux,uefi-*
                   only) and ACPI SPCR and FACP for the console and PSCI

Usage: mkfixtures_arm64.py DIR
"""
import os
import struct
import sys

G1 = 0x40000000


class Fdt:
    """A minimal flattened device tree writer (Devicetree Specification 5)."""

    def __init__(self, reserve=()):
        self.reserve = reserve
        self.struct = bytearray()
        self.strings = bytearray()
        self.names = {}

    def _pad(self):
        while len(self.struct) % 4:
            self.struct.append(0)

    def begin(self, name):
        self.struct += struct.pack(">I", 1) + name.encode() + b"\0"
        self._pad()

    def end(self):
        self.struct += struct.pack(">I", 2)

    def prop(self, name, value):
        if isinstance(value, str):
            value = value.encode() + b"\0"
        if name not in self.names:
            self.names[name] = len(self.strings)
            self.strings += name.encode() + b"\0"
        self.struct += struct.pack(">III", 3, len(value), self.names[name]) + value
        self._pad()

    def blob(self):
        self.struct += struct.pack(">I", 9)
        rsv = b"".join(struct.pack(">QQ", a, s) for a, s in self.reserve)
        rsv += struct.pack(">QQ", 0, 0)
        off_rsv = 40
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(self.struct)
        total = off_strings + len(self.strings)
        hdr = struct.pack(">10I", 0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16,
                          0, len(self.strings), len(self.struct))
        return hdr + rsv + bytes(self.struct) + bytes(self.strings)


def cells(*vals):
    return b"".join(struct.pack(">Q", v) for v in vals)


def virt_tree(method, mem_size=0x80000000, reserve=(), reserved_memory=()):
    t = Fdt(reserve)
    t.begin("")
    t.prop("#address-cells", struct.pack(">I", 2))
    t.prop("#size-cells", struct.pack(">I", 2))
    t.prop("compatible", "linux,dummy-virt")
    t.begin("psci")
    t.prop("compatible", b"arm,psci-1.0\0arm,psci-0.2\0arm,psci\0")
    t.prop("method", method)
    t.end()
    t.begin("memory@40000000")
    t.prop("device_type", "memory")
    t.prop("reg", cells(G1, mem_size))
    t.end()
    t.begin("pl011@9000000")
    t.prop("compatible", b"arm,pl011\0arm,primecell\0")
    t.prop("reg", cells(0x9000000, 0x1000))
    t.end()
    if reserved_memory:
        t.begin("reserved-memory")
        t.prop("#address-cells", struct.pack(">I", 2))
        t.prop("#size-cells", struct.pack(">I", 2))
        t.prop("ranges", b"")
        for i, (a, s) in enumerate(reserved_memory):
            t.begin(f"fw@{a:x}")
            t.prop("reg", cells(a, s))
            t.prop("no-map", b"")
            t.end()
        t.end()
    t.begin("chosen")
    t.prop("stdout-path", "/pl011@9000000")
    t.prop("bootargs", "console=ttyAMA0 old")
    t.prop("kaslr-seed", struct.pack(">Q", 0))
    t.prop("linux,initrd-start", struct.pack(">Q", 0x48000000))
    t.prop("linux,initrd-end", struct.pack(">Q", 0x48100000))
    t.end()
    t.end()
    return t.blob()


def efi_stub_tree():
    t = Fdt()
    t.begin("")
    t.prop("#address-cells", struct.pack(">I", 2))
    t.prop("#size-cells", struct.pack(">I", 2))
    t.begin("chosen")
    t.prop("bootargs", "console=ttyAMA0")
    t.prop("linux,uefi-system-table", struct.pack(">Q", 0xbf5e0018))
    t.prop("linux,uefi-mmap-start", struct.pack(">Q", 0xbd2a4018))
    t.prop("linux,uefi-mmap-size", struct.pack(">I", 0x1230))
    t.prop("linux,uefi-mmap-desc-size", struct.pack(">I", 0x30))
    t.prop("linux,uefi-mmap-desc-ver", struct.pack(">I", 1))
    t.end()
    t.end()
    return t.blob()


def acpi_table(sig, length, body):
    """An ACPI table: the 36-byte header (ACPI 6.5, 5.2.6), body at 36."""
    t = bytearray(length)
    t[0:4] = sig
    struct.pack_into("<I", t, 4, length)
    t[8] = 2
    t[10:16] = b"KXTEST"
    for off, data in body:
        t[off:off + len(data)] = data
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def image(size=64 * 1024):
    """booting.rst's header: text_offset 0, image_size 8 MiB (BSS included),
    flags LE | 4K pages | anywhere; then deterministic bytes."""
    hdr = struct.pack("<IIQQQQQQ4sI", 0x14000010, 0, 0, 0x800000, 0xa, 0, 0, 0, b"ARM\x64", 0)
    body = bytes((i * 131 + 7) & 0xff for i in range(size - len(hdr)))
    return hdr + body


def vmlinux(img):
    """ELF64 EM_AARCH64 ET_EXEC, one PT_LOAD at the kernel's link address."""
    vaddr = 0xffff800008000000
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, 2, 183, 1,
                       vaddr, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    off = 0x1000
    phdr = struct.pack("<IIQQQQQQ", 1, 7, off, vaddr, vaddr, len(img), 0x800000, 0x10000)
    out = bytearray(ehdr + phdr)
    out += b"\0" * (off - len(out))
    return bytes(out + img)


def write(path, data, mode="wb"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def sysroot(d, fdt, iomem, acpi=None):
    write(os.path.join(d, "proc/iomem"), iomem, "w")
    write(os.path.join(d, "proc/cmdline"), "console=ttyAMA0 root=/dev/vda\n", "w")
    write(os.path.join(d, "sys/firmware/fdt"), fdt)
    for name, data in (acpi or {}).items():
        write(os.path.join(d, "sys/firmware/acpi/tables", name), data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    img = image()
    write(os.path.join(out, "Image"), img)
    write(os.path.join(out, "vmlinux"), vmlinux(img))
    write(os.path.join(out, "initrd"), bytes((i * 7 + 3) & 0xff for i in range(100000)))
    write(os.path.join(out, "other.dtb"), virt_tree("hvc", 0x40000000))
    dt_iomem = ("09000000-09000fff : pl011@9000000\n"
                "40000000-bfffffff : System RAM\n"
                "  40210000-41a2ffff : Kernel code\n")
    sysroot(os.path.join(out, "sysroot-dt"), virt_tree("hvc"), dt_iomem)
    sysroot(os.path.join(out, "sysroot-el2"), virt_tree("smc"), dt_iomem)
    # A board whose firmware keeps the first 2 MiB (memreserve) and 4 MiB at
    # 1 GiB + 6 MiB (/reserved-memory): no segment may land there.
    sysroot(os.path.join(out, "sysroot-dt-reserved"),
            virt_tree("hvc", reserve=[(G1, 0x200000)],
                      reserved_memory=[(G1 + 0x600000, 0x400000)]), dt_iomem)
    # SPCR: interface type 3 (PL011) at 36, the base address GAS at 40
    # (system memory, 32-bit access) with its address at 44. FADT: ARM boot
    # flags at 129, PSCI compliant and over HVC.
    spcr = acpi_table(b"SPCR", 80, [(36, b"\x03"), (40, bytes([0, 32, 0, 3])),
                                    (44, struct.pack("<Q", 0x9000000))])
    fadt = acpi_table(b"FACP", 276, [(129, struct.pack("<H", 3))])
    uefi_iomem = ("40000000-bd2fffff : System RAM\n"
                  "bd300000-bd3fffff : reserved\n"
                  "bd400000-bfffffff : System RAM\n")
    sysroot(os.path.join(out, "sysroot-uefi"), efi_stub_tree(), uefi_iomem,
            {"SPCR": spcr, "FACP": fadt})
    return 0


if __name__ == "__main__":
    sys.exit(main())
