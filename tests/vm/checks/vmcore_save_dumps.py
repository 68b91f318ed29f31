#!/usr/bin/env python3
"""Host-side check of the kdump-vmcore-save-* scenarios. run.py runs it with
the serial log while the run's disk image still exists (KX_VM_DISK); the
capture kernel left its dumps on that ext4 disk.

  1. Takes the dumps out with debugfs (no mount, no root needed).
  2. Page filtering against makedumpfile: compares the 2nd bitmap of
     vmcore-save's -l -d 31 dump with Debian 13's makedumpfile 1.7.6 -l -d 31
     of the same /proc/vmcore, pfn by pfn.
       6.1: they must be identical.
       6.12: makedumpfile 1.7.6 keeps every free page there. Its isSlab()
       tests page_type against a mask made from PAGE_SLAB_MAPCOUNT_VALUE,
       which 6.12's PGTY_buddy value (0xf0000000) passes too, so each buddy
       page counts as slab and never as free (fixed upstream after 1.7.6,
       makedumpfile commit 72c3414 "fix detection of typed (compound) pages
       (Linux 6.12)"). So: the pages it keeps and we leave out must be
       exactly our free (and offline) pages, none the other way, and our
       -d 15 dump (free pages kept) must have its bitmap.
     The -c, -l, -z and -p dumps must all have the same bitmap.
  3. Each of vmcore-save's dumps (-c, -l, -z, -p, -E) through Debian 13's
     crash 8.0.6 with the kernel's debug vmlinux: `log` shows the marker
     written before the crash, `bt` the sysrq crash, `ps` many tasks, and
     `rd -p` of the marked page gives the pattern exactly; Debian 13's
     makedumpfile --dump-dmesg finds the marker. Debian builds that
     makedumpfile without snappy (its -v says "snappy disabled"), so the -p
     dump is left to crash, which Debian links with libsnappy; a makedumpfile
     that says "snappy enabled" reads it too.
Prints what it found to LOG.check (run.py shows it on failure); exit 1 with
the reasons when something does not hold.

usage: vmcore_save_dumps.py LOG
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("KX_VM_CACHE", os.path.join(os.path.dirname(HERE), "cache"))
TOOLS = os.path.join(CACHE, "trixie", "dumptools")
PAGE = 4096
# The kdump-compressed header (makedumpfile's diskdump_mod.h): block_size
# at 428, sub_hdr_size at 432 (after utsname, timestamp, status), bitmap_blocks
# at 436; the 2nd bitmap follows the header block, the sub header blocks and
# the 1st bitmap.
OFF_BLOCK_SIZE, OFF_SUB_HDR, OFF_BITMAP_BLOCKS = 428, 432, 436
CRASH_DUMPS = ("ours.c", "ours.l", "ours.z", "ours.p", "ours.E")
MIN_TASKS = 30

out_lines = []
errors = []


def say(text):
    out_lines.append(text)


def bad(text):
    errors.append(text)
    say("FAIL " + text)


def pattern(token):
    """pattern.h's page: "<TOKEN@OFFSET>" records, OFFSET in 4 hex digits."""
    b = bytearray()
    while len(b) < PAGE:
        b += ("<%s@%04x>" % (token, len(b))).encode()
    return bytes(b[:PAGE])


def bitmap2(path):
    """The set of pfns the 2nd bitmap of a kdump-compressed file keeps."""
    with open(path, "rb") as f:
        head = f.read(PAGE)
        bs = struct.unpack_from("<i", head, OFF_BLOCK_SIZE)[0]
        sub, blocks = struct.unpack_from("<iI", head, OFF_SUB_HDR)
        f.seek((1 + sub + blocks // 2) * bs)
        raw = f.read(blocks // 2 * bs)
    kept = set()
    for i, byte in enumerate(raw):
        if byte:
            for bit in range(8):
                if byte >> bit & 1:
                    kept.add(i * 8 + bit)
    return kept


def report_counts(log, name):
    """vmcore-save's report line for DUMPFILE name: {kind: pages}."""
    m = re.search(r"^vmcore-save: level \d+: .*left out: (.*?); .* in /\S+/%s$" % re.escape(name),
                  log, re.M)
    if not m:
        return None
    return {k: int(v) for v, k in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", m.group(1))}


def run_crash(vmlinux, dump, cmds, tmp):
    path = os.path.join(tmp, "cmds")
    with open(path, "w") as f:
        f.write("\n".join(cmds + ["exit"]) + "\n")
    res = subprocess.run([os.path.join(TOOLS, "crash"), "-s", vmlinux, dump, "-i", path],
                         capture_output=True, text=True, errors="replace", timeout=300)
    return res.stdout + res.stderr


def crash_page(text, addr):
    """The bytes `rd -p -8 ADDR 4096` printed."""
    data = bytearray()
    for m in re.finditer(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} ){1,16})", text, re.M):
        if int(m.group(1), 16) == addr + len(data):
            data += bytes.fromhex(m.group(2).replace(" ", ""))
    return bytes(data)


def check_bitmaps(d, log, linux):
    ours, theirs = bitmap2(os.path.join(d, "ours.l")), bitmap2(os.path.join(d, "mdf.l"))
    for other in ("ours.c", "ours.z", "ours.p"):
        if bitmap2(os.path.join(d, other)) != ours:
            bad(f"{other}'s 2nd bitmap differs from ours.l's")
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    say(f"2nd bitmaps: vmcore-save -l -d 31 keeps {len(ours)} pages, makedumpfile 1.7.6 "
        f"{len(theirs)}; kept only by vmcore-save: {len(only_ours)}, only by makedumpfile: "
        f"{len(only_theirs)}")
    counts = report_counts(log, "ours.l") or {}
    if linux == "6.1":
        if only_ours or only_theirs:
            bad("6.1: the pages left out differ from makedumpfile's: kept only by us "
                f"{[hex(p) for p in only_ours[:16]]}, only by makedumpfile "
                f"{[hex(p) for p in only_theirs[:16]]}")
        else:
            say("KX-OK 6.1: the same pages as makedumpfile 1.7.6 -d 31")
        return
    free = counts.get("free", -1) + counts.get("offline", 0)
    if only_ours:
        bad(f"{linux}: pages we keep and makedumpfile leaves out: {[hex(p) for p in only_ours[:16]]}")
    if len(only_theirs) != free:
        bad(f"{linux}: makedumpfile keeps {len(only_theirs)} pages we leave out, "
            f"not our {free} free and offline pages")
    else:
        say(f"KX-OK {linux}: makedumpfile 1.7.6 keeps exactly our {free} free pages "
            "(its isSlab() takes PGTY_buddy for slab), the rest is the same")
    l15 = os.path.join(d, "ours.l15")
    if os.path.exists(l15):
        if bitmap2(l15) == theirs:
            say(f"KX-OK {linux}: vmcore-save -d 15 keeps exactly what makedumpfile -d 31 keeps")
        else:
            a = bitmap2(l15)
            bad(f"{linux}: -d 15 differs from makedumpfile -d 31: {len(a - theirs)} / "
                f"{len(theirs - a)} pages")


def makedumpfile_has(codec):
    """Whether Debian 13's makedumpfile says it was built with codec (-v
    prints a line "snappy\tenabled" or "snappy\tdisabled" per codec)."""
    res = subprocess.run([os.path.join(TOOLS, "makedumpfile"), "-v"], capture_output=True,
                         text=True)
    return re.search(rf"^{codec}\s+enabled", res.stdout + res.stderr, re.M) is not None


def check_crash(d, log, vmlinux, tmp):
    boot = re.search(r"kx\.boot=(\S+)", log)
    page = re.search(r"^KX-MARKED-PAGE (0x[0-9a-f]+)", log, re.M)
    if not boot or not page:
        bad("the log has no kx.boot= or KX-MARKED-PAGE")
        return
    marker, addr = "KX-KDUMP-MARKER-" + boot.group(1), int(page.group(1), 16)
    want = pattern("kxpage-" + boot.group(1))
    for name in CRASH_DUMPS:
        dump = os.path.join(d, name)
        text = run_crash(vmlinux, dump, ["log", "bt", "ps", "rd -p -8 0x%x %d" % (addr, PAGE)],
                         tmp)
        with open(os.path.join(tmp, name + ".crash.txt"), "w") as f:
            f.write(text)
        tasks = len(re.findall(r"^[> ]\s+\d+\s+\d+\s+\d+\s+[0-9a-f]{16}\s+[A-Z]{2}\s", text, re.M))
        got = {
            "log shows the marker": marker in text,
            "bt shows the sysrq crash": re.search(r"^PID: \d+ .*COMMAND: \"sh\"", text, re.M)
            is not None and "sysrq_handle_crash" in text,
            f"ps lists {tasks} tasks": tasks >= MIN_TASKS,
            "the marked page reads back exactly": crash_page(text, addr) == want,
        }
        for what, fine in got.items():
            if fine:
                say(f"KX-OK crash 8.0.6 on {name}: {what}")
            else:
                bad(f"crash 8.0.6 on {name}: not: {what} (output in {name}.crash.txt: "
                    + " | ".join(text.strip().splitlines()[-4:]) + ")")
        dmesg = os.path.join(tmp, name + ".dmesg")
        if name.endswith(".p") and not makedumpfile_has("snappy"):
            say(f"KX-SKIP makedumpfile 1.7.6 --dump-dmesg on {name}: this makedumpfile is "
                "built without snappy (its -v says so); crash read the dump above")
            continue
        res = subprocess.run([os.path.join(TOOLS, "makedumpfile"), "--dump-dmesg", dump, dmesg],
                             capture_output=True, text=True)
        if res.returncode == 0 and marker in open(dmesg, errors="replace").read():
            say(f"KX-OK makedumpfile 1.7.6 --dump-dmesg on {name}: marker found")
        else:
            bad(f"makedumpfile 1.7.6 --dump-dmesg on {name}: status {res.returncode} "
                + res.stdout.strip()[-200:])


def main():
    log_path = sys.argv[1]
    with open(log_path, errors="replace") as f:
        log = f.read()
    disk = os.environ.get("KX_VM_DISK")
    kdir = os.environ.get("KX_VM_KDIR", CACHE)
    linux = os.environ.get("KX_VM_LINUX", "6.1")
    vmlinux = os.path.join(kdir, "vmlinux.dbg")
    for need in (disk, vmlinux, os.path.join(TOOLS, "crash"), shutil.which("debugfs")):
        if not need or not os.path.exists(need):
            print(f"missing {need!r}: run tests/vm/setup.sh (debug vmlinux, Debian 13's "
                  "crash and makedumpfile) and install e2fsprogs")
            return 1
    tmp = tempfile.mkdtemp(prefix="kx-dumps-")
    try:
        names = CRASH_DUMPS + ("mdf.l", "ours.l15")
        for name in names:
            subprocess.run(["debugfs", "-R", f"dump /{name} {tmp}/{name}", disk],
                           capture_output=True)
        missing = [n for n in CRASH_DUMPS + ("mdf.l",)
                   if not os.path.exists(os.path.join(tmp, n))]
        if missing:
            bad(f"not on the disk: {missing}")
        else:
            check_bitmaps(tmp, log, linux)
            check_crash(tmp, log, vmlinux, tmp)
        keep = os.path.join(os.path.dirname(log_path), os.path.basename(log_path) + ".crash")
        shutil.rmtree(keep, ignore_errors=True)
        os.makedirs(keep)
        for n in os.listdir(tmp):
            if n.endswith((".crash.txt", ".dmesg")):
                shutil.copy(os.path.join(tmp, n), keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with open(log_path + ".check", "w") as f:
        f.write("\n".join(out_lines) + "\n")
    if errors:
        print("\n".join(errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
