/* SPDX-License-Identifier: MIT */
/* arm64 only: the Image format's placement (a 2 MiB-aligned base in RAM,
 * the Image text_offset above it, image_size free from there), one row per
 * memory layout, and the whole build, which stops where the arm64 work does
 * (no purgatory yet) with a message that says so. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/image.h"
#include "arm64_fixture.h"
#include "core/bytes.h"
#include "core/err.h"
#include "lib/build.h"

#define M1 0x100000ull
#define M2 0x200000ull
#define G1 0x40000000ull

static const struct place_row {
	const char *name;
	uint64_t ram_start, ram_end;   /* one RAM range */
	uint64_t mem_min;
	uint64_t text_offset, image_size;
	int ret;
	uint64_t want_mem;             /* where the Image's first byte goes */
} place_rows[] = {
	/* QEMU virt: RAM at 1 GiB; a 6.12 kernel's text_offset is 0. */
	{ "virt RAM, text_offset 0", G1, 2 * G1, 0, 0, 8 * M1, 0, G1 },
	{ "text_offset 0x80000", G1, 2 * G1, 0, 0x80000, 8 * M1, 0, G1 + 0x80000 },
	{ "RAM start not 2 MiB aligned", G1 + M1, 2 * G1, 0, 0, 8 * M1, 0, G1 + M2 },
	{ "--mem-min", G1, 2 * G1, G1 + 3 * M1, 0x80000, 8 * M1, 0, G1 + 2 * M2 + 0x80000 },
	{ "exactly fits", G1, G1 + 8 * M1, 0, 0, 8 * M1, 0, G1 },
	{ "text_offset makes it not fit", G1, G1 + 8 * M1, 0, 0x80000, 8 * M1, -ENOMEM, 0 },
	{ "RAM too small", G1, G1 + 4 * M1, 0, 0, 8 * M1, -ENOMEM, 0 },
};

static uint8_t *image_of(uint64_t text_offset, uint64_t image_size, size_t len)
{
	uint8_t *b = calloc(1, len);

	kx_put64(b + KX_ARM64_HDR_TEXT_OFFSET, text_offset);
	kx_put64(b + KX_ARM64_HDR_IMAGE_SIZE, image_size);
	kx_put64(b + KX_ARM64_HDR_FLAGS, 0xa);
	memcpy(b + KX_ARM64_HDR_MAGIC, KX_ARM64_MAGIC, KX_ARM64_MAGIC_SIZE);
	return b;
}

static void test_placement(void **state)
{
	for (size_t i = 0; i < sizeof(place_rows) / sizeof(place_rows[0]); i++) {
		const struct place_row *r = &place_rows[i];
		struct kx_memmap ram = { 0 };
		struct kx_load_opts o = { .cmdline = "" };
		struct kx_facts f = { 0 };
		struct kx_plan p;
		uint8_t *img = image_of(r->text_offset, r->image_size, 4096);
		int ret;

		print_message("%s\n", r->name);
		assert_int_equal(kx_memmap_add(&ram, r->ram_start, r->ram_end, KX_MEM_RAM), 0);
		assert_int_equal(kx_plan_init(&p, &ram, r->mem_min, 0), 0);
		kx_err_clear();
		ret = kx_format_arm64_image.plan(img, 4096, &o, &f, &p);
		if (ret < 0)
			print_message("  %s\n", kx_errmsg());
		assert_int_equal(ret < 0 ? -ENOMEM : 0, r->ret);
		if (ret == 0) {
			assert_int_equal(p.n, 1);
			assert_int_equal(p.seg[0].mem, r->want_mem);
			assert_int_equal((p.seg[0].mem - r->text_offset) % M2, 0);
			assert_true(p.seg[0].memsz >= r->image_size);
			assert_true(p.seg[0].mem + p.seg[0].memsz <= r->ram_end);
			assert_int_equal(p.handoff.pc, r->want_mem);
			assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX_ARM64);
		} else {
			assert_non_null(strstr(kx_errmsg(), "Image: no 2 MiB-aligned room"));
		}
		kx_plan_free(&p);
		kx_memmap_free(&ram);
		free(img);
	}
}

/* The fixture kernel, and its zboot form, detect as Image and place; the
 * build then stops: no arm64 purgatory yet. */
static void test_build_stops_at_purgatory(void **state)
{
	static const char *const files[] = { "vmlinuz.efi", "Image.gz" };
	struct kx_load_opts o = { .cmdline = "console=ttyAMA0" };
	struct kx_facts f = { 0 };

	assert_int_equal(kx_memmap_add(&f.ram, G1, 2 * G1, KX_MEM_RAM), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct kx_plan p;
		size_t len;
		uint8_t *img = arm64fix_read(files[i], &len);

		if (!img)
			skip();
		kx_err_clear();
		assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -ENOSYS);
		assert_string_equal(kx_errmsg(), "kexec: loading on arm64 is not implemented yet");
		free(img);
	}
	kx_memmap_free(&f.ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_build_stops_at_purgatory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
