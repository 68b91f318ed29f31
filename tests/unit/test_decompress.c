/* SPDX-License-Identifier: MIT */
/* Decompression front end: a round trip per codec (compressed here with the
 * libraries), truncated and corrupt input, the bomb cap, and the cap rule. */
#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "core/err.h"
#include "formats/decompress.h"

/* Two legacy LZ4 blocks' worth (8 MiB each) plus a bit, compressible but not trivially. */
#define PLAIN_LEN ((9u << 20) + 12345)

static uint8_t *plain_data(void)
{
	uint8_t *p = malloc(PLAIN_LEN);
	uint32_t x = 12345;

	for (size_t i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (i & 64) ? (uint8_t)(x >> 24) & 7 : (uint8_t)(i >> 4);
	}
	return p;
}

static size_t gz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs = { 0 };

	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return zs.total_out;
}

static size_t xz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t pos = 0;

	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, len, out, &pos, cap),
			 LZMA_OK);
	return pos;
}

static size_t zst(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t n = ZSTD_compress(out, cap, in, len, 3);

	assert_false(ZSTD_isError(n));
	return n;
}

static size_t lz4f(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t n = LZ4F_compressFrame(out, cap, in, len, NULL);

	assert_false(LZ4F_isError(n));
	return n;
}

/* Legacy frame as the kernel build writes it: magic, (size, block)..., and
 * the uncompressed size as a trailing word. */
static size_t lz4l(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t pos = 4, blk = 8u << 20;

	memcpy(out, "\x02\x21\x4c\x18", 4);
	for (size_t off = 0; off < len; off += blk) {
		int n = LZ4_compress_default((const char *)in + off, (char *)out + pos + 4,
					     (int)(len - off < blk ? len - off : blk),
					     (int)(cap - pos - 4));

		assert_true(n > 0);
		for (int i = 0; i < 4; i++)
			out[pos + i] = (uint8_t)((uint32_t)n >> (8 * i));
		pos += 4 + (size_t)n;
	}
	for (int i = 0; i < 4; i++)
		out[pos + i] = (uint8_t)(len >> (8 * i));
	return pos + 4;
}

struct codec {
	const char *name;
	enum kx_compression kind;
	size_t (*compress)(const uint8_t *, size_t, uint8_t *, size_t);
};

static const struct codec codecs[] = {
	{ "gzip", KX_COMP_GZIP, gz },
	{ "xz", KX_COMP_XZ, xz },
	{ "zstd", KX_COMP_ZSTD, zst },
	{ "lz4", KX_COMP_LZ4, lz4f },
	{ "lz4-legacy", KX_COMP_LZ4_LEGACY, lz4l },
};

static void test_codecs(void **state)
{
	uint8_t *plain = plain_data();
	size_t cap = PLAIN_LEN + PLAIN_LEN / 4 + 65536;
	uint8_t *z = malloc(cap);

	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		const struct codec *k = &codecs[c];
		size_t zlen = k->compress(plain, PLAIN_LEN, z, cap), olen;
		uint8_t *out;
		int ret;

		assert_int_equal(kx_compression_detect(z, zlen), k->kind);
		assert_string_equal(kx_compression_name(k->kind), k->name);
		/* round trip */
		ret = kx_decompress(z, zlen, KX_DECOMPRESS_MAX_OUT, &out, &olen);
		if (ret)
			fail_msg("%s: %s", k->name, kx_errmsg());
		assert_int_equal(olen, PLAIN_LEN);
		assert_memory_equal(out, plain, PLAIN_LEN);
		free(out);
		/* exactly at the cap is fine */
		assert_int_equal(kx_decompress(z, zlen, PLAIN_LEN, &out, &olen), 0);
		free(out);
		/* bomb: a small cap */
		ret = kx_decompress(z, zlen, 1u << 20, &out, &olen);
		if (ret != -EFBIG || !strstr(kx_errmsg(), "output exceeds 1 MiB: refusing (decompression bomb?)"))
			fail_msg("%s bomb: %d %s", k->name, ret, kx_errmsg());
		assert_null(out);
		/* truncated: the first half */
		ret = kx_decompress(z, zlen / 2, KX_DECOMPRESS_MAX_OUT, &out, &olen);
		if (ret != -EINVAL || !strstr(kx_errmsg(), "truncated"))
			fail_msg("%s truncated: %d %s", k->name, ret, kx_errmsg());
		/* corrupt: damage in the middle is caught (by the codec or its check) */
		z[zlen / 2] ^= 0x55;
		z[zlen / 2 + 1] ^= 0xaa;
		ret = kx_decompress(z, zlen, KX_DECOMPRESS_MAX_OUT, &out, &olen);
		if ((k->kind == KX_COMP_LZ4_LEGACY || k->kind == KX_COMP_LZ4) && ret == 0) {
			/* No content checksum (legacy frames, and lz4 frames by
			 * default): damage may decode to other bytes. */
			free(out);
		} else if (ret != -EINVAL) {
			fail_msg("%s corrupt: %d %s", k->name, ret, kx_errmsg());
		}
	}
	free(z);
	free(plain);
}

static void test_not_compressed(void **state)
{
	uint8_t *out;
	size_t olen;

	assert_int_equal(kx_compression_detect((const uint8_t *)"\177ELF", 4), KX_COMP_NONE);
	assert_int_equal(kx_compression_detect((const uint8_t *)"\x1f", 1), KX_COMP_NONE);
	assert_int_equal(kx_decompress((const uint8_t *)"hello", 5, 100, &out, &olen), -ENOEXEC);
	/* magic only */
	assert_int_equal(kx_decompress((const uint8_t *)"\x28\xb5\x2f\xfd", 4, 100, &out, &olen),
			 -EINVAL);
	assert_int_equal(kx_decompress((const uint8_t *)"\x02\x21\x4c\x18\x05", 5, 100, &out, &olen),
			 -EINVAL);
}

static void test_cap_rule(void **state)
{
	assert_int_equal(kx_decompress_cap(0), KX_DECOMPRESS_MIN_CAP);
	assert_int_equal(kx_decompress_cap(1u << 20), 64u << 20);
	assert_int_equal(kx_decompress_cap(10u << 20), 640u << 20);
	assert_int_equal(kx_decompress_cap(100u << 20), KX_DECOMPRESS_MAX_OUT);
	assert_int_equal(kx_decompress_cap(SIZE_MAX), KX_DECOMPRESS_MAX_OUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_not_compressed),
		cmocka_unit_test(test_cap_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
