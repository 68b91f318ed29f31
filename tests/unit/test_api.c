/* SPDX-License-Identifier: MIT */
/*
 * The public API (include/kx/kx.h), used as a boot manager would: every call,
 * the order they must come in, and their errors. Only kx/kx.h is included.
 * KX_FIXTURES names the directory tests/golden/mkfixtures.py wrote (a
 * bzImage, an initrd and fake BIOS/UEFI system trees). Nothing here loads or
 * unloads a kernel: loads are refused because the plan comes from a sysroot,
 * and kx_exec only ever sees a tree that says nothing is loaded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kx/kx.h"
#include "tests/unit/elf_fixture.h"

static char fx_dir[512];

static const char *fx(const char *name)
{
	static char path[4][640];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", fx_dir, name);
	return p;
}

/* Asserts a failed call: its errno, a message containing `text`, whether the
 * error carries a plan. Frees the error and clears *ep. The error is read
 * through ep, after the call in the first argument has set it. */
static void expect_error(int ret, kx_error **ep, int code, const char *text, bool with_plan)
{
	kx_error *e = *ep;

	*ep = NULL;
	assert_int_equal(ret, code);
	assert_non_null(e);
	assert_int_equal(kx_error_code(e), code);
	if (!strstr(kx_error_message(e), text))
		fail_msg("message '%s' lacks '%s'", kx_error_message(e), text);
	assert_int_equal(kx_error_plan(e) != NULL, with_plan);
	kx_error_free(e);
}

/* A loader with the golden bzImage, its initrd and the BIOS tree. */
static kx_loader *bios_loader(void)
{
	kx_loader *l = kx_loader_new();

	assert_non_null(l);
	assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
	assert_int_equal(kx_open_image(l, fx("bzImage"), NULL), 0);
	assert_int_equal(kx_set_initrd(l, fx("initrd"), NULL), 0);
	assert_int_equal(kx_set_append(l, "console=ttyS0", NULL), 0);
	return l;
}

static void test_version_and_types(void **state)
{
	const char *const *types = kx_image_types();
	size_t n = 0;

	assert_string_equal(kx_version(), KX_VERSION);
	while (types[n])
		n++;
	assert_true(n >= 5);
	assert_string_equal(types[0], "bzImage");
	assert_string_equal(types[n - 1], "uki");
	kx_loader_free(NULL);
	kx_error_free(NULL);
	assert_null(kx_get_plan(NULL));
	assert_int_equal(kx_plan_segment_count(NULL), 0);
}

static void test_open_errors(void **state)
{
	kx_loader *l = kx_loader_new();
	kx_error *e = NULL;

	expect_error(kx_open_image(l, fx("no-such-kernel"), &e), &e, -ENOENT, "no-such-kernel",
		     false);
	expect_error(kx_open_image(l, fx("sysroot-bios"), &e), &e, -EISDIR, "is a directory",
		     false);
	expect_error(kx_set_initrd(l, fx("no-such-initrd"), &e), &e, -ENOENT, "initrd", false);
	expect_error(kx_add_module(l, "/no/such/module arg=1", &e), &e, -ENOENT,
		     "/no/such/module", false);
	expect_error(kx_set_type(l, "pe-with-a-typo", &e), &e, -EINVAL,
		     "unknown image type 'pe-with-a-typo'", false);
	assert_int_equal(kx_open_image(l, fx("bzImage"), NULL), 0);
	expect_error(kx_open_image(l, fx("bzImage"), &e), &e, -EBUSY, "open already", false);
	/* A NULL err is allowed: the code alone tells. */
	assert_int_equal(kx_set_syscall(l, (enum kx_syscall)9, NULL), -EINVAL);
	assert_int_equal(kx_set_image_args(l, (enum kx_image_args)9, NULL), -EINVAL);
	assert_int_equal(kx_set_linux_entry(l, (enum kx_linux_entry)9, NULL), -EINVAL);
	kx_loader_free(l);
}

/* A FIFO as the kernel, initrd or module fails at once (open() without
 * O_NONBLOCK would wait for a writer forever). */
static void test_open_not_regular(void **state)
{
	static const struct {
		const char *what; /* "kernel", "initrd", "module" */
		const char *path;
		int code;
		const char *text;
	} rows[] = {
		{ "kernel", "api-fifo", -EINVAL, "api-fifo is not a regular file" },
		{ "initrd", "api-fifo", -EINVAL, "initrd: " },
		{ "module", "api-fifo", -EINVAL, "module: " },
		{ "kernel", "/dev/null", -EINVAL, "/dev/null is not a regular file" },
		{ "initrd", "/dev/null", -EINVAL, "not a regular file" },
	};
	char fifo[640];

	snprintf(fifo, sizeof(fifo), "%s/api-fifo", fx_dir);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = kx_loader_new();
		const char *path = rows[i].path[0] == '/' ? rows[i].path : fifo;
		kx_error *e = NULL;
		int ret;

		if (!strcmp(rows[i].what, "kernel"))
			ret = kx_open_image(l, path, &e);
		else if (!strcmp(rows[i].what, "initrd"))
			ret = kx_set_initrd(l, path, &e);
		else
			ret = kx_add_module(l, path, &e);
		expect_error(ret, &e, rows[i].code, rows[i].text, false);
		kx_loader_free(l);
	}
	unlink(fifo);
}

/* An empty initrd (a failed initramfs build) is an error, not an initrd
 * silently left out: the next kernel would not find its root file system. */
static void test_empty_initrd(void **state)
{
	char path[640];
	FILE *f;
	kx_loader *l = kx_loader_new();
	kx_error *e = NULL;

	snprintf(path, sizeof(path), "%s/api-empty-initrd", fx_dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
	assert_int_equal(kx_open_image(l, fx("bzImage"), NULL), 0);
	expect_error(kx_set_initrd(l, path, &e), &e, -EINVAL, "api-empty-initrd is empty", false);
	/* The loader stays usable: a good initrd may still be given. */
	assert_int_equal(kx_set_initrd(l, fx("initrd"), NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	kx_loader_free(l);
	unlink(path);
}

/* A file truncated while kx reads it through its mapping (or a media error
 * under it) is an error naming the file, not SIGBUS. */
static void test_truncated_while_reading(void **state)
{
	enum step { BEFORE_BUILD, BEFORE_DIGEST, BEFORE_PRINT };
	static const struct {
		const char *file; /* "kernel" or "initrd": the one truncated */
		enum step when;
		const char *text;
	} rows[] = {
		{ "kernel", BEFORE_BUILD, "kernel " },
		{ "kernel", BEFORE_DIGEST, "kernel " },
		{ "initrd", BEFORE_DIGEST, "initrd " },
		{ "initrd", BEFORE_PRINT, "initrd " },
	};
	char kernel[640], initrd[640], cmd[1400];

	snprintf(kernel, sizeof(kernel), "%s/api-trunc-bzImage", fx_dir);
	snprintf(initrd, sizeof(initrd), "%s/api-trunc-initrd", fx_dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = kx_loader_new();
		kx_error *e = NULL;
		FILE *out;
		int ret;

		/* A fresh copy of the kernel and a 32 MiB (sparse) initrd. */
		snprintf(cmd, sizeof(cmd), "cp %s %s", fx("bzImage"), kernel);
		assert_int_equal(system(cmd), 0);
		out = fopen(initrd, "w");
		assert_non_null(out);
		fclose(out);
		assert_int_equal(truncate(initrd, 32 << 20), 0);
		assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
		assert_int_equal(kx_open_image(l, kernel, NULL), 0);
		assert_int_equal(kx_set_initrd(l, initrd, NULL), 0);
		if (rows[i].when != BEFORE_BUILD)
			assert_int_equal(kx_build(l, NULL), 0);
		assert_int_equal(truncate(strcmp(rows[i].file, "kernel") ? initrd : kernel, 0), 0);
		switch (rows[i].when) {
		case BEFORE_BUILD:
			ret = kx_build(l, &e);
			break;
		case BEFORE_DIGEST:
			ret = kx_digest(l, &e);
			break;
		default:
			out = fopen("/dev/null", "w");
			ret = kx_print_plan(l, out, KX_PRINT_TEXT, &e);
			fclose(out);
			break;
		}
		assert_non_null(e);
		if (!strstr(kx_error_message(e), rows[i].text) ||
		    !strstr(kx_error_message(e), "changed or became unreadable"))
			fail_msg("row %zu: '%s'", i, kx_error_message(e));
		expect_error(ret, &e, -EIO, rows[i].file, rows[i].when != BEFORE_BUILD);
		kx_loader_free(l);
	}
	unlink(kernel);
	unlink(initrd);
}

static void test_call_order(void **state)
{
	kx_loader *l = kx_loader_new();
	kx_error *e = NULL;

	expect_error(kx_gather_facts(l, &e), &e, -EINVAL, "open an image first", false);
	expect_error(kx_build(l, &e), &e, -EINVAL, "open an image first", false);
	expect_error(kx_digest(l, &e), &e, -EINVAL, "build the plan first", false);
	expect_error(kx_print_plan(l, stdout, KX_PRINT_TEXT, &e), &e, -EINVAL,
		     "build the plan first", false);
	expect_error(kx_load(l, &e), &e, -EINVAL, "build the plan first", false);
	assert_null(kx_loaded_with(l));
	kx_loader_free(l);

	l = bios_loader();
	assert_int_equal(kx_build(l, NULL), 0);
	expect_error(kx_build(l, &e), &e, -EBUSY, "built already", false);
	expect_error(kx_set_append(l, "late", &e), &e, -EBUSY, "set options before", false);
	expect_error(kx_set_panic(l, true, &e), &e, -EBUSY, "set options before", false);
	kx_loader_free(l);
}

static void test_plan_view(void **state)
{
	kx_loader *l = bios_loader();
	const kx_plan *p;
	bool have_purgatory = false, have_initrd = false;

	assert_null(kx_get_plan(l));
	assert_int_equal(kx_gather_facts(l, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	p = kx_get_plan(l);
	assert_non_null(p);
	assert_string_equal(kx_plan_format(p), "bzImage");
	assert_null(kx_plan_compression(p));
	assert_false(kx_plan_panic(p));
	assert_string_equal(kx_plan_cmdline(p), "console=ttyS0");
	assert_string_equal(kx_plan_syscall(p), "auto (kexec_file_load, else kexec_load)");
	assert_string_equal(kx_plan_entry_mode(p), "linux64");
	assert_false(kx_plan_map_guessed(p));
	assert_true(kx_plan_segment_count(p) >= 4);
	for (size_t i = 0; i < kx_plan_segment_count(p); i++) {
		const char *role = kx_plan_segment_role(p, i);

		assert_non_null(role);
		assert_int_equal(kx_plan_segment_mem(p, i) % 4096, 0);
		assert_true(kx_plan_segment_memsz(p, i) >= kx_plan_segment_bufsz(p, i));
		/* Digests come only when asked for. */
		assert_null(kx_plan_segment_sha256(p, i));
		if (!strcmp(role, "purgatory")) {
			have_purgatory = true;
			assert_false(kx_plan_segment_verified(p, i));
			assert_true(kx_plan_entry(p) >= kx_plan_segment_mem(p, i));
			assert_true(kx_plan_entry(p) < kx_plan_segment_mem(p, i) +
							 kx_plan_segment_memsz(p, i));
		}
		if (!strcmp(role, "initrd")) {
			have_initrd = true;
			assert_true(kx_plan_segment_verified(p, i));
			assert_int_equal(kx_plan_segment_bufsz(p, i), 300000);
		}
	}
	assert_true(have_purgatory && have_initrd);
	assert_null(kx_plan_segment_role(p, kx_plan_segment_count(p)));
	assert_int_equal(kx_digest(l, NULL), 0);
	for (size_t i = 0; i < kx_plan_segment_count(p); i++)
		assert_non_null(kx_plan_segment_sha256(p, i));
	kx_loader_free(l);
}

/* A UKI: its wrapper, the sections used and the sources, through the
 * public view; a bzImage has no wrapper. */
static void test_plan_view_uki(void **state)
{
	static const struct {
		bool initrd;
		const char *cmdline_from, *initrd_from, *sections[3];
	} rows[] = {
		{ false, "uki", "uki", { ".linux", ".initrd", ".cmdline" } },
		{ true, "given, the UKI's not used", "uki, then given (concatenated)",
		  { ".linux", ".initrd", NULL } },
	};

	for (size_t r = 0; r < 2; r++) {
		kx_loader *l = kx_loader_new();
		const kx_plan *p;
		size_t n = 0;

		assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
		assert_int_equal(kx_set_type(l, "UKI", NULL), 0);
		assert_int_equal(kx_open_image(l, fx("uki.efi"), NULL), 0);
		if (rows[r].initrd) {
			assert_int_equal(kx_set_initrd(l, fx("initrd"), NULL), 0);
			assert_int_equal(kx_set_append(l, "", NULL), 0);
		}
		assert_int_equal(kx_build(l, NULL), 0);
		p = kx_get_plan(l);
		assert_string_equal(kx_plan_format(p), "bzImage");
		assert_string_equal(kx_plan_wrapper(p), "uki");
		assert_string_equal(kx_plan_cmdline_source(p), rows[r].cmdline_from);
		assert_string_equal(kx_plan_initrd_source(p), rows[r].initrd_from);
		assert_string_equal(kx_plan_cmdline(p), rows[r].initrd ? "" :
				    "root=/dev/vda1 console=ttyS0 kx.uki=1");
		for (; n < 3 && rows[r].sections[n]; n++) {
			assert_string_equal(kx_plan_wrapper_section_name(p, n), rows[r].sections[n]);
			assert_true(kx_plan_wrapper_section_offset(p, n) > 0);
			assert_true(kx_plan_wrapper_section_size(p, n) > 0);
		}
		assert_int_equal(kx_plan_wrapper_section_count(p), n);
		assert_null(kx_plan_wrapper_section_name(p, n));
		assert_int_equal(kx_plan_wrapper_section_size(p, n), 0);
		kx_loader_free(l);
	}
	{
		kx_loader *l = bios_loader();

		assert_int_equal(kx_build(l, NULL), 0);
		assert_null(kx_plan_wrapper(kx_get_plan(l)));
		assert_null(kx_plan_cmdline_source(kx_get_plan(l)));
		assert_int_equal(kx_plan_wrapper_section_count(kx_get_plan(l)), 0);
		kx_loader_free(l);
	}
	assert_null(kx_plan_wrapper(NULL));
}

/* A damaged UKI or -t uki on another file: the message names what is wrong. */
static void test_uki_errors(void **state)
{
	static const struct { const char *file, *type, *text; int code; } rows[] = {
		{ "uki-junk.efi", NULL, "uki: the .linux section (12 bytes) is not a kernel image",
		  -ENOEXEC },
		{ "uki-cut.efi", NULL, "(.linux) lies at bytes", -EINVAL },
		{ "bzImage", "uki", "-t uki", -ENOEXEC },
		{ "uki-junk.efi", "elf", "elf", -ENOEXEC },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		kx_loader *l = kx_loader_new();
		kx_error *e = NULL;

		assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
		if (rows[r].type)
			assert_int_equal(kx_set_type(l, rows[r].type, NULL), 0);
		assert_int_equal(kx_open_image(l, fx(rows[r].file), NULL), 0);
		assert_int_equal(kx_build(l, &e), rows[r].code);
		if (!strstr(kx_error_message(e), rows[r].text))
			fail_msg("%s: \"%s\" lacks \"%s\"", rows[r].file, kx_error_message(e),
				 rows[r].text);
		assert_null(kx_get_plan(l));
		kx_error_free(e);
		kx_loader_free(l);
	}
}

/* The printers give what kexec --dry-run prints. */
static void test_print(void **state)
{
	kx_loader *l = bios_loader();
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	kx_error *e = NULL;

	assert_int_equal(kx_build(l, NULL), 0);
	assert_int_equal(kx_print_plan(l, out, KX_PRINT_JSON, &e), 0);
	assert_null(e);
	fclose(out);
	assert_true(len > 0 && buf[len - 1] == '\n');
	assert_non_null(strstr(buf, "{\"format\":\"bzImage\""));
	assert_non_null(strstr(buf, "\"cmdline\":\"console=ttyS0\""));
	assert_non_null(strstr(buf, "\"role\":\"initrd\""));
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(kx_print_plan(l, out, KX_PRINT_TEXT, NULL), 0);
	fclose(out);
	assert_int_equal(strncmp(buf, "format:    bzImage\n", 19), 0);
	free(buf);
	kx_loader_free(l);
}

/* A plan from a sysroot describes another machine: printing it is fine,
 * loading it is refused before any syscall, and the error carries the plan. */
static void test_load_refused_from_sysroot(void **state)
{
	kx_loader *l = bios_loader();
	kx_error *e = NULL;
	int ret;

	assert_int_equal(kx_build(l, NULL), 0);
	ret = kx_load(l, &e);
	assert_non_null(e);
	assert_ptr_equal(kx_error_plan(e), kx_get_plan(l));
	expect_error(ret, &e, -EINVAL, "not loaded", true);
	assert_null(kx_loaded_with(l));
	kx_loader_free(l);
}

/* Formats without a crash hand-off refuse -p before anything is read (the
 * BIOS tree has no /proc/kcore); an ELF image without the Linux hand-off is
 * refused by the ELF format's plan, once the crash facts are read. */
static void test_panic_refused_by_format(void **state)
{
	struct fx_elf elf = fx_exec64();
	uint8_t *img = fx_build(&elf);
	char path[640];
	FILE *f;
	kx_loader *l = kx_loader_new();
	kx_error *e = NULL;

	assert_int_equal(kx_set_sysroot(l, fx("sysroot-bios"), NULL), 0);
	assert_int_equal(kx_set_panic(l, true, NULL), 0);
	assert_int_equal(kx_open_image(l, fx("multiboot"), NULL), 0);
	expect_error(kx_build(l, &e), &e, -EINVAL,
		     "a multiboot image cannot be loaded as a capture kernel", false);
	assert_null(kx_get_plan(l));
	kx_loader_free(l);

	snprintf(path, sizeof(path), "%s/api-elf64", fx_dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, elf.size, f), elf.size);
	fclose(f);
	free(img);
	l = kx_loader_new();
	assert_int_equal(kx_set_sysroot(l, fx("sysroot-crash"), NULL), 0);
	assert_int_equal(kx_set_panic(l, true, NULL), 0);
	assert_int_equal(kx_open_image(l, path, NULL), 0);
	expect_error(kx_build(l, &e), &e, -EINVAL,
		     "(--args-elf) cannot be a capture kernel (-p)", false);
	assert_null(kx_get_plan(l));
	kx_loader_free(l);
	unlink(path);
}

/* The option setters change the plan the way kexec's options do. */
static void test_setters_shape_the_plan(void **state)
{
	kx_loader *l;
	const kx_plan *p;

	/* --mem-min/--mem-max: every segment inside, and auto picks kexec_load. */
	l = bios_loader();
	assert_int_equal(kx_set_mem_range(l, 0x20000000, 0x30000000, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	p = kx_get_plan(l);
	assert_string_equal(kx_plan_syscall(p), "kexec_load");
	for (size_t i = 0; i < kx_plan_segment_count(p); i++) {
		assert_true(kx_plan_segment_mem(p, i) >= 0x20000000);
		assert_true(kx_plan_segment_mem(p, i) + kx_plan_segment_memsz(p, i) <= 0x30000000);
	}
	kx_loader_free(l);

	/* -i: purgatory verifies nothing. -s: kexec_file_load only. */
	l = bios_loader();
	assert_int_equal(kx_set_checks(l, false, NULL), 0);
	assert_int_equal(kx_set_syscall(l, KX_SYSCALL_FILE, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	p = kx_get_plan(l);
	assert_string_equal(kx_plan_syscall(p), "kexec_file_load");
	for (size_t i = 0; i < kx_plan_segment_count(p); i++)
		assert_false(kx_plan_segment_verified(p, i));
	kx_loader_free(l);

	/* --reuse-cmdline: the tree's /proc/cmdline without BOOT_IMAGE=, then
	 * the appended text. */
	l = bios_loader();
	assert_int_equal(kx_set_reuse_cmdline(l, true, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	assert_string_equal(kx_plan_cmdline(kx_get_plan(l)),
			    "root=/dev/vda1 console=ttyS0,115200 quiet console=ttyS0");
	kx_loader_free(l);

	/* --real-mode: the bzImage goes through linux16 and is entered in real
	 * mode; --entry-32bit is refused, the fixture has no code32_start; the
	 * forced type "bzImage64" gives the 64-bit entry. */
	l = bios_loader();
	assert_int_equal(kx_set_linux_entry(l, KX_LINUX_ENTRY_REAL16, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	assert_string_equal(kx_plan_format(kx_get_plan(l)), "linux16");
	assert_string_equal(kx_plan_entry_mode(kx_get_plan(l)), "real16");
	kx_loader_free(l);
	l = bios_loader();
	assert_int_equal(kx_set_linux_entry(l, KX_LINUX_ENTRY_PM32, NULL), 0);
	assert_int_equal(kx_build(l, NULL), -EINVAL);
	kx_loader_free(l);
	l = bios_loader();
	assert_int_equal(kx_set_type(l, "bzImage64", NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	assert_string_equal(kx_plan_entry_mode(kx_get_plan(l)), "linux64");
	kx_loader_free(l);

	/* Console and test options are accepted and leave the layout alone. */
	l = bios_loader();
	assert_int_equal(kx_set_serial_console(l, true, 0x2f8, 9600, NULL), 0);
	assert_int_equal(kx_set_vga_console(l, true, true, NULL), 0);
	assert_int_equal(kx_set_test_bad_digest(l, true, NULL), 0);
	assert_int_equal(kx_set_image_args(l, KX_ARGS_LINUX, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	assert_string_equal(kx_plan_format(kx_get_plan(l)), "bzImage");
	kx_loader_free(l);
}

static void test_status_unload_exec(void **state)
{
	kx_error *e = NULL;
	bool loaded = true;

	assert_int_equal(kx_status(fx("sysroot-bios"), false, &loaded, &e), 0);
	assert_false(loaded);
	expect_error(kx_status(fx("nowhere"), false, &loaded, &e), &e, -ENOENT, "kexec_loaded",
		     false);
	expect_error(kx_exec(fx("sysroot-bios"), KX_EXEC_NO_SYNC | KX_EXEC_NO_IFDOWN, &e), &e,
		     -ENOENT, "no kernel is loaded", false);
	expect_error(kx_unload((enum kx_syscall)7, false, &e), &e, -EINVAL, "unknown", false);
}

int main(void)
{
	const char *dir = getenv("KX_FIXTURES");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_types),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_not_regular),
		cmocka_unit_test(test_empty_initrd),
		cmocka_unit_test(test_truncated_while_reading),
		cmocka_unit_test(test_call_order),
		cmocka_unit_test(test_plan_view),
cmocka_unit_test(test_plan_view_uki),
cmocka_unit_test(test_uki_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_load_refused_from_sysroot),
		cmocka_unit_test(test_panic_refused_by_format),
		cmocka_unit_test(test_setters_shape_the_plan),
		cmocka_unit_test(test_status_unload_exec),
	};

	if (!dir) {
		fputs("test_api: KX_FIXTURES is not set\n", stderr);
		return 1;
	}
	snprintf(fx_dir, sizeof(fx_dir), "%s", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
