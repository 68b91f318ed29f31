#!/usr/bin/env python3
"""Runs one QEMU end-to-end scenario: tests/vm/scenarios/NAME.sh.

Builds a fresh initramfs for the run (busybox, build/kexec, Debian's kexec-tools,
the kernel itself and a second-stage initramfs carrying a per-run token), boots the
Debian cloud kernel in QEMU (BIOS or OVMF), logs the serial console to
build/vm-logs/NAME.log and checks the expectations in the scenario's header.
See tests/vm/README.md for the scenario format.
"""

import argparse
import gzip
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, "cache")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
KEXEC_TOOLS_DIR = "/opt/kexec-tools"
# The Debian kernels tests/vm/setup.sh fetches, by version: where each one's
# vmlinuz, vmlinux, config and efivarfs.ko are.
LINUX_DIRS = {"6.1": CACHE, "6.12": os.path.join(CACHE, "6.12")}
TAIL_LINES = 60
EXIT_SKIP = 77
# systemd-boot-efi's stub for '# uki:' (scripts/install-deps.sh installs it).
UKI_STUB = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"

# ---------------------------------------------------------------- scenario header

HEADER_KEYS = {"expect", "expect-re", "reject", "reject-re", "firmware",
               "qemu-append", "qemu-args", "timeout", "memory", "smp",
               "cmdline-reuse", "description", "kexec", "file", "check", "until",
               "disk", "qmp", "acpi-hotplug", "gdb", "host-bin", "uki",
               "arch", "el2", "kernel", "gic"}


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-3]
        self.expects = []          # list of (is_regex, text), matched in order
        self.rejects = [(False, "KX-FAIL")]
        self.firmware = None       # bios (x86_64) or dt (arm64) unless given
        # arm64 guests (see the arm64 section below): '# arch: arm64', the
        # old kernel at EL2 ('# el2: yes'), the kernel booted ('# kernel:')
        # and the interrupt controller ('# gic:').
        self.arch = "x86_64"
        self.el2 = False
        self.kernel = None
        self.gic = "2"
        self.qemu_append = []
        self.qemu_args = []
        self.timeout = 240
        self.memory = 2048
        self.smp = 2
        self.cmdline_reuse = False
        self.description = ""
        self.kexec = "kx"
        self.files = []            # (source, path in the initramfs)
        self.host_bins = []        # host programs copied with the libraries ldd lists
        self.checks = []           # scripts in tests/vm/checks/ run on the log
        # For payloads that never exit (memtest86+): QEMU is stopped once
        # this text is on the console, and the expectations are checked then.
        self.until = None
        # A fresh disk per run: (size in MiB, filesystem made on the host or None),
        # on NVMe (built into the cloud kernels) or virtio (its modules are the
        # guest's to load: tests/vm/setup.sh caches them as @KDIR@/modules.cpio).
        self.disk = None
        self.disk_bus = "nvme"
        # QEMU's QMP monitor on a socket: the guest asks for commands by
        # printing "KX-QMP: <json>" (or "KX-QMP: cpu-add") on its console.
        self.qmp = False
        # ACPI table upgrades that let the kernel hot-add CPUs (see
        # acpi_hotplug_cpio).
        self.acpi_hotplug = False
        # QEMU's gdb stub on a socket: "KX-GDB-FLIP: 0xADDR" on the console
        # makes the host invert the byte at physical ADDR (GdbFlipper).
        self.gdb = False
        # Where a UKI made for the run goes in the initramfs (see build_uki).
        self.uki = None
        self._parse()

    def _parse(self):
        with open(self.path) as f:
            for lineno, line in enumerate(f, 1):
                m = re.match(r"^#\s*([a-z0-9-]+):\s?(.*?)\s*$", line)
                if not m or m.group(1) not in HEADER_KEYS:
                    continue
                key, val = m.group(1), m.group(2)
                if key == "expect":
                    self.expects.append((False, val))
                elif key == "expect-re":
                    self.expects.append((True, val))
                elif key == "reject":
                    self.rejects.append((False, val))
                elif key == "reject-re":
                    self.rejects.append((True, val))
                elif key == "firmware":
                    if val not in ("bios", "uefi", "dt"):
                        sys.exit(f"{self.path}:{lineno}: firmware must be bios, uefi or dt")
                    self.firmware = val
                elif key == "arch":
                    if val not in ARCHES:
                        sys.exit(f"{self.path}:{lineno}: arch must be one of {sorted(ARCHES)}")
                    self.arch = val
                elif key == "el2":
                    if val not in ("yes", "no"):
                        sys.exit(f"{self.path}:{lineno}: el2 takes yes or no")
                    self.el2 = val == "yes"
                elif key == "kernel":
                    if val not in ARM64_KERNELS:
                        sys.exit(f"{self.path}:{lineno}: kernel must be one of "
                                 f"{sorted(ARM64_KERNELS)}")
                    self.kernel = val
                elif key == "gic":
                    if val not in ARM64_GICS:
                        sys.exit(f"{self.path}:{lineno}: gic must be one of {sorted(ARM64_GICS)}")
                    self.gic = val
                elif key == "qemu-append":
                    self.qemu_append.append(val)
                elif key == "qemu-args":
                    self.qemu_args += val.split()
                elif key == "timeout":
                    self.timeout = int(val)
                elif key == "memory":
                    self.memory = int(val)
                elif key == "smp":
                    self.smp = int(val)
                elif key == "cmdline-reuse":
                    self.cmdline_reuse = val in ("yes", "true", "1")
                elif key == "kexec":
                    if val not in ("kx", "kexec-tools"):
                        sys.exit(f"{self.path}:{lineno}: kexec must be kx or kexec-tools")
                    self.kexec = val
                elif key == "description":
                    self.description = val
                elif key == "file":
                    words = val.split()
                    if len(words) != 2:
                        sys.exit(f"{self.path}:{lineno}: file takes SOURCE DEST")
                    self.files.append((words[0], words[1]))
                elif key == "host-bin":
                    self.host_bins += val.split()
                elif key == "check":
                    self.checks.append(val)
                elif key == "until":
                    self.until = val
                elif key in ("qmp", "acpi-hotplug", "gdb"):
                    if val not in ("yes", "no"):
                        sys.exit(f"{self.path}:{lineno}: {key} takes yes or no")
                    setattr(self, key.replace("-", "_"), val == "yes")
                elif key == "disk":
                    words = val.split()
                    bus = "virtio" if words[-1:] == ["virtio"] else "nvme"
                    if bus == "virtio":
                        words = words[:-1]
                    if (len(words) not in (1, 2) or not words[0].isdigit()
                            or words[1:] not in ([], ["ext4"])):
                        sys.exit(f"{self.path}:{lineno}: disk takes SIZE_MB [ext4] [virtio]")
                    self.disk = (int(words[0]), words[1] if len(words) == 2 else None)
                    self.disk_bus = bus
                elif key == "uki":
                    if not val or " " in val:
                        sys.exit(f"{self.path}:{lineno}: uki takes one path")
                    self.uki = val.lstrip("/")
        self._check_arch()

    def _check_arch(self):
        """Keys that belong to one arch only, and the firmware default."""
        if self.arch == "arm64":
            self.firmware = self.firmware or "dt"
            if self.firmware == "bios":
                sys.exit(f"{self.path}: arm64 boots with firmware dt or uefi, not bios")
            bad = [k for k, v in (("uki", self.uki), ("acpi-hotplug", self.acpi_hotplug)) if v]
            if bad:
                sys.exit(f"{self.path}: {', '.join(bad)}: x86_64 only")
        else:
            self.firmware = self.firmware or "bios"
            if self.firmware == "dt":
                sys.exit(f"{self.path}: firmware dt is arm64's ('# arch: arm64')")
            bad = [k for k, v in (("el2", self.el2), ("kernel", self.kernel),
                                  ("gic", self.gic != "2")) if v]
            if bad:
                sys.exit(f"{self.path}: {', '.join(bad)}: arm64 only ('# arch: arm64')")


# ---------------------------------------------------------------- cpio (newc)

class Cpio:
    """Minimal writer of the 'newc' format the kernel unpacks (Documentation/
    driver-api/early-userspace/buffer-format.rst). Lets us make /dev/console
    without root."""

    def __init__(self):
        self.entries = {}   # path -> (mode, data, rdev)

    def _parents(self, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.entries:
                self.entries[d] = (0o040755, b"", (0, 0))

    def dir(self, path, mode=0o755):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (0o040000 | mode, b"", (0, 0))

    def file(self, path, data, mode=0o644):
        path = path.strip("/")
        if isinstance(data, str):
            data = data.encode()
        self._parents(path)
        self.entries[path] = (0o100000 | mode, data, (0, 0))

    def copy(self, path, src, mode=None):
        with open(src, "rb") as f:
            data = f.read()
        if mode is None:
            mode = os.stat(src).st_mode & 0o777
        self.file(path, data, mode)

    def symlink(self, path, target):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (0o120777, target.encode(), (0, 0))

    def chardev(self, path, major, minor, mode=0o600):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (0o020000 | mode, b"", (major, minor))

    def bytes(self):
        out = bytearray()
        ino = 1
        # Directories sort before their contents.
        for path in sorted(self.entries):
            mode, data, (maj, mnr) = self.entries[path]
            out += self._header(ino, mode, len(data), maj, mnr, path)
            out += data
            out += b"\0" * (-len(out) % 4)
            ino += 1
        out += self._header(0, 0, 0, 0, 0, "TRAILER!!!")
        out += b"\0" * (-len(out) % 512)
        return bytes(out)

    @staticmethod
    def _header(ino, mode, size, rmaj, rmin, name):
        nameb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rmaj, rmin, len(nameb), 0]
        h = b"070701" + b"".join(b"%08X" % v for v in fields) + nameb
        return h + b"\0" * (-len(h) % 4)


# ---------------------------------------------------------------- guest scripts

# Facts both stages print, so a log shows what each kernel saw.
FACTS_SH = r"""
kx_facts() {
    stage=$1
    if [ -d /sys/firmware/efi ]; then efi=yes; else efi=no; fi
    # EFI variables are read through runtime services: seeing any proves they work.
    [ -e /lib/modules/efivarfs.ko ] && insmod /lib/modules/efivarfs.ko 2>/dev/null
    mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
    nvars=$(ls /sys/firmware/efi/efivars 2>/dev/null | wc -l)
    if [ "$nvars" -gt 0 ]; then rt=yes; else rt=no; fi
    if [ -d /sys/firmware/efi/runtime-map ]; then rtmap=yes; else rtmap=no; fi
    if [ -e /sys/firmware/acpi/tables/DSDT ] || [ -e /sys/firmware/acpi/tables/FACP ]; then
        acpi=yes; else acpi=no; fi
    echo "KX-$stage-EFI: $efi"
    echo "KX-$stage-EFI-RUNTIME: $rt (efivars: $nvars, runtime-map: $rtmap)"
    echo "KX-$stage-ACPI: $acpi"
    echo "KX-$stage-MEMTOTAL: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
}
"""

STAGE2_INIT = r"""#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
""" + FACTS_SH + r"""
echo "KX-STAGE2-UP"
echo "KX-STAGE2-UNAME: $(uname -a)"
echo "KX-STAGE2-CMDLINE: $(cat /proc/cmdline)"
echo "KX-STAGE2-INITRD: $(cat /kx-stage2-token 2>/dev/null || echo missing)"
kx_facts STAGE2
echo "KX-STAGE2-DONE"
poweroff -f
"""

STAGE1_INIT = r"""#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /run
mount -t tmpfs tmpfs /tmp
. /etc/kx-test.env
if [ "$KX_USE_KEXEC_TOOLS" = 1 ]; then export PATH=$KX_KEXEC_TOOLS_DIR:$PATH; fi
""" + FACTS_SH + r"""
echo "KX-STAGE1-UP"
echo "KX-STAGE1-CMDLINE: $(cat /proc/cmdline)"
kx_facts STAGE1
echo "KX-STAGE1-KEXEC: $(command -v kexec)"
echo "KX-SCENARIO-START $KX_SCENARIO"
sh /scenario.sh
rc=$?
echo "KX-SCENARIO-END rc=$rc"
poweroff -f
"""


def busybox_applets(cpio):
    cpio.copy("bin/busybox", "/bin/busybox", 0o755)
    out = subprocess.run(["/bin/busybox", "--list-full"], check=True,
                         capture_output=True, text=True).stdout
    for p in out.split():
        if p != "bin/busybox":
            cpio.symlink(p, "/bin/busybox")


def add_libraries(cpio, program):
    """The shared libraries ldd lists for a host program, at their own paths."""
    out = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            lib = m.group(1)
            cpio.copy(lib, os.path.realpath(lib), 0o755)


def add_kexec_tools(cpio):
    """Debian's kexec-tools (dynamically linked) under /opt/kexec-tools/kexec, with
    the libraries ldd lists at their own paths."""
    kt = shutil.which("kexec", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if not kt:
        return False
    cpio.copy(KEXEC_TOOLS_DIR + "/kexec", kt, 0o755)
    add_libraries(cpio, kt)
    return True


def add_modules(cpio, kernel):
    ko = os.path.join(os.path.dirname(kernel), "efivarfs.ko")
    if os.path.exists(ko):
        cpio.copy("lib/modules/efivarfs.ko", ko, 0o644)


def build_stage2(token, kernel):
    c = Cpio()
    add_modules(c, kernel)
    for d in ("proc", "sys", "dev", "tmp"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    busybox_applets(c)
    c.file("init", STAGE2_INIT, 0o755)
    c.file("kx-stage2-token", token + "\n")
    return gzip.compress(c.bytes(), compresslevel=6)


def expand(text, build_dir, kdir, build_arm64=None):
    """The path words of '# file:' and '# qemu-args:': @TOP@ (the checkout),
    @BUILD@ (the build dir), @CACHE@ (tests/vm/cache), @KDIR@ (the cache
    dir of the kernel this run boots: tests/vm/cache or tests/vm/cache/6.12),
    @SHARED@ (../shared beside the checkout) and @BUILD_ARM64@ (the arm64
    build dir, build-arm64/)."""
    text = (text.replace("@TOP@", TOP).replace("@BUILD_ARM64@", build_arm64 or
                                                os.path.join(TOP, "build-arm64"))
            .replace("@SHARED@", SHARED))
    return (text.replace("@BUILD@", build_dir)
            .replace("@KDIR@", kdir).replace("@CACHE@", CACHE))



def pe_size_of_image(path):
    """SizeOfImage of a PE file (Microsoft "PE Format": e_lfanew at 0x3c, the
    optional header 24 bytes after the PE signature, SizeOfImage at 56)."""
    with open(path, "rb") as f:
        b = f.read(4096)
    lfanew = int.from_bytes(b[0x3c:0x40], "little")
    return int.from_bytes(b[lfanew + 24 + 56:lfanew + 24 + 60], "little")


def build_uki(kernel, initrd, cmdline, tmp):
    """A UKI as distributions build it with objcopy (the UKI specification's
    recipe): systemd-stub plus .osrel, .cmdline, .linux and .initrd sections,
    each at the next 64 KiB-aligned address past the stub and the one before
    (the classic fixed addresses, 0x2000000 for .linux and so on, assume a
    kernel of at most 16 MiB). Returns the UKI's bytes."""
    parts = {".osrel": b"ID=kx-test\nNAME=kx test UKI\n", ".cmdline": cmdline.encode() + b"\n",
             ".linux": None, ".initrd": initrd}
    args, vma = ["objcopy"], pe_size_of_image(UKI_STUB)
    for name, data in parts.items():
        path = kernel if data is None else os.path.join(tmp, "uki" + name)
        if data is not None:
            with open(path, "wb") as f:
                f.write(data)
        vma = (vma + 0xffff) & ~0xffff
        args += ["--add-section", f"{name}={path}", "--change-section-vma", f"{name}=0x{vma:x}"]
        vma += os.path.getsize(path)
    out = os.path.join(tmp, "uki.efi")
    subprocess.run(args + [UKI_STUB, out], check=True)
    with open(out, "rb") as f:
        return f.read()


def build_stage1(scn, build_dir, kernel, env, use_kexec_tools, tmp):
    c = Cpio()
    for d in ("proc", "sys", "dev", "tmp", "run", "root"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    busybox_applets(c)
    add_modules(c, kernel)
    have_tools = add_kexec_tools(c)
    if use_kexec_tools and not have_tools:
        raise SystemExit("kexec-tools requested but not installed")
    ours = os.path.join(build_dir, "kexec")
    if os.path.exists(ours):
        c.copy("sbin/kexec", ours, 0o755)
    for tool in ("vmcore-dmesg",):
        for cand in (os.path.join(build_dir, tool),
                     os.path.join(build_dir, "tools", tool)):
            if os.path.exists(cand):
                c.copy("sbin/" + tool, cand, 0o755)
                break
    c.copy("boot/vmlinuz", kernel, 0o644)
    # Extra boot files fetched by setup.sh (Xen for the xen-* scenarios).
    xen_dir = os.path.join(CACHE, "xen")
    if os.path.isdir(xen_dir):
        for name in sorted(os.listdir(xen_dir)):
            c.copy("boot/" + name, os.path.join(xen_dir, name), 0o644)
    stage2 = build_stage2(env["KX_TOKEN"], kernel)
    c.file("boot/stage2.cpio.gz", stage2)
    if scn.uki:
        c.file(scn.uki, build_uki(kernel, stage2, env["KX_APPEND"], tmp))
    c.file("init", STAGE1_INIT, 0o755)
    c.copy("scenario.sh", scn.path, 0o755)
    for src, dest in scn.files:
        path = expand(src, build_dir, os.path.dirname(kernel))
        if not os.path.exists(path):
            raise SystemExit(f"{scn.name}: '# file: {src}' not found at {path} "
                             "(run tests/vm/setup.sh, or build it)")
        c.copy(dest, path)
    # '# host-bin: PATH': a program of the host at the same path, with its
    # libraries (a caller's dependencies: file(1) for kdump-config).
    for prog in scn.host_bins:
        if not os.path.exists(prog):
            raise SystemExit(f"{scn.name}: '# host-bin: {prog}' is not installed "
                             "(scripts/install-deps.sh)")
        c.copy(prog.lstrip("/"), prog, 0o755)
        add_libraries(c, prog)
    c.copy("etc/kx-lib.sh", os.path.join(HERE, "lib.sh"), 0o644)
    c.file("etc/kx-test.env",
           "".join(f"export {k}='{v}'\n" for k, v in sorted(env.items())))
    # Uncompressed: the kernel is most of the bytes and does not compress, and the
    # guest unpacks a plain cpio faster under TCG.
    return c.bytes()


# ---------------------------------------------------------------- QEMU

# ---------------------------------------------------------------- ACPI upgrades

ACPI_PROBE_INIT = r"""#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for t in FACP APIC; do
    echo "KX-ACPI $t $(od -An -tx1 -v /sys/firmware/acpi/tables/$t | tr -d ' \n')"
done
poweroff -f
"""


def acpi_checksum(table):
    """Sets byte 9 so that the bytes of the table sum to 0 (ACPI 5.2.6)."""
    t = bytearray(table)
    t[9] = 0
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def acpi_bump_header(t):
    """OEM revision (bytes 24..27) + 1: an upgrade is newer than the original."""
    rev = int.from_bytes(t[24:28], "little") + 1
    t[24:28] = rev.to_bytes(4, "little")


def patch_fadt(facp):
    """QEMU's FADT is revision 1 (116 bytes). Linux accepts MADT CPUs marked
    online-capable only when the FADT says ACPI 6.3 or later
    (arch/x86/kernel/acpi/boot.c acpi_parse_madt): grow it to the 6.x size
    (276 bytes, the new fields zero: ACPICA falls back to the 32-bit ones),
    revision 6, minor version 3 (offset 131)."""
    t = bytearray(facp) + bytes(max(0, 276 - len(facp)))
    t[4:8] = (276).to_bytes(4, "little")
    t[8] = 6
    t[131] = 3
    acpi_bump_header(t)
    return acpi_checksum(t)


def patch_madt(apic):
    """Every local APIC entry (type 0) and x2APIC entry (type 9) that is not
    enabled gets the online-capable flag (bit 1, ACPI 6.3 5.2.12.2)."""
    t = bytearray(apic)
    off = 44
    while off + 2 <= len(t):
        typ, ln = t[off], t[off + 1]
        if ln < 2 or off + ln > len(t):
            raise SystemExit(f"MADT entry at {off}: bad length {ln}")
        flags_at = {0: off + 4, 9: off + 8}.get(typ)
        if flags_at is not None:
            flags = int.from_bytes(t[flags_at:flags_at + 4], "little")
            if not flags & 1:
                t[flags_at:flags_at + 4] = (flags | 2).to_bytes(4, "little")
        off += ln
    acpi_bump_header(t)
    return acpi_checksum(t)


def acpi_hotplug_cpio(scn, kernel, tmp, build_dir):
    """Under TCG Linux 6.12 takes none of QEMU's disabled MADT CPUs as
    hot-pluggable (no hypervisor is detected and QEMU's FADT predates ACPI
    6.3's online-capable flag). This boots the scenario's machine once with a
    probe that prints its FADT and MADT, patches both (patch_fadt,
    patch_madt) and returns them as an uncompressed cpio of
    kernel/firmware/acpi/*.aml, which goes first in the initrd: the kernel's
    ACPI table upgrade (CONFIG_ACPI_TABLE_UPGRADE) replaces the firmware's."""
    c = Cpio()
    for d in ("proc", "sys", "dev"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    busybox_applets(c)
    c.file("init", ACPI_PROBE_INIT, 0o755)
    probe_initrd = os.path.join(tmp, "acpi-probe.cpio")
    with open(probe_initrd, "wb") as f:
        f.write(c.bytes())
    probe = Scenario.__new__(Scenario)
    probe.__dict__.update(scn.__dict__)
    probe.disk = None
    cmd = qemu_command(probe, kernel, probe_initrd, "console=ttyS0 panic=-1 quiet", tmp,
                       build_dir)
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    tables = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"KX-ACPI (\w{4}) ([0-9a-f]+)\s*$", line.strip())
        if m:
            tables[m.group(1)] = bytes.fromhex(m.group(2))
    if set(tables) != {"FACP", "APIC"}:
        raise SystemExit("acpi-hotplug: the probe boot printed no FADT/MADT")
    up = Cpio()
    up.file("kernel/firmware/acpi/facp.aml", patch_fadt(tables["FACP"]))
    up.file("kernel/firmware/acpi/apic.aml", patch_madt(tables["APIC"]))
    return up.bytes()


def qemu_command(scn, kernel, initrd, append, tmp, build_dir):
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
           "-m", str(scn.memory), "-smp", str(scn.smp),
           "-nodefaults", "-display", "none", "-no-reboot",
           "-monitor", "none", "-serial", "stdio",
           "-kernel", kernel, "-initrd", initrd, "-append", append]
    if scn.firmware == "uefi":
        vars_copy = os.path.join(tmp, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    if scn.disk:
        cmd += disk_args(scn.disk, tmp, scn.disk_bus)
    return cmd + [expand(a, build_dir, os.path.dirname(kernel)) for a in scn.qemu_args]


# The guest sees the disk as GUEST_DISK. NVMe because the cloud kernel has its
# driver built in (CONFIG_BLK_DEV_NVME=y) while virtio-blk is a module, and the
# cache holds only the kernel image, which modules must match exactly.
GUEST_DISK = "/dev/nvme0n1"
GUEST_DISKS = {"nvme": GUEST_DISK, "virtio": "/dev/vda"}


def disk_args(disk, tmp, bus="nvme"):
    """A zeroed raw image of SIZE MiB in the run's temp dir (sparse), formatted
    on the host when the scenario asks (mkfs.ext4 works on a plain file without
    root; busybox in the guest only makes ext2)."""
    size_mb, fs = disk
    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.truncate(size_mb << 20)
    if fs == "ext4":
        mkfs = shutil.which("mkfs.ext4", path="/usr/sbin:/sbin:/usr/bin:/bin")
        if not mkfs:
            raise SystemExit("'# disk: ... ext4' needs mkfs.ext4 (e2fsprogs) on the host")
        # Everything initialised now, so no ext4lazyinit writes in the guest.
        subprocess.run([mkfs, "-q", "-F", "-L", "kx-disk",
                        "-E", "lazy_itable_init=0,lazy_journal_init=0", img],
                       check=True)
    device = "virtio-blk-pci,drive=kxdisk" if bus == "virtio" else "nvme,drive=kxdisk,serial=kxdisk"
    return ["-drive", f"file={img},if=none,id=kxdisk,format=raw", "-device", device]


class Qmp:
    """QEMU's machine protocol on a unix socket: one command at a time,
    answered with its "return" or "error" (events in between are skipped)."""

    def __init__(self, path):
        import socket
        self.sock = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except OSError:
                s.close()
                time.sleep(0.2)
        if not self.sock:
            raise SystemExit(f"QMP socket {path} did not come up")
        self.buf = b""
        self._reply()                      # the greeting
        self.command({"execute": "qmp_capabilities"})

    def _reply(self):
        import json
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise SystemExit("QMP socket closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def command(self, cmd):
        import json
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        return self._reply()

    def guest_request(self, text):
        """A guest's "KX-QMP:" request: JSON, or "cpu-add" (the first CPU
        slot query-hotpluggable-cpus lists as empty, with its own props)."""
        import json
        if text == "cpu-add":
            slots = self.command({"execute": "query-hotpluggable-cpus"}).get("return", [])
            free = [s for s in slots if "qom-path" not in s]
            if not free:
                return {"error": "no free CPU slot"}
            free.sort(key=lambda s: sorted(s["props"].items()))
            args = dict(free[0]["props"], driver=free[0]["type"], id="kxcpu%d" % len(slots))
            return self.command({"execute": "device_add", "arguments": args})
        return self.command(json.loads(text))


class GdbFlipper:
    """Corrupts guest memory the way a stray DMA or a bad DIMM would: through
    QEMU's gdb stub (remote serial protocol), in physical-memory mode
    (Qqemu.PhyMemMode:1), it reads one byte, writes it back inverted and
    detaches, which lets the stopped VM run on."""

    def __init__(self, path):
        self.path = path

    def _packet(self, sock, data):
        body = data.encode()
        sock.sendall(b"$" + body + b"#%02x" % (sum(body) & 0xff))
        buf = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                raise OSError("gdb stub closed the connection")
            buf += chunk
            start = buf.find(b"$")
            end = buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(buf) >= end + 3:
                sock.sendall(b"+")
                return buf[start + 1:end].decode()

    def flip(self, addr):
        import socket
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(self.path)
            s.settimeout(20)
            self._packet(s, "?")      # the stub stops the VM and says why
            mode = self._packet(s, "Qqemu.PhyMemMode:1")
            old = self._packet(s, "m%x,1" % addr)
            if mode != "OK" or len(old) != 2:
                raise OSError(f"gdb stub: mode {mode!r}, read {old!r}")
            new = "%02x" % (int(old, 16) ^ 0xff)
            res = self._packet(s, "M%x,1:%s" % (addr, new))
            check = self._packet(s, "m%x,1" % addr)
            s.sendall(b"$D#44")       # detach: the VM runs again
            return f"byte at {addr:#x}: {old} -> {check} (write {res})"


def run_qemu(cmd, log_path, timeout, verbose, stamps_path=None, until=None, qmp_path=None,
             gdb_path=None):
    start = time.monotonic()
    timed_out = False
    stopped = False
    seen = b""
    # Host arrival time of each console line (--stamps): the guest's clocks do
    # not survive a kexec, the host's does, so timings across it come from here.
    stamps = open(stamps_path, "w") if stamps_path else None
    partial, partial_t = b"", 0.0
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        os.set_blocking(proc.stdout.fileno(), False)
        qmp = Qmp(qmp_path) if qmp_path else None
        gdb = GdbFlipper(gdb_path) if gdb_path else None
        pending = b""
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                break
            events = sel.select(min(left, 1.0))
            if not events:
                if proc.poll() is not None:
                    break
                continue
            chunk = proc.stdout.read()
            if not chunk:
                if proc.poll() is not None or chunk == b"":
                    break
                continue
            # Serial output has CR LF; keep the log plain.
            chunk = chunk.replace(b"\r", b"")
            log.write(chunk)
            log.flush()
            if qmp or gdb:
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    m = re.search(rb"KX-GDB-FLIP: (0x[0-9a-fA-F]+)", line)
                    if m and gdb:
                        try:
                            said = gdb.flip(int(m.group(1), 16))
                        except OSError as e:
                            said = f"failed: {e}"
                        log.write(b"KX-HOST-GDB: " + said.encode() + b"\n")
                        log.flush()
                    m = re.search(rb"KX-QMP: (.*)$", line) if qmp else None
                    if m:
                        import json
                        reply = qmp.guest_request(m.group(1).decode().strip())
                        log.write(b"KX-HOST-QMP: " + json.dumps(reply).encode() + b"\n")
                        log.flush()
            if until:
                seen += chunk
                if until.encode() in seen:
                    stopped = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
            if stamps:
                # A line is stamped when its first byte arrives: "Decompressing
                # Linux... " starts the moment purgatory hands over.
                now = time.monotonic() - start
                while chunk:
                    if not partial:
                        partial_t = now
                    line, nl, chunk = chunk.partition(b"\n")
                    partial += line
                    if nl:
                        stamps.write("%.3f %s\n" % (partial_t,
                                                     partial.decode("utf-8", "replace")))
                        partial = b""
            if verbose:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
        proc.wait()
    if stamps:
        stamps.close()
    return 0 if stopped else proc.returncode, timed_out, time.monotonic() - start


# ---------------------------------------------------------------- checks

def substitute(text, subst, is_re=False):
    for k, v in subst.items():
        text = text.replace(k, re.escape(v) if is_re else v)
    return text


def find(log, pos, is_re, pattern):
    if is_re:
        m = re.compile(pattern, re.M).search(log, pos)
        return (m.start(), m.end()) if m else None
    i = log.find(pattern, pos)
    return (i, i + len(pattern)) if i >= 0 else None


def line_value(log, prefix):
    m = re.search("^" + re.escape(prefix) + r" ?(.*)$", log, re.M)
    return m.group(1).strip() if m else None


def check(scn, log, subst):
    errors = []
    pos = 0
    for is_re, pat in scn.expects:
        pat = substitute(pat, subst, is_re)
        hit = find(log, pos, is_re, pat)
        if hit is None:
            where = "after the previous expectation" if pos else "in the log"
            anywhere = find(log, 0, is_re, pat)
            errors.append(f"expected {'/%s/' % pat if is_re else repr(pat)} {where}"
                          + (" (it appears earlier, out of order)" if anywhere else ""))
            break
        pos = hit[1]
    for is_re, pat in scn.rejects:
        pat = substitute(pat, subst, is_re)
        hit = find(log, 0, is_re, pat)
        if hit is not None:
            line = log[log.rfind("\n", 0, hit[0]) + 1:log.find("\n", hit[0])]
            errors.append(f"rejected {pat!r} appears: {line.strip()}")
    if scn.cmdline_reuse:
        c1 = line_value(log, "KX-STAGE1-CMDLINE:")
        c2 = line_value(log, "KX-STAGE2-CMDLINE:")
        want = " ".join(w for w in (c1 or "").split() if not w.startswith("BOOT_IMAGE="))
        got = " ".join((c2 or "").split())
        if c1 is None or c2 is None or want != got:
            errors.append(f"cmdline-reuse: stage 2 cmdline {got!r} != stage 1 {want!r}")
    return errors


# ---------------------------------------------------------------- arm64 guests
# '# arch: arm64' scenarios boot qemu-system-aarch64's virt machine with the
# files tests/vm/setup.sh puts in tests/vm/cache/arm64/ (arm64_setup there):
# Debian 12's cloud kernel 6.1 (a plain Image: KEXEC, CRASH_DUMP, no
# KEXEC_FILE) or the fixture kernel 6.12.117 from ../shared/kernels/arm64
# (KEXEC_FILE, EFI_ZBOOT), the arm64 busybox-static, Debian's arm64
# kexec-tools 2.0.25 with its libraries, and kx from build-arm64/ (make
# ARCH=arm64). The guest scripts are the x86 ones plus kx_facts_arm64.

ARCHES = ("x86_64", "arm64")
QEMU_BIN = {"x86_64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}
ARM64_CACHE = os.path.join(CACHE, "arm64")
# Test data shared by the project's checkouts, beside them (not in git).
SHARED = os.path.join(os.path.dirname(TOP), "shared")
# The fixture kernel's files, copied there by setup.sh (which finds ../shared).
ARM64_FIXTURE = os.path.join(ARM64_CACHE, "fixture-6.12")
# '# kernel:' -> the cache dir holding that kernel's Image (and efivarfs.ko
# when it is a module). run.py --linux 6.1 / 6.12 picks them too.
ARM64_KERNELS = {"debian-6.1": ARM64_CACHE,
                 "fixture-6.12": os.path.join(ARM64_CACHE, "fixture-6.12")}
ARM64_LINUX = {"6.1": "debian-6.1", "6.12": "fixture-6.12"}
# '# gic:' -> the virt machine's option. GICv2 is QEMU's default; GICv3 with
# its ITS breaks kexec from a DT boot (the LPI tables cannot stay reserved
# without UEFI; ENVIRONMENT.md), so '3' is there to show exactly that.
ARM64_GICS = {"2": None, "3": "gic-version=3", "3-its-off": "gic-version=3,its=off"}
# Debian's qemu-efi-aarch64: QEMU_EFI.fd padded to the 64 MiB of the virt
# machine's flash, and its variable store (copied per run, writable).
AAVMF_CODE = "/usr/share/AAVMF/AAVMF_CODE.fd"
AAVMF_VARS = "/usr/share/AAVMF/AAVMF_VARS.fd"

# What an arm64 kernel got from the one before it (or the firmware): the DT's
# /chosen (bootargs, initrd range, the EFI stub's linux,uefi-* entries),
# memory nodes, PSCI conduit, the exception level, EFI runtime services.
ARM64_FACTS_SH = r"""
# kx_fdt: the /chosen properties and memory nodes of the flattened DT the
# kernel booted with (/sys/firmware/fdt; under ACPI there is no
# /sys/firmware/devicetree), one "NODE PROP VALUE" line each. Walks the
# structure block (Devicetree Specification 5.4: FDT_BEGIN_NODE 1,
# FDT_END_NODE 2, FDT_PROP 3, FDT_NOP 4, FDT_END 9; big-endian). A value
# that is NUL-terminated printable text is shown as text (a string list
# joined with ','), anything else as 0x and hex bytes.
kx_fdt() {
    f=/sys/firmware/fdt
    [ -r $f ] || return 0
    n=$(od -An -tu1 -v -N 40 $f | awk '{ for (i = 1; i <= NF; i++) b[k++] = $i }
        function u32(o) { return ((b[o] * 256 + b[o + 1]) * 256 + b[o + 2]) * 256 + b[o + 3] }
        END { a = u32(8) + u32(36); s = u32(12) + u32(32); print (a > s ? a : s) }')
    od -An -tu1 -v -N "$n" $f | awk '
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        function u32(o) { return ((b[o] * 256 + b[o + 1]) * 256 + b[o + 2]) * 256 + b[o + 3] }
        function str(o,   s) { s = ""; while (o < n && b[o] != 0) { s = s sprintf("%c", b[o]); o++ } return s }
        function val(o, len,   i, text, s, c, end, extra) {
            # Trailing NULs past the string list'"'"'s own are counted, not shown.
            for (end = len; end > 1 && b[o + end - 1] == 0 && b[o + end - 2] == 0; end--) extra++
            text = end > 1 && b[o + end - 1] == 0
            for (i = 0; text && i < end - 1; i++) {
                c = b[o + i]
                if (c == 0) { if (i == 0 || b[o + i - 1] == 0) text = 0 }
                else if (c < 32 || c > 126) text = 0
            }
            s = ""
            if (text) {
                for (i = 0; i < end - 1; i++) s = s (b[o + i] ? sprintf("%c", b[o + i]) : ",")
                return s (extra ? " (+" extra " NUL)" : "")
            }
            for (i = 0; i < len; i++) s = s sprintf("%02x", b[o + i])
            return "0x" s
        }
        END {
            o = u32(8); strs = u32(12); d = 0
            while (o + 4 <= n) {
                t = u32(o); o += 4
                if (t == 1) { nm = str(o); o += int((length(nm) + 4) / 4) * 4; node[++d] = nm }
                else if (t == 2) d--
                else if (t == 3) {
                    len = u32(o); pn = str(strs + u32(o + 4)); o += 8
                    if (d == 2 && (node[2] == "chosen" || node[2] ~ /^memory/))
                        print node[2], pn, val(o, len)
                    o += int((len + 3) / 4) * 4
                } else if (t != 4) break
            }
        }'
}
kx_facts_arm64() {
    stage=$1
    # arm64 has no /sys/firmware/efi/runtime: the kernel says this when it
    # maps the runtime services (arch/arm64/kernel/efi.c, efi_enter_virtual_mode).
    if dmesg | grep -q "Remapping and enabling EFI services"; then svc=yes; else svc=no; fi
    echo "KX-$stage-EFI-SERVICES: $svc"
    echo "KX-$stage-EL: $(dmesg | sed -n 's/.*CPU(s) started at \(EL[0-9]\).*/\1/p' | head -n1)"
    echo "KX-$stage-CPUS: $(grep -c '^processor' /proc/cpuinfo)"
    # The conduit comes from the DT's /psci node, or from ACPI's FADT.
    psci=$(tr -d '\000' 2>/dev/null < /sys/firmware/devicetree/base/psci/method)
    if [ -z "$psci" ] && dmesg | grep -q "psci: probing for conduit method from ACPI"; then
        psci=acpi; fi
    echo "KX-$stage-PSCI: ${psci:-none}"
    echo "KX-$stage-FDT-SIZE: $(wc -c 2>/dev/null < /sys/firmware/fdt || echo none)"
    kx_fdt > /tmp/kx-fdt.txt
    echo "KX-$stage-FDT-CHOSEN: $(sed -n 's/^chosen \([^ ]*\) .*/\1/p' /tmp/kx-fdt.txt | sort | tr '\n' ' ')"
    sed -n "s/^chosen \([^ ]*\) \(.*\)/KX-$stage-FDT-PROP: \1=\2/p" /tmp/kx-fdt.txt
    # The command line the kernel takes from bootargs: its first string.
    echo "KX-$stage-FDT-BOOTARGS: $(sed -n 's/^chosen bootargs //p' /tmp/kx-fdt.txt |
        sed 's/ (+[0-9]* NUL)$//')"
    echo "KX-$stage-FDT-INITRD: $(sed -n 's/^chosen linux,initrd-start //p' /tmp/kx-fdt.txt)-$(sed -n 's/^chosen linux,initrd-end //p' /tmp/kx-fdt.txt)"
    mem=$(sed -n 's/^\(memory[^ ]*\) reg \(.*\)/\1=\2/p' /tmp/kx-fdt.txt | tr '\n' ' ')
    echo "KX-$stage-FDT-MEMORY: ${mem:-none}"
    echo "KX-$stage-IOMEM-RAM: $(grep -c 'System RAM' /proc/iomem)"
}
"""


def arm64_init(template, stage):
    """The x86 init scripts with kx_facts_arm64 after kx_facts."""
    call = f"kx_facts {stage}\n"
    assert call in template
    return (template.replace(FACTS_SH, FACTS_SH + ARM64_FACTS_SH, 1)
            .replace(call, call + f"kx_facts_arm64 {stage}\n", 1))


def arm64_busybox(cpio):
    """Debian's arm64 busybox-static with the applet links of the host's
    (the same Debian version and configuration)."""
    bb = os.path.join(ARM64_CACHE, "busybox")
    if not os.path.exists(bb):
        raise SystemExit(f"{bb} missing: run tests/vm/setup.sh")
    cpio.copy("bin/busybox", bb, 0o755)
    out = subprocess.run(["/bin/busybox", "--list-full"], check=True,
                         capture_output=True, text=True).stdout
    for p in out.split():
        if p != "bin/busybox":
            cpio.symlink(p, "/bin/busybox")


def arm64_add_tree(cpio, root):
    """Every file under root at the same path in the initramfs."""
    for d, _, names in os.walk(root):
        for n in names:
            src = os.path.join(d, n)
            cpio.copy(os.path.relpath(src, root), src)


def arm64_modules(cpio, kdir):
    ko = os.path.join(kdir, "efivarfs.ko")
    if os.path.exists(ko):
        cpio.copy("lib/modules/efivarfs.ko", ko, 0o644)


def arm64_build_stage2(token, kdir):
    c = Cpio()
    arm64_modules(c, kdir)
    for d in ("proc", "sys", "dev", "tmp"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    arm64_busybox(c)
    c.file("init", arm64_init(STAGE2_INIT, "STAGE2"), 0o755)
    c.file("kx-stage2-token", token + "\n")
    return gzip.compress(c.bytes(), compresslevel=6)


def arm64_build_stage1(scn, build_dir, build_arm64, kernel, kdir, env, use_tools):
    c = Cpio()
    for d in ("proc", "sys", "dev", "tmp", "run", "root"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    arm64_busybox(c)
    arm64_modules(c, kdir)
    kt = os.path.join(ARM64_CACHE, "kexec-tools")
    if not os.path.exists(os.path.join(kt, KEXEC_TOOLS_DIR.lstrip("/"), "kexec")):
        raise SystemExit(f"{kt}: no arm64 kexec-tools; run tests/vm/setup.sh")
    arm64_add_tree(c, kt)
    ours = os.path.join(build_arm64, "kexec")
    if os.path.exists(ours):
        c.copy("sbin/kexec", ours, 0o755)
    elif not use_tools:
        raise SystemExit(f"{ours} not found: build it with make ARCH=arm64")
    tool = os.path.join(build_arm64, "vmcore-dmesg")
    if os.path.exists(tool):
        c.copy("sbin/vmcore-dmesg", tool, 0o755)
    c.copy("boot/Image", kernel, 0o644)
    # The fixture's compressed forms, for the formats kx unwraps.
    if kdir == ARM64_KERNELS["fixture-6.12"]:
        for name in ("Image.gz", "vmlinuz.efi"):
            c.copy("boot/" + name, os.path.join(ARM64_FIXTURE, name), 0o644)
    c.file("boot/stage2.cpio.gz", arm64_build_stage2(env["KX_TOKEN"], kdir))
    c.file("init", arm64_init(STAGE1_INIT, "STAGE1"), 0o755)
    c.copy("scenario.sh", scn.path, 0o755)
    for src, dest in scn.files:
        path = expand(src, build_dir, kdir, build_arm64)
        if not os.path.exists(path):
            raise SystemExit(f"{scn.name}: '# file: {src}' not found at {path} "
                             "(run tests/vm/setup.sh, or build it)")
        c.copy(dest, path)
    if scn.host_bins:
        raise SystemExit(f"{scn.name}: '# host-bin:' copies x86_64 programs; not for arm64")
    c.copy("etc/kx-lib.sh", os.path.join(HERE, "lib.sh"), 0o644)
    c.file("etc/kx-test.env",
           "".join(f"export {k}='{v}'\n" for k, v in sorted(env.items())))
    return c.bytes()


def arm64_qemu_command(scn, kernel, initrd, append, tmp, build_dir, build_arm64):
    machine = "virt"
    if scn.el2:
        machine += ",virtualization=on"
    if ARM64_GICS[scn.gic]:
        machine += "," + ARM64_GICS[scn.gic]
    # QEMU's default pointer authentication (QARMA5) is very slow under TCG.
    cmd = ["qemu-system-aarch64", "-M", machine, "-accel", "tcg",
           "-cpu", "max,pauth-impdef=on",
           "-m", str(scn.memory), "-smp", str(scn.smp),
           "-nodefaults", "-display", "none", "-no-reboot",
           "-monitor", "none", "-serial", "stdio",
           "-kernel", kernel, "-initrd", initrd, "-append", append]
    if scn.firmware == "uefi":
        vars_copy = os.path.join(tmp, "AAVMF_VARS.fd")
        shutil.copyfile(AAVMF_VARS, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={AAVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    if scn.disk:
        cmd += disk_args(scn.disk, tmp)
    return cmd + [expand(a, build_dir, os.path.dirname(kernel), build_arm64)
                  for a in scn.qemu_args]


def arm64_make(build_arm64):
    """make ARCH=arm64 in the checkout, one caller at a time (meson runs the
    scenarios in parallel; all but the first find it current). A failed
    build fails the scenario with the end of make's output."""
    import fcntl
    if os.path.realpath(build_arm64) != os.path.realpath(os.path.join(TOP, "build-arm64")):
        return
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, ".make-arm64.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        res = subprocess.run(["make", "-C", TOP, "ARCH=arm64"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True)
    if res.returncode != 0:
        print("\n".join((res.stdout + res.stderr).splitlines()[-40:]))
        raise SystemExit("make ARCH=arm64 failed")

# ---------------------------------------------------------------- end arm64 guests


# ---------------------------------------------------------------- host checks

def host_checks(scn, log_path, tmp, args, kdir):
    """Host-side checks, run while the run's temp dir still exists:
    tests/vm/checks/SCRIPT LOG (Python scripts through this interpreter,
    others directly), exit 0 or print why not. They compare what the guest
    planned with what a probe payload reported, or read what the guest left
    on its disk: the environment names the disk image (KX_VM_DISK, with
    '# disk:'), the booted kernel's cache dir (KX_VM_KDIR), its version
    (KX_VM_LINUX) and the build dir (KX_VM_BUILD)."""
    errors = []
    env = dict(os.environ, KX_VM_KDIR=kdir, KX_VM_LINUX=args.linux or "6.1",
               KX_VM_BUILD=args.build_dir, KX_VM_CACHE=CACHE)
    if scn.disk:
        env["KX_VM_DISK"] = os.path.join(tmp, "disk.img")
    for script in scn.checks:
        path = os.path.join(HERE, "checks", script)
        cmd = ([sys.executable] if script.endswith(".py") else []) + [path, log_path]
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if res.returncode != 0:
            errors.append(f"check {script}: {(res.stdout + res.stderr).strip()}")
    return errors


# ---------------------------------------------------------------- main

def find_scenario(name):
    if os.path.exists(name):
        return name
    p = os.path.join(HERE, "scenarios", name + ".sh")
    if os.path.exists(p):
        return p
    sys.exit(f"no such scenario: {name}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", help="name in tests/vm/scenarios/ or a path")
    ap.add_argument("--build-dir", default=os.path.join(TOP, "build"))
    ap.add_argument("--build-arm64", default=os.path.join(TOP, "build-arm64"),
                    help="where the arm64 kexec is (make ARCH=arm64), for '# arch: arm64'")
    ap.add_argument("--make-arm64", action="store_true",
                    help="run make ARCH=arm64 first (under a lock) when an arm64 "
                         "scenario uses kx, so its kexec is current (meson passes it)")
    ap.add_argument("--linux", choices=sorted(LINUX_DIRS),
                    help="boot this Debian kernel (default 6.1; tests/vm/setup.sh "
                         "fetches both); the tag and log name get '-VERSION'")
    ap.add_argument("--kernel", help="a kernel image to boot instead "
                    "(default tests/vm/cache/vmlinuz, the 6.1 kernel)")
    ap.add_argument("--kexec-tools", action="store_true",
                    help="put Debian's kexec-tools first on the guest's PATH "
                         "(run the same scenario with the reference kexec)")
    ap.add_argument("--firmware", choices=("bios", "uefi", "dt"),
                    help="override the scenario's firmware")
    ap.add_argument("--log", help="serial log path (default build/vm-logs/NAME.log)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="copy the serial console to stdout live")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--stamps", metavar="FILE",
                    help="also write each console line to FILE prefixed with the "
                         "host's seconds since QEMU started (bench/vm.sh times kexec -e)")
    args = ap.parse_args()

    scn = Scenario(find_scenario(args.scenario))
    arm64 = scn.arch == "arm64"
    if arm64:
        kname = ARM64_LINUX[args.linux] if args.linux else scn.kernel or "debian-6.1"
        kdir = ARM64_KERNELS[kname]
        if not args.kernel:
            args.kernel = os.path.join(kdir, "Image")
    else:
        kdir = LINUX_DIRS[args.linux or "6.1"]
        if not args.kernel:
            args.kernel = os.path.join(kdir, "vmlinuz")
    use_tools = args.kexec_tools or scn.kexec == "kexec-tools"
    if args.firmware:
        scn.firmware = args.firmware
        scn._check_arch()
    if not shutil.which(QEMU_BIN[scn.arch]):
        print(f"SKIP: {QEMU_BIN[scn.arch]} not installed (scripts/install-deps.sh)")
        return EXIT_SKIP
    fw_code = AAVMF_CODE if arm64 else OVMF_CODE
    if scn.firmware == "uefi" and not os.path.exists(fw_code):
        print(f"SKIP: {fw_code} not installed (scripts/install-deps.sh)")
        return EXIT_SKIP
    if not os.path.exists(args.kernel):
        subprocess.run([os.path.join(HERE, "setup.sh")], check=True)
    if scn.uki and (not os.path.exists(UKI_STUB) or not shutil.which("objcopy")):
        print(f"SKIP: '# uki:' needs objcopy and {UKI_STUB} "
              "(binutils, systemd-boot-efi: scripts/install-deps.sh)")
        return EXIT_SKIP

    if arm64 and args.make_arm64 and not use_tools:
        arm64_make(args.build_arm64)

    tag = scn.name + ("-kexec-tools" if args.kexec_tools else "")
    if args.linux:
        tag += "-" + args.linux
    if args.firmware:
        tag += "-" + args.firmware
    logdir = os.path.join(args.build_dir, "vm-logs")
    os.makedirs(logdir, exist_ok=True)
    log_path = args.log or os.path.join(logdir, tag + ".log")

    token = "kx" + secrets.token_hex(8)
    append_token = "kxa" + secrets.token_hex(6)
    boot_token = "kxb" + secrets.token_hex(6)
    # What stage 2 is asked to run with: the scenario passes $KX_APPEND verbatim.
    console = "ttyAMA0" if arm64 else "ttyS0"
    stage2_append = f"console={console} panic=-1 kx.append={append_token}"
    stage1_append = " ".join([f"console={console} panic=-1 kx.boot=" + boot_token]
                             + scn.qemu_append)
    env = {
        "KX_SCENARIO": scn.name,
        "KX_TOKEN": token,
        "KX_APPEND_TOKEN": append_token,
        "KX_BOOT_TOKEN": boot_token,
        "KX_APPEND": stage2_append,
        "KX_KERNEL": "/boot/Image" if arm64 else "/boot/vmlinuz",
        "KX_INITRD": "/boot/stage2.cpio.gz",
        "KX_FIRMWARE": scn.firmware,
        "KX_USE_KEXEC_TOOLS": "1" if use_tools else "0",
        "KX_KEXEC_TOOLS_DIR": KEXEC_TOOLS_DIR,
        "KX_LINUX": args.linux or "6.1",
    }
    if arm64:
        env.update({"KX_ARCH": "arm64", "KX_CONSOLE": console, "KX_LINUX": kname,
                    "KX_EL2": "1" if scn.el2 else "0"})
    if scn.disk:
        env["KX_DISK"] = GUEST_DISKS[scn.disk_bus]
    subst = {"@TOKEN@": token, "@APPEND_TOKEN@": append_token,
             "@BOOT_TOKEN@": boot_token, "@APPEND@": stage2_append}

    tmp = tempfile.mkdtemp(prefix=f"kx-vm-{tag}-")
    try:
        t0 = time.monotonic()
        initrd = os.path.join(tmp, "stage1.cpio")
        with open(initrd, "wb") as f:
            if arm64:
                f.write(arm64_build_stage1(scn, args.build_dir, args.build_arm64,
                                           args.kernel, kdir, env, use_tools))
            else:
                if scn.acpi_hotplug:
                    f.write(acpi_hotplug_cpio(scn, args.kernel, tmp, args.build_dir))
                f.write(build_stage1(scn, args.build_dir, args.kernel, env, use_tools, tmp))
        t_build = time.monotonic() - t0
        if arm64:
            cmd = arm64_qemu_command(scn, args.kernel, initrd, stage1_append, tmp,
                                     args.build_dir, args.build_arm64)
        else:
            cmd = qemu_command(scn, args.kernel, initrd, stage1_append, tmp, args.build_dir)
        qmp_path = None
        if scn.qmp:
            qmp_path = os.path.join(tmp, "qmp.sock")
            cmd += ["-qmp", f"unix:{qmp_path},server=on,wait=off"]
        gdb_path = None
        if scn.gdb:
            gdb_path = os.path.join(tmp, "gdb.sock")
            cmd += ["-gdb", f"unix:{gdb_path},server=on,wait=off"]
        print(f"vm: {tag} ({scn.firmware}) log {log_path}", flush=True)
        rc, timed_out, t_run = run_qemu(cmd, log_path, scn.timeout, args.verbose,
                                          args.stamps, scn.until, qmp_path, gdb_path)
        check_errors = host_checks(scn, log_path, tmp, args, kdir)
    finally:
        if args.keep:
            print(f"vm: temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    with open(log_path, "rb") as f:
        log = f.read().decode("utf-8", "replace")
    errors = check(scn, log, subst) + check_errors
    if timed_out:
        errors.insert(0, f"timed out after {scn.timeout} s (QEMU killed)")
    elif rc != 0:
        errors.insert(0, f"qemu exited with status {rc}")
    summary = f"initramfs {t_build:.1f} s, qemu {t_run:.1f} s"
    if errors:
        if not args.verbose:
            print(f"--- last {TAIL_LINES} lines of {log_path} ---")
            print("\n".join(log.splitlines()[-TAIL_LINES:]))
            print("---")
        for e in errors:
            print(f"FAIL {tag}: {e}")
        print(f"vm: {tag} FAILED ({summary})")
        return 1
    print(f"vm: {tag} passed ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
