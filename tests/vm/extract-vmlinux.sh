#!/bin/sh
# Takes the uncompressed ELF vmlinux out of a bzImage: the setup header gives
# where the compressed payload starts (payload_offset at 0x248, from the start
# of the protected-mode code, which begins after (setup_sects + 1) * 512 bytes;
# setup_sects at 0x1f1) and its length (payload_length at 0x24c)
# (Documentation/arch/x86/boot.rst, protocol 2.08). Debian's kernels use LZ4
# legacy frames (arch/x86/boot/compressed: lz4 -l plus a 4-byte size).
# Usage: extract-vmlinux.sh BZIMAGE OUT
set -eu
in=$1
out=$2
u8() { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }
sects=$(u8 $((0x1f1)))
[ "$sects" -eq 0 ] && sects=4
off=$(( (sects + 1) * 512 + $(u32 $((0x248))) ))
len=$(u32 $((0x24c)))
tmp=$out.tmp.$$
tail -c +$((off + 1)) "$in" | head -c "$len" > "$tmp.z"
magic=$(od -An -tx1 -N4 "$tmp.z" | tr -d ' ')
case $magic in
  02214c18) lz4 -dc "$tmp.z" > "$tmp" 2>/dev/null || true ;;  # trailing size word: lz4 stops with a warning
  1f8b*) gzip -dc "$tmp.z" > "$tmp" 2>/dev/null || true ;;
  fd377a58) xz -dc "$tmp.z" > "$tmp" 2>/dev/null || true ;;
  28b52ffd) zstd -dc "$tmp.z" > "$tmp" 2>/dev/null || true ;;
  *) echo "extract-vmlinux: unknown payload compression (magic $magic)" >&2; rm -f "$tmp.z"; exit 1 ;;
esac
rm -f "$tmp.z"
if [ "$(od -An -tx1 -N4 "$tmp" | tr -d ' ')" != 7f454c46 ]; then
  echo "extract-vmlinux: the payload did not decompress to an ELF file" >&2
  rm -f "$tmp"
  exit 1
fi
mv "$tmp" "$out"
