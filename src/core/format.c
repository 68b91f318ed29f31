/* SPDX-License-Identifier: MIT */
/* Format lookup over the build's table, and placement helpers formats share. */
#include "core/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

/* "bzImage, linux16, ...": the table's names for messages. */
static const char *format_names(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; kx_formats[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", kx_formats[i]->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

const struct kx_format *kx_format_by_name(const char *name)
{
	for (size_t i = 0; kx_formats[i]; i++) {
		const struct kx_format *fmt = kx_formats[i];

		if (!strcasecmp(fmt->name, name))
			return fmt;
		for (size_t a = 0; fmt->aliases && fmt->aliases[a]; a++)
			if (!strcasecmp(fmt->aliases[a], name))
				return fmt;
	}
	return NULL;
}

int kx_type_resolve(const char *name, const char **format)
{
	const struct kx_format *fmt;
	char names[256];

	for (size_t i = 0; kx_type_names[i].name; i++) {
		const struct kx_type_name *t = &kx_type_names[i];

		if (strcasecmp(t->name, name))
			continue;
		if (!t->format)
			return kx_err(EOPNOTSUPP, "kexec", "image type '%s': %s", name, t->refusal);
		*format = t->format;
		return 0;
	}
	fmt = kx_format_by_name(name);
	if (!fmt)
		return kx_err(EINVAL, "kexec", "unknown image type '%s' (known: %s)", name,
			      format_names(names, sizeof(names)));
	*format = fmt->name;
	return 0;
}

int kx_format_detect(const uint8_t *img, size_t len, const char *type,
		     const struct kx_format **out)
{
	char names[256];

	if (type) {
		*out = kx_format_by_name(type);
		if (!*out)
			return kx_err(EINVAL, "kexec", "unknown image type '%s' (known: %s)", type,
				      format_names(names, sizeof(names)));
		return (*out)->probe(img, len);
	}
	if (!len)
		return kx_err(ENOEXEC, "kexec", "the kernel image is empty");
	for (size_t i = 0; kx_formats[i]; i++) {
		int ret = kx_formats[i]->probe(img, len);

		if (ret != -ENOEXEC) {
			*out = kx_formats[i];
			return ret;
		}
	}
	return kx_err(ENOEXEC, "kexec", "not a kernel image kx can load (known formats: %s)",
		      format_names(names, sizeof(names)));
}

int kx_format_check_panic(const struct kx_format *fmt, bool panic)
{
	if (!panic || fmt->capture)
		return 0;
	return kx_err(EINVAL, "kexec", "a %s image cannot be loaded as a capture kernel (-p): "
		      "kx passes the core header (elfcorehdr=) and the crash memory map only to "
		      "a bzImage or an ELF vmlinux; load the kernel's bzImage (vmlinuz) with -p instead", fmt->name);
}

int kx_plan_add_initrd(struct kx_plan *p, const struct kx_load_opts *o, uint64_t max,
		       bool high_ok, uint64_t *addr)
{
	uint64_t low_max = max && max < KX_4G ? max : KX_4G;
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = KX_MIB,
				    .max = high_ok ? 0 : low_max,
				    .pref_max = high_ok ? low_max : 0,
				    .pref = KX_NO_PREF, .top_down = true };
	int i;

	*addr = 0;
	if (!o->initrd || !o->initrd_len)
		return 0;
	i = kx_plan_add_placed(p, KX_ROLE_INITRD, o->initrd, o->initrd_len, o->initrd_len, &req,
			       NULL);
	if (i < 0)
		return kx_err_prefix(i, "initrd of %zu bytes", o->initrd_len);
	*addr = p->seg[i].mem;
	return 0;
}
