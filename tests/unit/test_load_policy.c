/* SPDX-License-Identifier: MIT */
/*
 * kx_load's syscall policy against a fake kernel (the kx_sys_set_kexec_ops
 * seam): for each error kexec_file_load can give, whether auto mode tries
 * kexec_load, what the error says, and, for a capture kernel, whether it says
 * that kdump is no longer armed. The plan is the golden bzImage's, built on
 * the BIOS tree; the test then clears the sysroot so that kx_load goes as far
 * as the (fake) syscalls.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "kx/kx.h"
#include "lib/loader.h"
#include "sys/kexec_sys.h"

static char fx_dir[512];

/* What the fake kernel answers, and what it was asked. */
static struct {
	int file_ret, load_ret, loaded_ret;
	bool crash_loaded;
	int file_calls, load_calls;
	/* With capture: what kexec_file_load was given, the files' bytes and seals. */
	bool capture;
	uint8_t *kernel, *initrd;
	size_t kernel_len, initrd_len;
	int kernel_seals, initrd_seals;
	char cmdline[256];
} fake;

/* The whole of fd, malloc'ed (NULL for fd -1). */
static uint8_t *read_fd(int fd, size_t *len)
{
	uint8_t *b = NULL;
	off_t size;

	*len = 0;
	if (fd < 0)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	assert_true(size >= 0);
	b = malloc((size_t)size + 1);
	assert_int_equal(pread(fd, b, (size_t)size, 0), size);
	*len = (size_t)size;
	return b;
}

static int fake_file_load(int kernel_fd, int initrd_fd, const char *cmdline, bool panic)
{
	fake.file_calls++;
	if (!fake.capture)
		return fake.file_ret;
	free(fake.kernel);
	free(fake.initrd);
	fake.kernel = read_fd(kernel_fd, &fake.kernel_len);
	fake.initrd = read_fd(initrd_fd, &fake.initrd_len);
	fake.kernel_seals = fcntl(kernel_fd, F_GET_SEALS);
	fake.initrd_seals = initrd_fd < 0 ? -1 : fcntl(initrd_fd, F_GET_SEALS);
	snprintf(fake.cmdline, sizeof(fake.cmdline), "%s", cmdline);
	return fake.file_ret;
}

static int fake_load(const struct kx_plan *p, bool panic)
{
	fake.load_calls++;
	return fake.load_ret;
}

static int fake_unload(bool panic, bool file_syscall)
{
	return 0;
}

static int fake_loaded(const char *root, bool panic, bool *loaded)
{
	*loaded = fake.crash_loaded;
	return fake.loaded_ret;
}

static const struct kx_sys_kexec_ops fake_ops = {
	.file_load = fake_file_load,
	.load = fake_load,
	.unload = fake_unload,
	.loaded = fake_loaded,
};

/* A built plan for the golden bzImage, ready for kx_load on "this machine". */
static kx_loader *loader_for(enum kx_syscall sc, bool panic)
{
	char path[640];
	kx_loader *l = kx_loader_new();

	assert_non_null(l);
	snprintf(path, sizeof(path), "%s/sysroot-bios", fx_dir);
	assert_int_equal(kx_set_sysroot(l, path, NULL), 0);
	assert_int_equal(kx_set_syscall(l, sc, NULL), 0);
	snprintf(path, sizeof(path), "%s/bzImage", fx_dir);
	assert_int_equal(kx_open_image(l, path, NULL), 0);
	snprintf(path, sizeof(path), "%s/initrd", fx_dir);
	assert_int_equal(kx_set_initrd(l, path, NULL), 0);
	assert_int_equal(kx_build(l, NULL), 0);
	/* The facts came from the tree; the load goes to the fake kernel. A
	 * capture kernel's policy depends on l->panic alone (the fixture tree
	 * has no crash region to build a real -p plan from). */
	free(l->sysroot);
	l->sysroot = NULL;
	l->panic = panic;
	return l;
}

static int setup(void **state)
{
	kx_sys_set_kexec_ops(&fake_ops);
	return 0;
}

static int teardown(void **state)
{
	kx_sys_set_kexec_ops(NULL);
	return 0;
}

/* Auto mode: kexec_load only after the file loader could not take the image
 * or is missing; a refused signature or policy is final. */
static void test_fallback_by_errno(void **state)
{
	static const struct {
		int file_ret;
		bool tries_load;
		const char *text; /* in the error ("" when the load succeeds) */
	} rows[] = {
		{ 0, false, "" },
		/* The file loader cannot take this image or request: kexec_load may. */
		{ -ENOEXEC, true, "" },
		{ -EINVAL, true, "" },
		{ -ENOSYS, true, "" },
		{ -EOPNOTSUPP, true, "" },
		/* The kernel refused the image itself: final. */
		{ -EKEYREJECTED, false, "rejected the image's signature" },
		{ -EBADMSG, false, "rejected the image's signature" },
		{ -ENODATA, false, "rejected the image's signature" },
		{ -ENOKEY, false, "rejected the image's signature" },
		{ -ELIBBAD, false, "rejected the image's signature" },
		{ -ENOPKG, false, "rejected the image's signature" },
		{ -EMSGSIZE, false, "rejected the image's signature" },
		{ -EACCES, false, "does not fall back to kexec_load" },
		{ -EPERM, false, "kexec_file_load: " },
		/* Would fail the same way again. */
		{ -EBUSY, false, "busy" },
		{ -ENOMEM, false, "kexec_file_load: failed" },
		{ -EADDRNOTAVAIL, false, "kexec_file_load: failed" },
		{ -EFBIG, false, "kexec_file_load: failed" },
		{ -ETXTBSY, false, "kexec_file_load: failed" },
		{ -EFAULT, false, "changed or became unreadable" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = loader_for(KX_SYSCALL_AUTO, false);
		kx_error *e = NULL;
		int ret;

		memset(&fake, 0, sizeof(fake));
		fake.file_ret = rows[i].file_ret;
		ret = kx_load(l, &e);
		assert_int_equal(fake.file_calls, 1);
		if (fake.load_calls != (rows[i].tries_load ? 1 : 0))
			fail_msg("row %zu (%s): kexec_load called %d times", i,
				 strerror(-rows[i].file_ret), fake.load_calls);
		if (!*rows[i].text) {
			assert_int_equal(ret, 0);
			assert_null(e);
			assert_string_equal(kx_loaded_with(l),
					    rows[i].tries_load ? "kexec_load" : "kexec_file_load");
		} else {
			assert_int_equal(ret, rows[i].file_ret);
			assert_non_null(e);
			if (!strstr(kx_error_message(e), rows[i].text))
				fail_msg("row %zu: '%s' lacks '%s'", i, kx_error_message(e),
					 rows[i].text);
			/* A normal load does not talk about kdump. */
			assert_null(strstr(kx_error_message(e), "kdump"));
			assert_ptr_equal(kx_error_plan(e), kx_get_plan(l));
			assert_null(kx_loaded_with(l));
		}
		kx_error_free(e);
		kx_loader_free(l);
	}
}

/* -s and -c take one syscall each, whatever it says. */
static void test_forced_syscall(void **state)
{
	kx_loader *l = loader_for(KX_SYSCALL_FILE, false);
	kx_error *e = NULL;

	memset(&fake, 0, sizeof(fake));
	fake.file_ret = -ENOEXEC;
	assert_int_equal(kx_load(l, &e), -ENOEXEC);
	assert_int_equal(fake.load_calls, 0);
	assert_non_null(strstr(kx_error_message(e), "try -c"));
	kx_error_free(e);
	kx_loader_free(l);

	l = loader_for(KX_SYSCALL_LOAD, false);
	memset(&fake, 0, sizeof(fake));
	fake.load_ret = -EPERM;
	assert_int_equal(kx_load(l, &e), -EPERM);
	assert_int_equal(fake.file_calls, 0);
	assert_int_equal(fake.load_calls, 1);
	assert_non_null(strstr(kx_error_message(e), "kexec_load: "));
	kx_error_free(e);
	kx_loader_free(l);
}

/* A failed capture-kernel load says whether kdump is still armed. */
static void test_panic_failure_says_if_armed(void **state)
{
	static const struct {
		int file_ret, load_ret, loaded_ret;
		bool crash_loaded;
		const char *text;
	} rows[] = {
		{ -EKEYREJECTED, 0, 0, false, "kdump is no longer armed" },
		{ -EKEYREJECTED, 0, 0, false, "load the previous capture kernel again with kexec -p" },
		{ -ENOEXEC, -EINVAL, 0, false, "kexec_load: failed: Invalid argument; kdump is no "
					       "longer armed" },
		{ -EBUSY, 0, 0, true, "busy with another kexec operation; try again; the capture "
				      "kernel loaded before is still loaded" },
		{ -EPERM, 0, -ENOENT, false, "cannot tell whether a capture kernel is still loaded" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = loader_for(KX_SYSCALL_AUTO, true);
		kx_error *e = NULL;
		int ret;

		memset(&fake, 0, sizeof(fake));
		fake.file_ret = rows[i].file_ret;
		fake.load_ret = rows[i].load_ret;
		fake.loaded_ret = rows[i].loaded_ret;
		fake.crash_loaded = rows[i].crash_loaded;
		ret = kx_load(l, &e);
		assert_true(ret < 0);
		assert_int_equal(ret, rows[i].load_ret && fake.load_calls ? rows[i].load_ret
									: rows[i].file_ret);
		assert_non_null(e);
		if (!strstr(kx_error_message(e), rows[i].text))
			fail_msg("row %zu: '%s' lacks '%s'", i, kx_error_message(e), rows[i].text);
		kx_error_free(e);
		kx_loader_free(l);
	}
}

/* The whole of a fixture file, malloc'ed. */
static uint8_t *read_fixture(const char *name, size_t *len)
{
	char path[640];
	uint8_t *b;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx_dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	b = read_fd(fd, len);
	close(fd);
	return b;
}

/* A UKI through kexec_file_load: the kernel gets .linux and the initrd
 * (.initrd, padded to 4 bytes, then --initrd; or --initrd alone under -p) in
 * sealed memfds, and the chosen command line; the plan for kexec_load holds
 * the same initrd bytes. Without --initrd and --append: .initrd and .cmdline. */
static void test_uki_files(void **state)
{
	static const struct {
		bool initrd, append, panic;
		size_t uki_initrd;     /* bytes of .initrd first (0: none) */
		bool given_initrd;
		const char *cmdline;
	} rows[] = {
		{ true, true, false, 70001, true, "console=ttyS0" },
		{ false, false, false, 70001, false, "root=/dev/vda1 console=ttyS0 kx.uki=1" },
		{ true, true, true, 0, true, "console=ttyS0" },
		{ false, true, true, 70001, false, "console=ttyS0" },
	};
	const int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	size_t bz_len, given_len, uki_len;
	uint8_t *bz = read_fixture("bzImage", &bz_len);
	uint8_t *given = read_fixture("initrd", &given_len);
	uint8_t *uki = read_fixture("uki.efi", &uki_len);

	fake.capture = true;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char path[640];
		kx_loader *l = kx_loader_new();
		const kx_plan *p;
		size_t want = rows[r].uki_initrd ? (rows[r].uki_initrd + 3) / 4 * 4 : 0;
		const uint8_t *seg = NULL;

		snprintf(path, sizeof(path), "%s/sysroot-%s", fx_dir,
			 rows[r].panic ? "crash" : "bios");
		assert_int_equal(kx_set_sysroot(l, path, NULL), 0);
		assert_int_equal(kx_set_panic(l, rows[r].panic, NULL), 0);
		snprintf(path, sizeof(path), "%s/uki.efi", fx_dir);
		assert_int_equal(kx_open_image(l, path, NULL), 0);
		snprintf(path, sizeof(path), "%s/initrd", fx_dir);
		if (rows[r].initrd)
			assert_int_equal(kx_set_initrd(l, path, NULL), 0);
		if (rows[r].append)
			assert_int_equal(kx_set_append(l, "console=ttyS0", NULL), 0);
		assert_int_equal(kx_build(l, NULL), 0);
		free(l->sysroot);
		l->sysroot = NULL;
		fake.file_ret = 0;
		assert_int_equal(kx_load(l, NULL), 0);
		assert_string_equal(fake.cmdline, rows[r].cmdline);
		assert_int_equal(fake.kernel_len, bz_len);
		assert_memory_equal(fake.kernel, bz, bz_len);
		assert_int_equal(fake.kernel_seals, seals);
		if (rows[r].given_initrd)
			want += given_len;
		else if (rows[r].uki_initrd)
			want = rows[r].uki_initrd;
		assert_int_equal(fake.initrd_len, want);
		if (rows[r].given_initrd)
			assert_memory_equal(fake.initrd + want - given_len, given, given_len);
		if (rows[r].uki_initrd) {
			/* .initrd sits at the end of the fixture, 512-aligned. */
			size_t at = (uki_len - rows[r].uki_initrd) & ~(size_t)511;

			assert_memory_equal(fake.initrd, uki + at, rows[r].uki_initrd);
			assert_int_equal(fake.initrd_seals, seals);
		}
		p = kx_get_plan(l);
		for (size_t i = 0; i < kx_plan_segment_count(p); i++)
			if (!strcmp(kx_plan_segment_role(p, i), "initrd"))
				seg = l->plan.seg[i].buf;
		assert_non_null(seg);
		assert_memory_equal(seg, fake.initrd, want);
		kx_loader_free(l);
	}
	free(fake.kernel);
	free(fake.initrd);
	fake.kernel = fake.initrd = NULL;
	fake.capture = false;
	free(bz);
	free(given);
	free(uki);
}

int main(void)
{
	const char *dir = getenv("KX_FIXTURES");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fallback_by_errno, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced_syscall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_failure_says_if_armed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uki_files, setup, teardown),
	};

	if (!dir) {
		fputs("test_load_policy: KX_FIXTURES is not set\n", stderr);
		return 1;
	}
	snprintf(fx_dir, sizeof(fx_dir), "%s", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
