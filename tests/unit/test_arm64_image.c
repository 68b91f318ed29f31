/* SPDX-License-Identifier: MIT */
/* The arm64 Image header (src/arch/arm64/image_header.c): the fixture 6.12
 * kernel, truncated copies of it (caught through the EFI stub's PE section
 * table, since image_size counts BSS), and crafted headers, one row each. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/image_header.h"
#include "arm64_fixture.h"
#include "core/bytes.h"
#include "core/err.h"

#define M2 0x200000ull

static void test_fixture_kernel(void **state)
{
	struct kx_arm64_image im;
	size_t len;
	uint8_t *img = arm64fix_image(&len);

	if (!img)
		skip();
	assert_int_equal(len, ARM64FIX_IMAGE_SIZE);
	assert_true(kx_arm64_image_is(img, len));
	assert_int_equal(kx_arm64_image_parse(img, len, &im), 0);
	/* A 6.12 kernel: text_offset 0 (TEXT_OFFSET is gone since 5.10), 4K
	 * pages (ARM64_VA_BITS_48 with 4K), placement anywhere (bit 3). */
	assert_int_equal(im.text_offset, 0);
	assert_false(im.legacy);
	assert_true(im.image_size > len);
	assert_int_equal(im.page_size, KX_ARM64_PAGE_4K);
	assert_string_equal(kx_arm64_page_size_name(im.page_size), "4K");
	assert_true(im.phys_anywhere);
	assert_true(im.has_pe);
	assert_int_equal(im.file_end, len);
	free(img);
}

/* kexec-tools 2.0.25 takes a 4 KiB Image and hangs at kexec -e: each cut
 * must be refused as truncated. */
static void test_fixture_truncated(void **state)
{
	static const struct {
		const char *name;
		size_t keep;     /* bytes kept; 0: len - cut */
		size_t cut;
	} rows[] = {
		{ "header only", 64, 0 },
		{ "inside the PE headers", 0x100, 0 },
		{ "4 KiB", 4096, 0 },
		{ "half", 0, ARM64FIX_IMAGE_SIZE / 2 },
		{ "one byte short", 0, 1 },
		{ "one page short", 0, 4096 },
	};
	size_t len;
	uint8_t *img = arm64fix_image(&len);

	if (!img)
		skip();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kx_arm64_image im;
		size_t n = rows[i].keep ? rows[i].keep : len - rows[i].cut;

		kx_err_clear();
		print_message("%s (%zu bytes)\n", rows[i].name, n);
		assert_int_equal(kx_arm64_image_parse(img, n, &im), -EINVAL);
		assert_non_null(strstr(kx_errmsg(), "truncated"));
		assert_non_null(strstr(kx_errmsg(), "Image: "));
	}
	free(img);
}

/* Crafted headers without an EFI stub (code0 is not "MZ"). */
struct hdr_row {
	const char *name;
	size_t len;             /* file length (>= 64 unless testing short files) */
	bool no_magic;
	uint64_t text_offset, image_size, flags;
	int ret;
	const char *msg;        /* in the error message */
	uint64_t want_text_offset, want_image_size;
	enum kx_arm64_page_size want_page;
	bool want_anywhere, want_legacy;
};

/* A row that must be refused: ret and a piece of its message. */
#define BAD(name, len, no_magic, text_offset, image_size, flags, ret, msg)                \
	{ name, len, no_magic, text_offset, image_size, flags, ret, msg, 0, 0,            \
	  KX_ARM64_PAGE_UNSPECIFIED, false, false }

static const struct hdr_row hdr_rows[] = {
	{ "modern 4K anywhere", 4096, false, 0, M2, 0xa, 0, NULL, 0, M2, KX_ARM64_PAGE_4K, true,
	  false },
	{ "text_offset 0x80000, 64K pages, low placement", 4096, false, 0x80000, M2, 0x6, 0, NULL,
	  0x80000, M2, KX_ARM64_PAGE_64K, false, false },
	{ "16K pages", 4096, false, 0, M2, 0x4, 0, NULL, 0, M2, KX_ARM64_PAGE_16K, false, false },
	{ "page size unspecified", 4096, false, 0, M2, 0, 0, NULL, 0, M2,
	  KX_ARM64_PAGE_UNSPECIFIED, false, false },
	{ "reserved flag bits ignored", 4096, false, 0, M2, 0xa | 0xf0, 0, NULL, 0, M2,
	  KX_ARM64_PAGE_4K, true, false },
	{ "image_size equal to the file", 8192, false, 0, 8192, 0xa, 0, NULL, 0, 8192,
	  KX_ARM64_PAGE_4K, true, false },
	/* Before v3.17: image_size 0, text_offset of unknown endianness. */
	{ "legacy: image_size 0", 4096, false, 0x12345, 0, 0xff, 0, NULL, 0x80000, 4096,
	  KX_ARM64_PAGE_UNSPECIFIED, false, true },
	BAD("no magic", 4096, true, 0, M2, 0xa, -ENOEXEC, "no arm64 Image magic"),
	BAD("63 bytes", 63, false, 0, M2, 0xa, -ENOEXEC, "shorter than the 64-byte"),
	BAD("empty", 0, true, 0, 0, 0, -ENOEXEC, "shorter than the 64-byte"),
	BAD("big-endian", 4096, false, 0, M2, 0xb, -EINVAL, "big-endian"),
	BAD("text_offset not page aligned", 4096, false, 0x1001, M2, 0xa, -EINVAL, "text_offset"),
	BAD("text_offset 2 MiB", 4096, false, M2, M2, 0xa, -EINVAL, "text_offset"),
	BAD("text_offset top of u64", 4096, false, UINT64_MAX & ~0xfffull, M2, 0xa, -EINVAL,
	    "text_offset"),
	BAD("image_size below the file", 8192, false, 0, 4096, 0xa, -EINVAL, "smaller than the file"),
	BAD("image_size top of u64", 4096, false, 0, UINT64_MAX, 0xa, -EINVAL, "too large"),
};

static uint8_t *craft(const struct hdr_row *r)
{
	uint8_t *b = calloc(1, r->len ? r->len : 1);

	if (r->len >= KX_ARM64_HDR_SIZE) {
		kx_put32(b + KX_ARM64_HDR_CODE0, 0x14000010); /* b #64: a branch, not "MZ" */
		kx_put64(b + KX_ARM64_HDR_TEXT_OFFSET, r->text_offset);
		kx_put64(b + KX_ARM64_HDR_IMAGE_SIZE, r->image_size);
		kx_put64(b + KX_ARM64_HDR_FLAGS, r->flags);
		if (!r->no_magic)
			memcpy(b + KX_ARM64_HDR_MAGIC, KX_ARM64_MAGIC, KX_ARM64_MAGIC_SIZE);
	} else if (r->len >= KX_ARM64_HDR_MAGIC + KX_ARM64_MAGIC_SIZE && !r->no_magic) {
		memcpy(b + KX_ARM64_HDR_MAGIC, KX_ARM64_MAGIC, KX_ARM64_MAGIC_SIZE);
	}
	return b;
}

static void test_crafted_headers(void **state)
{
	for (size_t i = 0; i < sizeof(hdr_rows) / sizeof(hdr_rows[0]); i++) {
		const struct hdr_row *r = &hdr_rows[i];
		struct kx_arm64_image im;
		uint8_t *b = craft(r);
		int ret;

		kx_err_clear();
		print_message("%s\n", r->name);
		ret = kx_arm64_image_parse(b, r->len, &im);
		assert_int_equal(ret, r->ret);
		if (ret < 0) {
			assert_non_null(strstr(kx_errmsg(), r->msg));
		} else {
			assert_int_equal(im.text_offset, r->want_text_offset);
			assert_int_equal(im.image_size, r->want_image_size);
			assert_int_equal(im.page_size, r->want_page);
			assert_int_equal(im.phys_anywhere, r->want_anywhere);
			assert_int_equal(im.legacy, r->want_legacy);
			assert_false(im.has_pe);
		}
		free(b);
	}
}

/* A damaged EFI stub header ("MZ" with e_lfanew outside the file) is
 * refused even though the Image header itself is fine. */
static void test_bad_pe_header(void **state)
{
	const struct hdr_row r = { .name = "", .len = 4096, .image_size = M2, .flags = 0xa };
	struct kx_arm64_image im;
	uint8_t *b = craft(&r);

	memcpy(b, "MZ", 2);
	kx_put32(b + KX_ARM64_HDR_RES5, 0x10000);
	kx_err_clear();
	assert_int_equal(kx_arm64_image_parse(b, r.len, &im), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "e_lfanew"));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_kernel),
		cmocka_unit_test(test_fixture_truncated),
		cmocka_unit_test(test_crafted_headers),
		cmocka_unit_test(test_bad_pe_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
