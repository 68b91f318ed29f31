/* SPDX-License-Identifier: MIT */
/*
 * See decompress.h. One function per codec, all with the same shape: stream
 * the input through the library into a buffer that grows (doubling) up to the
 * cap; running into the cap is a decompression bomb, running out of input
 * before the codec's end marker is a truncated file.
 */
#include "formats/decompress.h"

#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/err.h"

#define MOD "decompress"

/* Magic numbers, from each format's specification (see decompress.h). */
static const uint8_t GZIP_MAGIC[] = { 0x1f, 0x8b };
static const uint8_t XZ_MAGIC[] = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 };
static const uint8_t ZSTD_MAGIC[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const uint8_t LZ4_MAGIC[] = { 0x04, 0x22, 0x4d, 0x18 };
static const uint8_t LZ4_LEGACY_MAGIC[] = { 0x02, 0x21, 0x4c, 0x18 };
/* Legacy frames: every block decompresses to at most 8 MiB (lz4 legacy
 * format; the kernel's lib/decompress_unlz4.c uses the same bound). */
#define LZ4_LEGACY_BLOCK_MAX (8u << 20)
#define LZ4_LEGACY_HDR 4
/* xz: memory the decoder may use for its dictionary (xz -9 needs 65 MiB). */
#define XZ_MEMLIMIT (256ull << 20)
/* First output buffer: a guess at the ratio, grown by doubling. */
#define FIRST_GUESS_RATIO 4
#define FIRST_GUESS_MIN (64u << 10)

static bool has_magic(const uint8_t *buf, size_t len, const uint8_t *magic, size_t mlen)
{
	return len >= mlen && !memcmp(buf, magic, mlen);
}

enum kx_compression kx_compression_detect(const uint8_t *buf, size_t len)
{
	if (has_magic(buf, len, GZIP_MAGIC, sizeof(GZIP_MAGIC)))
		return KX_COMP_GZIP;
	if (has_magic(buf, len, XZ_MAGIC, sizeof(XZ_MAGIC)))
		return KX_COMP_XZ;
	if (has_magic(buf, len, ZSTD_MAGIC, sizeof(ZSTD_MAGIC)))
		return KX_COMP_ZSTD;
	if (has_magic(buf, len, LZ4_MAGIC, sizeof(LZ4_MAGIC)))
		return KX_COMP_LZ4;
	if (has_magic(buf, len, LZ4_LEGACY_MAGIC, sizeof(LZ4_LEGACY_MAGIC)))
		return KX_COMP_LZ4_LEGACY;
	return KX_COMP_NONE;
}

const char *kx_compression_name(enum kx_compression c)
{
	switch (c) {
	case KX_COMP_NONE: return "none";
	case KX_COMP_GZIP: return "gzip";
	case KX_COMP_XZ: return "xz";
	case KX_COMP_ZSTD: return "zstd";
	case KX_COMP_LZ4: return "lz4";
	case KX_COMP_LZ4_LEGACY: return "lz4-legacy";
	}
	return "?";
}

size_t kx_decompress_cap(size_t in_len)
{
	uint64_t cap = (uint64_t)in_len * KX_DECOMPRESS_MAX_RATIO;

	if (in_len > KX_DECOMPRESS_MAX_OUT / KX_DECOMPRESS_MAX_RATIO)
		cap = KX_DECOMPRESS_MAX_OUT;
	if (cap < KX_DECOMPRESS_MIN_CAP)
		cap = KX_DECOMPRESS_MIN_CAP;
	if (cap > KX_DECOMPRESS_MAX_OUT)
		cap = KX_DECOMPRESS_MAX_OUT;
	return (size_t)cap;
}

/* The growing output buffer. */
struct outbuf {
	uint8_t *buf;
	size_t len;   /* bytes produced */
	size_t size;  /* bytes allocated */
	size_t cap;   /* never more than this */
	const char *codec;
};

static int bomb(const struct outbuf *o)
{
	if (o->cap >= (1u << 20))
		return kx_err(EFBIG, MOD,
			      "%s output exceeds %zu MiB: refusing (decompression bomb?)", o->codec,
			      o->cap >> 20);
	return kx_err(EFBIG, MOD, "%s output exceeds %zu bytes: refusing (decompression bomb?)",
		      o->codec, o->cap);
}

static int truncated(const struct outbuf *o, size_t in_len)
{
	return kx_err(EINVAL, MOD,
		      "%s stream is truncated: the %zu bytes end before the end of the data "
		      "(incomplete download or copy?)", o->codec, in_len);
}

static int corrupt(const struct outbuf *o, const char *why)
{
	return kx_err(EINVAL, MOD, "%s stream is corrupt: %s", o->codec, why);
}

static int outbuf_init(struct outbuf *o, size_t in_len, size_t cap, const char *codec)
{
	size_t first = in_len <= SIZE_MAX / FIRST_GUESS_RATIO ? in_len * FIRST_GUESS_RATIO : cap;

	if (first < FIRST_GUESS_MIN)
		first = FIRST_GUESS_MIN;
	if (first > cap)
		first = cap;
	if (!first)
		first = 1;
	o->buf = malloc(first);
	o->len = 0;
	o->size = first;
	o->cap = cap;
	o->codec = codec;
	if (!o->buf)
		return kx_err(ENOMEM, MOD, "out of memory for %zu bytes", first);
	return 0;
}

/* Makes room for at least `want` more bytes, or all that the cap allows.
 * -EFBIG (with the bomb message) when the buffer is already at the cap. */
static int outbuf_grow(struct outbuf *o, size_t want)
{
	size_t nsize;
	uint8_t *n;

	if (o->size - o->len >= want)
		return 0;
	if (o->size >= o->cap)
		return bomb(o);
	nsize = o->size <= o->cap / 2 ? o->size * 2 : o->cap;
	while (nsize - o->len < want && nsize < o->cap)
		nsize = nsize <= o->cap / 2 ? nsize * 2 : o->cap;
	n = realloc(o->buf, nsize);
	if (!n)
		return kx_err(ENOMEM, MOD, "out of memory for %zu bytes", nsize);
	o->buf = n;
	o->size = nsize;
	return 0;
}

static int gunzip(const uint8_t *in, size_t len, struct outbuf *o)
{
	z_stream zs;
	int zr, ret = 0;

	memset(&zs, 0, sizeof(zs));
	/* 16 + MAX_WBITS: expect the gzip wrapper (zlib.h, inflateInit2). */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return kx_err(ENOMEM, MOD, "gzip: cannot initialise zlib");
	zs.next_in = (Bytef *)in;
	for (;;) {
		size_t chunk_in = len - (size_t)((const uint8_t *)zs.next_in - in);

		/* zlib's counters are uInt: feed at most 1 GiB at a time. */
		zs.avail_in = chunk_in > (1u << 30) ? (1u << 30) : (uInt)chunk_in;
		ret = outbuf_grow(o, 1);
		if (ret < 0)
			break;
		{
			size_t room = o->size - o->len;

			zs.next_out = o->buf + o->len;
			zs.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
			zr = inflate(&zs, Z_NO_FLUSH);
			o->len += (room > (1u << 30) ? (1u << 30) : room) - zs.avail_out;
		}
		if (zr == Z_STREAM_END) {
			size_t used = (size_t)((const uint8_t *)zs.next_in - in);

			/* gzip allows members one after another (RFC 1952 2.2);
			 * anything else after the end (padding) is ignored. */
			if (len - used >= sizeof(GZIP_MAGIC) &&
			    has_magic(in + used, len - used, GZIP_MAGIC, sizeof(GZIP_MAGIC))) {
				inflateReset(&zs);
				continue;
			}
			ret = 0;
			break;
		}
		if (zr == Z_BUF_ERROR || zr == Z_OK) {
			if (!zs.avail_out)
				continue;
			if ((const uint8_t *)zs.next_in - in == (ptrdiff_t)len) {
				ret = truncated(o, len);
				break;
			}
			continue;
		}
		ret = corrupt(o, zs.msg ? zs.msg : "inflate failed");
		break;
	}
	inflateEnd(&zs);
	return ret;
}

static int unxz(const uint8_t *in, size_t len, struct outbuf *o)
{
	lzma_stream xs = LZMA_STREAM_INIT;
	lzma_ret lr;
	int ret;

	/* LZMA_CONCATENATED: like xz(1), accept several streams one after another. */
	if (lzma_stream_decoder(&xs, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
		return kx_err(ENOMEM, MOD, "xz: cannot initialise liblzma");
	xs.next_in = in;
	xs.avail_in = len;
	for (;;) {
		ret = outbuf_grow(o, 1);
		if (ret < 0)
			break;
		xs.next_out = o->buf + o->len;
		xs.avail_out = o->size - o->len;
		lr = lzma_code(&xs, LZMA_FINISH);
		o->len = o->size - xs.avail_out;
		if (lr == LZMA_STREAM_END) {
			ret = 0;
			break;
		}
		if (lr == LZMA_OK)
			continue;
		if (lr == LZMA_BUF_ERROR && xs.avail_out)
			ret = truncated(o, len);
		else if (lr == LZMA_BUF_ERROR)
			continue;
		else if (lr == LZMA_MEMLIMIT_ERROR)
			ret = corrupt(o, "it needs more than 256 MiB of dictionary memory");
		else if (lr == LZMA_FORMAT_ERROR || lr == LZMA_OPTIONS_ERROR)
			ret = corrupt(o, "unsupported xz header or options");
		else
			ret = corrupt(o, "check or data error");
		break;
	}
	lzma_end(&xs);
	return ret;
}

static int unzstd(const uint8_t *in, size_t len, struct outbuf *o)
{
	ZSTD_DStream *zs = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t zr = 1;
	int ret = 0;

	if (!zs)
		return kx_err(ENOMEM, MOD, "zstd: cannot initialise libzstd");
	for (;;) {
		ZSTD_outBuffer ob;

		ret = outbuf_grow(o, 1);
		if (ret < 0)
			break;
		ob = (ZSTD_outBuffer){ o->buf + o->len, o->size - o->len, 0 };
		zr = ZSTD_decompressStream(zs, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(zr)) {
			ret = corrupt(o, ZSTD_getErrorName(zr));
			break;
		}
		/* zr == 0: a frame ended; further frames may follow. */
		if (ib.pos == ib.size && !zr)
			break;
		if (ib.pos == ib.size && ob.pos < ob.size) {
			ret = truncated(o, len);
			break;
		}
	}
	ZSTD_freeDStream(zs);
	return ret;
}

static int unlz4_frame(const uint8_t *in, size_t len, struct outbuf *o)
{
	LZ4F_dctx *dc;
	size_t pos = 0, lr = 1;
	int ret = 0;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION)))
		return kx_err(ENOMEM, MOD, "lz4: cannot initialise liblz4");
	for (;;) {
		size_t src = len - pos, dst;

		ret = outbuf_grow(o, 1);
		if (ret < 0)
			break;
		dst = o->size - o->len;
		lr = LZ4F_decompress(dc, o->buf + o->len, &dst, in + pos, &src, NULL);
		o->len += dst;
		pos += src;
		if (LZ4F_isError(lr)) {
			ret = corrupt(o, LZ4F_getErrorName(lr));
			break;
		}
		/* lr: input bytes still expected; 0 when a frame ended cleanly. */
		if (pos == len && !lr)
			break;
		if (pos == len && o->len < o->size) {
			ret = truncated(o, len);
			break;
		}
	}
	LZ4F_freeDecompressionContext(dc);
	return ret;
}

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Legacy frame: magic, then blocks of (4-byte little-endian compressed size,
 * data), each decompressing to at most 8 MiB; a new magic may start another
 * frame. The kernel's build appends the uncompressed size as a final 4-byte
 * word (scripts/Makefile.lib, size_append): accept exactly that as the end. */
static int unlz4_legacy(const uint8_t *in, size_t len, struct outbuf *o)
{
	size_t pos = LZ4_LEGACY_HDR;

	while (pos < len) {
		uint32_t csize;
		size_t room;
		int n;

		if (len - pos < 4)
			return truncated(o, len);
		csize = rd32le(in + pos);
		if (csize == rd32le(LZ4_LEGACY_MAGIC)) {
			pos += 4;
			continue;
		}
		if (len - pos == 4)
			break; /* the kernel's trailing size word */
		pos += 4;
		if (!csize || csize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK_MAX))
			return corrupt(o, "block size out of range");
		if (csize > len - pos)
			return truncated(o, len);
		if (o->len >= o->cap)
			return bomb(o);
		/* Room for a whole block, or one byte past the cap: a block that
		 * reaches that byte is a bomb, not corrupt data. */
		room = LZ4_LEGACY_BLOCK_MAX;
		if (o->cap - o->len < room)
			room = o->cap - o->len + 1;
		if (o->size - o->len < room) {
			uint8_t *nb = realloc(o->buf, o->len + room);

			if (!nb)
				return kx_err(ENOMEM, MOD, "out of memory for %zu bytes", o->len + room);
			o->buf = nb;
			o->size = o->len + room;
		}
		n = LZ4_decompress_safe_partial((const char *)in + pos, (char *)o->buf + o->len,
						(int)csize, (int)room, (int)room);
		if (n < 0)
			return corrupt(o, "bad block data");
		o->len += (size_t)n;
		if (o->len > o->cap)
			return bomb(o);
		pos += csize;
	}
	return 0;
}

int kx_decompress(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len)
{
	enum kx_compression c = kx_compression_detect(in, len);
	struct outbuf o;
	int ret;

	*out = NULL;
	*out_len = 0;
	if (c == KX_COMP_NONE)
		return kx_err(ENOEXEC, MOD, "not a compressed file (no known magic number)");
	ret = outbuf_init(&o, len, cap, kx_compression_name(c));
	if (ret < 0)
		return ret;
	switch (c) {
	case KX_COMP_GZIP: ret = gunzip(in, len, &o); break;
	case KX_COMP_XZ: ret = unxz(in, len, &o); break;
	case KX_COMP_ZSTD: ret = unzstd(in, len, &o); break;
	case KX_COMP_LZ4: ret = unlz4_frame(in, len, &o); break;
	case KX_COMP_LZ4_LEGACY: ret = unlz4_legacy(in, len, &o); break;
	case KX_COMP_NONE: ret = -ENOEXEC; break;
	}
	if (ret == 0 && !o.len)
		ret = kx_err(EINVAL, MOD, "%s stream decompresses to nothing", o.codec);
	if (ret < 0) {
		free(o.buf);
		return ret;
	}
	*out = o.buf;
	*out_len = o.len;
	return 0;
}
