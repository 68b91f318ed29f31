/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cmdline.h"

static const struct {
	const char *in;
	bool crash;
	const char *out;
} reuse_cases[] = {
	{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n", false, "root=/dev/sda1 ro quiet" },
	{ "root=/dev/sda1 BOOT_IMAGE=/boot/x crashkernel=256M", false, "root=/dev/sda1 crashkernel=256M" },
	{ "root=/dev/sda1 BOOT_IMAGE=/boot/x crashkernel=256M", true, "root=/dev/sda1" },
	{ "a=\"x y BOOT_IMAGE=z\" b", false, "a=\"x y BOOT_IMAGE=z\" b" },
	{ "   ", false, "" },
	{ "", false, "" },
	{ "BOOT_IMAGE=only", false, "" },
	{ "crashkernel=1G-4G:192M,4G-:256M console=ttyS0", true, "console=ttyS0" },
	{ "x\t\ty", false, "x y" },
	{ "unterminated=\"quote here", false, "unterminated=\"quote here" },
};

static void test_reuse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reuse_cases) / sizeof(reuse_cases[0]); i++) {
		char *s = kx_cmdline_reuse(reuse_cases[i].in, reuse_cases[i].crash);

		assert_non_null(s);
		assert_string_equal(s, reuse_cases[i].out);
		free(s);
	}
}

static void test_has_param(void **state)
{
	assert_true(kx_cmdline_has_param("no-real-mode", "no-real-mode"));
	assert_true(kx_cmdline_has_param("a=1 no-real-mode b", "no-real-mode"));
	assert_true(kx_cmdline_has_param("a no-real-mode=0", "no-real-mode"));
	assert_true(kx_cmdline_has_param("\tx\nno-real-mode", "no-real-mode"));
	assert_false(kx_cmdline_has_param("no-real-modes", "no-real-mode"));
	assert_false(kx_cmdline_has_param("xno-real-mode", "no-real-mode"));
	assert_false(kx_cmdline_has_param("a=\"x no-real-mode\"", "no-real-mode"));
	assert_false(kx_cmdline_has_param("", "no-real-mode"));
	assert_false(kx_cmdline_has_param(NULL, "no-real-mode"));
}

static void test_append(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(kx_cmdline_append(&s, "console=ttyS0"), 0);
	assert_string_equal(s, "console=ttyS0");
	assert_int_equal(kx_cmdline_append(&s, ""), 0);
	assert_string_equal(s, "console=ttyS0");
	assert_int_equal(kx_cmdline_append(&s, "quiet"), 0);
	assert_string_equal(s, "console=ttyS0 quiet");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_has_param),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
