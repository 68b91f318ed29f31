/* SPDX-License-Identifier: MIT */
#include "core/format.h"
#include "arch/arm64/image.h"
#include "arch/arm64/vmlinux.h"
#include "formats/elf.h"

/*
 * Probe order: the Image ("ARM\x64" at 0x38) first, a fixed-offset
 * signature; an arm64 vmlinux (an ELF whose first PT_LOAD is an Image) before
 * any other ELF (\177ELF at 0), which comes last, as on every arch. Compressed Images
 * (Image.gz) and EFI zboot images are unwrapped before probing
 * (src/lib/build.c), so the Image format sees the plain kernel.
 */
const struct kx_format *const kx_formats[] = {
	&kx_format_arm64_image,
	&kx_format_arm64_vmlinux,
	&kx_format_elf,
	NULL,
};

_Static_assert(sizeof(kx_formats) / sizeof(kx_formats[0]) <= KX_MAX_FORMATS + 1,
	       "more formats than KX_MAX_FORMATS");

/* kexec-tools' arm64 loader names (kexec/arch/arm64/kexec-arm64.c file_type[]). */
const struct kx_type_name kx_type_names[] = {
	{ "vmlinux", "vmlinux", NULL },
	/* kexec-tools' arm64 "zImage" is a compressed Image (Image.gz): kx
	 * unpacks it before probing, so it is the Image format. */
	{ "zImage", "Image", NULL },
	{ "uImage", NULL, "kx does not load U-Boot uImages; boot the Image inside it" },
	{ NULL, NULL, NULL },
};
