/* SPDX-License-Identifier: MIT */
#include "crash/pagecodec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#ifdef KX_HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef KX_HAVE_SNAPPY
#include <snappy-c.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/err.h"
#include "crash/kdump.h"

#define MOD "kdump"
/* makedumpfile compresses with zlib's Z_BEST_SPEED and zstd's level 1, and
 * lzo with lzo1x_1. kx uses lzo1x_1_12: the same LZO1X stream (any LZO1X
 * decompressor reads it), 0.2% larger on a 6.1 dump at -d 31, and its 8 KiB
 * dictionary is what the compressor clears for every page, where lzo1x_1
 * clears 32 KiB: 4x less time under QEMU's TCG when memset is rep stosb. */
#define ZLIB_LEVEL Z_BEST_SPEED
#define ZSTD_LEVEL 1

struct kx_codec_ctx {
	enum kx_page_codec codec;
	/* One deflate state reset per page: compress2() would allocate and
	 * clear its 256 KiB for every page. The bytes are compress2()'s. */
	z_stream zlib;
	bool zlib_ready;
	ZSTD_CCtx *zstd;
	void *lzo_work;
};

bool kx_codec_available(enum kx_page_codec c)
{
#ifndef KX_HAVE_LZO
	if (c == KX_CODEC_LZO)
		return false;
#endif
#ifndef KX_HAVE_SNAPPY
	if (c == KX_CODEC_SNAPPY)
		return false;
#endif
	return true;
}

const char *kx_codec_name(enum kx_page_codec c)
{
	static const char *const names[] = {
		[KX_CODEC_NONE] = "none", [KX_CODEC_ZLIB] = "zlib",
		[KX_CODEC_LZO] = "lzo", [KX_CODEC_ZSTD] = "zstd", [KX_CODEC_SNAPPY] = "snappy",
	};

	return names[c];
}

uint32_t kx_codec_flag(enum kx_page_codec c)
{
	static const uint32_t flags[] = {
		[KX_CODEC_NONE] = 0, [KX_CODEC_ZLIB] = KX_KDUMP_ZLIB,
		[KX_CODEC_LZO] = KX_KDUMP_LZO, [KX_CODEC_ZSTD] = KX_KDUMP_ZSTD,
		[KX_CODEC_SNAPPY] = KX_KDUMP_SNAPPY,
	};

	return flags[c];
}

int kx_codec_new(enum kx_page_codec c, struct kx_codec_ctx **out)
{
	struct kx_codec_ctx *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return kx_err(ENOMEM, MOD, "out of memory for a %s context", kx_codec_name(c));
	cc->codec = c;
	if (!kx_codec_available(c)) {
		free(cc);
		return kx_err(ENOTSUP, MOD, "this build has no %s support", kx_codec_name(c));
	}
	if (c == KX_CODEC_ZSTD && !(cc->zstd = ZSTD_createCCtx()))
		goto oom;
	if (c == KX_CODEC_ZLIB) {
		if (deflateInit(&cc->zlib, ZLIB_LEVEL) != Z_OK)
			goto oom;
		cc->zlib_ready = true;
	}
#ifdef KX_HAVE_LZO
	if (c == KX_CODEC_LZO) {
		if (lzo_init() != LZO_E_OK) {
			free(cc);
			return kx_err(EINVAL, MOD, "lzo_init failed: liblzo2 does not match "
				      "its header");
		}
		if (!(cc->lzo_work = malloc(LZO1X_1_12_MEM_COMPRESS)))
			goto oom;
	}
#endif
	*out = cc;
	return 0;
oom:
	kx_codec_free(cc);
	return kx_err(ENOMEM, MOD, "out of memory for a %s context", kx_codec_name(c));
}

void kx_codec_free(struct kx_codec_ctx *cc)
{
	if (!cc)
		return;
	ZSTD_freeCCtx(cc->zstd);
	if (cc->zlib_ready)
		deflateEnd(&cc->zlib);
	free(cc->lzo_work);
	free(cc);
}

size_t kx_codec_bound(size_t len)
{
	size_t b = compressBound(len), z = ZSTD_compressBound(len);
	size_t lzo = len + len / 16 + 64 + 3; /* LZO1X's documented worst case */

#ifdef KX_HAVE_SNAPPY
	if (snappy_max_compressed_length(len) > b)
		b = snappy_max_compressed_length(len);
#endif
	if (z > b)
		b = z;
	return lzo > b ? lzo : b;
}

bool kx_codec_compress(struct kx_codec_ctx *cc, const uint8_t *src, size_t len, uint8_t *dst,
		       size_t *out_len)
{
	size_t cap = kx_codec_bound(len);

	switch (cc->codec) {
	case KX_CODEC_ZLIB: {
		z_stream *z = &cc->zlib;

		if (deflateReset(z) != Z_OK)
			return false;
		z->next_in = (Bytef *)src;
		z->avail_in = (uInt)len;
		z->next_out = dst;
		z->avail_out = (uInt)cap;
		if (deflate(z, Z_FINISH) != Z_STREAM_END)
			return false;
		*out_len = z->total_out;
		break;
	}
	case KX_CODEC_ZSTD: {
		size_t n = ZSTD_compressCCtx(cc->zstd, dst, cap, src, len, ZSTD_LEVEL);

		if (ZSTD_isError(n))
			return false;
		*out_len = n;
		break;
	}
#ifdef KX_HAVE_LZO
	case KX_CODEC_LZO: {
		lzo_uint n = 0;

		if (lzo1x_1_12_compress(src, len, dst, &n, cc->lzo_work) != LZO_E_OK)
			return false;
		*out_len = n;
		break;
	}
#endif
#ifdef KX_HAVE_SNAPPY
	case KX_CODEC_SNAPPY: {
		size_t n = cap;

		if (snappy_compress((const char *)src, len, (char *)dst, &n) != SNAPPY_OK)
			return false;
		*out_len = n;
		break;
	}
#endif
	default:
		return false;
	}
	return *out_len < len;
}

bool kx_page_is_zero_words(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 64) {
		uint64_t w[8];

		memcpy(w, p + i, sizeof(w));
		if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
			return false;
	}
	return true;
}

#if defined(__x86_64__)
/* 256 bytes per test: eight unaligned 32-byte loads ORed together. */
__attribute__((target("avx2"))) static bool page_is_zero_avx2(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 256) {
		const __m256i *q = (const __m256i *)(const void *)(p + i);
		__m256i a = _mm256_loadu_si256(q);

		for (int k = 1; k < 8; k++)
			a = _mm256_or_si256(a, _mm256_loadu_si256(q + k));
		if (!_mm256_testz_si256(a, a))
			return false;
	}
	return true;
}
#endif

bool kx_page_is_zero(const uint8_t *p, size_t len)
{
#if defined(__x86_64__)
	/* A load of libgcc's CPU model, set up before main; it says AVX2 only
	 * when the OS saves the YMM state. */
	if (__builtin_cpu_supports("avx2") && len % 256 == 0)
		return page_is_zero_avx2(p, len);
#endif
	return kx_page_is_zero_words(p, len);
}

int kx_page_decompress(uint32_t flags, const uint8_t *src, size_t len, uint8_t *dst,
		       size_t dst_len)
{
	size_t got;

	if (flags & KX_KDUMP_ZLIB) {
		uLongf n = dst_len;

		if (uncompress(dst, &n, src, len) != Z_OK)
			return kx_err(EINVAL, MOD, "a zlib page does not decompress");
		got = n;
	} else if (flags & KX_KDUMP_ZSTD) {
		got = ZSTD_decompress(dst, dst_len, src, len);
		if (ZSTD_isError(got))
			return kx_err(EINVAL, MOD, "a zstd page does not decompress: %s",
				      ZSTD_getErrorName(got));
	} else if (flags & KX_KDUMP_LZO) {
#ifdef KX_HAVE_LZO
		lzo_uint n = dst_len;

		if (lzo1x_decompress_safe(src, len, dst, &n, NULL) != LZO_E_OK)
			return kx_err(EINVAL, MOD, "an lzo page does not decompress");
		got = n;
#else
		return kx_err(ENOTSUP, MOD, "lzo page: this build has no lzo support");
#endif
	} else if (flags & KX_KDUMP_SNAPPY) {
#ifdef KX_HAVE_SNAPPY
		size_t n = dst_len;
		snappy_status st = snappy_uncompress((const char *)src, len, (char *)dst, &n);

		if (st == SNAPPY_BUFFER_TOO_SMALL)
			return kx_err(EINVAL, MOD, "a snappy page decompresses to more than %zu bytes",
				      dst_len);
		if (st != SNAPPY_OK)
			return kx_err(EINVAL, MOD, "a snappy page does not decompress");
		got = n;
#else
		return kx_err(ENOTSUP, MOD, "snappy page: this build has no snappy support");
#endif
	} else {
		if (len != dst_len)
			return kx_err(EINVAL, MOD, "an uncompressed page of %zu bytes, not %zu",
				      len, dst_len);
		memcpy(dst, src, len);
		got = len;
	}
	if (got != dst_len)
		return kx_err(EINVAL, MOD, "a page decompresses to %zu bytes, not %zu", got,
			      dst_len);
	return 0;
}
