/* SPDX-License-Identifier: MIT */
/* formats/zboot: the fixture's vmlinuz.efi unwraps to exactly the Image of
 * its Image.gz (padded with zeros to image_size); generated zboot images (a PE with "zimg") for every way the
 * header can be wrong, one row each; and the loader's unwrap step. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arm64_fixture.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/pe.h"
#include "core/sha256.h"
#include "formats/zboot.h"
#include "lib/build.h"
#include "pe_fixture.h"

/* gzip -n of a 4 KiB arm64 Image: a 64-byte header (text_offset 0,
 * image_size 2 MiB, flags 0xa, "ARM\x64") and zeros. */
static const uint8_t GZ_IMAGE[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc4, 0x21, 0x0d,
	0x00, 0x20, 0x14, 0x05, 0xc0, 0xa7, 0x49, 0x41, 0x15, 0x02, 0x60, 0xc8, 0x40, 0xff,
	0x0c, 0x7f, 0x43, 0x22, 0xf0, 0x6c, 0x77, 0xe2, 0x92, 0x5b, 0x3f, 0xb7, 0xbc, 0x8d,
	0x35, 0x77, 0x00, 0x00, 0x00, 0x80, 0x2f, 0x14, 0x1c, 0x51, 0x64, 0x33, 0x00, 0x10,
	0x00, 0x00,
};
/* gzip -n of "not a kernel, just text" x 8. */
static const uint8_t GZ_TEXT[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0xcb, 0x2f, 0x51,
	0x48, 0x54, 0xc8, 0x4e, 0x2d, 0xca, 0x4b, 0xcd, 0xd1, 0x51, 0xc8, 0x2a, 0x2d, 0x2e,
	0x51, 0x28, 0x49, 0xad, 0x28, 0xc9, 0x1b, 0xec, 0xc2, 0x00, 0x42, 0x2c, 0xd4, 0x0a,
	0xb8, 0x00, 0x00, 0x00,
};
/* Image.gz's README: sha256 of the uncompressed Image. */
static const char IMAGE_SHA256[] =
	"fc451f37a8aa448dde41a32e639820713e6219590d6d021864f0f7337c2aac5d";

#define PE_MACHINE_OFFSET (PEFIX_LFANEW + 4)

/* A zboot image for `machine` whose payload (one section) is `payload`,
 * named `comp`. */
static uint8_t *make_zboot(const uint8_t *payload, size_t n, const char *comp,
			   uint16_t machine, size_t *len)
{
	const struct pefix_sec s[] = { PEFIX_SEC(".data", payload, n) };
	uint8_t *b = pefix_make(s, 1, len);
	struct kx_pe pe;

	assert_int_equal(kx_pe_parse(b, *len, &pe), 0);
	memcpy(b + KX_ZBOOT_MAGIC_OFFSET, KX_ZBOOT_MAGIC, KX_ZBOOT_MAGIC_SIZE);
	kx_put32(b + KX_ZBOOT_PAYLOAD_OFFSET, pe.sections[0].pointer_to_raw_data);
	kx_put32(b + KX_ZBOOT_PAYLOAD_SIZE, (uint32_t)n);
	strcpy((char *)b + KX_ZBOOT_COMP_TYPE, comp);
	kx_put16(b + PE_MACHINE_OFFSET, machine);
	return b;
}

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t d[KX_SHA256_DIGEST_SIZE];

	kx_sha256(p, n, d);
	for (int i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_fixture_payload_is_image(void **state)
{
	size_t zlen, ilen, olen;
	uint8_t *z = arm64fix_read("vmlinuz.efi", &zlen), *img = arm64fix_image(&ilen), *out;
	struct kx_zboot h;
	char hex[65];

	if (!z || !img)
		skip();
	/* The README's header facts. */
	assert_int_equal(kx_zboot_parse(z, zlen, &h), 0);
	assert_int_equal(h.payload_offset, 0xb748);
	assert_int_equal(h.payload_size, 0x287f31);
	assert_string_equal(h.comp_type, "gzip");
	assert_int_equal(h.comp, KX_COMP_GZIP);
	assert_int_equal(h.machine, KX_PE_MACHINE_ARM64);
	assert_int_equal(kx_zboot_unwrap(z, zlen, kx_decompress_cap(zlen), &out, &olen), 0);
	/* The kernel build pads the payload with zeros to the Image's
	 * image_size (Makefile.zboot, copy_and_pad): the Image, then BSS. */
	assert_int_equal(olen, kx_le32(img + 0x10));
	assert_int_equal(olen, ARM64FIX_IMAGE_SIZE_BSS);
	assert_memory_equal(out, img, ilen);
	for (size_t i = ilen; i < olen; i++)
		assert_int_equal(out[i], 0);
	sha256_hex(out, ilen, hex);
	assert_string_equal(hex, IMAGE_SHA256);
	free(out);
	free(img);
	free(z);
}

/* The loader's unwrap step sees the Image inside, named "zboot". */
static void test_fixture_unwrap_step(void **state)
{
	struct kx_unwrapped u;
	size_t zlen;
	uint8_t *z = arm64fix_read("vmlinuz.efi", &zlen);

	if (!z)
		skip();
	assert_int_equal(kx_unwrap_image(z, zlen, NULL, &u), 0);
	assert_int_equal(u.len, ARM64FIX_IMAGE_SIZE_BSS);
	assert_string_equal(u.compression, "zboot");
	assert_memory_equal(u.img + 0x38, "ARM\x64", 4);
	kx_unwrapped_free(&u);
	free(z);
}

static void test_fixture_truncated(void **state)
{
	size_t zlen, olen;
	uint8_t *z = arm64fix_read("vmlinuz.efi", &zlen), *out;

	if (!z)
		skip();
	/* Cut inside the payload: the header points past the end. */
	kx_err_clear();
	assert_int_equal(kx_zboot_unwrap(z, 0xb748 + 4096, kx_decompress_cap(zlen), &out, &olen),
			 -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "truncated"));
	assert_null(out);
	free(z);
}

enum zrow_edit {
	ZROW_NONE,
	ZROW_PAYLOAD_PAST_END,
	ZROW_PAYLOAD_IN_HEADER,
	ZROW_PAYLOAD_SIZE_ZERO,
	ZROW_NAME_NO_NUL,
	ZROW_PAYLOAD_CUT,
	ZROW_NO_ZIMG,
	ZROW_BAD_PE,
};

static const struct zrow {
	const char *name;
	const uint8_t *payload;
	size_t n;
	const char *comp;
	uint16_t machine;
	enum zrow_edit edit;
	int ret;
	const char *msg;
} zrows[] = {
	{ "gzip arm64 Image", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64, ZROW_NONE,
	  0, NULL },
	/* Machines kx has no rule for: the payload is taken as it is. */
	{ "gzip for another machine", GZ_TEXT, sizeof(GZ_TEXT), "gzip", KX_PE_MACHINE_AMD64,
	  ZROW_NONE, 0, NULL },
	{ "payload not an Image", GZ_TEXT, sizeof(GZ_TEXT), "gzip", KX_PE_MACHINE_ARM64, ZROW_NONE,
	  -EINVAL, "is not an arm64 Image" },
	{ "name says zstd, payload gzip", GZ_IMAGE, sizeof(GZ_IMAGE), "zstd22",
	  KX_PE_MACHINE_ARM64, ZROW_NONE, -EINVAL, "is not zstd data" },
	{ "xzkern, payload gzip", GZ_IMAGE, sizeof(GZ_IMAGE), "xzkern", KX_PE_MACHINE_ARM64,
	  ZROW_NONE, -EINVAL, "is not xz data" },
	{ "lzo", GZ_IMAGE, sizeof(GZ_IMAGE), "lzo", KX_PE_MACHINE_ARM64, ZROW_NONE, -EOPNOTSUPP,
	  "\"lzo\"" },
	{ "lzma", GZ_IMAGE, sizeof(GZ_IMAGE), "lzma", KX_PE_MACHINE_ARM64, ZROW_NONE, -EOPNOTSUPP,
	  "kx unpacks gzip" },
	{ "empty name", GZ_IMAGE, sizeof(GZ_IMAGE), "", KX_PE_MACHINE_ARM64, ZROW_NONE,
	  -EOPNOTSUPP, "\"\"" },
	{ "payload past the end", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_PAYLOAD_PAST_END, -EINVAL, "outside the file" },
	{ "payload in the header", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_PAYLOAD_IN_HEADER, -EINVAL, "outside the file" },
	{ "payload size 0", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_PAYLOAD_SIZE_ZERO, -EINVAL, "outside the file" },
	{ "name without NUL", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_NAME_NO_NUL, -EINVAL, "has no NUL" },
	{ "payload cut short", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_PAYLOAD_CUT, -EINVAL, "zboot: payload" },
	{ "no zimg", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64, ZROW_NO_ZIMG,
	  -ENOEXEC, "not an EFI zboot image" },
	{ "damaged PE header", GZ_IMAGE, sizeof(GZ_IMAGE), "gzip", KX_PE_MACHINE_ARM64,
	  ZROW_BAD_PE, -EINVAL, "zboot: pe: " },
};

static void zrow_apply(const struct zrow *r, uint8_t *b, size_t len)
{
	switch (r->edit) {
	case ZROW_NONE: break;
	case ZROW_PAYLOAD_PAST_END: kx_put32(b + KX_ZBOOT_PAYLOAD_SIZE, (uint32_t)len); break;
	case ZROW_PAYLOAD_IN_HEADER: kx_put32(b + KX_ZBOOT_PAYLOAD_OFFSET, 0x20); break;
	case ZROW_PAYLOAD_SIZE_ZERO: kx_put32(b + KX_ZBOOT_PAYLOAD_SIZE, 0); break;
	case ZROW_NAME_NO_NUL: memset(b + KX_ZBOOT_COMP_TYPE, 'g', KX_ZBOOT_COMP_TYPE_MAX); break;
	case ZROW_PAYLOAD_CUT: kx_put32(b + KX_ZBOOT_PAYLOAD_SIZE, (uint32_t)r->n - 12); break;
	case ZROW_NO_ZIMG: memcpy(b + KX_ZBOOT_MAGIC_OFFSET, "zimh", 4); break;
	case ZROW_BAD_PE: kx_put32(b + KX_PE_LFANEW_OFFSET, 0x7fffffff); break;
	}
}

static void test_generated(void **state)
{
	for (size_t i = 0; i < sizeof(zrows) / sizeof(zrows[0]); i++) {
		const struct zrow *r = &zrows[i];
		size_t len, olen = 1;
		uint8_t *b = make_zboot(r->payload, r->n, r->comp, r->machine, &len), *out;
		int ret;

		zrow_apply(r, b, len);
		kx_err_clear();
		print_message("%s\n", r->name);
		ret = kx_zboot_unwrap(b, len, kx_decompress_cap(len), &out, &olen);
		if (ret < 0)
			print_message("  %s\n", kx_errmsg());
		assert_int_equal(ret, r->ret);
		if (ret < 0) {
			assert_non_null(strstr(kx_errmsg(), r->msg));
			assert_null(out);
			assert_int_equal(olen, 0);
		} else {
			assert_true(olen > 0);
			free(out);
		}
		assert_int_equal(kx_zboot_is(b, len), r->edit != ZROW_NO_ZIMG);
		free(b);
	}
}

/* Short files are no zboot images, whatever their first bytes. */
static void test_short(void **state)
{
	static const uint8_t head[] = { 'M', 'Z', 0, 0, 'z', 'i', 'm', 'g' };
	struct kx_zboot z;

	assert_false(kx_zboot_is(head, sizeof(head)));
	assert_false(kx_zboot_is(NULL, 0));
	assert_int_equal(kx_zboot_parse(head, sizeof(head), &z), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_payload_is_image),
		cmocka_unit_test(test_fixture_unwrap_step),
		cmocka_unit_test(test_fixture_truncated),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
