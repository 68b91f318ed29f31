#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares what an arm64 kx load planned with what the next kernel got.

Used by arm64 scenarios as '# check: ../scenarios/arm64-handoff-check.py'
(run.py runs tests/vm/checks/SCRIPT LOG). The log must hold the stage-1
dry run (KX-PLAN-JSON: {...}, the same options as the load), purgatory's
lines and stage 2's facts. Checked: purgatory verified as many regions as
the plan marks verified and entered the plan's image entry with the plan's
x0 (the DTB segment); stage 2's /sys/firmware/fdt (the tree at x0, which the
kernel copies) has the plan's command line as bootargs, the plan's initrd
range, and the kaslr-seed kx wrote. Exit 0, or print why not and exit 1.
"""
import json
import re
import sys


def main():
    text = open(sys.argv[1], errors="replace").read().replace("\r", "")
    errors = []
    m = re.search(r"^KX-PLAN-JSON: (\{.*\})$", text, re.M)
    if not m:
        print("no KX-PLAN-JSON line in the log")
        return 1
    plan = json.loads(m.group(1))
    segs = plan["segments"]
    dtb = [s for s in segs if s["role"] == "boot-info"]
    initrd = [s for s in segs if s["role"] == "initrd"]
    verified = sum(1 for s in segs if s["verified"])
    if len(dtb) != 1 or dtb[0]["mem"] != plan["x0"]:
        errors.append(f"plan: x0 {plan['x0']:#x} is not its one boot-info (DTB) segment")
    m = re.search(r"^kx purgatory: verifying (\d+) regions at EL(\d)$", text, re.M)
    if not m or int(m.group(1)) != verified:
        errors.append(f"purgatory did not say it verifies the plan's {verified} regions")
    m = re.search(r"^kx purgatory: all regions verified \(\d+ KiB, [a-z0-9-]+\), entering image "
                  r"at (0x[0-9a-f]+) with x0 (0x[0-9a-f]+)$", text, re.M)
    if not m:
        errors.append("no purgatory line 'entering image at ... with x0 ...'")
    else:
        pc, x0 = int(m.group(1), 16), int(m.group(2), 16)
        if pc != plan["image_entry"]:
            errors.append(f"purgatory entered {pc:#x}, the plan says {plan['image_entry']:#x}")
        if x0 != plan["x0"]:
            errors.append(f"purgatory passed x0 {x0:#x}, the plan's DTB is at {plan['x0']:#x}")
    m = re.search(r"^KX-STAGE2-FDT-BOOTARGS: (.*)$", text, re.M)
    if not m or m.group(1) != plan["cmdline"]:
        errors.append(f"stage 2's /chosen bootargs {m.group(1) if m else None!r} is not the "
                      f"plan's {plan['cmdline']!r}")
    m = re.search(r"^KX-STAGE2-FDT-INITRD: (.*)$", text, re.M)
    if initrd:
        want = f"0x{initrd[0]['mem']:016x}-0x{initrd[0]['mem'] + initrd[0]['bufsz']:016x}"
        if not m or m.group(1) != want:
            errors.append(f"stage 2's initrd {m.group(1) if m else None} is not the plan's {want}")
    m = re.search(r"^KX-STAGE2-FDT-CHOSEN: (.*)$", text, re.M)
    if not m or "kaslr-seed" not in m.group(1).split():
        errors.append("stage 2's /chosen has no kaslr-seed")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
