/* SPDX-License-Identifier: MIT */
/*
 * The public loader (include/kx/kx.h): a request is collected, the image is
 * unpacked and its format found, the facts that format needs are read, and
 * the plan is built. Loading and booting are in lib/commit.c.
 */
#include "lib/loader.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/fdt.h"
#include "core/err.h"
#include "lib/print.h"
#include "sys/acpi_read.h"
#include "sys/crash_read.h"
#include "sys/sigbus.h"
#include "sys/sysfacts.h"

#ifndef KX_VERSION
#define KX_VERSION "0.0.0"
#endif

const char *kx_version(void)
{
	return KX_VERSION;
}

/* ---- errors ---- */

int kx_lib_fail(kx_error **err, int ret, const struct kx_plan *plan)
{
	kx_error *e;
	const char *m = kx_errmsg();

	if (!err)
		return ret;
	*err = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ret;
	e->code = ret;
	e->message = strdup(*m ? m : strerror(-ret));
	e->plan = plan;
	if (!e->message) {
		free(e);
		return ret;
	}
	*err = e;
	return ret;
}

void kx_lib_log(const struct kx_loader *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!l->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	l->log(l->log_ctx, buf);
}

int kx_error_code(const kx_error *e)
{
	return e ? e->code : 0;
}

const char *kx_error_message(const kx_error *e)
{
	return e && e->message ? e->message : "";
}

const kx_plan *kx_error_plan(const kx_error *e)
{
	return e ? e->plan : NULL;
}

void kx_error_free(kx_error *e)
{
	if (!e)
		return;
	free(e->message);
	free(e);
}

static bool mapped_at(const struct kx_mapped *m, uintptr_t a)
{
	return m->data && a >= (uintptr_t)m->data && a - (uintptr_t)m->data < m->len;
}

int kx_lib_file_fault(const struct kx_loader *l, const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	const char *what = "a file", *path = "";

	if (mapped_at(&l->kernel, a)) {
		what = "kernel ";
		path = l->image_path;
	} else if (mapped_at(&l->initrd, a)) {
		what = "initrd ";
		path = l->initrd_path;
	} else if (mapped_at(&l->dtb, a)) {
		what = "DTB ";
		path = l->dtb_path;
	}
	for (size_t i = 0; i < l->n_modules; i++) {
		if (mapped_at(&l->mod_maps[i], a)) {
			what = "module ";
			path = l->module_specs[i];
		}
	}
	return kx_err(EIO, "kexec", "%s%s changed or became unreadable while kx read it "
		      "(truncated? a media error?); nothing was loaded: check the file and "
		      "try again", what, path ? path : "");
}

/* ---- the request ---- */

kx_loader *kx_loader_new(void)
{
	kx_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->kernel.fd = -1;
	l->initrd.fd = -1;
	l->dtb.fd = -1;
	l->initrd_joined.fd = -1;
	return l;
}

void kx_loader_free(kx_loader *l)
{
	if (!l)
		return;
	if (l->have_plan)
		kx_plan_free(&l->plan);
	kx_unwrapped_free(&l->unwrapped);
	kx_facts_free(&l->facts);
	kx_unmap_file(&l->kernel);
	kx_unmap_file(&l->initrd);
	kx_unmap_file(&l->dtb);
	kx_unmap_file(&l->initrd_joined);
	for (size_t i = 0; i < l->n_modules; i++) {
		kx_unmap_file(&l->mod_maps[i]);
		free(l->module_specs[i]);
	}
	free(l->mod_maps);
	free(l->module_specs);
	free(l->image_path);
	free(l->initrd_path);
	free(l->dtb_path);
	free(l->type);
	free(l->append);
	free(l->sysroot);
	free(l->cmdline);
	free(l);
}

/* Options change what the plan is: refuse them once it is built. */
static int check_open(const kx_loader *l, const char *call, kx_error **err)
{
	if (!l)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "%s: no loader given", call), NULL);
	if (l->have_plan || l->have_facts)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "%s: the facts are read or the plan "
					       "is built already; set options before "
					       "kx_gather_facts and kx_build", call), NULL);
	return 0;
}

#define CHECK_OPEN(l, err)                               \
	do {                                             \
		int ret_ = check_open((l), __func__, (err)); \
		if (ret_ < 0)                            \
			return ret_;                     \
	} while (0)

static int set_string(char **field, const char *value, kx_error **err)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return kx_lib_fail(err, kx_err(ENOMEM, "libkx", "out of memory"), NULL);
	}
	free(*field);
	*field = copy;
	return 0;
}

int kx_open_image(kx_loader *l, const char *path, kx_error **err)
{
	int ret;

	CHECK_OPEN(l, err);
	if (l->have_image)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "kx_open_image: an image is open "
					       "already; use a new loader"), NULL);
	if (!path)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_open_image: no path"), NULL);
	ret = kx_map_file(path, "kernel", &l->kernel);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	ret = set_string(&l->image_path, path, err);
	if (ret < 0) {
		kx_unmap_file(&l->kernel);
		return ret;
	}
	l->have_image = true;
	return 0;
}

int kx_set_type(kx_loader *l, const char *type, kx_error **err)
{
	const char *format = NULL;
	int ret;

	CHECK_OPEN(l, err);
	/* "uki" is a wrapper, not a format: the file must be a UKI, and the
	 * kernel inside it is probed. */
	if (type && kx_uki_type_is(type))
		return set_string(&l->type, KX_UKI_TYPE, err);
	if (type) {
		ret = kx_type_resolve(type, &format);
		if (ret < 0)
			return kx_lib_fail(err, ret, NULL);
		/* A kexec-tools name for a format this build lacks ("uki"). */
		if (!kx_format_by_name(format)) {
			const struct kx_format *fmt;

			return kx_lib_fail(err, kx_format_detect(NULL, 0, format, &fmt), NULL);
		}
	}
	return set_string(&l->type, format, err);
}

/* The names of the build's format table and then "uki" (a wrapper, not a
 * format), filled once: a format's name is not a constant expression, so
 * the array cannot be initialized statically. */
static const char *image_type_names[KX_MAX_FORMATS + 2];
static pthread_once_t image_type_names_once = PTHREAD_ONCE_INIT;

static void fill_image_type_names(void)
{
	size_t i;

	for (i = 0; kx_formats[i] && i < KX_MAX_FORMATS; i++)
		image_type_names[i] = kx_formats[i]->name;
	image_type_names[i] = KX_UKI_TYPE;
}

const char *const *kx_image_types(void)
{
	pthread_once(&image_type_names_once, fill_image_type_names);
	return image_type_names;
}

int kx_set_initrd(kx_loader *l, const char *path, kx_error **err)
{
	int ret;

	CHECK_OPEN(l, err);
	if (l->have_initrd)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "kx_set_initrd: an initrd is set "
					       "already"), NULL);
	if (!path)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_initrd: no path"), NULL);
	ret = kx_map_file(path, "initrd", &l->initrd);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	/* A failed initramfs build leaves an empty file; booting without it
	 * ends in "unable to mount root fs", far from the cause. The file loader
	 * refuses it too (kernel_read_file: EINVAL for a 0-byte file). */
	if (l->initrd.len == 0) {
		kx_unmap_file(&l->initrd);
		return kx_lib_fail(err, kx_err(EINVAL, "kexec", "initrd %s is empty: rebuild it "
					       "(update-initramfs, dracut, mkinitcpio) or load "
					       "without an initrd", path), NULL);
	}
	ret = set_string(&l->initrd_path, path, err);
	if (ret < 0) {
		kx_unmap_file(&l->initrd);
		return ret;
	}
	l->have_initrd = true;
	return 0;
}

int kx_add_module(kx_loader *l, const char *spec, kx_error **err)
{
	struct kx_mapped *maps;
	char **specs, *path;
	size_t n = l ? l->n_modules : 0;
	int ret;

	CHECK_OPEN(l, err);
	if (!spec)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_add_module: no module"), NULL);
	maps = realloc(l->mod_maps, (n + 1) * sizeof(*maps));
	if (maps)
		l->mod_maps = maps;
	specs = realloc(l->module_specs, (n + 1) * sizeof(*specs));
	if (specs)
		l->module_specs = specs;
	path = strndup(spec, strcspn(spec, " \t"));
	if (!maps || !specs || !path) {
		free(path);
		return kx_lib_fail(err, kx_err(ENOMEM, "libkx", "out of memory"), NULL);
	}
	/* The file is the first word; the whole string is the module's command
	 * line (the Multiboot convention). */
	ret = kx_map_file(path, "module", &l->mod_maps[n]);
	free(path);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	l->module_specs[n] = strdup(spec);
	if (!l->module_specs[n]) {
		kx_unmap_file(&l->mod_maps[n]);
		return kx_lib_fail(err, kx_err(ENOMEM, "libkx", "out of memory"), NULL);
	}
	l->n_modules = n + 1;
	return 0;
}

int kx_set_append(kx_loader *l, const char *text, kx_error **err)
{
	CHECK_OPEN(l, err);
	if (!text)
		return 0;
	l->append_given = true;
	if (kx_cmdline_append(&l->append, text) < 0)
		return kx_lib_fail(err, -ENOMEM, NULL);
	return 0;
}

int kx_set_reuse_cmdline(kx_loader *l, bool reuse, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->reuse_cmdline = reuse;
	return 0;
}

int kx_set_hotplug(kx_loader *l, enum kx_hotplug mode, kx_error **err)
{
	CHECK_OPEN(l, err);
	if (mode != KX_HOTPLUG_AUTO && mode != KX_HOTPLUG_ON && mode != KX_HOTPLUG_OFF)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_hotplug: unknown mode %d",
					       (int)mode), NULL);
	l->hotplug = mode;
	return 0;
}

int kx_set_panic(kx_loader *l, bool panic, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->panic = panic;
	return 0;
}

int kx_set_syscall(kx_loader *l, enum kx_syscall sc, kx_error **err)
{
	CHECK_OPEN(l, err);
	if (sc != KX_SYSCALL_AUTO && sc != KX_SYSCALL_FILE && sc != KX_SYSCALL_LOAD)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_syscall: unknown choice %d",
					       (int)sc), NULL);
	l->syscall = sc;
	return 0;
}

int kx_set_mem_range(kx_loader *l, uint64_t min, uint64_t max, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->mem_min = min;
	l->mem_max = max;
	return 0;
}

int kx_set_checks(kx_loader *l, bool checks, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->no_checks = !checks;
	return 0;
}

int kx_set_image_args(kx_loader *l, enum kx_image_args args, kx_error **err)
{
	CHECK_OPEN(l, err);
	if ((unsigned)args > KX_ARGS_NONE)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_image_args: unknown "
					       "choice %d", (int)args), NULL);
	l->args = args;
	return 0;
}

int kx_set_linux_entry(kx_loader *l, enum kx_linux_entry entry, kx_error **err)
{
	CHECK_OPEN(l, err);
	if ((unsigned)entry > KX_LINUX_ENTRY_REAL16)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_linux_entry: unknown "
					       "choice %d", (int)entry), NULL);
	l->linux_entry = entry;
	return 0;
}

int kx_set_serial_console(kx_loader *l, bool on, uint16_t port, uint32_t baud, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->console_serial = on;
	l->serial_port = port;
	l->serial_baud = baud;
	return 0;
}

int kx_set_vga_console(kx_loader *l, bool on, bool reset_vga, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->console_vga = on;
	l->reset_vga = reset_vga;
	return 0;
}

int kx_set_sysroot(kx_loader *l, const char *root, kx_error **err)
{
	CHECK_OPEN(l, err);
	return set_string(&l->sysroot, root, err);
}

int kx_set_test_bad_digest(kx_loader *l, bool on, kx_error **err)
{
	CHECK_OPEN(l, err);
	l->test_bad_digest = on;
	return 0;
}

void kx_set_log(kx_loader *l, kx_log_fn *fn, void *ctx)
{
	if (!l)
		return;
	l->log = fn;
	l->log_ctx = ctx;
}

int kx_set_option(kx_loader *l, enum kx_option opt, bool on, kx_error **err)
{
	CHECK_OPEN(l, err);
	if ((unsigned)opt >= sizeof(l->options) / sizeof(l->options[0]))
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_option: unknown option %d",
					       (int)opt), NULL);
	l->options[opt] = on;
	return 0;
}

int kx_set_dtb(kx_loader *l, const char *path, kx_error **err)
{
	int ret;

	CHECK_OPEN(l, err);
	if (l->have_dtb)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "kx_set_dtb: a DTB is set already"),
				   NULL);
	if (!path)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_set_dtb: no path"), NULL);
	ret = kx_map_file(path, "dtb", &l->dtb);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	{
		struct kx_sigbus_guard g;

		KX_SIGBUS_GUARDED(ret, g, kx_fdt_check(l->dtb.data, l->dtb.len, path, &l->dtb_size),
				  kx_err(EIO, "dtb", "%s changed or became unreadable while kx "
					 "read it", path));
	}
	if (ret == 0)
		ret = set_string(&l->dtb_path, path, err);
	else
		ret = kx_lib_fail(err, ret, NULL);
	if (ret < 0) {
		kx_unmap_file(&l->dtb);
		return ret;
	}
	l->have_dtb = true;
	return 0;
}

/* ---- facts and plan ---- */

/* --real-mode / --entry-32bit (kexec-tools' bzImage options) name an entry
 * that only the linux16 format provides: a bzImage, probed or named as the
 * type, goes to linux16 then. */
static const char *effective_type(const kx_loader *l)
{
	const struct kx_format *linux16 = kx_format_by_name("linux16");
	const char *type = kx_unwrapped_type(l->type);

	if (l->linux_entry == KX_LINUX_ENTRY_AUTO || !linux16)
		return type;
	if (!type || kx_format_by_name(type) == kx_format_by_name("bzImage"))
		return linux16->name;
	return type;
}

/* Unpacks the image and finds its format. */
static int probe_image(kx_loader *l)
{
	struct kx_unwrapped u = { 0 };
	int ret;

	ret = kx_unwrap_image(l->kernel.data, l->kernel.len, l->type, &u);
	if (ret < 0)
		return ret;
	ret = kx_format_detect(u.img, u.len, effective_type(l), &l->format);
	if (ret < 0) {
		size_t uki_len = u.is_uki ? u.len : 0;

		l->format = NULL;
		kx_unwrapped_free(&u);
		if (uki_len && ret == -ENOEXEC && !effective_type(l))
			return kx_err(ENOEXEC, "uki", "the .linux section (%zu bytes) is not a kernel "
				      "image kx can load", uki_len);
		return ret;
	}
	l->unwrapped = u;
	return 0;
}

int kx_gather_facts(kx_loader *l, kx_error **err)
{
	const char *root;
	int ret;

	if (!l)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_gather_facts: no loader given"),
				   NULL);
	if (l->have_facts)
		return 0;
	if (!l->have_image)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_gather_facts: open an image "
					       "first (kx_open_image)"), NULL);
	root = l->sysroot;
	if (!l->format) {
		struct kx_sigbus_guard g;

		/* The image is read through its mapping: a truncated file gives
		 * an error, not SIGBUS. A fault abandons the unpacking (its
		 * buffers leak rather than risk a free of a stale pointer). */
		KX_SIGBUS_GUARDED(ret, g, probe_image(l), kx_lib_file_fault(l, g.addr));
		if (ret < 0)
			return kx_lib_fail(err, ret, NULL);
	}
	ret = kx_format_check_panic(l->format, l->panic);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	ret = kx_facts_read(root, &l->facts);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	/* Only a capture kernel needs the crashed kernel's notes and mappings
	 * (its ELF core header); normal loads never open /proc/kcore. */
	if (l->panic) {
		ret = kx_crash_facts_read(root, &l->facts);
		if (ret < 0) {
			kx_facts_free(&l->facts);
			return kx_lib_fail(err, ret, NULL);
		}
	}
	/* Only formats that hand ACPI over read it (/dev/mem for the RSDP);
	 * optional: without it they build what they can. */
	if (l->format->needs & KX_NEEDS_ACPI)
		kx_acpi_rsdp_read(root, &l->facts);
	l->have_facts = true;
	return 0;
}

/* What the image needs on this machine and the user left out (the
 * format's cmdline_needs): appended, and said under -d. */
static int add_needed_params(kx_loader *l)
{
	const char *why = "", *add;

	if (!l->format->cmdline_needs)
		return 0;
	add = l->format->cmdline_needs(l->unwrapped.img, l->unwrapped.len, &l->facts,
				       l->cmdline ? l->cmdline : "", &why);
	if (!add)
		return 0;
	kx_lib_log(l, "added %s to the command line: %s (give it yourself to override)",
		   add, why);
	return kx_cmdline_append(&l->cmdline, add);
}

/* Applies a UKI's rules (formats/uki.c): its .cmdline becomes the command
 * line unless one is given; its .initrd and the given one make the initrd.
 * Reads the image's mapping: call under a SIGBUS guard. */
static int uki_apply_rules(kx_loader *l)
{
	const struct kx_uki *u = &l->unwrapped.uki;
	const struct kx_uki_section *in = &u->part[KX_UKI_INITRD];

	l->cmdline_from = kx_uki_cmdline_source(u, l->reuse_cmdline || l->append_given);
	l->initrd_from = kx_uki_initrd_source(u, l->have_initrd, l->panic);
	if (l->cmdline_from == KX_SOURCE_UKI) {
		l->cmdline = kx_uki_cmdline(u);
		if (!l->cmdline)
			return kx_err(ENOMEM, "kexec", "out of memory");
	}
	if (l->initrd_from == KX_SOURCE_UKI_THEN_GIVEN) {
		const struct kx_span parts[] = { { in->data, in->size },
						 { l->initrd.data, l->initrd.len } };

		return kx_memfd_build("UKI .initrd + --initrd", parts, 2, KX_UKI_INITRD_ALIGN,
				      &l->initrd_joined);
	}
	return 0;
}

/* The initrd the plan loads: the given file, or what a UKI's rules chose. */
static void choose_initrd(const kx_loader *l, const uint8_t **data, size_t *len)
{
	const struct kx_uki_section *in = &l->unwrapped.uki.part[KX_UKI_INITRD];

	*data = NULL;
	*len = 0;
	if (l->unwrapped.is_uki && l->initrd_from == KX_SOURCE_UKI) {
		*data = in->data;
		*len = in->size;
	} else if (l->unwrapped.is_uki && l->initrd_from == KX_SOURCE_UKI_THEN_GIVEN) {
		*data = l->initrd_joined.data;
		*len = l->initrd_joined.len;
	} else if (l->have_initrd) {
		/* An empty initrd is refused by kx_set_initrd. */
		*data = l->initrd.data;
		*len = l->initrd.len;
	}
}

static int build_cmdline(kx_loader *l)
{
	/* A UKI's own .cmdline (uki_apply_rules) is used as it is. */
	if (l->cmdline_from == KX_SOURCE_UKI)
		return add_needed_params(l);
	if (l->reuse_cmdline) {
		l->cmdline = kx_cmdline_reuse(l->facts.cmdline ? l->facts.cmdline : "", l->panic);
		if (!l->cmdline)
			return kx_err(ENOMEM, "kexec", "out of memory");
	}
	if (l->append) {
		int ret = kx_cmdline_append(&l->cmdline, l->append);

		if (ret < 0)
			return ret;
	}
	return add_needed_params(l);
}

/* What the plan reports of a UKI: the sections used, the sources. */
static struct kx_plan_wrapper uki_report(const kx_loader *l)
{
	const struct kx_uki *u = &l->unwrapped.uki;
	struct kx_plan_wrapper w = { .kind = KX_UKI_TYPE, .profiles = u->profiles,
				     .cmdline_from = kx_source_name(l->cmdline_from),
				     .initrd_from = kx_source_name(l->initrd_from) };
	bool used[KX_UKI_PARTS] = {
		[KX_UKI_LINUX] = true,
		[KX_UKI_INITRD] = l->initrd_from == KX_SOURCE_UKI ||
				  l->initrd_from == KX_SOURCE_UKI_THEN_GIVEN,
		[KX_UKI_CMDLINE] = l->cmdline_from == KX_SOURCE_UKI,
	};

	for (int i = 0; i < KX_UKI_PARTS && w.n < KX_PLAN_MAX_PARTS; i++)
		if (used[i])
			w.part[w.n++] = (struct kx_plan_part){ kx_uki_part_name(i),
							       u->part[i].offset, u->part[i].size };
	return w;
}

static const char *syscall_name(const kx_loader *l)
{
	switch (l->syscall) {
	case KX_SYSCALL_FILE: return "kexec_file_load";
	case KX_SYSCALL_LOAD: return "kexec_load";
	case KX_SYSCALL_AUTO: break;
	}
	return l->load_first ? "auto (kexec_load, else kexec_file_load)"
			     : "auto (kexec_file_load, else kexec_load)";
}

/* Auto mode's order, and the reason -d and --dry-run give for it. */
static void choose_syscall(kx_loader *l)
{
	l->load_first = false;
	if (l->syscall != KX_SYSCALL_AUTO) {
		l->syscall_reason = l->syscall == KX_SYSCALL_FILE ? "asked for (-s)" : "asked for (-c)";
		if (l->mem_min || l->mem_max)
			l->syscall_reason = "--mem-min/--mem-max place segments, which only "
					    "kexec_load lets the caller do";
		return;
	}
	if (!l->format->kernel_file_load) {
		l->syscall = KX_SYSCALL_LOAD;
		l->syscall_reason = "the kernel's file loader does not take this format";
		return;
	}
	if (!l->panic) {
		l->syscall_reason = "the kernel's file loader checks signatures and measures "
				    "the image (IMA); kexec_load only if it cannot take the image";
		return;
	}
	if (l->facts.kdump.dm_crypt_keys) {
		l->syscall_reason = "dm-crypt keys are set up for kdump and only kexec_file_load "
				    "hands them to the capture kernel";
		return;
	}
	l->load_first = true;
	l->syscall_reason = "a capture kernel: kx's purgatory verifies it at the panic and "
			    "resets the machine on a mismatch (the kernel's own purgatory "
			    "hangs); kexec_file_load if the kernel refuses kexec_load";
}

/* -p: crash hotplug wherever the running kernel supports it, unless turned
 * off; required by --hotplug. */
static int resolve_hotplug(const kx_loader *l, bool *on)
{
	bool supported = l->facts.kdump.hotplug_hdr_size > 0;

	*on = false;
	if (!l->panic || l->hotplug == KX_HOTPLUG_OFF)
		return 0;
	if (l->hotplug == KX_HOTPLUG_ON && !supported)
		return kx_err(EOPNOTSUPP, "kexec", "--hotplug: the running kernel cannot update a "
			      "capture kernel's core header (no /sys/kernel/crash_elfcorehdr_size: "
			      "needs Linux 6.6 or later with CONFIG_CRASH_HOTPLUG)");
	*on = supported;
	return 0;
}

int kx_build(kx_loader *l, kx_error **err)
{
	struct kx_module *mods = NULL;
	struct kx_load_opts o;
	bool hotplug;
	int ret;

	if (!l)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_build: no loader given"), NULL);
	if (l->have_plan)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "kx_build: the plan is built "
					       "already; use a new loader"), NULL);
	if (l->syscall == KX_SYSCALL_FILE && (l->mem_min || l->mem_max))
		return kx_lib_fail(err, kx_err(EINVAL, "kexec", "kexec_file_load (-s) lets the "
					       "kernel place the image: --mem-min and --mem-max "
					       "need kexec_load (-c)"), NULL);
	/* Nor can it take a DTB from the caller (x86's file loader passes the
	 * running kernel's own with --force-dtb only). */
	if (l->syscall == KX_SYSCALL_FILE && l->have_dtb)
		return kx_lib_fail(err, kx_err(EINVAL, "kexec", "kexec_file_load (-s) cannot pass "
					       "a DTB file: --dtb needs kexec_load (-c); with -s, "
					       "--force-dtb passes the running kernel's DTB"), NULL);
	/* kexec_file_load cannot honour placement limits nor take a DTB: auto
	 * picks kexec_load then. */
	if (l->syscall == KX_SYSCALL_AUTO && (l->mem_min || l->mem_max || l->have_dtb))
		l->syscall = KX_SYSCALL_LOAD;
	ret = kx_gather_facts(l, err);
	if (ret < 0)
		return ret;
	if (l->unwrapped.is_uki) {
		struct kx_sigbus_guard g;

		KX_SIGBUS_GUARDED(ret, g, uki_apply_rules(l), kx_lib_file_fault(l, g.addr));
		if (ret < 0)
			return kx_lib_fail(err, ret, NULL);
	}
	ret = build_cmdline(l);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	ret = resolve_hotplug(l, &hotplug);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	mods = calloc(l->n_modules + 1, sizeof(*mods));
	if (!mods)
		return kx_lib_fail(err, kx_err(ENOMEM, "libkx", "out of memory"), NULL);
	for (size_t i = 0; i < l->n_modules; i++)
		mods[i] = (struct kx_module){
			.data = l->mod_maps[i].data ? l->mod_maps[i].data : (const uint8_t *)"",
			.len = l->mod_maps[i].len, .string = l->module_specs[i] };
	o = (struct kx_load_opts){
		.cmdline = l->cmdline ? l->cmdline : "",
		.mem_min = l->mem_min,
		.mem_max = l->mem_max,
		.panic = l->panic,
		.hotplug = hotplug,
		.no_checks = l->no_checks,
		.type = effective_type(l),
		.args = l->args,
		.linux_entry = l->linux_entry,
		.image_name = l->image_path,
		.modules = mods,
		.n_modules = l->n_modules,
		.console_serial = l->console_serial || l->serial_port || l->serial_baud,
		.serial_port = l->serial_port,
		.serial_baud = l->serial_baud,
		.console_vga = l->console_vga,
		.reset_vga = l->reset_vga,
		.test_bad_digest = l->test_bad_digest,
		.dtb = l->have_dtb ? l->dtb.data : NULL,
		.dtb_len = l->have_dtb ? l->dtb_size : 0,
		.no_efi = l->options[KX_OPT_NO_EFI],
		.pass_memmap_cmdline = l->options[KX_OPT_PASS_MEMMAP_CMDLINE],
		.elf32_core_headers = l->options[KX_OPT_ELF32_CORE_HEADERS],
		.defer_digests = true,
	};
	choose_initrd(l, &o.initrd, &o.initrd_len);
	/* The plan is built for every load, also for kexec_file_load: it
	 * validates the image, the command line and the placement before anything
	 * is handed to the kernel, so a bad request never disturbs the kernel
	 * that is loaded now. */
	/* The formats read the files through their mappings. After a fault the
	 * half-built plan is abandoned (leaked, never freed half-way). */
	{
		struct kx_sigbus_guard g;

		KX_SIGBUS_GUARDED(ret, g, kx_build_plan_format(l->format, &l->unwrapped, &o,
							       &l->facts, &l->plan),
				  kx_lib_file_fault(l, g.addr));
	}
	free(mods);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	l->have_plan = true;
	choose_syscall(l);
	if (l->plan.file_load_only) {
		const char *why = l->plan.file_load_only;

		if (l->syscall == KX_SYSCALL_LOAD || !l->format->kernel_file_load) {
			ret = kx_err(ENOENT, "kexec", "cannot load this capture kernel with "
				     "kexec_load: %s%s", why,
				     l->format->kernel_file_load ? "" :
				     " (and the kernel's file loader does not take this format)");
			l->have_plan = false;
			kx_plan_free(&l->plan);
			return kx_lib_fail(err, ret, NULL);
		}
		l->syscall = KX_SYSCALL_FILE;
		l->load_first = false;
		l->syscall_reason = l->plan.file_load_only;
	}
	l->plan.meta = (struct kx_plan_meta){
		.panic = l->panic,
		.cmdline = o.cmdline,
		.syscall = syscall_name(l),
		.syscall_reason = l->syscall_reason,
		.map_is_guess = l->facts.map_is_guess,
	};
	if (l->unwrapped.is_uki)
		l->plan.meta.wrapper = uki_report(l);
	return 0;
}

const kx_plan *kx_get_plan(const kx_loader *l)
{
	return l && l->have_plan ? &l->plan : NULL;
}

static int need_plan(const kx_loader *l, const char *call, kx_error **err)
{
	if (!l)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "%s: no loader given", call), NULL);
	if (!l->have_plan)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "%s: build the plan first "
					       "(kx_build)", call), NULL);
	return 0;
}

int kx_digest(kx_loader *l, kx_error **err)
{
	int ret = need_plan(l, __func__, err);

	if (ret < 0)
		return ret;
	ret = kx_lib_digest(l, false);
	return ret < 0 ? kx_lib_fail(err, ret, &l->plan) : 0;
}

int kx_print_plan(kx_loader *l, FILE *out, enum kx_print_format fmt, kx_error **err)
{
	int ret = need_plan(l, __func__, err);

	if (ret < 0)
		return ret;
	if (!out)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_print_plan: no stream"), NULL);
	/* A plan printed before any load: nothing reads the files after the
	 * digests, so each stretch is dropped once hashed and a large initrd is
	 * never resident all at once. */
	if (!l->plan.digested) {
		ret = kx_lib_digest(l, true);
		if (ret < 0)
			return kx_lib_fail(err, ret, &l->plan);
	}
	if (fmt == KX_PRINT_JSON)
		kx_plan_print_json(out, &l->plan);
	else
		kx_plan_print_text(out, &l->plan);
	if (fflush(out) != 0 || ferror(out))
		return kx_lib_fail(err, kx_err(EIO, "libkx", "cannot write the plan: %s",
					       strerror(errno)), &l->plan);
	return 0;
}

/* ---- plan accessors ---- */

const char *kx_plan_format(const kx_plan *p)
{
	return p ? p->format : NULL;
}

const char *kx_plan_compression(const kx_plan *p)
{
	return p ? p->compression : NULL;
}

bool kx_plan_panic(const kx_plan *p)
{
	return p && p->meta.panic;
}

const char *kx_plan_cmdline(const kx_plan *p)
{
	return p && p->meta.cmdline ? p->meta.cmdline : "";
}

const char *kx_plan_syscall(const kx_plan *p)
{
	return p ? p->meta.syscall : NULL;
}

const char *kx_plan_syscall_reason(const kx_plan *p)
{
	return p ? p->meta.syscall_reason : NULL;
}

bool kx_plan_crash_hotplug(const kx_plan *p)
{
	return p && p->capture.hotplug;
}

uint64_t kx_plan_entry(const kx_plan *p)
{
	return p ? p->entry : 0;
}

uint64_t kx_plan_image_entry(const kx_plan *p)
{
	return p ? kx_handoff_image_entry(&p->handoff) : 0;
}

const char *kx_plan_entry_mode(const kx_plan *p)
{
	return p ? kx_handoff_mode_name(&p->handoff) : NULL;
}

bool kx_plan_map_guessed(const kx_plan *p)
{
	return p && p->meta.map_is_guess;
}

size_t kx_plan_segment_count(const kx_plan *p)
{
	return p ? p->n : 0;
}

static const struct kx_segment *segment(const kx_plan *p, size_t i)
{
	return p && i < p->n ? &p->seg[i] : NULL;
}

const char *kx_plan_segment_role(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s ? kx_role_name(s->role) : NULL;
}

uint64_t kx_plan_segment_mem(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s ? s->mem : 0;
}

uint64_t kx_plan_segment_memsz(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s ? s->memsz : 0;
}

uint64_t kx_plan_segment_bufsz(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s ? s->bufsz : 0;
}

bool kx_plan_segment_verified(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s && s->verify;
}

const uint8_t *kx_plan_segment_sha256(const kx_plan *p, size_t i)
{
	const struct kx_segment *s = segment(p, i);

	return s && p->digested ? s->sha256 : NULL;
}

const char *kx_plan_wrapper(const kx_plan *p)
{
	return p ? p->meta.wrapper.kind : NULL;
}

size_t kx_plan_wrapper_section_count(const kx_plan *p)
{
	return p ? p->meta.wrapper.n : 0;
}

static const struct kx_plan_part *wrapper_part(const kx_plan *p, size_t i)
{
	return p && i < p->meta.wrapper.n ? &p->meta.wrapper.part[i] : NULL;
}

const char *kx_plan_wrapper_section_name(const kx_plan *p, size_t i)
{
	const struct kx_plan_part *w = wrapper_part(p, i);

	return w ? w->name : NULL;
}

uint64_t kx_plan_wrapper_section_offset(const kx_plan *p, size_t i)
{
	const struct kx_plan_part *w = wrapper_part(p, i);

	return w ? w->offset : 0;
}

uint64_t kx_plan_wrapper_section_size(const kx_plan *p, size_t i)
{
	const struct kx_plan_part *w = wrapper_part(p, i);

	return w ? w->size : 0;
}

const char *kx_plan_cmdline_source(const kx_plan *p)
{
	return p ? p->meta.wrapper.cmdline_from : NULL;
}

const char *kx_plan_initrd_source(const kx_plan *p)
{
	return p ? p->meta.wrapper.initrd_from : NULL;
}
