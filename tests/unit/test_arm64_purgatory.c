/* SPDX-License-Identifier: MIT */
/*
 * arm64 only: the purgatory blob embedded in kexec (its header, its first
 * instruction) and purgatory's verification (purgatory/verify.c, the same
 * file the blob runs) with the ARMv8 SHA-256 instructions and with the
 * scalar code the loader can force (KX_PURG_F_SCALAR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bytes.h"
#include "core/purgatory.h"
#include "core/sha256.h"
#include "purgatory/verify.h"

/* "msr daifset, #0xf" (Arm ARM C6.2.229, MSR (immediate)): purgatory masks
 * every exception before it touches anything. */
#define A64_MSR_DAIFSET_ALL 0xd5034fdfu

#define MEM_BASE 0x40000000ull
#define MEM_SIZE (256 * 1024)

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

static void test_embedded_blob(void **state)
{
	struct kx_purgatory pg;

	assert_int_equal(kx_purgatory_open(kx_purgatory_blob, kx_purgatory_blob_size, &pg), 0);
	assert_int_equal(pg.mem_size % KX_PURGATORY_ALIGN, 0);
	assert_int_equal(pg.entry_offset % 4, 0);
	assert_int_equal(kx_le32(pg.image + pg.entry_offset), A64_MSR_DAIFSET_ALL);
	kx_purgatory_close(&pg);
}

static void fill(uint8_t *p, size_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

/* Rows of (offset, length) around the 64-byte block, both implementations. */
static void test_verify_both_impls(void **state)
{
	static const struct {
		uint64_t off, len;
	} regions[] = { { 0, 4096 }, { 4096, 0 }, { 8192, 63 }, { 8256, 65 }, { 16384, 200001 } };
	static const enum kx_sha256_impl impls[] = { KX_SHA256_SCALAR, KX_SHA256_AUTO };
	struct fake_mem m = { MEM_BASE, malloc(MEM_SIZE), MEM_SIZE };
	struct kx_purg_params *p = calloc(1, sizeof(*p));
	struct kx_purg_verify_result res;

	fill(m.buf, MEM_SIZE);
	p->arch.entry_mode = KX_ENTRY_LINUX_ARM64;
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		struct kx_purg_region *r = &p->regions[p->nr_regions++];

		r->start = MEM_BASE + regions[i].off;
		r->len = regions[i].len;
		kx_sha256(m.buf + regions[i].off, (size_t)regions[i].len, r->sha256);
	}
	for (size_t k = 0; k < 2; k++) {
		bool accel = impls[k] == KX_SHA256_AUTO && kx_sha256_have_accel();

		print_message("%s\n", accel ? "sha2-ce" : "scalar");
		assert_int_equal(kx_purg_verify_impl(p, impls[k], fake_map, &m, &res), KX_PURG_OK);
		assert_int_equal(res.shani, accel);
		m.buf[8256 + 64] ^= 0x10; /* last byte of region 3 */
		assert_int_equal(kx_purg_verify_impl(p, impls[k], fake_map, &m, &res),
				 KX_PURG_MISMATCH);
		assert_int_equal(res.region, 3);
		m.buf[8256 + 64] ^= 0x10;
	}
	p->arch.entry_mode = 2;
	assert_int_equal(kx_purg_check_params(p), KX_PURG_BAD_ENTRY_MODE);
	free(p);
	free(m.buf);
}

/* The CPU under test (QEMU's -cpu max in qemu-aarch64) has the SHA-256
 * instructions: without them the accelerated path would be untested here. */
static void test_cpu_has_sha2(void **state)
{
	if (!kx_sha256_have_accel()) {
		print_message("this CPU has no SHA-256 instructions\n");
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_blob),
		cmocka_unit_test(test_verify_both_impls),
		cmocka_unit_test(test_cpu_has_sha2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
