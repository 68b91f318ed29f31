/* SPDX-License-Identifier: MIT */
/* core/pe and formats/uki: the PE reader on generated images (good, truncated,
 * damaged), the UKI sections found (multi-profile too), the command-line and
 * initrd rules, and a plan built from a UKI holding a bzImage. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzfixture.h"
#include "core/err.h"
#include "core/pe.h"
#include "formats/uki.h"
#include "lib/build.h"
#include "pe_fixture.h"

static const char CMDLINE[] = "root=/dev/sda1 quiet\n";
static const char INITRD[] = "070701 a cpio archive";
static const char LINUX[] = "not really a kernel";

/* A UKI of .osrel, .cmdline, .linux, .initrd. */
static uint8_t *simple_uki(size_t *len)
{
	const struct pefix_sec s[] = {
		PEFIX_SEC(".osrel", "ID=test\n", 8),
		PEFIX_SEC(".cmdline", CMDLINE, sizeof(CMDLINE) - 1),
		PEFIX_SEC(".linux", LINUX, sizeof(LINUX) - 1),
		PEFIX_SEC(".initrd", INITRD, sizeof(INITRD) - 1),
	};

	return pefix_make(s, 4, len);
}

static void test_parse_good(void **state)
{
	struct kx_pe pe;
	size_t len;
	uint8_t *b = simple_uki(&len);
	const struct kx_pe_section *s;

	(void)state;
	assert_int_equal(kx_pe_parse(b, len, &pe), 0);
	assert_int_equal(pe.n_sections, 4);
	assert_int_equal(pe.machine, KX_PE_MACHINE_AMD64);
	assert_int_equal(pe.opt_magic, KX_PE_OPT_MAGIC_PE32PLUS);
	s = kx_pe_find(&pe, ".linux", 0, 99);
	assert_non_null(s);
	assert_int_equal(s->file_size, sizeof(LINUX) - 1);
	assert_memory_equal(b + s->file_offset, LINUX, sizeof(LINUX) - 1);
	/* SizeOfRawData is rounded to 512: the data is VirtualSize bytes. */
	assert_int_equal(s->size_of_raw_data, PEFIX_FILE_ALIGN);
	assert_null(kx_pe_find(&pe, ".dtb", 0, 99));
	assert_null(kx_pe_find(&pe, ".linux", 3, 99));
	free(b);
}

/* Each prefix of a good image fails with a message until it holds the
 * headers (then kx_pe_parse_headers passes) and the last section's bytes
 * (then kx_pe_parse passes). */
static void test_truncated(void **state)
{
	struct kx_pe pe;
	size_t len, data_end;
	uint8_t *b = simple_uki(&len);
	size_t table_end = PEFIX_LFANEW + 4 + KX_PE_COFF_HDR_SIZE + PEFIX_OPT_SIZE +
			   4 * KX_PE_SECTION_HDR_SIZE;

	(void)state;
	assert_int_equal(kx_pe_parse(b, len, &pe), 0);
	data_end = pe.sections[3].file_offset + pe.sections[3].file_size;
	for (size_t n = 0; n < len; n++) {
		int want = n < 2 ? -ENOEXEC : -EINVAL;

		kx_err_clear();
		assert_int_equal(kx_pe_parse_headers(b, n, &pe), n < table_end ? want : 0);
		assert_int_equal(pe.n_sections, n < table_end ? 0 : 4);
		kx_err_clear();
		assert_int_equal(kx_pe_parse(b, n, &pe), n < data_end ? want : 0);
		assert_int_equal(pe.n_sections, n < data_end ? 0 : 4);
		assert_true(n >= data_end || kx_errmsg()[0]);
	}
	free(b);
}

struct bad_row {
	const char *what;
	size_t at;        /* byte to overwrite */
	uint32_t value;
	int width;        /* 2 or 4 */
	int want;
	const char *msg;  /* part of the message */
};

#define SEC(i, field) (PEFIX_LFANEW + 4 + KX_PE_COFF_HDR_SIZE + PEFIX_OPT_SIZE + \
		       (i) * KX_PE_SECTION_HDR_SIZE + (field))

static const struct bad_row bad_rows[] = {
	{ "e_lfanew past the end", KX_PE_LFANEW_OFFSET, 0x7fffff00, 4, -EINVAL, "e_lfanew" },
	{ "e_lfanew inside the DOS header", KX_PE_LFANEW_OFFSET, 0x10, 4, -EINVAL, "e_lfanew" },
	{ "e_lfanew at the last bytes", KX_PE_LFANEW_OFFSET, 0xffffffff, 4, -EINVAL, "e_lfanew" },
	{ "no PE signature", PEFIX_LFANEW, 0x4c4c, 2, -ENOEXEC, "PE signature" },
	{ "huge NumberOfSections", PEFIX_LFANEW + 6, 0xffff, 2, -EINVAL, "sections" },
	{ "97 sections", PEFIX_LFANEW + 6, 97, 2, -EINVAL, "97 sections" },
	{ "optional header too big", PEFIX_LFANEW + 20, 0xffff, 2, -EINVAL, "optional header" },
	{ "optional header too small", PEFIX_LFANEW + 20, 64, 2, -EINVAL, "optional header" },
	{ "PE32 magic with a PE32+ size", PEFIX_LFANEW + 24, 0x10b, 2, 0, NULL },
	{ "unknown magic", PEFIX_LFANEW + 24, 0x107, 2, -EINVAL, "magic" },
	{ "section data past the end", SEC(2, 20), 0x100000, 4, -EINVAL, "past the end" },
	{ "section size past the end", SEC(3, 16), 0x7ffffe00, 4, 0, NULL },
	{ "overlapping sections", SEC(3, 20), 0x400, 4, -EINVAL, "share bytes" },
	{ "offset + size wraps 32 bits", SEC(2, 20), 0xfffffe00, 4, -EINVAL, "past the end" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(bad_rows) / sizeof(bad_rows[0]); r++) {
		const struct bad_row *t = &bad_rows[r];
		struct kx_pe pe;
		size_t len;
		uint8_t *b = simple_uki(&len);
		int ret;

		if (t->width == 2)
			kx_put16(b + t->at, (uint16_t)t->value);
		else
			kx_put32(b + t->at, t->value);
		kx_err_clear();
		ret = kx_pe_parse(b, len, &pe);
		if (ret != t->want || (t->msg && !strstr(kx_errmsg(), t->msg)))
			fail_msg("%s: got %d (%s), want %d", t->what, ret, kx_errmsg(), t->want);
		if (ret < 0)
			assert_int_equal(pe.n_sections, 0);
		free(b);
	}
}

/* A section's bytes in the file: min(VirtualSize, SizeOfRawData); a
 * VirtualSize of 0 means SizeOfRawData. */
static void test_sizes(void **state)
{
	static const uint8_t data[1024];
	const struct pefix_sec s[] = {
		PEFIX_SEC(".linux", data, 700),                          /* 700 of raw 1024 */
		{ .name = ".initrd", .data = data, .len = 1024, .vsize = 4096 },         /* raw 1024 < vsize */
		{ .name = ".cmdline", .data = data, .len = 512, .vsize_zero = true },    /* vsize 0: raw */
	};
	struct kx_pe pe;
	size_t len;
	uint8_t *b = pefix_make(s, 3, &len);

	(void)state;
	assert_int_equal(kx_pe_parse(b, len, &pe), 0);
	assert_int_equal(pe.sections[0].file_size, 700);
	assert_int_equal(pe.sections[1].file_size, 1024);
	assert_int_equal(pe.sections[1].virtual_size, 4096);
	assert_int_equal(pe.sections[2].file_size, 512);
	free(b);
}

static void test_uki_sections(void **state)
{
	struct kx_uki u;
	size_t len;
	uint8_t *b = simple_uki(&len);
	char *c;

	(void)state;
	assert_int_equal(kx_uki_parse(b, len, false, &u), 0);
	assert_true(u.part[KX_UKI_LINUX].present);
	assert_int_equal(u.part[KX_UKI_LINUX].size, sizeof(LINUX) - 1);
	assert_memory_equal(u.part[KX_UKI_LINUX].data, LINUX, sizeof(LINUX) - 1);
	assert_memory_equal(u.part[KX_UKI_INITRD].data, INITRD, sizeof(INITRD) - 1);
	assert_true(u.part[KX_UKI_OSREL].present);
	assert_false(u.part[KX_UKI_DTB].present);
	assert_false(u.part[KX_UKI_UNAME].present);
	assert_int_equal(u.profiles, 0);
	c = kx_uki_cmdline(&u);
	assert_string_equal(c, "root=/dev/sda1 quiet");
	free(c);
	free(b);
}

/* The base sections, then profile 0 (overriding .cmdline), then profile 1:
 * the stub's default is profile 0 over the base. */
static void test_uki_profiles(void **state)
{
	const struct pefix_sec s[] = {
		PEFIX_SEC(".linux", LINUX, sizeof(LINUX) - 1),
		PEFIX_SEC(".cmdline", "base", 4),
		PEFIX_SEC(".initrd", INITRD, sizeof(INITRD) - 1),
		PEFIX_SEC(".profile", "ID=default", 10),
		PEFIX_SEC(".cmdline", "profile0", 8),
		PEFIX_SEC(".profile", "ID=rescue", 9),
		PEFIX_SEC(".cmdline", "profile1", 8),
		PEFIX_SEC(".linux", "other kernel", 12),
	};
	struct kx_uki u;
	size_t len;
	uint8_t *b = pefix_make(s, 8, &len);
	char *c;

	(void)state;
	assert_int_equal(kx_uki_parse(b, len, false, &u), 0);
	assert_int_equal(u.profiles, 2);
	c = kx_uki_cmdline(&u);
	assert_string_equal(c, "profile0");
	free(c);
	assert_memory_equal(u.part[KX_UKI_LINUX].data, LINUX, sizeof(LINUX) - 1);
	assert_memory_equal(u.part[KX_UKI_INITRD].data, INITRD, sizeof(INITRD) - 1);
	free(b);
}

/* Regression (fuzz): an empty section's PointerToRawData may point
 * anywhere; the section counts as absent, as in systemd-stub. */
static void test_uki_empty_section(void **state)
{
	const struct pefix_sec s[] = { PEFIX_SEC(".linux", LINUX, sizeof(LINUX) - 1),
				       PEFIX_SEC(".cmdline", NULL, 0) };
	struct kx_uki u;
	size_t len;
	uint8_t *b = pefix_make(s, 2, &len);

	(void)state;
	kx_put32(b + SEC(1, 20), 0x7fff0000);
	assert_int_equal(kx_uki_parse(b, len, false, &u), 0);
	assert_false(u.part[KX_UKI_CMDLINE].present);
	assert_int_equal(kx_uki_cmdline_source(&u, false), KX_SOURCE_NONE);
	free(b);
}

static void test_uki_not_uki(void **state)
{
	const struct pefix_sec efi_app[] = { PEFIX_SEC(".text", "code", 4), PEFIX_SEC(".data", "d", 1) };
	const struct pefix_sec empty_linux[] = { { .name = ".linux", .raw_size = 1 } };
	struct kx_uki u;
	size_t len;
	uint8_t *b = pefix_make(efi_app, 2, &len);

	(void)state;
	assert_int_equal(kx_uki_parse(b, len, false, &u), -ENOEXEC);
	assert_int_equal(kx_uki_parse(b, len, true, &u), -ENOEXEC);
	assert_non_null(strstr(kx_errmsg(), "no .linux"));
	free(b);
	assert_int_equal(kx_uki_parse((const uint8_t *)"\177ELF", 4, false, &u), -ENOEXEC);
	assert_int_equal(kx_uki_parse((const uint8_t *)"\177ELF", 4, true, &u), -ENOEXEC);
	assert_non_null(strstr(kx_errmsg(), "-t uki"));
	/* A UKI whose .linux lies past the end of the file is a damaged UKI. */
	b = simple_uki(&len);
	assert_int_equal(kx_uki_parse(b, len - 0x200, false, &u), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "past the end"));
	free(b);
	b = pefix_make(empty_linux, 1, &len);
	kx_put32(b + SEC(0, 8), 0);
	kx_put32(b + SEC(0, 16), 0);
	assert_int_equal(kx_uki_parse(b, len, false, &u), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "empty"));
	free(b);
}

struct rule_row {
	bool has_section, given, panic;
	enum kx_source cmdline, initrd;
};

/* One row per case of the rules in formats/uki.c. */
static const struct rule_row rule_rows[] = {
	{ false, false, false, KX_SOURCE_NONE, KX_SOURCE_NONE },
	{ false, true, false, KX_SOURCE_GIVEN, KX_SOURCE_GIVEN },
	{ true, false, false, KX_SOURCE_UKI, KX_SOURCE_UKI },
	{ true, true, false, KX_SOURCE_GIVEN_OVER_UKI, KX_SOURCE_UKI_THEN_GIVEN },
	{ true, false, true, KX_SOURCE_UKI, KX_SOURCE_UKI },
	{ true, true, true, KX_SOURCE_GIVEN_OVER_UKI, KX_SOURCE_GIVEN_OVER_UKI },
	{ false, true, true, KX_SOURCE_GIVEN, KX_SOURCE_GIVEN },
};

static void test_uki_rules(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(rule_rows) / sizeof(rule_rows[0]); r++) {
		const struct rule_row *t = &rule_rows[r];
		struct kx_uki u = { 0 };

		u.part[KX_UKI_CMDLINE] = (struct kx_uki_section){ t->has_section, NULL, 0, 0 };
		u.part[KX_UKI_INITRD] = (struct kx_uki_section){ t->has_section,
								 (const uint8_t *)INITRD, 4, 0 };
		assert_int_equal(kx_uki_cmdline_source(&u, t->given), t->cmdline);
		assert_int_equal(kx_uki_initrd_source(&u, t->given, t->panic), t->initrd);
	}
}

/* .cmdline as systemd-stub reads it: up to the first NUL, control
 * characters as spaces, no trailing spaces. */
static void test_uki_cmdline_text(void **state)
{
	static const struct { const char *in; size_t len; const char *want; } rows[] = {
		{ "a b\n", 4, "a b" },
		{ "a\tb\r\n\n", 6, "a b" },
		{ "quiet\0garbage", 13, "quiet" },
		{ "", 0, "" },
		{ "   ", 3, "" },
	};

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct kx_uki u = { 0 };
		char *c;

		u.part[KX_UKI_CMDLINE] = (struct kx_uki_section){
			true, (const uint8_t *)rows[r].in, rows[r].len, 0 };
		c = kx_uki_cmdline(&u);
		assert_string_equal(c, rows[r].want);
		free(c);
	}
}

/* The whole unwrap: a UKI around a bzImage is planned as the bzImage; -t uki
 * on a plain bzImage is refused, a bzImage (MZ, no .linux) passes. */
static void test_unwrap(void **state)
{
	struct bzfix f = bzfix_default();
	struct kx_unwrapped w;
	size_t bzlen, len;
	uint8_t *bz = bzfix_make(&f, &bzlen), *b;
	const struct pefix_sec s[] = { PEFIX_SEC(".linux", bz, bzlen), PEFIX_SEC(".initrd", INITRD, 8) };
	const struct kx_format *fmt;

	(void)state;
	if (!kx_format_by_name("bzImage"))
		skip(); /* the bzImage format is x86_64's */
	b = pefix_make(s, 2, &len);
	assert_int_equal(kx_unwrap_image(b, len, NULL, &w), 0);
	assert_true(w.is_uki);
	assert_int_equal(w.len, bzlen);
	assert_memory_equal(w.img, bz, bzlen);
	assert_int_equal(kx_format_detect(w.img, w.len, kx_unwrapped_type("uki"), &fmt), 0);
	assert_string_equal(fmt->name, "bzImage");
	kx_unwrapped_free(&w);
	assert_int_equal(kx_unwrap_image(b, len, "UKI", &w), 0);
	kx_unwrapped_free(&w);

	assert_int_equal(kx_unwrap_image(bz, bzlen, "uki", &w), -ENOEXEC);
	bz[0] = 'M';
	bz[1] = 'Z';
	assert_int_equal(kx_unwrap_image(bz, bzlen, NULL, &w), 0);
	assert_false(w.is_uki);
	assert_ptr_equal(w.img, bz);
	assert_string_equal(kx_errmsg(), "");
	kx_unwrapped_free(&w);
	free(b);
	free(bz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_uki_sections),
		cmocka_unit_test(test_uki_profiles),
		cmocka_unit_test(test_uki_empty_section),
		cmocka_unit_test(test_uki_not_uki),
		cmocka_unit_test(test_uki_rules),
		cmocka_unit_test(test_uki_cmdline_text),
		cmocka_unit_test(test_unwrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
