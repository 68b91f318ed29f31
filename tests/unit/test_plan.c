/* SPDX-License-Identifier: MIT */
/* The planner: every placement goes through kx_plan_place; table-driven. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plan.h"

#define K4 0x1000ull
#define M1 0x100000ull
#define NOMAX 0

struct ram { uint64_t start, end; };

struct place_case {
	const char *name;
	struct ram ram[4];
	uint64_t mem_min, mem_max;
	uint64_t size, align, min, max, pref;
	bool top_down, fixed;
	int want_ret;        /* 0 or -errno */
	uint64_t want_addr;
	uint64_t pref_max;   /* 0: none */
};

static const struct place_case cases[] = {
	{ "first fit above min", { { 0x1000, 0x9f000 }, { M1, 64 * M1 } }, 0, 0,
	  K4, K4, M1, NOMAX, KX_NO_PREF, false, false, 0, M1, 0 },
	{ "preferred address free", { { M1, 64 * M1 } }, 0, 0,
	  2 * M1, 2 * M1, M1, NOMAX, 16 * M1, false, false, 0, 16 * M1, 0 },
	{ "preferred address not RAM falls back", { { M1, 8 * M1 } }, 0, 0,
	  2 * M1, 2 * M1, M1, NOMAX, 16 * M1, false, false, 0, 2 * M1, 0 },
	{ "fixed address not RAM fails", { { M1, 8 * M1 } }, 0, 0,
	  2 * M1, 2 * M1, M1, NOMAX, 16 * M1, false, true, -EADDRNOTAVAIL, 0, 0 },
	{ "top down under max", { { M1, 64 * M1 } }, 0, 0,
	  3 * K4, K4, M1, 32 * M1, KX_NO_PREF, true, false, 0, 32 * M1 - 3 * K4, 0 },
	{ "top down picks highest region", { { M1, 8 * M1 }, { 16 * M1, 24 * M1 } }, 0, 0,
	  K4, K4, M1, NOMAX, KX_NO_PREF, true, false, 0, 24 * M1 - K4, 0 },
	{ "alignment skips unaligned start", { { M1 + K4, 64 * M1 } }, 0, 0,
	  K4, 2 * M1, M1, NOMAX, KX_NO_PREF, false, false, 0, 2 * M1, 0 },
	{ "too big for any region", { { M1, 2 * M1 }, { 4 * M1, 5 * M1 } }, 0, 0,
	  2 * M1, K4, 0, NOMAX, KX_NO_PREF, false, false, -ENOMEM, 0, 0 },
	{ "exactly fills a region (touching end)", { { M1, 2 * M1 } }, 0, 0,
	  M1, K4, 0, NOMAX, KX_NO_PREF, false, false, 0, M1, 0 },
	{ "mem-min clips", { { M1, 64 * M1 } }, 32 * M1, 0,
	  K4, K4, 0, NOMAX, KX_NO_PREF, false, false, 0, 32 * M1, 0 },
	{ "mem-max clips top down", { { M1, 64 * M1 } }, 0, 8 * M1,
	  K4, K4, 0, NOMAX, KX_NO_PREF, true, false, 0, 8 * M1 - K4, 0 },
	{ "window with no RAM", { { M1, 64 * M1 } }, 0, 0,
	  K4, K4, 128 * M1, 256 * M1, KX_NO_PREF, false, false, -ENOMEM, 0, 0 },
	{ "top of the address space", { { 0xfffffffffff00000ull, 0xfffffffffffff000ull } }, 0, 0,
	  K4, K4, 0, NOMAX, KX_NO_PREF, true, false, 0, 0xffffffffffffe000ull, 0 },
	{ "pref overflowing end rejected", { { M1, 64 * M1 } }, 0, 0,
	  2 * K4, K4, 0, NOMAX, 0xfffffffffffff000ull, false, false, 0, M1, 0 },
	{ "nothing below 1 MiB unless asked", { { 0x1000, 0x9f000 }, { M1, 2 * M1 } }, 0, 0,
	  K4, K4, M1, NOMAX, KX_NO_PREF, false, false, 0, M1, 0 },
	{ "below 1 MiB when asked", { { 0x1000, 0x9f000 }, { M1, 2 * M1 } }, 0, 0,
	  K4, K4, 0x1000, 0xa0000, KX_NO_PREF, true, false, 0, 0x9e000, 0 },
	/* pref_max: an initrd that the kernel reads best low but can take high. */
	{ "pref_max: room below it, top down stays below", { { M1, 64 * M1 } }, 0, 0,
	  K4, K4, M1, NOMAX, KX_NO_PREF, true, false, 0, 32 * M1 - K4, 32 * M1 },
	{ "pref_max: no room below, placed above", { { M1, 2 * M1 }, { 48 * M1, 64 * M1 } }, 0, 0,
	  2 * M1, K4, M1, NOMAX, KX_NO_PREF, true, false, 0, 62 * M1, 32 * M1 },
	{ "pref_max: no room below, bottom up above", { { 40 * M1, 64 * M1 } }, 0, 0,
	  2 * M1, K4, M1, NOMAX, KX_NO_PREF, false, false, 0, 40 * M1, 32 * M1 },
	{ "pref_max: never past max", { { M1, 2 * M1 }, { 48 * M1, 64 * M1 } }, 0, 0,
	  2 * M1, K4, M1, 56 * M1, KX_NO_PREF, true, false, 0, 54 * M1, 32 * M1 },
	{ "pref_max above max is max", { { M1, 64 * M1 } }, 0, 0,
	  K4, K4, M1, 16 * M1, KX_NO_PREF, true, false, 0, 16 * M1 - K4, 32 * M1 },
	{ "pref_max: no room anywhere", { { M1, 2 * M1 }, { 48 * M1, 49 * M1 } }, 0, 0,
	  2 * M1, K4, M1, NOMAX, KX_NO_PREF, true, false, -ENOMEM, 0, 32 * M1 },
};

static void setup_ram(struct kx_memmap *m, const struct ram *ram)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < 4 && ram[i].end; i++)
		assert_int_equal(kx_memmap_add(m, ram[i].start, ram[i].end, KX_MEM_RAM), 0);
}

static void test_place_table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct place_case *t = &cases[c];
		struct kx_memmap ram;
		struct kx_plan p;
		struct kx_place_req req = { .align = t->align, .min = t->min, .max = t->max,
					    .pref = t->pref, .top_down = t->top_down,
					    .fixed = t->fixed, .pref_max = t->pref_max };
		int i;

		print_message("case: %s\n", t->name);
		setup_ram(&ram, t->ram);
		assert_int_equal(kx_plan_init(&p, &ram, t->mem_min, t->mem_max), 0);
		i = kx_plan_add_placed(&p, KX_ROLE_OTHER, NULL, 0, t->size, &req, NULL);
		if (t->want_ret) {
			assert_int_equal(i, t->want_ret);
		} else {
			assert_true(i >= 0);
			assert_int_equal(p.seg[i].mem, t->want_addr);
		}
		kx_plan_free(&p);
		kx_memmap_free(&ram);
	}
}

/* Segments never overlap: place many into a fragmented map and check pairs. */
static void test_no_overlap(void **state)
{
	struct kx_memmap ram = { 0 };
	struct kx_plan p;
	struct kx_place_req req = { .align = K4, .min = 0, .pref = KX_NO_PREF };

	(void)state;
	assert_int_equal(kx_memmap_add(&ram, M1, M1 + 10 * K4, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&ram, 2 * M1, 2 * M1 + 7 * K4, KX_MEM_RAM), 0);
	assert_int_equal(kx_plan_init(&p, &ram, 0, 0), 0);
	for (int k = 0; k < 8; k++) {
		req.top_down = k & 1;
		assert_true(kx_plan_add_placed(&p, KX_ROLE_OTHER, NULL, 0, 2 * K4, &req, NULL) >= 0);
	}
	/* 17 pages in all, 16 used: a ninth 2-page segment does not fit. */
	assert_int_equal(kx_plan_add_placed(&p, KX_ROLE_OTHER, NULL, 0, 2 * K4, &req, NULL),
			 -ENOMEM);
	for (size_t a = 0; a < 8; a++)
		for (size_t b = a + 1; b < 8; b++)
			assert_true(p.seg[a].mem + p.seg[a].memsz <= p.seg[b].mem ||
				    p.seg[b].mem + p.seg[b].memsz <= p.seg[a].mem);
	kx_plan_free(&p);
	kx_memmap_free(&ram);
}

static void test_add_rules(void **state)
{
	struct kx_memmap ram = { 0 };
	struct kx_plan p;
	struct kx_place_req req = { .align = K4, .pref = KX_NO_PREF };
	uint8_t buf[10] = { 1 };
	int i;

	(void)state;
	assert_int_equal(kx_memmap_add(&ram, M1, 64 * M1, KX_MEM_RAM), 0);
	assert_int_equal(kx_plan_init(&p, &ram, 0, 0), 0);
	/* memsz rounds up to pages and to at least bufsz */
	i = kx_plan_add(&p, KX_ROLE_KERNEL, buf, sizeof(buf), 0, &req, NULL);
	assert_int_equal(p.seg[i].memsz, K4);
	req.align = 0x800;
	assert_int_equal(kx_plan_add(&p, KX_ROLE_KERNEL, buf, 1, 1, &req, NULL), -EINVAL);
	req.align = 3 * K4;
	assert_int_equal(kx_plan_add(&p, KX_ROLE_KERNEL, buf, 1, 1, &req, NULL), -EINVAL);
	req.align = K4;
	for (int k = 1; k < KX_MAX_SEGMENTS; k++)
		assert_true(kx_plan_add(&p, KX_ROLE_OTHER, buf, 1, 1, &req, NULL) >= 0);
	assert_int_equal(kx_plan_add(&p, KX_ROLE_OTHER, buf, 1, 1, &req, NULL), -E2BIG);
	kx_plan_free(&p);
	/* --mem-max below --mem-min */
	assert_int_equal(kx_plan_init(&p, &ram, 8 * M1, 4 * M1), -EINVAL);
	/* a window without RAM */
	assert_int_equal(kx_plan_init(&p, &ram, 128 * M1, 256 * M1), -ENOMEM);
	kx_memmap_free(&ram);
}

/* The segment digest covers the zero tail: equal to hashing bufsz + zeros. */
static void test_hash_zero_tail(void **state)
{
	struct kx_segment s = { 0 };
	static uint8_t full[3 * K4];
	uint8_t want[32];

	(void)state;
	memset(full, 0xab, 100);
	s.buf = full;
	s.bufsz = 100;
	s.memsz = sizeof(full);
	kx_segment_hash(&s);
	kx_sha256(full, sizeof(full), want);
	assert_memory_equal(s.sha256, want, 32);
}

struct release_log {
	const uint8_t *next; /* where the next released stretch must start */
	size_t calls;
};

static void log_release(void *ctx, const void *buf, size_t len)
{
	struct release_log *l = ctx;

	assert_ptr_equal(buf, l->next);
	l->next += len;
	l->calls++;
}

/* The release hook sees every byte of the buffer once, in order, in several
 * stretches for a large segment, and the digest is that of the whole. */
static void test_hash_release(void **state)
{
	size_t len = (20u << 20) + 123;
	uint8_t *buf = malloc(len);
	struct kx_segment s = { 0 };
	struct release_log l = { 0 };
	struct kx_release_hook rel = { log_release, &l };
	struct kx_sha256 c;
	uint8_t want[32];

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 12));
	s.buf = buf;
	s.bufsz = len;
	s.memsz = len + 2 * K4;
	l.next = buf;
	kx_segment_hash_release(&s, &rel);
	assert_ptr_equal(l.next, buf + len);
	assert_true(l.calls >= 3);
	kx_sha256_init(&c, KX_SHA256_AUTO);
	kx_sha256_update(&c, buf, len);
	kx_sha256_update_zeros(&c, 2 * K4);
	kx_sha256_final(&c, want);
	assert_memory_equal(s.sha256, want, 32);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_place_table),
		cmocka_unit_test(test_no_overlap),
		cmocka_unit_test(test_add_rules),
		cmocka_unit_test(test_hash_zero_tail),
		cmocka_unit_test(test_hash_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
