/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/memmap.h"

#define MAX_ROWS 8
#define TOP UINT64_MAX

struct r {
	uint64_t start, end;
	enum kx_mem_type type;
};

static void load(struct kx_memmap *m, const struct r *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(kx_memmap_add(m, in[i].start, in[i].end, in[i].type), 0);
}

static void expect(const struct kx_memmap *m, const struct r *want, size_t n)
{
	size_t i;

	assert_int_equal(m->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(m->v[i].start, want[i].start);
		assert_int_equal(m->v[i].end, want[i].end);
		assert_int_equal(m->v[i].type, want[i].type);
	}
}

static void test_add_rejects_empty(void **state)
{
	static const struct {
		uint64_t start, end;
		int ret;
	} rows[] = {
		{ 0x1000, 0x2000, 0 },
		{ 0x1000, 0x1000, -EINVAL },    /* zero length */
		{ 0x2000, 0x1000, -EINVAL },    /* inverted */
		{ 0, 1, 0 },                    /* one byte at 0 */
		{ TOP - 0x1000, TOP, 0 },       /* top of address space */
		{ TOP, TOP, -EINVAL },
	};
	struct kx_memmap m = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(kx_memmap_add(&m, rows[i].start, rows[i].end, KX_MEM_RAM),
				 rows[i].ret);
	assert_int_equal(m.n, 3);
	assert_non_null(strstr(kx_errmsg(), "memmap: empty region"));
	kx_memmap_free(&m);
}

static void test_add_grows(void **state)
{
	struct kx_memmap m = { 0 };
	uint64_t i;

	for (i = 0; i < 1000; i++)
		assert_int_equal(kx_memmap_add(&m, i * 0x2000, i * 0x2000 + 0x1000, KX_MEM_RAM), 0);
	assert_int_equal(m.n, 1000);
	assert_int_equal(m.v[999].start, 999 * 0x2000);
	kx_memmap_free(&m);
	assert_null(m.v);
	assert_int_equal(m.n, 0);
}

static const struct {
	const char *name;
	struct r in[MAX_ROWS];
	size_t n_in;
	struct r want[MAX_ROWS];
	size_t n_want;
} normalize_rows[] = {
	{ "empty", { { 0 } }, 0, { { 0 } }, 0 },
	{ "sorts",
	  { { 0x3000, 0x4000, KX_MEM_RAM }, { 0x1000, 0x2000, KX_MEM_RAM } }, 2,
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x3000, 0x4000, KX_MEM_RAM } }, 2 },
	{ "touching same type merge",
	  { { 0x2000, 0x3000, KX_MEM_RAM }, { 0x1000, 0x2000, KX_MEM_RAM } }, 2,
	  { { 0x1000, 0x3000, KX_MEM_RAM } }, 1 },
	{ "touching other type stay",
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x2000, 0x3000, KX_MEM_RESERVED } }, 2,
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x2000, 0x3000, KX_MEM_RESERVED } }, 2 },
	{ "overlapping same type merge",
	  { { 0x1000, 0x3000, KX_MEM_ACPI }, { 0x2000, 0x5000, KX_MEM_ACPI } }, 2,
	  { { 0x1000, 0x5000, KX_MEM_ACPI } }, 1 },
	{ "contained same type absorbed",
	  { { 0x1000, 0x9000, KX_MEM_RAM }, { 0x2000, 0x3000, KX_MEM_RAM } }, 2,
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1 },
	{ "gap kept",
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x2001, 0x3000, KX_MEM_RAM } }, 2,
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x2001, 0x3000, KX_MEM_RAM } }, 2 },
	{ "chain of three across a hole of other type",
	  { { 0x3000, 0x4000, KX_MEM_RAM }, { 0x1000, 0x2000, KX_MEM_RAM },
	    { 0x2000, 0x3000, KX_MEM_RAM }, { 0x5000, 0x6000, KX_MEM_NVS } }, 4,
	  { { 0x1000, 0x4000, KX_MEM_RAM }, { 0x5000, 0x6000, KX_MEM_NVS } }, 2 },
	{ "top of address space",
	  { { TOP - 0x1000, TOP, KX_MEM_RAM }, { TOP - 0x2000, TOP - 0x1000, KX_MEM_RAM } }, 2,
	  { { TOP - 0x2000, TOP, KX_MEM_RAM } }, 1 },
};

static void test_normalize(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(normalize_rows) / sizeof(normalize_rows[0]); i++) {
		struct kx_memmap m = { 0 };

		print_message("normalize: %s\n", normalize_rows[i].name);
		load(&m, normalize_rows[i].in, normalize_rows[i].n_in);
		kx_memmap_normalize(&m);
		expect(&m, normalize_rows[i].want, normalize_rows[i].n_want);
		kx_memmap_free(&m);
	}
}

static const struct {
	const char *name;
	struct r in[MAX_ROWS];
	size_t n_in;
	uint64_t cut_start, cut_end;
	int ret;
	struct r want[MAX_ROWS];
	size_t n_want;
} remove_rows[] = {
	{ "middle splits",
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1, 0x3000, 0x4000, 0,
	  { { 0x1000, 0x3000, KX_MEM_RAM }, { 0x4000, 0x9000, KX_MEM_RAM } }, 2 },
	{ "head cut",
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1, 0x0, 0x2000, 0,
	  { { 0x2000, 0x9000, KX_MEM_RAM } }, 1 },
	{ "tail cut",
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1, 0x8000, 0xa000, 0,
	  { { 0x1000, 0x8000, KX_MEM_RAM } }, 1 },
	{ "whole removed",
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x3000, 0x4000, KX_MEM_ACPI } }, 2,
	  0x1000, 0x2000, 0,
	  { { 0x3000, 0x4000, KX_MEM_ACPI } }, 1 },
	{ "touching cut leaves region",
	  { { 0x1000, 0x2000, KX_MEM_RAM } }, 1, 0x2000, 0x3000, 0,
	  { { 0x1000, 0x2000, KX_MEM_RAM } }, 1 },
	{ "spanning several",
	  { { 0x1000, 0x3000, KX_MEM_RAM }, { 0x4000, 0x5000, KX_MEM_RAM },
	    { 0x6000, 0x8000, KX_MEM_RAM } }, 3, 0x2000, 0x7000, 0,
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x7000, 0x8000, KX_MEM_RAM } }, 2 },
	{ "split keeps order before next",
	  { { 0x1000, 0x9000, KX_MEM_RAM }, { 0xa000, 0xb000, KX_MEM_NVS } }, 2,
	  0x2000, 0x3000, 0,
	  { { 0x1000, 0x2000, KX_MEM_RAM }, { 0x3000, 0x9000, KX_MEM_RAM },
	    { 0xa000, 0xb000, KX_MEM_NVS } }, 3 },
	{ "empty cut is a no-op",
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1, 0x3000, 0x3000, 0,
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1 },
	{ "inverted cut rejected",
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1, 0x4000, 0x3000, -EINVAL,
	  { { 0x1000, 0x9000, KX_MEM_RAM } }, 1 },
	{ "top of address space",
	  { { TOP - 0x3000, TOP, KX_MEM_RAM } }, 1, TOP - 0x2000, TOP - 0x1000, 0,
	  { { TOP - 0x3000, TOP - 0x2000, KX_MEM_RAM }, { TOP - 0x1000, TOP, KX_MEM_RAM } }, 2 },
	{ "cut to the top",
	  { { TOP - 0x3000, TOP, KX_MEM_RAM } }, 1, TOP - 0x1000, TOP, 0,
	  { { TOP - 0x3000, TOP - 0x1000, KX_MEM_RAM } }, 1 },
};

static void test_remove(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(remove_rows) / sizeof(remove_rows[0]); i++) {
		struct kx_memmap m = { 0 };

		print_message("remove: %s\n", remove_rows[i].name);
		load(&m, remove_rows[i].in, remove_rows[i].n_in);
		assert_int_equal(kx_memmap_remove(&m, remove_rows[i].cut_start,
						  remove_rows[i].cut_end), remove_rows[i].ret);
		expect(&m, remove_rows[i].want, remove_rows[i].n_want);
		kx_memmap_free(&m);
	}
}

/* Many splits in one map make it grow while it is being walked. */
static void test_remove_many_splits(void **state)
{
	struct kx_memmap m = { 0 };
	uint64_t i;

	for (i = 0; i < 100; i++)
		assert_int_equal(kx_memmap_add(&m, i * 0x10000, i * 0x10000 + 0x8000, KX_MEM_RAM), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(kx_memmap_remove(&m, i * 0x10000 + 0x1000, i * 0x10000 + 0x2000), 0);
	assert_int_equal(m.n, 200);
	assert_int_equal(m.v[198].start, 99 * 0x10000);
	assert_int_equal(m.v[198].end, 99 * 0x10000 + 0x1000);
	assert_int_equal(m.v[199].start, 99 * 0x10000 + 0x2000);
	kx_memmap_free(&m);
}

static void test_type_names(void **state)
{
	static const struct {
		const char *name;
		enum kx_mem_type type;
	} rows[] = {
		{ "System RAM", KX_MEM_RAM },
		{ "Reserved", KX_MEM_RESERVED },
		{ "ACPI Tables", KX_MEM_ACPI },
		{ "ACPI Non-volatile Storage", KX_MEM_NVS },
		{ "Unusable memory", KX_MEM_UNUSABLE },
		{ "Persistent Memory (legacy)", KX_MEM_PRAM },
		{ "Persistent Memory", KX_MEM_PMEM },
		{ "Soft Reserved", KX_MEM_SOFT_RESERVED },
	};
	enum kx_mem_type t;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_string_equal(kx_mem_type_name(rows[i].type), rows[i].name);
		assert_true(kx_mem_type_parse(rows[i].name, &t));
		assert_int_equal(t, rows[i].type);
	}
	assert_true(kx_mem_type_parse("reserved", &t));
	assert_int_equal(t, KX_MEM_RESERVED);
	assert_false(kx_mem_type_parse("PCI Bus 0000:00", &t));
	assert_false(kx_mem_type_parse("System RAM ", &t));
	assert_false(kx_mem_type_parse("", &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_rejects_empty),
		cmocka_unit_test(test_add_grows),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_remove_many_splits),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
