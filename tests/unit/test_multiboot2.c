/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "formats/multiboot2.h"
#include "mb_fixture.h"

#define IMG_SIZE 0x9000
#define LINK 0x200000u
#define ELF_OFF 0x1000

/* An image under construction: ELF32 with one PT_LOAD at LINK, and an MB2
 * header at hdr_off whose tags are appended with add_tag. */
struct img {
	uint8_t *b;
	size_t hdr_off, pos;
};

static void img_init(struct img *im, size_t hdr_off)
{
	uint8_t *b = calloc(1, IMG_SIZE);

	memcpy(b, "\177ELF\1\1\1", 7);
	put16(b + 16, 2);
	put16(b + 18, 3);
	put32(b + 24, LINK + 0x20); /* e_entry */
	put32(b + 28, 52);
	put16(b + 42, 32);
	put16(b + 44, 1);
	put32(b + 52, 1);
	put32(b + 56, ELF_OFF);
	put32(b + 64, LINK);
	put32(b + 68, 0x100);
	put32(b + 72, 0x3000);
	memset(b + ELF_OFF, 0x5a, 0x100);
	im->b = b;
	im->hdr_off = hdr_off;
	im->pos = hdr_off + MB2_HEADER_FIXED;
}

static void add_tag(struct img *im, uint16_t type, uint16_t flags, const uint32_t *v, size_t n)
{
	uint8_t *t = im->b + im->pos;

	put16(t, type);
	put16(t + 2, flags);
	put32(t + 4, (uint32_t)(8 + 4 * n));
	for (size_t i = 0; i < n; i++)
		put32(t + 8 + 4 * i, v[i]);
	im->pos += (8 + 4 * n + 7) & ~(size_t)7;
}

static void img_finish(struct img *im, uint32_t checksum_delta)
{
	uint32_t len;

	add_tag(im, MB2_HT_END, 0, NULL, 0);
	len = (uint32_t)(im->pos - im->hdr_off);
	put32(im->b + im->hdr_off, MB2_HEADER_MAGIC);
	put32(im->b + im->hdr_off + 4, MB2_ARCH_I386);
	put32(im->b + im->hdr_off + 8, len);
	put32(im->b + im->hdr_off + 12, (uint32_t)(0u - MB2_HEADER_MAGIC - len) + checksum_delta);
}

struct find_row {
	const char *name;
	size_t off;
	uint16_t tag, flags;    /* one extra tag (0: none) */
	uint32_t arg;
	uint32_t checksum_delta;
	int want;
};

static void test_find_header(void **state)
{
	static const struct find_row rows[] = {
		{ "at 0x80", 0x80, 0, 0, 0, 0, 0 },
		{ "at 8", 8, 0, 0, 0, 0, 0 },
		{ "last 8-byte slot before 32 KiB", 32768 - 24, 0, 0, 0, 0, 0 },
		{ "past 32 KiB", 32768, 0, 0, 0, 0, -ENOEXEC },
		{ "4-aligned only", 0x84, 0, 0, 0, 0, -ENOEXEC },
		{ "bad checksum", 0x80, 0, 0, 0, 1, -ENOEXEC },
		{ "unknown optional tag skipped", 0x80, 77, MB2_HT_OPTIONAL, 1, 0, 0 },
		{ "unknown required tag refused", 0x80, 77, 0, 1, 0, -EINVAL },
		{ "EFI boot services required", 0x80, MB2_HT_EFI_BS, 0, 0, 0, -EINVAL },
		{ "EFI boot services optional", 0x80, MB2_HT_EFI_BS, MB2_HT_OPTIONAL, 0, 0, 0 },
		{ "EFI amd64 entry required", 0x80, MB2_HT_ENTRY_ADDRESS_EFI64, 0, LINK, 0, -EINVAL },
		{ "EFI amd64 entry optional", 0x80, MB2_HT_ENTRY_ADDRESS_EFI64, MB2_HT_OPTIONAL, LINK, 0, 0 },
		{ "requires APM info", 0x80, MB2_HT_INFORMATION_REQUEST, 0, MB2_TAG_APM, 0, -EINVAL },
		{ "wants APM info", 0x80, MB2_HT_INFORMATION_REQUEST, MB2_HT_OPTIONAL, MB2_TAG_APM, 0, 0 },
		{ "requires mmap", 0x80, MB2_HT_INFORMATION_REQUEST, 0, MB2_TAG_MMAP, 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct img im;
		struct mb2_header h;
		int ret;

		img_init(&im, rows[i].off);
		if (rows[i].tag)
			add_tag(&im, rows[i].tag, rows[i].flags, &rows[i].arg, 1);
		img_finish(&im, rows[i].checksum_delta);
		ret = mb2_find_header(im.b, IMG_SIZE, &h);
		if (ret != rows[i].want)
			fail_msg("%s: got %d, want %d (%s)", rows[i].name, ret, rows[i].want,
				 kx_errmsg());
		if (!ret)
			assert_int_equal(h.offset, rows[i].off);
		free(im.b);
	}
}

static void test_tag_past_header(void **state)
{
	struct img im;
	struct mb2_header h;

	(void)state;
	img_init(&im, 0x80);
	img_finish(&im, 0);
	put32(im.b + 0x80 + 16 + 4, 0x1000); /* the end tag claims 4 KiB */
	put16(im.b + 0x80 + 16, 77);
	assert_int_equal(mb2_find_header(im.b, IMG_SIZE, &h), -EINVAL);
	free(im.b);
}

struct reloc_row {
	const char *name;
	uint32_t min, max, align, pref;
	int want;
	uint64_t want_base;
};

static void test_relocatable(void **state)
{
	static const struct reloc_row rows[] = {
		{ "high below 4 GiB, 2 MiB aligned", 0x200000, 0xffffffff, 0x200000, MB2_RELOC_HIGH, 0,
		  (RAM_TOP - 0x3000) & ~0x1fffffull },
		{ "low from 16 MiB", 0x1000000, 0xffffffff, 0x1000, MB2_RELOC_LOW, 0, 0x1000000 },
		{ "none, min 0: never below 1 MiB", 0, 0xffffffff, 0x1000, MB2_RELOC_NONE, 0, KX_MIB },
		{ "none, 2 MiB aligned", 0, 0xffffffff, 0x200000, MB2_RELOC_NONE, 0, 0x200000 },
		{ "high under a 64 MiB max", 0, 0x3ffffff, 0x1000, MB2_RELOC_HIGH, 0, 0x4000000 - 0x3000 },
		{ "window too small", 0x7fff0000, 0x7fff1000, 0x1000, MB2_RELOC_LOW, -ENOMEM, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const uint32_t reloc[] = { rows[i].min, rows[i].max, rows[i].align, rows[i].pref };
		struct kx_load_opts o = { .cmdline = "" };
		struct kx_facts f;
		struct kx_plan p;
		struct img im;
		int ret;

		fixture_facts(&f);
		img_init(&im, 0x80);
		add_tag(&im, MB2_HT_RELOCATABLE, MB2_HT_OPTIONAL, reloc, 4);
		img_finish(&im, 0);
		assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
		ret = kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p);
		if (ret != rows[i].want)
			fail_msg("%s: got %d, want %d (%s)", rows[i].name, ret, rows[i].want,
				 kx_errmsg());
		if (!ret) {
			const struct kx_segment *k = seg_of(&p, KX_ROLE_KERNEL);

			if (k->mem != rows[i].want_base)
				fail_msg("%s: base 0x%llx, want 0x%llx", rows[i].name,
					 (unsigned long long)k->mem,
					 (unsigned long long)rows[i].want_base);
			assert_int_equal(p.regs32.eip, k->mem + 0x20);
		}
		kx_plan_free(&p);
		kx_facts_free(&f);
		free(im.b);
	}
}

/* Finds info tag `type` (the n-th of that type) in the boot information. */
static const uint8_t *find_tag(const uint8_t *mbi, uint32_t type, int nth)
{
	uint32_t total = get32(mbi);

	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = mbi + off;

		if (get32(t) == type && nth-- == 0)
			return t;
		if (get32(t) == MB2_TAG_END)
			return NULL;
		off += (get32(t + 4) + 7) & ~7u;
	}
	return NULL;
}

static void test_info(void **state)
{
	static const uint8_t mod1[] = "dom0 kernel bytes";
	static const uint8_t mod2[] = { 9, 8, 7 };
	const struct kx_module mods[] = {
		{ mod1, sizeof(mod1), "/boot/vmlinuz console=hvc0" },
		{ mod2, sizeof(mod2), "/boot/initrd" },
	};
	const uint32_t reloc[] = { 0x200000, 0xffffffff, 0x200000, MB2_RELOC_HIGH };
	const uint32_t req[] = { MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP };
	struct kx_load_opts o = { .cmdline = "console=com1", .image_name = "/boot/xen.gz",
				  .modules = mods, .n_modules = 2 };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;
	const struct kx_segment *info, *k;
	const uint8_t *mbi, *t;

	(void)state;
	fixture_facts(&f);
	/* A revision 2 RSDP; EFI facts present but not requested by the image. */
	memcpy(f.rsdp, "RSD PTR ", 8);
	f.rsdp[15] = 2;
	f.rsdp_len = 36;
	f.efi.present = true;
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, 0, req, 2);
	add_tag(&im, MB2_HT_RELOCATABLE, MB2_HT_OPTIONAL, reloc, 4);
	img_finish(&im, 0);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), 0);
	info = seg_of(&p, KX_ROLE_BOOT_INFO);
	k = seg_of(&p, KX_ROLE_KERNEL);
	assert_int_equal(p.regs32.eax, MB2_BOOTLOADER_MAGIC);
	assert_int_equal(p.regs32.ebx, info->mem);
	assert_int_equal(info->mem % 8, 0);
	mbi = info->buf;
	assert_int_equal(get32(mbi), info->bufsz);

	t = find_tag(mbi, MB2_TAG_CMDLINE, 0);
	assert_string_equal((const char *)t + 8, "/boot/xen.gz console=com1");
	t = find_tag(mbi, MB2_TAG_BOOT_LOADER_NAME, 0);
	assert_string_equal((const char *)t + 8, "kx");
	for (int i = 0; i < 2; i++) {
		uint32_t start, end;

		t = find_tag(mbi, MB2_TAG_MODULE, i);
		assert_non_null(t);
		start = get32(t + 8);
		end = get32(t + 12);
		assert_int_equal(start % KX_PAGE_SIZE, 0);
		assert_int_equal(end - start, mods[i].len);
		assert_memory_equal(at_phys(&p, start, mods[i].len), mods[i].data, mods[i].len);
		assert_string_equal((const char *)t + 16, mods[i].string);
	}
	assert_null(find_tag(mbi, MB2_TAG_MODULE, 2));
	t = find_tag(mbi, MB2_TAG_BASIC_MEMINFO, 0);
	assert_int_equal(get32(t + 8), 0x9fc00 / 1024);
	assert_int_equal(get32(t + 12), (RAM_TOP - KX_MIB) / 1024);
	t = find_tag(mbi, MB2_TAG_MMAP, 0);
	assert_int_equal(get32(t + 4), 16 + 5 * 24);
	assert_int_equal(get32(t + 8), 24);
	for (size_t i = 0; i < 5; i++) {
		const uint8_t *e = t + 16 + 24 * i;

		assert_int_equal(get64(e), f.firmware_map.v[i].start);
		assert_int_equal(get64(e + 8), f.firmware_map.v[i].end - f.firmware_map.v[i].start);
		assert_int_equal(get32(e + 16), (uint32_t)f.firmware_map.v[i].type);
	}
	t = find_tag(mbi, MB2_TAG_LOAD_BASE_ADDR, 0);
	assert_int_equal(get32(t + 8), k->mem);
	t = find_tag(mbi, MB2_TAG_ACPI_OLD, 0);
	assert_int_equal(get32(t + 4), 8 + 20);
	assert_memory_equal(t + 8, "RSD PTR ", 8);
	t = find_tag(mbi, MB2_TAG_ACPI_NEW, 0);
	assert_int_equal(get32(t + 4), 8 + 36);
	/* Not requested: no EFI tags (Xen's i386 entry stops on them). */
	assert_null(find_tag(mbi, MB2_TAG_EFI64, 0));
	assert_null(find_tag(mbi, MB2_TAG_EFI_MMAP, 0));
	assert_null(find_tag(mbi, MB2_TAG_EFI_BS, 0));
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(im.b);
}

static void test_required_info_unavailable(void **state)
{
	const uint32_t req[] = { MB2_TAG_ACPI_NEW };
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;

	(void)state;
	fixture_facts(&f); /* no RSDP known */
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, 0, req, 1);
	img_finish(&im, 0);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "tag 15"));
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(im.b);
}

static void test_probe_order_prefers_mb2(void **state)
{
	const struct kx_format *fmt = NULL;
	struct img im;

	(void)state;
	img_init(&im, 0x88);
	img_finish(&im, 0);
	/* A v1 header too, before the v2 one (as in xen.gz). */
	put32(im.b + 0x40, 0x1BADB002u);
	put32(im.b + 0x44, 0x3);
	put32(im.b + 0x48, (uint32_t)(0u - 0x1BADB002u - 3u));
	assert_int_equal(kx_format_detect(im.b, IMG_SIZE, NULL, &fmt), 0);
	assert_string_equal(fmt->name, "multiboot2");
	assert_int_equal(kx_format_detect(im.b, IMG_SIZE, "multiboot", &fmt), 0);
	assert_string_equal(fmt->name, "multiboot");
	free(im.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_header),
		cmocka_unit_test(test_tag_past_header),
		cmocka_unit_test(test_relocatable),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_required_info_unavailable),
		cmocka_unit_test(test_probe_order_prefers_mb2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
