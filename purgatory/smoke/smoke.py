#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots the real purgatory blob in QEMU without a kernel: a multiboot shim
enters long mode and jumps to it; a tiny payload reports on COM1 what it
received. Cases: 64-bit hand-off, 32-bit hand-off, corrupted payload (must
print the mismatch and reset, never run the payload)."""
import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PURG_ADDR, PAYLOAD_ADDR = 0x200000, 0x300000
# Real mode: the payload below 1 MiB (smoke.lds), the trampoline page under it.
PAYLOAD16_ADDR, TRAMP16_ADDR = 0x80000, 0x70000
HDR = struct.Struct('<IHHIIIIII')  # struct kx_purg_header (purgatory/abi.h)
# struct kx_purg_params: generic part, then struct kx_purg_arch at 32 (abi_arch.h)
OFF_FLAGS, OFF_NR_REGIONS, OFF_ARCH, OFF_REGIONS = 0, 4, 32, 208
OFF_REGS64, OFF_REGS32, OFF_REGS16 = OFF_ARCH + 16, OFF_ARCH + 88, OFF_ARCH + 128
F_SERIAL, F_VGA, F_RESET_VGA, F_RESET_PIC = 1, 2, 4, 8


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def build_payload(cc, work, name):
    o, elf, b = (os.path.join(work, name + s) for s in ('.o', '.elf', '.bin'))
    run([cc, '-c', os.path.join(HERE, name + '.S'), '-o', o])
    run(['ld', '-Ttext=%#x' % (0 if name == 'payload16' else PAYLOAD_ADDR), '-o', elf, o])
    run(['objcopy', '-O', 'binary', elf, b])
    return open(b, 'rb').read()


def patch_blob(blob, mode, payload, flags):
    blob = bytearray(blob)
    magic, _, _, _, poff, _, isz, msz, _ = HDR.unpack_from(blob, 0)
    assert magic == 0x4752504b and isz == len(blob)
    struct.pack_into('<I', blob, poff + OFF_FLAGS, flags)
    struct.pack_into('<IHHI', blob, poff + OFF_ARCH, {64: 1, 32: 2, 16: 3}[mode], 0x3f8, 0, 115200)
    addr = PAYLOAD16_ADDR if mode == 16 else PAYLOAD_ADDR
    if mode == 16:
        # eax..ebp, then cs, ip, ds, es, ss, fs, gs, trampoline_seg
        struct.pack_into('<8I8H', blob, poff + OFF_REGS16, 1, 2, 3, 4, 0x12345678, 6, 0x7000, 8,
                         PAYLOAD16_ADDR >> 4, 0, 0x1234, 0x2345, 0x5000, 0, 0, TRAMP16_ADDR >> 4)
    elif mode == 64:
        struct.pack_into('<9Q', blob, poff + OFF_REGS64, 1, 2, 3, 4, 0x12345678abcdef, 6, 0,
                         8, PAYLOAD_ADDR)
    else:
        struct.pack_into('<9I', blob, poff + OFF_REGS32, 0x2badb002, 0x9000, 3, 4, 5, 6, 0,
                         8, PAYLOAD_ADDR)
    regions = [(addr, len(payload)), (addr, 0)]
    struct.pack_into('<I', blob, poff + OFF_NR_REGIONS, len(regions))
    for i, (start, n) in enumerate(regions):
        struct.pack_into('<QQ32s', blob, poff + OFF_REGIONS + 48 * i, start, n,
                         hashlib.sha256(payload[:n]).digest())
    return bytes(blob) + bytes(msz - isz)  # bss and stack, zeroed like kexec does


def boot(args, work, mode, corrupt, flags):
    payload = build_payload(args.cc, work, 'payload%d' % mode)
    purg = patch_blob(open(args.blob, 'rb').read(), mode, payload, flags)
    if corrupt:
        payload = bytearray(payload)
        payload[5] ^= 1
    open(os.path.join(work, 'purg_patched.bin'), 'wb').write(purg)
    open(os.path.join(work, 'payload.bin'), 'wb').write(payload)
    with open(os.path.join(work, 'blobs.S'), 'w') as f:
        f.write('\t.section .purg, "aw"\n\t.incbin "purg_patched.bin"\n'
                '\t.section %s, "aw"\n\t.incbin "payload.bin"\n'
                % ('.payload16' if mode == 16 else '.payload'))
    run([args.cc, '-c', os.path.join(HERE, 'shim.S'), '-o', os.path.join(work, 'shim.o')])
    run([args.cc, '-c', 'blobs.S', '-o', 'blobs.o'], cwd=work)
    # -N: no page alignment in the file, so the multiboot header stays in the
    # first 8 KiB even with the real-mode payload's segment before it.
    run(['ld', '-N', '--no-warn-rwx-segments', '-T', os.path.join(HERE, 'smoke.lds'),
         '-o', 'smoke64.elf', 'shim.o', 'blobs.o'], cwd=work)
    # QEMU's multiboot loader takes 32-bit ELF only.
    run(['objcopy', '-O', 'elf32-i386', 'smoke64.elf', 'smoke.elf'], cwd=work)
    try:
        p = subprocess.run([args.qemu, '-nographic', '-no-reboot', '-m', '256',
                            '-kernel', os.path.join(work, 'smoke.elf'),
                            '-device', 'isa-debug-exit,iobase=0xf4,iosize=1',
                            '-serial', 'stdio', '-monitor', 'none', '-display', 'none'],
                           capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired as e:  # a hang: show what it printed
        out = e.stdout.decode(errors='replace') if isinstance(e.stdout, bytes) else e.stdout
        return (out or '') + '\n[timed out]\n'
    return p.stdout


CASES = [
    # mode, corrupt, flags, strings that must appear, strings that must not
    (64, False, F_SERIAL, ['kx purgatory: verifying 2 regions',
                 'all regions verified (0 KiB', 'entering image at 0x300000',
                 'P64 @aabcdefghiklmnop'], []),
    (32, False, F_SERIAL, ['all regions verified', 'P32 @0clknlaac'], []),
    (64, True, F_SERIAL, ['SHA-256 mismatch in region 0 (start 0x300000, len 0x3a): refusing to boot, '
                'resetting'], ['P64']),
    # The optional jobs must not disturb the hand-off.
    (64, False, F_SERIAL | F_VGA | F_RESET_VGA | F_RESET_PIC,
     ['entering image at 0x300000', 'P64 @aabcdefghiklmnop'], []),
    # Real mode: PE clear, cs:ip = 0x8000:0, the segments and sp asked for,
    # esi intact, the IDT is the real-mode IVT (limit 0x3ff, base 0).
    (16, False, F_SERIAL, ['entering image at 0x80000',
                           'R16 0 8000 1234 2345 5000 7000 1234 5678 03ff 0000'], []),
    (16, True, F_SERIAL, ['SHA-256 mismatch in region 0 (start 0x80000'], ['R16']),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--blob', required=True)
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--cc', default='cc')
    args = ap.parse_args()
    failed = 0
    for mode, corrupt, flags, want, unwanted in CASES:
        with tempfile.TemporaryDirectory() as work:
            out = boot(args, work, mode, corrupt, flags)
        name = 'mode %d%s, flags %#x' % (mode, ', corrupted payload' if corrupt else '', flags)
        bad = [w for w in want if w not in out] + [u for u in unwanted if u in out]
        if bad:
            failed += 1
            print('FAIL %s: %r\n--- serial ---\n%s' % (name, bad, out))
        else:
            print('ok   %s' % name)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
