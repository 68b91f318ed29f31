#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots the real arm64 purgatory blob in qemu-system-aarch64 (virt, -cpu
max) without a kernel: QEMU's loader puts the blob, a tiny payload and a
block of data in RAM and starts the CPU at purgatory's entry, at EL1 or,
with virtualization=on, at EL2, MMU off. Cases: the SHA-256 instructions
and the forced scalar code (KX_PURG_F_SCALAR) verify the payload and the
data and enter the payload with x0 and x1-x3 = 0 and the MMU off; a wrong
digest prints the mismatch and resets through PSCI (QEMU -no-reboot exits),
never running the payload. Prints how long each verification took.
"""
import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RAM = 0x40000000
PURG_ADDR, PAYLOAD_ADDR, DATA_ADDR, X0 = RAM + 0x100000, RAM + 0x200000, RAM + 0x1000000, RAM + 0x8000000
UART = 0x09000000
HDR = struct.Struct('<IHHIIIIII')  # struct kx_purg_header (purgatory/abi.h)
# struct kx_purg_params: flags, nr_regions, backup; struct kx_purg_arch at 32
# (arch/arm64/abi_arch.h: entry_mode, psci_conduit, pc, x0, uart_base,
# uart_type); regions at 72.
OFF_FLAGS, OFF_NR, OFF_ARCH, OFF_REGIONS = 0, 4, 32, 72
F_SERIAL, F_SCALAR = 1, 2
PSCI_HVC, PSCI_SMC = 1, 2


def build_payload(cc, objcopy, work):
    elf, b = os.path.join(work, 'payload.elf'), os.path.join(work, 'payload.bin')
    subprocess.run([cc, '-nostdlib', '-static', '-Wl,--build-id=none',
                    '-Wl,-Ttext=%#x' % PAYLOAD_ADDR, '-o', elf,
                    os.path.join(HERE, 'payload.S')], check=True)
    subprocess.run([objcopy, '-O', 'binary', '-j', '.text', elf, b], check=True)
    return open(b, 'rb').read()


def patch_blob(blob, el, scalar, regions, bad):
    blob = bytearray(blob)
    magic, _, _, _, poff, _, isz, msz, _ = HDR.unpack_from(blob, 0)
    assert magic == 0x4752504b and isz == len(blob)
    struct.pack_into('<I', blob, poff + OFF_FLAGS, F_SERIAL | (F_SCALAR if scalar else 0))
    struct.pack_into('<IIQQQII', blob, poff + OFF_ARCH, 1, PSCI_SMC if el == 2 else PSCI_HVC,
                     PAYLOAD_ADDR, X0, UART, 1, 0)
    struct.pack_into('<I', blob, poff + OFF_NR, len(regions))
    for i, (start, data) in enumerate(regions):
        digest = bytearray(hashlib.sha256(data).digest())
        if bad and i == 0:
            digest[0] ^= 1
        struct.pack_into('<QQ32s', blob, poff + OFF_REGIONS + 48 * i, start, len(data),
                         bytes(digest))
    entry = HDR.unpack_from(blob, 0)[3]
    return bytes(blob) + bytes(msz - isz), entry


def run_case(a, work, name, el, scalar, bad, payload, data):
    blob, entry = patch_blob(open(a.blob, 'rb').read(), el, scalar,
                             [(PAYLOAD_ADDR, payload), (DATA_ADDR, data)], bad)
    files = {}
    for tag, content in (('purg', blob), ('payload', payload), ('data', data)):
        files[tag] = os.path.join(work, name + '.' + tag)
        open(files[tag], 'wb').write(content)
    machine = 'virt,virtualization=on' if el == 2 else 'virt'
    cmd = [a.qemu, '-M', machine, '-cpu', 'max,pauth-impdef=on', '-m', '1024',
           '-nodefaults', '-display', 'none', '-no-reboot', '-serial', 'stdio',
           '-device', 'loader,file=%s,addr=%#x,force-raw=on' % (files['purg'], PURG_ADDR),
           '-device', 'loader,file=%s,addr=%#x,force-raw=on' % (files['payload'], PAYLOAD_ADDR),
           '-device', 'loader,file=%s,addr=%#x,force-raw=on' % (files['data'], DATA_ADDR),
           '-device', 'loader,addr=%#x,cpu-num=0' % (PURG_ADDR + entry)]
    lines, stamps = [], {}
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for raw in p.stdout:
            line = raw.decode(errors='replace').rstrip('\r\n')
            lines.append(line)
            if 'verifying' in line:
                stamps['verifying'] = time.monotonic()
            if 'all regions verified' in line:
                stamps['verified'] = time.monotonic()
            if time.monotonic() - start > a.timeout:
                break
        p.wait(timeout=max(1, a.timeout - (time.monotonic() - start)))
    except subprocess.TimeoutExpired:
        p.kill()
        return ['%s: QEMU did not exit within %d s (a hang: no reset)' % (name, a.timeout)], lines
    out = '\n'.join(lines)
    errors = []
    want_impl = 'scalar' if scalar else 'sha2-ce'
    if 'kx purgatory: verifying 2 regions at EL%d' % el not in out:
        errors.append('%s: no "verifying 2 regions at EL%d" line' % (name, el))
    if bad:
        if 'SHA-256 mismatch in region 0' not in out or 'resetting' not in out:
            errors.append('%s: no mismatch and reset line' % name)
        if 'KX-PAYLOAD' in out:
            errors.append('%s: the payload ran despite the bad digest' % name)
    else:
        if '%d KiB, %s), entering image at %#x with x0 %#x' % (
                (len(payload) + len(data)) >> 10, want_impl, PAYLOAD_ADDR, X0) not in out:
            errors.append('%s: no "all regions verified (..., %s)" line' % (name, want_impl))
        if 'KX-PAYLOAD x0=%#018x x1-x3=0x0000000000000000 el=%d sctlr-m=0' % (X0, el) not in out:
            errors.append('%s: the payload did not report x0, x1-x3 = 0, EL%d, MMU off'
                          % (name, el))
        if 'verifying' in stamps and 'verified' in stamps:
            secs = stamps['verified'] - stamps['verifying']
            print('%s: verified %d KiB in %.2f s (%.1f MiB/s)' % (
                name, (len(payload) + len(data)) >> 10, secs,
                (len(payload) + len(data)) / 1048576 / max(secs, 1e-6)))
    return errors, lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--blob', required=True)
    ap.add_argument('--qemu', default='qemu-system-aarch64')
    ap.add_argument('--cc', default='aarch64-linux-gnu-gcc')
    ap.add_argument('--objcopy', default='aarch64-linux-gnu-objcopy')
    ap.add_argument('--data-mib', type=int, default=32)
    ap.add_argument('--timeout', type=int, default=60)
    a = ap.parse_args()
    cases = [('el1-sha2', 1, False, False), ('el1-scalar', 1, True, False),
             ('el2-sha2', 2, False, False), ('el2-scalar', 2, True, False),
             ('el1-bad-digest', 1, False, True), ('el2-bad-digest', 2, False, True)]
    failed = False
    with tempfile.TemporaryDirectory() as work:
        payload = build_payload(a.cc, a.objcopy, work)
        data = bytes((i * 131 + 7) & 0xff for i in range(256)) * (a.data_mib * 4096)
        for name, el, scalar, bad in cases:
            errors, lines = run_case(a, work, name, el, scalar, bad, payload, data)
            if errors:
                failed = True
                print('\n'.join(lines[-20:]))
                print('\n'.join('FAIL ' + e for e in errors))
            else:
                print('ok   ' + name)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
