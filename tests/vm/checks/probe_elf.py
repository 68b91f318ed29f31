#!/usr/bin/env python3
"""Compares an ELF probe's report with the plan kx printed for it.

The scenario prints `KX-PLAN-JSON: <kexec --dry-run --json output>` before it
loads the probe; the probe (tests/payloads/elf/probe_elf.c) prints
`KX-PROBE {...}` after kexec -e. Checks the generic ELF convention
(README: rdi/edi = command line, rsi/esi = initrd, rdx/edx = initrd size),
that the probe runs where the plan says its entry is, and that the pointer
table a PIE relies on was relocated. Usage: probe_elf.py LOG
"""
import sys

from probelog import last_json


def main():
    log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    plan = last_json(log, "KX-PLAN-JSON:")
    probe = last_json(log, "KX-PROBE ")
    errors = []
    bits = probe.get("bits")
    names = {64: ("rdi", "rsi", "rdx"), 32: ("edi", "esi", "edx")}.get(bits)
    if names is None:
        sys.exit(f"probe reports bits={bits!r}")
    want_mode = "linux64" if bits == 64 else "pm32"
    if plan.get("entry_mode") != want_mode:
        errors.append(f"plan entry_mode {plan.get('entry_mode')!r}, expected {want_mode}")
    segs = {s["role"]: s for s in plan["segments"]}
    regs = probe["entry_regs"]
    if probe["load_addr"] != plan["image_entry"]:
        errors.append(f"probe runs its entry at {probe['load_addr']:#x}, the plan entered "
                      f"{plan['image_entry']:#x}")
    cmd = segs.get("cmdline")
    want_cmd = cmd["mem"] if cmd else 0
    if regs[names[0]] != want_cmd:
        errors.append(f"{names[0]}={regs[names[0]]:#x}, the command line segment is at "
                      f"{want_cmd:#x}")
    if probe.get("cmdline") != (plan["cmdline"] or None):
        errors.append(f"probe got command line {probe.get('cmdline')!r}, the plan has "
                      f"{plan['cmdline']!r}")
    ird = segs.get("initrd")
    if ird:
        if regs[names[1]] != ird["mem"] or regs[names[2]] != ird["bufsz"]:
            errors.append(f"{names[1]}/{names[2]} = {regs[names[1]]:#x}/{regs[names[2]]:#x}, "
                          f"the initrd is {ird['mem']:#x}/{ird['bufsz']:#x}")
    if probe.get("reloc_ok") is not True:
        errors.append("the probe's pointer table does not hold run-time addresses "
                      "(relocations not applied)")
    if errors:
        sys.exit("; ".join(errors))
    print(f"probe {probe['probe']}: entry {probe['load_addr']:#x}, registers and command "
          "line match the plan")


main()
