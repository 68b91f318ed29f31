/* SPDX-License-Identifier: MIT */
/*
 * Page compression as the kdump-compressed format stores it, with
 * makedumpfile's parameters so that its readers (crash, makedumpfile) decode
 * every page: zlib's compress2 at Z_BEST_SPEED (a zlib stream), LZO1X-1,
 * zstd at level 1 (one frame), snappy's raw format (its C API). Snappy is a
 * C++ library: a static vmcore-save links the C++ runtime's static library
 * with it (meson.build).
 */
#ifndef KX_CRASH_PAGECODEC_H
#define KX_CRASH_PAGECODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kx_page_codec {
	KX_CODEC_NONE,
	KX_CODEC_ZLIB,
	KX_CODEC_LZO,
	KX_CODEC_ZSTD,
	KX_CODEC_SNAPPY,
};

/* Whether this build can write and read pages with the codec. */
bool kx_codec_available(enum kx_page_codec c);
const char *kx_codec_name(enum kx_page_codec c);
/* The page_desc / header flag of the codec (0 for none). */
uint32_t kx_codec_flag(enum kx_page_codec c);

/* Per-thread state of one codec (zstd's context, LZO's work memory). */
struct kx_codec_ctx;
int kx_codec_new(enum kx_page_codec c, struct kx_codec_ctx **out);
void kx_codec_free(struct kx_codec_ctx *cc);
/* Room for a compressed page of len bytes in the worst case. */
size_t kx_codec_bound(size_t len);
/* Compresses src into dst (kx_codec_bound(len) bytes); *out_len is the size.
 * false when the codec failed or the result is not smaller than len: the page
 * is then stored raw, as makedumpfile does. */
bool kx_codec_compress(struct kx_codec_ctx *cc, const uint8_t *src, size_t len, uint8_t *dst,
		       size_t *out_len);
/* Whether len bytes (a page size: a multiple of 256) are all zero. With AVX2
 * where the CPU has it: under QEMU's TCG a zero page is then checked in 70%
 * of the time of 64-bit words, which matters on a dump that keeps free pages
 * (-d 15 reads every one to find it zero). The same answer either way. */
bool kx_page_is_zero(const uint8_t *p, size_t len);
/* The same check with 64-bit words only (what kx_page_is_zero falls back to),
 * for the tests that compare the two. */
bool kx_page_is_zero_words(const uint8_t *p, size_t len);

/* Decodes one page of a kdump-compressed file, by its page_desc flags, into
 * exactly dst_len bytes; -EINVAL with a message when it does not decode to
 * that size, -ENOTSUP for a codec this build lacks. */
int kx_page_decompress(uint32_t flags, const uint8_t *src, size_t len, uint8_t *dst,
		       size_t dst_len);

#endif
