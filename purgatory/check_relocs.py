#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails the build when purgatory would need relocating.

The loader copies the blob as is, so the linked ELF must carry no dynamic
relocation (a pointer in initialised data shows up as R_X86_64_RELATIVE or
R_AARCH64_RELATIVE in a static-PIE link), no dynamic tags asking for relocation processing, and its
objects no absolute relocation type. Usage:
    check_relocs.py --readelf READELF --stamp OUT purgatory.elf obj.o...
"""
import argparse
import re
import subprocess
import sys

# Relocation types that store an absolute address (x86-64 psABI, 4.4; ELF for
# the Arm 64-bit Architecture, 5.7: the static data and MOVW absolute forms).
ABSOLUTE_TYPES = {"R_X86_64_64", "R_X86_64_32", "R_X86_64_32S", "R_X86_64_16",
                  "R_X86_64_8", "R_X86_64_RELATIVE", "R_X86_64_GLOB_DAT",
                  "R_X86_64_JUMP_SLOT", "R_X86_64_IRELATIVE",
                  "R_AARCH64_ABS64", "R_AARCH64_ABS32", "R_AARCH64_ABS16",
                  "R_AARCH64_MOVW_UABS_G0", "R_AARCH64_MOVW_UABS_G0_NC",
                  "R_AARCH64_MOVW_UABS_G1", "R_AARCH64_MOVW_UABS_G1_NC",
                  "R_AARCH64_MOVW_UABS_G2", "R_AARCH64_MOVW_UABS_G2_NC",
                  "R_AARCH64_MOVW_UABS_G3", "R_AARCH64_RELATIVE",
                  "R_AARCH64_GLOB_DAT", "R_AARCH64_JUMP_SLOT", "R_AARCH64_IRELATIVE"}
RELOC_PREFIXES = ("R_X86_64_", "R_AARCH64_")
DYNAMIC_TAGS = ("(RELA)", "(RELASZ)", "(REL)", "(RELSZ)", "(RELR)", "(RELRSZ)",
                "(TEXTREL)", "(JMPREL)", "(PLTRELSZ)", "(NEEDED)")


def readelf(tool, *args):
    return subprocess.run([tool, "-W", *args], check=True, capture_output=True,
                          text=True).stdout


def relocations(tool, path):
    """(section, type, symbol) for every relocation entry in path."""
    out, section = [], None
    for line in readelf(tool, "-r", path).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            section = m.group(1)
            continue
        fields = line.split()
        if section and len(fields) >= 3 and fields[2].startswith(RELOC_PREFIXES):
            out.append((section, fields[2], " ".join(fields[4:])))
    return out


def check_linked(tool, elf):
    errors = [f"{elf}: dynamic relocation {t} in {s} against {sym or '(none)'}"
              for s, t, sym in relocations(tool, elf)]
    for line in readelf(tool, "-d", elf).splitlines():
        for tag in DYNAMIC_TAGS:
            if tag in line:
                errors.append(f"{elf}: dynamic tag {tag} present")
    for line in readelf(tool, "-l", elf).splitlines():
        if "INTERP" in line:
            errors.append(f"{elf}: has a program interpreter")
    return errors


def check_object(tool, obj):
    return [f"{obj}: absolute relocation {t} in {s} against {sym}: "
            "purgatory cannot hold absolute addresses (use PC-relative code, "
            "no pointers in initialised data)"
            for s, t, sym in relocations(tool, obj)
            if t in ABSOLUTE_TYPES and not s.startswith(".rela.debug")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--stamp", required=True)
    ap.add_argument("elf")
    ap.add_argument("objects", nargs="*")
    a = ap.parse_args()
    errors = check_linked(a.readelf, a.elf)
    for obj in a.objects:
        errors += check_object(a.readelf, obj)
    if errors:
        for e in errors:
            print("check_relocs: " + e, file=sys.stderr)
        print("check_relocs: purgatory must run unrelocated; build failed",
              file=sys.stderr)
        return 1
    with open(a.stamp, "w") as f:
        f.write("purgatory needs no relocations\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
