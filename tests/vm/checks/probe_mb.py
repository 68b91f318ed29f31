#!/usr/bin/env python3
"""Compares a Multiboot probe's report with the plan kx printed for it.

The scenario (tests/vm/scenarios/mb*-probe*.sh) prints, before it loads the
probe: `KX-MODULE: PATH SIZE FNV1A` for each module file, `KX-FWMAP: START END
TYPE` for each /sys/firmware/memmap entry, and `KX-PLAN-JSON: <kexec --dry-run
--json>`. The probe (tests/payloads/mb1/, mb2/) prints `KX-PROBE {...}` after
kexec -e. Checks the hand-over (Multiboot 0.6.96 3.2 / Multiboot2 3.2: eax =
magic, ebx = boot information), that the image runs where the plan put it
(and for MB2 that the relocatable tag's window was kept), the modules'
addresses and bytes, the command line, the memory summary and that the memory
map is the firmware's. Exits non-zero with every mismatch listed.
Usage: probe_mb.py LOG
"""
import sys

from probelog import last_json, marker_lines

MB1_MAGIC = 0x2BADB002
MB2_MAGIC = 0x36D76289
# Multiboot 0.6.96 3.3 multiboot_info flags kx always sets: memory, cmdline,
# mods (with modules), mmap, boot_loader_name.
MB1_FLAGS_WANTED = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)
# Multiboot2 3.6 tags kx always gives: cmdline, boot loader name, module,
# basic meminfo, mmap, load base address (relocatable image), end.
MB2_TAGS_WANTED = {1, 2, 3, 4, 6, 21, 0}
# tests/payloads/mb2/entry.S relocatable tag.
MB2_RELOC_MIN, MB2_RELOC_MAX, MB2_RELOC_ALIGN = 0x200000, 0x10000000, 0x200000
MB2_LINK_ADDR = 0x200000
# The page-0 tables kx recreates on UEFI (src/formats/mbinfo.c).
SHIM_RSDP, SHIM_XSDT, UEFI_LOW_MAX = 0x800, 0x840, 0x10000
# /sys/firmware/memmap type names -> the E820 types the specs hand over;
# anything else is 2 (reserved), like mb_mmap_type().
TYPES = {"System RAM": 1, "Reserved": 2, "ACPI Tables": 3,
         "ACPI Non-volatile Storage": 4, "Unusable memory": 5, "Persistent Memory": 7}
KIB, MIB, GIB4 = 1024, 1 << 20, 1 << 32


def normalize(regions):
    """Sorted, touching regions of one type merged: equal maps compare equal
    however either side split them."""
    out = []
    for start, end, typ in sorted(regions):
        if out and out[-1][2] == typ and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end), typ)
        else:
            out.append((start, end, typ))
    return out


def carve(regions, start, end, typ):
    out = []
    for s, e, t in regions:
        if e <= start or s >= end:
            out.append((s, e, t))
            continue
        if s < start:
            out.append((s, start, t))
        out.append((max(s, start), min(e, end), typ))
        if e > end:
            out.append((end, e, t))
    return normalize(out)


def mem_summary(fw):
    """mem_lower / mem_upper as Multiboot 3.3 defines them: KiB of RAM from 0
    (at most 640) and from 1 MiB, contiguous."""
    def run_end(at):
        grew = True
        while grew:
            grew = False
            for s, e, t in fw:
                if t == 1 and s <= at < e:
                    at, grew = e, True
        return at
    return min(run_end(0), 0xa0000) // KIB, (min(run_end(MIB), GIB4) - MIB) // KIB


def fmt_map(m):
    return "[" + ", ".join(f"{s:#x}-{e:#x}:{t}" for s, e, t in m) + "]"


def check_rsdp(probe, errors):
    """Returns the XSDT the RSDP tag names, or None."""
    tags = [probe[k] for k in ("acpi_new", "acpi_old") if k in probe]
    if not tags:
        errors.append("no ACPI RSDP tag (14 or 15) in the boot information")
        return None
    for t in tags:
        if t.get("signature") != "RSD PTR ":
            errors.append(f"RSDP tag signature {t.get('signature')!r}, expected 'RSD PTR '")
        if t.get("checksum_ok") is False or t.get("ext_checksum_ok") is False:
            errors.append("RSDP tag copy has a bad checksum")
    return tags[0].get("xsdt")


def main():
    log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    plan = last_json(log, "KX-PLAN-JSON:")
    probe = last_json(log, "KX-PROBE ")
    errors = []
    kind = probe.get("probe")
    if kind not in ("mb1", "mb2"):
        sys.exit(f"probe reports probe={kind!r}")
    magic = MB1_MAGIC if kind == "mb1" else MB2_MAGIC

    if plan.get("entry_mode") != "pm32":
        errors.append(f"plan entry_mode {plan.get('entry_mode')!r}, expected pm32")
    segs = plan["segments"]
    info = [s for s in segs if s["role"] == "boot-info"]
    kern = sorted((s for s in segs if s["role"] == "kernel"), key=lambda s: s["mem"])
    mods = [s for s in segs if s["role"] == "module"]
    if len(info) != 1 or not kern:
        sys.exit(f"plan has {len(info)} boot-info and {len(kern)} kernel segments")
    info, kbase = info[0], kern[0]["mem"]
    kend = max(s["mem"] + s["memsz"] for s in kern)

    if probe["eax"] != magic:
        errors.append(f"eax={probe['eax']:#x}, expected {magic:#x}")
    if probe["ebx"] != info["mem"]:
        errors.append(f"ebx={probe['ebx']:#x}, the boot information segment is at {info['mem']:#x}")
    if probe["load_addr"] != kbase:
        errors.append(f"probe runs with its image at {probe['load_addr']:#x}, the plan put "
                      f"the kernel segment at {kbase:#x}")

    if kind == "mb1":
        flags = probe.get("flags", 0)
        if flags & MB1_FLAGS_WANTED != MB1_FLAGS_WANTED:
            errors.append(f"multiboot_info flags {flags:#x} lack {MB1_FLAGS_WANTED & ~flags:#x}")
    else:
        tags = [int(t) for t in probe.get("tags", "").split(",") if t]
        if not tags or tags[-1] != 0:
            errors.append(f"tag list {tags} does not end with the end tag")
        if MB2_TAGS_WANTED - set(tags):
            errors.append(f"tags {sorted(MB2_TAGS_WANTED - set(tags))} missing from {tags}")
        if probe.get("total_size") != info["bufsz"]:
            errors.append(f"total_size {probe.get('total_size')}, the boot information "
                          f"segment holds {info['bufsz']} bytes")
        if probe.get("load_base_addr") != kbase:
            errors.append(f"load base address tag {probe.get('load_base_addr')}, the kernel "
                          f"segment is at {kbase:#x}")
        if kbase < MB2_RELOC_MIN or kend > MB2_RELOC_MAX or kbase % MB2_RELOC_ALIGN:
            errors.append(f"image at {kbase:#x}-{kend:#x} is outside [{MB2_RELOC_MIN:#x}, "
                          f"{MB2_RELOC_MAX:#x}] or not {MB2_RELOC_ALIGN:#x} aligned")
        if kbase == MB2_LINK_ADDR:
            errors.append("image placed at its link address: preference high should have "
                          "relocated it, and relocation is what this probe tests")

    want_cmd = "/boot/probe " + (plan.get("cmdline") or "")
    if not (plan.get("cmdline") or "").startswith("probe-cmdline ") or \
       not plan["cmdline"].endswith("-ish"):
        errors.append(f"plan command line {plan.get('cmdline')!r} is not the scenario's")
    if probe.get("cmdline") != want_cmd:
        errors.append(f"probe got command line {probe.get('cmdline')!r}, expected {want_cmd!r}")
    if probe.get("boot_loader_name") != "kx":
        errors.append(f"boot loader name {probe.get('boot_loader_name')!r}, expected 'kx'")

    guest_mods = [line.split() for line in marker_lines(log, "KX-MODULE:")]
    pmods = probe.get("mods", {})
    pmods = [pmods[k] for k in sorted(pmods, key=int)]
    want_strings = ["/tmp/m1 arg1", "/tmp/m2"]
    if not (len(pmods) == len(mods) == len(guest_mods) == len(want_strings)):
        errors.append(f"{len(pmods)} modules reported, {len(mods)} in the plan, "
                      f"{len(guest_mods)} made by the scenario")
    for i, (pm, seg, gm, s) in enumerate(zip(pmods, mods, guest_mods, want_strings)):
        size, fnv = int(gm[1]), int(gm[2])
        if (pm["start"], pm["end"]) != (seg["mem"], seg["mem"] + seg["bufsz"]):
            errors.append(f"module {i + 1} at {pm['start']:#x}-{pm['end']:#x}, the plan has "
                          f"{seg['mem']:#x}-{seg['mem'] + seg['bufsz']:#x}")
        if seg["bufsz"] != size:
            errors.append(f"module {i + 1}: plan segment {seg['bufsz']} bytes, file {size}")
        if pm.get("fnv1a") != fnv:
            errors.append(f"module {i + 1} bytes: FNV-1a {pm.get('fnv1a')}, the guest's file "
                          f"has {fnv}")
        if pm.get("string") != s:
            errors.append(f"module {i + 1} string {pm.get('string')!r}, expected {s!r}")

    fw = []
    for line in marker_lines(log, "KX-FWMAP:"):
        start, end, name = line.split(None, 2)
        fw.append((int(start, 16), int(end, 16) + 1, TYPES.get(name, 2)))
    if not fw:
        errors.append("no KX-FWMAP lines: the scenario printed no firmware map")
    fw = normalize(fw)
    lower, upper = mem_summary(fw)
    if (probe.get("mem_lower"), probe.get("mem_upper")) != (lower, upper):
        errors.append(f"mem_lower/mem_upper {probe.get('mem_lower')}/{probe.get('mem_upper')}, "
                      f"the firmware map gives {lower}/{upper}")
    got = normalize([(e["addr"], e["addr"] + e["len"], e["type"])
                     for e in probe.get("mmap", {}).values()])
    want = fw
    xsdt = check_rsdp(probe, errors) if kind == "mb2" else None
    if xsdt == SHIM_XSDT:
        # The tables kx recreated in page 0 (UEFI, RSDP unreadable) must be
        # ACPI reclaimable in the map, not RAM the image may overwrite.
        shim = [e for e in got if e[0] == SHIM_RSDP and e[2] == 3]
        if not shim or not SHIM_XSDT + 36 < shim[0][1] <= UEFI_LOW_MAX:
            errors.append(f"the recreated ACPI tables at {SHIM_RSDP:#x} are not an ACPI "
                          f"reclaimable map entry ending in ({SHIM_XSDT + 36:#x}, "
                          f"{UEFI_LOW_MAX:#x}]: {fmt_map(got)}")
        else:
            want = carve(fw, SHIM_RSDP, shim[0][1], 3)
    if got != want:
        errors.append(f"memory map {fmt_map(got)}, expected {fmt_map(want)}")

    if errors:
        print(f"probe {kind}: {len(errors)} mismatch(es):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print(f"probe {kind}: eax/ebx, image at {kbase:#x}, {len(pmods)} modules with their bytes, "
          f"command line and {len(got)} memory map entries match the plan and firmware map")


main()
