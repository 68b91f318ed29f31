/* SPDX-License-Identifier: MIT */
/*
 * Purgatory: the verification logic (purgatory/verify.c, built for the host
 * here, the same file the blob runs) and the loader's check of the embedded
 * blob's header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "core/err.h"
#include "core/purgatory.h"
#include "core/sha256.h"
#include "purgatory/verify.h"

/* A fake physical memory: [base, base + size) backed by buf. */
struct fake_mem {
	uint64_t base;
	uint8_t *buf;
	size_t size;
};

static bool fake_map(void *ctx, uint64_t addr, uint64_t len, const void **out)
{
	struct fake_mem *m = ctx;

	if (addr < m->base || addr - m->base > m->size || len > m->size - (addr - m->base))
		return false;
	*out = m->buf + (addr - m->base);
	return true;
}

#define MEM_BASE 0x1000000ull
#define MEM_SIZE 65536

struct fixture {
	struct fake_mem mem;
	struct kx_purg_params p;
};

static void add_region(struct fixture *f, uint64_t off, uint64_t len)
{
	struct kx_purg_region *r = &f->p.regions[f->p.nr_regions++];

	r->start = MEM_BASE + off;
	r->len = len;
	kx_sha256(f->mem.buf + off, len, r->sha256);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem.base = MEM_BASE;
	f->mem.size = MEM_SIZE;
	f->mem.buf = malloc(MEM_SIZE);
	for (size_t i = 0; i < MEM_SIZE; i++)
		f->mem.buf[i] = (uint8_t)(i * 131 + 7);
	f->p.arch.entry_mode = KX_ENTRY_LINUX64;
	/* Lengths around the 64-byte block and a zero-length region. */
	add_region(f, 0, 4096);
	add_region(f, 8192, 55);
	add_region(f, 9000, 0);
	add_region(f, 12288, 64 * 100 + 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem.buf);
	free(f);
	return 0;
}

static void test_verify_ok(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_OK);
	assert_int_equal(res.status, KX_PURG_OK);
	assert_int_equal(res.bytes, 4096 + 55 + 0 + 6401);
}

static void test_flipped_byte_names_region(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->mem.buf[12288 + 6400] ^= 0x01; /* last byte of region 3 */
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_MISMATCH);
	assert_int_equal(res.region, 3);
	f->mem.buf[12288 + 6400] ^= 0x01;

	f->mem.buf[8192] ^= 0x80; /* first byte of region 1 */
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_MISMATCH);
	assert_int_equal(res.region, 1);
}

static void test_byte_outside_regions_ignored(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->mem.buf[4096] ^= 0xff; /* just past region 0 */
	f->mem.buf[8191] ^= 0xff; /* just before region 1 */
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_OK);
}

static void test_wrong_digest(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->p.regions[2].sha256[31] ^= 1; /* the zero-length region's digest */
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_MISMATCH);
	assert_int_equal(res.region, 2);
}

static void test_bad_params(void **state)
{
	static const struct {
		uint32_t nr_regions;
		uint32_t entry_mode;
		enum kx_purg_status want;
	} rows[] = {
		{ KX_PURG_MAX_REGIONS + 1, KX_ENTRY_LINUX64, KX_PURG_TOO_MANY_REGIONS },
		{ UINT32_MAX, KX_ENTRY_LINUX64, KX_PURG_TOO_MANY_REGIONS },
		{ 4, 0, KX_PURG_BAD_ENTRY_MODE },
		{ 4, 4, KX_PURG_BAD_ENTRY_MODE },
		{ 4, KX_ENTRY_PM32, KX_PURG_OK },
		{ 4, KX_ENTRY_REAL16, KX_PURG_OK },
		{ 0, KX_ENTRY_LINUX64, KX_PURG_OK },
	};
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f->p.nr_regions = rows[i].nr_regions;
		f->p.arch.entry_mode = rows[i].entry_mode;
		assert_int_equal(kx_purg_check_params(&f->p), rows[i].want);
		assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), rows[i].want);
	}
}

static void test_max_regions_ok(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->p.nr_regions = 0;
	for (int i = 0; i < KX_PURG_MAX_REGIONS; i++)
		add_region(f, (uint64_t)i * 1000, 999);
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_OK);
}

static void test_region_wraps_or_unmapped(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->p.regions[1].start = UINT64_MAX - 10;
	f->p.regions[1].len = 12;
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_REGION_WRAPS);

	f->p.regions[1].start = UINT64_MAX - 10; /* ends exactly at the top: fine, but unmapped */
	f->p.regions[1].len = 11;
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_REGION_UNMAPPED);
	assert_int_equal(res.region, 1);
}

/* Regression: a region at physical address 0 (the BIOS data area page a
 * multiboot load writes on UEFI machines) was reported unmapped, because the
 * identity map's pointer to it is NULL. */
static void test_region_at_address_zero(void **state)
{
	struct fixture *f = *state;
	struct kx_purg_verify_result res;

	f->mem.base = 0;
	memset(&f->p, 0, sizeof(f->p));
	f->p.arch.entry_mode = KX_ENTRY_PM32;
	f->p.nr_regions = 1;
	f->p.regions[0].start = 0;
	f->p.regions[0].len = 4096;
	kx_sha256(f->mem.buf, 4096, f->p.regions[0].sha256);
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_OK);
	f->mem.buf[0x40e] ^= 1;
	assert_int_equal(kx_purg_verify(&f->p, fake_map, &f->mem, &res), KX_PURG_MISMATCH);
	assert_int_equal(res.region, 0);
}

/* ---- loader side: the embedded blob ---- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void test_embedded_blob_valid(void **state)
{
	struct kx_purgatory pg;
	uint32_t params_offset = le32(kx_purgatory_blob + offsetof(struct kx_purg_header, params_offset));
	static const uint8_t zero[sizeof(struct kx_purg_params)];

	assert_int_equal(kx_purgatory_open(kx_purgatory_blob, kx_purgatory_blob_size, &pg), 0);
	assert_int_equal(pg.image_size, kx_purgatory_blob_size);
	assert_true(pg.mem_size >= pg.image_size);
	assert_int_equal(pg.mem_size % KX_PURGATORY_ALIGN, 0);
	assert_true(pg.entry_offset >= sizeof(struct kx_purg_header));
	assert_true(pg.entry_offset < pg.image_size);
	assert_ptr_equal((uint8_t *)pg.params, pg.image + params_offset);
	assert_int_equal((uintptr_t)pg.params % 8, 0);
	/* The blob itself ships a zeroed block: nothing stale reaches purgatory. */
	assert_memory_equal(kx_purgatory_blob + params_offset, zero, sizeof(zero));
	assert_memory_equal(pg.params, zero, sizeof(zero));
	assert_int_equal(kx_purgatory_entry(&pg, 0x100000), 0x100000 + pg.entry_offset);
	/* The first instruction is cli (0xfa): the entry is code, not data. */
	assert_int_equal(pg.image[pg.entry_offset], 0xfa);
	kx_purgatory_close(&pg);
	assert_null(pg.image);
}

static void test_add_region_until_full(void **state)
{
	struct kx_purgatory pg;
	uint8_t d[32] = { 1, 2, 3 };

	assert_int_equal(kx_purgatory_open(kx_purgatory_blob, kx_purgatory_blob_size, &pg), 0);
	for (int i = 0; i < KX_PURG_MAX_REGIONS; i++)
		assert_int_equal(kx_purgatory_add_region(&pg, 0x1000 * (uint64_t)i, 0x1000, d), 0);
	assert_int_equal(pg.params->nr_regions, KX_PURG_MAX_REGIONS);
	assert_memory_equal(pg.params->regions[5].sha256, d, 32);
	assert_int_equal(pg.params->regions[5].start, 0x5000);
	assert_int_equal(kx_purgatory_add_region(&pg, 0, 1, d), -ENOSPC);
	assert_non_null(strstr(kx_errmsg(), "too many"));
	kx_purgatory_close(&pg);

	assert_int_equal(kx_purgatory_open(kx_purgatory_blob, kx_purgatory_blob_size, &pg), 0);
	assert_int_equal(kx_purgatory_add_region(&pg, UINT64_MAX, 2, d), -EINVAL);
	assert_int_equal(kx_purgatory_add_region(&pg, UINT64_MAX, 1, d), 0);
	assert_int_equal(kx_purgatory_add_region(&pg, 0, 0, d), 0);
	kx_purgatory_close(&pg);
}

/* One corruption per row: the header field, the new value (or a delta from
 * the real one), and a word the error message must contain. */
static void test_corrupted_headers(void **state)
{
	enum how { SET, ADD };
	static const struct {
		size_t off;
		enum how how;
		int64_t v;
		const char *msg;
	} rows[] = {
		{ offsetof(struct kx_purg_header, magic), SET, 0x12345678, "magic" },
		{ offsetof(struct kx_purg_header, version), SET, 0x20002, "version" },
		/* version and header_size share a 32-bit word: 1 and 33. */
		{ offsetof(struct kx_purg_header, version), SET, 0x00210001, "header size" },
		{ offsetof(struct kx_purg_header, params_size), ADD, 8, "parameter block size" },
		{ offsetof(struct kx_purg_header, params_size), ADD, -8, "parameter block size" },
		{ offsetof(struct kx_purg_header, image_size), ADD, 1, "image bytes" },
		{ offsetof(struct kx_purg_header, image_size), ADD, -1, "image bytes" },
		{ offsetof(struct kx_purg_header, mem_size), SET, 16, "memory size" },
		{ offsetof(struct kx_purg_header, params_offset), SET, 0, "outside" },
		{ offsetof(struct kx_purg_header, params_offset), SET, 0xfffffff8u, "outside" },
		{ offsetof(struct kx_purg_header, params_offset), ADD, 4, "aligned" },
		{ offsetof(struct kx_purg_header, entry_offset), SET, 0, "entry offset" },
		{ offsetof(struct kx_purg_header, entry_offset), SET, 0xffffffffu, "entry offset" },
	};
	size_t len = kx_purgatory_blob_size;
	uint8_t *copy = malloc(len);
	struct kx_purgatory pg;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t v;

		memcpy(copy, kx_purgatory_blob, len);
		v = rows[i].how == SET ? (uint32_t)rows[i].v :
					 le32(copy + rows[i].off) + (uint32_t)rows[i].v;
		put_le32(copy + rows[i].off, v);
		kx_err_clear();
		assert_int_equal(kx_purgatory_open(copy, len, &pg), -EINVAL);
		assert_null(pg.image);
		assert_non_null(strstr(kx_errmsg(), rows[i].msg));
		assert_non_null(strstr(kx_errmsg(), "purgatory: "));
	}
	/* Truncated blobs: the header check catches every length. */
	for (size_t l = 0; l < len; l += 97)
		assert_int_equal(kx_purgatory_open(kx_purgatory_blob, l, &pg), -EINVAL);
	assert_int_equal(kx_purgatory_open(NULL, 0, &pg), -EINVAL);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verify_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte_names_region, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_outside_regions_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_regions_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_wraps_or_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_at_address_zero, setup, teardown),
		cmocka_unit_test(test_embedded_blob_valid),
		cmocka_unit_test(test_add_region_until_full),
		cmocka_unit_test(test_corrupted_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
