#!/usr/bin/env python3
"""Compares the real-mode probe's report with the plan kx printed for it.

The scenario (rm16-probe.sh) prints `KX-PLAN-JSON: <kexec --dry-run --json
output>` before it loads tests/payloads/rm16; the probe prints `KX-PROBE
{...}` after kexec -e, from real mode. Checks boot.rst's real-mode entry as
kx does it (src/formats/linux16.c): setup segment X = the boot-params
segment, cs = X/16 + 0x20 with ip 0 at the plan's image_entry, ds = es = ss =
X/16, sp = 0xe000, PE clear, and the header kx filled in: type_of_loader
0x0d, CAN_USE_HEAP, heap_end_ptr 0xde00, cmd_line_ptr = X + 0xe000 holding
the command line. Usage: probe_rm16.py LOG
"""
import sys

from probelog import last_json

LOADER_TYPE_KX = 0x0D
CAN_USE_HEAP = 0x80
LOADED_HIGH = 0x01
HEAP_END = 0xE000


def main():
    log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    plan = last_json(log, "KX-PLAN-JSON:")
    probe = last_json(log, "KX-PROBE ")
    errors = []

    def want(what, got, expected):
        if got != expected:
            errors.append(f"{what} is {got!r}, expected {expected!r}")

    want("probe name", probe.get("probe"), "rm16")
    want("plan entry_mode", plan.get("entry_mode"), "real16")
    want("plan format", plan.get("format"), "linux16")
    segs = [s for s in plan["segments"] if s["role"] == "boot-params"]
    if len(segs) != 1:
        sys.exit(f"plan has {len(segs)} boot-params segments, expected the real-mode one")
    x = segs[0]["mem"]
    if x & 0xF or not 0x10000 <= x < 0xA0000:
        errors.append(f"setup segment at {x:#x} is not a paragraph in [0x10000, 0xa0000)")
    seg = x >> 4
    cs, ds = probe["cs"], probe["ds"]
    want("cs", cs, seg + 0x20)
    want("cs*16 + ip (ip 0)", cs * 16, plan["image_entry"])
    want("ip_ok (entered at ip 0)", probe["ip_ok"], True)
    want("ds", ds, seg)
    want("es", probe["es"], seg)
    want("ss", probe["ss"], seg)
    want("ds", ds, cs - 0x20)
    want("sp", probe["sp"], HEAP_END)
    want("pe (CR0.PE)", probe["pe"], 0)
    want("type_of_loader", probe["type_of_loader"], LOADER_TYPE_KX)
    lf = probe["loadflags"]
    if not lf & CAN_USE_HEAP or not lf & LOADED_HIGH:
        errors.append(f"loadflags {lf:#x} lack CAN_USE_HEAP|LOADED_HIGH")
    want("heap_end_ptr", probe["heap_end_ptr"], HEAP_END - 0x200)
    want("cmd_line_ptr", probe["cmd_line_ptr"], (ds << 4) + HEAP_END)
    want("cmdline (read through cmd_line_ptr)", probe["cmdline"], plan["cmdline"])
    if not (plan["cmdline"] or "").startswith("rm16-cmdline "):
        errors.append(f"plan command line {plan['cmdline']!r} is not the scenario's --append")
    want("ramdisk_image (no initrd)", probe["ramdisk_image"], 0)
    want("ramdisk_size (no initrd)", probe["ramdisk_size"], 0)
    if errors:
        sys.exit("probe_rm16: " + "; ".join(errors))
    print(f"probe rm16: real mode at {cs:#x}:0000 (= {plan['image_entry']:#x}), "
          f"ds=ss={ds:#x} sp={probe['sp']:#x}, header and command line match the plan")


main()
