/* SPDX-License-Identifier: MIT */
/* core/fdt.c: the DTB header check --dtb relies on, one row per way a file
 * can fail to be a DTB, the odd bounds included. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/fdt.h"

enum { MAGIC, TOTAL, OFF_STRUCT, OFF_STRINGS, OFF_RSVMAP, VERSION, LAST_COMP, CPU,
       SIZE_STRINGS, SIZE_STRUCT };

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_fdt_check(void **state)
{
	/* A sound 64-byte DTB: reservation map at 40, structure 56-60, strings 60-64. */
	static const uint32_t good[10] = { KX_FDT_MAGIC, 64, 56, 60, 40, 17, 16, 0, 4, 4 };
	static const struct {
		const char *name;
		int field;           /* -1: none changed */
		uint32_t value;
		size_t len;          /* bytes handed to the check */
		int err;
		const char *msg;
	} rows[] = {
		{ "sound", -1, 0, 64, 0, NULL },
		{ "longer file than totalsize", -1, 0, 80, 0, NULL },
		{ "version 16", VERSION, 16, 64, 0, NULL },
		{ "structure block ends at totalsize", SIZE_STRUCT, 8, 64, 0, NULL },
		{ "shorter than the header", -1, 0, 39, -EINVAL, "shorter than its 40-byte header" },
		{ "empty", -1, 0, 0, -EINVAL, "shorter than" },
		{ "bad magic", MAGIC, 0xedfe0dd0, 64, -EINVAL, "no magic 0xd00dfeed" },
		{ "totalsize beyond the file", TOTAL, 65, 64, -EINVAL, "does not fit the file" },
		{ "totalsize under the header", TOTAL, 39, 64, -EINVAL, "does not fit the file" },
		{ "version 15", VERSION, 15, 64, -EINVAL, "versions 16 and 17" },
		{ "compatible only with 18", LAST_COMP, 18, 64, -EINVAL, "versions 16 and 17" },
		{ "structure block past the end", SIZE_STRUCT, 9, 64, -EINVAL, "outside its 64 bytes" },
		{ "structure size wraps", SIZE_STRUCT, 0xfffffffc, 64, -EINVAL, "outside" },
		{ "strings inside the header", OFF_STRINGS, 36, 64, -EINVAL, "outside" },
		{ "strings offset past the end", OFF_STRINGS, 0xffffffff, 64, -EINVAL, "outside" },
		{ "reservation map past the end", OFF_RSVMAP, 65, 64, -EINVAL, "outside" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t buf[80] = { 0 };
		uint32_t size = 1234;
		int ret;

		for (int f = 0; f < 10; f++)
			put_be32(buf + 4 * f, f == rows[i].field ? rows[i].value : good[f]);
		ret = kx_fdt_check(buf, rows[i].len, "t.dtb", &size);
		if (ret != rows[i].err)
			fail_msg("%s: %d, want %d (%s)", rows[i].name, ret, rows[i].err, kx_errmsg());
		if (ret == 0) {
			assert_int_equal(size, 64);
		} else {
			assert_int_equal(size, 0);
			if (!strstr(kx_errmsg(), rows[i].msg) || !strstr(kx_errmsg(), "t.dtb"))
				fail_msg("%s: '%s' lacks '%s'", rows[i].name, kx_errmsg(),
					 rows[i].msg);
		}
	}
	assert_int_equal(kx_fdt_check(NULL, 64, "t.dtb", &(uint32_t){ 0 }), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdt_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
