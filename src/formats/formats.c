/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/load.h"
#include "formats/bzimage.h"
#include "formats/elf.h"
#include "formats/linux16.h"
#include "formats/multiboot.h"
#include "formats/multiboot2.h"

/*
 * Probe order: formats with a strong signature at a fixed offset first.
 * bzImage ("HdrS" at 0x202) comes first: a bzImage also carries a PE header
 * for the EFI stub, and we want the boot protocol, not PE.
 * linux16 right after: the same signature, for the images bzImage declines
 * because they have no 64-bit entry (iPXE's .lkrn, 32-bit kernels); it
 * enters them in 32-bit protected mode or in real mode.
 * Multiboot2 before Multiboot v1: an image with both headers (Xen) gets the
 * richer protocol (relocation, ACPI and EFI tags). Both before ELF: Xen's
 * xen.gz is an ELF file that must boot through its multiboot header.
 * ELF (\177ELF at 0) last: any other format may be wrapped in an ELF file.
 */
const struct kx_format *const kx_formats[] = {
	&kx_format_bzimage,
	&kx_format_linux16,
	&kx_format_multiboot2,
	&kx_format_multiboot,
	&kx_format_elf,
	NULL,
};

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

int kx_format_detect(const uint8_t *img, size_t len, const char *type,
		     const struct kx_format **out)
{
	if (type) {
		*out = kx_format_by_name(type);
		if (!*out)
			return kx_err(EINVAL, "kexec", "unknown image type '%s' (try: bzImage, multiboot2, multiboot)", type);
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
	return kx_err(ENOEXEC, "kexec", "not a kernel image kx can load (known formats: bzImage, multiboot2, multiboot)");
}
