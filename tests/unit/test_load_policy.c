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
	/* A kernel older than these flags refuses them with EINVAL. */
	unsigned long file_unknown, load_unknown;
	int file_calls, load_calls;
	unsigned long file_flags[4], load_flags[4]; /* of each call, in order */
	bool load_hotplug; /* the plan kexec_load got asks for crash hotplug */
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

static int fake_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	if (fake.file_calls < 4)
		fake.file_flags[fake.file_calls] = flags;
	fake.file_calls++;
	if (flags & fake.file_unknown)
		return -EINVAL;
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

static int fake_load(const struct kx_plan *p, unsigned long flags)
{
	if (fake.load_calls < 4)
		fake.load_flags[fake.load_calls] = flags;
	fake.load_calls++;
	fake.load_hotplug = p->capture.hotplug;
	return flags & fake.load_unknown ? -EINVAL : fake.load_ret;
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

static int fake_reboot(void)
{
	return -EINVAL;
}

static int fake_ifdown(void)
{
	return 0;
}

static const struct kx_sys_kexec_ops fake_ops = {
	.file_load = fake_file_load,
	.load = fake_load,
	.unload = fake_unload,
	.loaded = fake_loaded,
	.ifdown = fake_ifdown,
	.reboot_kexec = fake_reboot,
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

static void log_to_buf(void *ctx, const char *message)
{
	char *buf = ctx;

	strncat(buf, message, 1023 - strlen(buf));
	strncat(buf, "\n", 1023 - strlen(buf));
}

/* The flags each syscall gets, and -d's debug flag dropped once when the
 * kernel does not know it (EINVAL), said in the log. */
static void test_flags_and_debug_retry(void **state)
{
	static const struct {
		enum kx_syscall sc;
		bool panic, debug, no_cma, force_dtb;
		unsigned long file_unknown, load_unknown;
		int file_ret;
		int file_calls, load_calls;
		unsigned long file_flags[2], load_flags[2];
		const char *log; /* in the log ("" for none) */
	} rows[] = {
		{ KX_SYSCALL_FILE, false, false, false, false, 0, 0, 0, 1, 0,
		  { 0 }, { 0 }, "" },
		{ KX_SYSCALL_FILE, true, false, false, false, 0, 0, 0, 1, 0,
		  { KX_KEXEC_FILE_ON_CRASH }, { 0 }, "" },
		{ KX_SYSCALL_FILE, false, true, true, true, 0, 0, 0, 1, 0,
		  { KX_KEXEC_FILE_DEBUG | KX_KEXEC_FILE_NO_CMA | KX_KEXEC_FILE_FORCE_DTB }, { 0 },
		  "" },
		/* A kernel before 6.8: KEXEC_FILE_DEBUG refused, then loaded without. */
		{ KX_SYSCALL_FILE, true, true, false, false, KX_KEXEC_FILE_DEBUG, 0, 0, 2, 0,
		  { KX_KEXEC_FILE_ON_CRASH | KX_KEXEC_FILE_DEBUG, KX_KEXEC_FILE_ON_CRASH }, { 0 },
		  "kexec_file_load refused KEXEC_FILE_DEBUG" },
		{ KX_SYSCALL_LOAD, false, false, false, false, 0, 0, 0, 0, 1, { 0 }, { 0 }, "" },
		{ KX_SYSCALL_LOAD, true, true, true, true, 0, 0, 0, 0, 1, { 0 },
		  { KX_KEXEC_ON_CRASH | KX_KEXEC_DEBUG }, "" },
		{ KX_SYSCALL_LOAD, false, true, false, false, 0, KX_KEXEC_DEBUG, 0, 0, 2, { 0 },
		  { KX_KEXEC_DEBUG, 0 }, "kexec_load refused KEXEC_DEBUG" },
		/* Auto: the debug retry first, then the usual fallback on ENOEXEC. */
		{ KX_SYSCALL_AUTO, false, true, false, false, KX_KEXEC_FILE_DEBUG, KX_KEXEC_DEBUG,
		  -ENOEXEC, 2, 2, { KX_KEXEC_FILE_DEBUG, 0 }, { KX_KEXEC_DEBUG, 0 },
		  "falling back to kexec_load" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = loader_for(rows[i].sc, rows[i].panic);
		char log[1024] = "";
		kx_error *e = NULL;

		/* The fixture load has an initrd: NO_INITRAMFS never shows here. */
		l->options[KX_OPT_KERNEL_DEBUG] = rows[i].debug;
		l->options[KX_OPT_NO_CMA] = rows[i].no_cma;
		l->options[KX_OPT_FORCE_DTB] = rows[i].force_dtb;
		kx_set_log(l, log_to_buf, log);
		memset(&fake, 0, sizeof(fake));
		fake.file_unknown = rows[i].file_unknown;
		fake.load_unknown = rows[i].load_unknown;
		fake.file_ret = rows[i].file_ret;
		if (kx_load(l, &e) != 0)
			fail_msg("row %zu: %s", i, kx_error_message(e));
		if (fake.file_calls != rows[i].file_calls || fake.load_calls != rows[i].load_calls)
			fail_msg("row %zu: %d kexec_file_load and %d kexec_load calls", i,
				 fake.file_calls, fake.load_calls);
		for (int c = 0; c < rows[i].file_calls; c++)
			if (fake.file_flags[c] != rows[i].file_flags[c])
				fail_msg("row %zu: kexec_file_load call %d flags %#lx, want %#lx", i, c,
					 fake.file_flags[c], rows[i].file_flags[c]);
		for (int c = 0; c < rows[i].load_calls; c++)
			if (fake.load_flags[c] != rows[i].load_flags[c])
				fail_msg("row %zu: kexec_load call %d flags %#lx, want %#lx", i, c,
					 fake.load_flags[c], rows[i].load_flags[c]);
		if (*rows[i].log && !strstr(log, rows[i].log))
			fail_msg("row %zu: log '%s' lacks '%s'", i, log, rows[i].log);
		kx_loader_free(l);
	}
}

/* An unknown flag that is not -d's is not retried: EINVAL stays. */
static void test_no_retry_without_debug(void **state)
{
	kx_loader *l = loader_for(KX_SYSCALL_FILE, false);
	kx_error *e = NULL;

	l->options[KX_OPT_NO_CMA] = true;
	memset(&fake, 0, sizeof(fake));
	fake.file_unknown = KX_KEXEC_FILE_NO_CMA;
	assert_int_equal(kx_load(l, &e), -EINVAL);
	assert_int_equal(fake.file_calls, 1);
	kx_error_free(e);
	kx_loader_free(l);
}

/* A capture kernel's plan built for real on a crash tree (sysroot-crash, or
 * sysroot-crash-hotplug with /sys/kernel/crash_elfcorehdr_size), then
 * loaded into the fake kernel. dm_crypt: the tree says keys are set up. */
static kx_loader *capture_loader(const char *tree, enum kx_hotplug hp, bool dm_crypt,
				 kx_error **e)
{
	char path[640];
	kx_loader *l = kx_loader_new();

	assert_non_null(l);
	snprintf(path, sizeof(path), "%s/%s", fx_dir, tree);
	assert_int_equal(kx_set_sysroot(l, path, NULL), 0);
	assert_int_equal(kx_set_panic(l, true, NULL), 0);
	assert_int_equal(kx_set_hotplug(l, hp, NULL), 0);
	snprintf(path, sizeof(path), "%s/bzImage", fx_dir);
	assert_int_equal(kx_open_image(l, path, NULL), 0);
	assert_int_equal(kx_gather_facts(l, NULL), 0);
	l->facts.kdump.dm_crypt_keys = dm_crypt;
	if (kx_build(l, e) < 0) {
		kx_loader_free(l);
		return NULL;
	}
	free(l->sysroot);
	l->sysroot = NULL;
	return l;
}

/* -p in auto mode: kexec_load first (kx's purgatory resets on a bad
 * digest); kexec_file_load only when the kernel refuses kexec_load itself. */
static void test_panic_prefers_kexec_load(void **state)
{
	static const struct {
		int load_ret;
		bool tries_file;
	} rows[] = {
		{ 0, false },
		{ -EPERM, true },      /* lockdown, kexec_load_disabled */
		{ -EACCES, true },     /* an IMA or security-module policy */
		{ -ENOSYS, true },
		{ -EOPNOTSUPP, true },
		{ -EINVAL, false },    /* kx's segments: the file loader is no cure */
		{ -EBUSY, false },
		{ -EADDRNOTAVAIL, false },
		{ -ENOMEM, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kx_loader *l = capture_loader("sysroot-crash", KX_HOTPLUG_AUTO, false, NULL);
		kx_error *e = NULL;
		int ret;

		assert_non_null(l);
		assert_string_equal(kx_plan_syscall(kx_get_plan(l)),
				    "auto (kexec_load, else kexec_file_load)");
		assert_non_null(strstr(kx_plan_syscall_reason(kx_get_plan(l)), "resets"));
		memset(&fake, 0, sizeof(fake));
		fake.load_ret = rows[i].load_ret;
		fake.crash_loaded = true;
		ret = kx_load(l, &e);
		assert_int_equal(fake.load_calls, 1);
		assert_int_equal(fake.file_calls, rows[i].tries_file ? 1 : 0);
		if (rows[i].load_ret == 0 || rows[i].tries_file) {
			assert_int_equal(ret, 0);
			assert_string_equal(kx_loaded_with(l), rows[i].load_ret ? "kexec_file_load"
										: "kexec_load");
		} else {
			assert_int_equal(ret, rows[i].load_ret);
			assert_non_null(strstr(kx_error_message(e), "kexec_load"));
		}
		kx_error_free(e);
		kx_loader_free(l);
	}
}

/* dm-crypt keys for kdump reach the capture kernel only through
 * kexec_file_load: auto mode takes it first then. */
static void test_panic_dm_crypt_keys_need_file_load(void **state)
{
	kx_loader *l = capture_loader("sysroot-crash", KX_HOTPLUG_AUTO, true, NULL);

	assert_non_null(l);
	assert_string_equal(kx_plan_syscall(kx_get_plan(l)), "auto (kexec_file_load, else kexec_load)");
	assert_non_null(strstr(kx_plan_syscall_reason(kx_get_plan(l)), "dm-crypt"));
	memset(&fake, 0, sizeof(fake));
	assert_int_equal(kx_load(l, NULL), 0);
	assert_int_equal(fake.file_calls, 1);
	assert_int_equal(fake.load_calls, 0);
	kx_loader_free(l);
}

/* Crash hotplug: on where the kernel supports it, the core header sized as
 * the kernel asks and left out of purgatory's digests, and the flag given to
 * kexec_load; --hotplug on a kernel without it is an error; off is off. */
static void test_crash_hotplug(void **state)
{
	const kx_plan *p;
	kx_loader *l;
	kx_error *e = NULL;
	size_t hdr = SIZE_MAX;

	l = capture_loader("sysroot-crash-hotplug", KX_HOTPLUG_AUTO, false, NULL);
	assert_non_null(l);
	p = kx_get_plan(l);
	assert_true(kx_plan_crash_hotplug(p));
	for (size_t i = 0; i < kx_plan_segment_count(p); i++)
		if (!strcmp(kx_plan_segment_role(p, i), "elfcorehdr"))
			hdr = i;
	assert_int_not_equal(hdr, SIZE_MAX);
	/* 64 + (4 + 8192) * 56 bytes, as the fixture's sysfs file says, in pages. */
	assert_int_equal(kx_plan_segment_memsz(p, hdr), 462848);
	assert_false(kx_plan_segment_verified(p, hdr));
	memset(&fake, 0, sizeof(fake));
	assert_int_equal(kx_load(l, NULL), 0);
	assert_true(fake.load_hotplug);
	/* KEXEC_UPDATE_ELFCOREHDR, with KEXEC_ON_CRASH. */
	assert_int_equal(fake.load_flags[0] & 0x5, 0x5);
	kx_loader_free(l);

	l = capture_loader("sysroot-crash-hotplug", KX_HOTPLUG_OFF, false, NULL);
	assert_non_null(l);
	p = kx_get_plan(l);
	assert_false(kx_plan_crash_hotplug(p));
	for (size_t i = 0; i < kx_plan_segment_count(p); i++)
		if (!strcmp(kx_plan_segment_role(p, i), "elfcorehdr")) {
			assert_true(kx_plan_segment_verified(p, i));
			assert_int_equal(kx_plan_segment_memsz(p, i), 4096);
		}
	kx_loader_free(l);

	/* A 6.1 kernel (no crash_elfcorehdr_size): auto is off, --hotplug fails. */
	l = capture_loader("sysroot-crash", KX_HOTPLUG_AUTO, false, NULL);
	assert_non_null(l);
	assert_false(kx_plan_crash_hotplug(kx_get_plan(l)));
	kx_loader_free(l);
	l = capture_loader("sysroot-crash", KX_HOTPLUG_ON, false, &e);
	assert_null(l);
	assert_non_null(e);
	assert_non_null(strstr(kx_error_message(e), "--hotplug"));
	assert_non_null(strstr(kx_error_message(e), "crash_elfcorehdr_size"));
	kx_error_free(e);
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
		/* kdumpctl's -s: a capture kernel would go through kexec_load first. */
		assert_int_equal(kx_set_syscall(l, KX_SYSCALL_FILE, NULL), 0);
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
		cmocka_unit_test_setup_teardown(test_panic_prefers_kexec_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_dm_crypt_keys_need_file_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_crash_hotplug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uki_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_and_debug_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_retry_without_debug, setup, teardown),
	};

	if (!dir) {
		fputs("test_load_policy: KX_FIXTURES is not set\n", stderr);
		return 1;
	}
	snprintf(fx_dir, sizeof(fx_dir), "%s", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
