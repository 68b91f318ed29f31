/* SPDX-License-Identifier: MIT */
/*
 * Whole-file decompression of kernel images (vmlinux.gz, .xz, .zst, .lz4),
 * recognised by their magic numbers. The loader core runs it before format
 * detection, so every format sees plain bytes. Output is bounded: a small
 * file that expands without end is refused, not allowed to eat the machine.
 */
#ifndef KX_DECOMPRESS_H
#define KX_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum kx_compression {
	KX_COMP_NONE,
	KX_COMP_GZIP,       /* RFC 1952 */
	KX_COMP_XZ,         /* xz file format (tukaani.org/xz/xz-file-format.txt) */
	KX_COMP_ZSTD,       /* RFC 8878 */
	KX_COMP_LZ4,        /* LZ4 frame format (lz4_Frame_format.md) */
	KX_COMP_LZ4_LEGACY, /* LZ4 legacy frame, what `lz4 -l` and the kernel build make */
};

/* Hard ceiling on what one image may expand to, whatever its size. */
#define KX_DECOMPRESS_MAX_OUT (1ull << 30)
/* Kernels compress about 3-5x; 64x is far above any real image... */
#define KX_DECOMPRESS_MAX_RATIO 64
/* ...but a tiny input must still be allowed a useful size. */
#define KX_DECOMPRESS_MIN_CAP (64ull << 20)

enum kx_compression kx_compression_detect(const uint8_t *buf, size_t len);
const char *kx_compression_name(enum kx_compression c);

/* The output cap kx_build_plan uses for an input of in_len bytes:
 * min(KX_DECOMPRESS_MAX_OUT, max(KX_DECOMPRESS_MIN_CAP, 64 * in_len)). */
size_t kx_decompress_cap(size_t in_len);

/* Decompresses `in` (format by magic) into a new malloc'ed buffer of at most
 * `cap` bytes. Returns 0 with *out / *out_len set (caller frees *out),
 * -ENOEXEC when the input is not compressed in a known format, -EFBIG when the
 * output would exceed cap, -EINVAL for corrupt or truncated input, -ENOMEM. */
int kx_decompress(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len);

#endif
