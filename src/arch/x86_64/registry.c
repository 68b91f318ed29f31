/* SPDX-License-Identifier: MIT */
#include "core/format.h"
#include "arch/x86_64/bzimage.h"
#include "formats/elf.h"
#include "arch/x86_64/linux16.h"
#include "arch/x86_64/multiboot.h"
#include "arch/x86_64/multiboot2.h"

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

_Static_assert(sizeof(kx_formats) / sizeof(kx_formats[0]) <= KX_MAX_FORMATS + 1,
	       "more formats than KX_MAX_FORMATS");

/*
 * kexec-tools' x86_64 loader names (kexec/arch/x86_64/kexec-x86_64.c
 * file_type[]), so that `kexec -t NAME` in old scripts means what it meant
 * there. Its "bzImage" is the i386 loader (kexec/arch/i386/kexec-bzImage.c:
 * 32-bit protected-mode or real-mode entry), kx's linux16; its 64-bit loader
 * is "bzImage64". "uki" names the format by that name once this build has
 * one; until then it is an unknown type.
 */
const struct kx_type_name kx_type_names[] = {
	{ "multiboot2-x86", "multiboot2", NULL },
	{ "elf-x86_64", "elf", NULL },
	{ "multiboot-x86", "multiboot", NULL },
	{ "elf-x86", "elf", NULL },
	{ "bzImage64", "bzImage", NULL },
	{ "bzImage", "linux16", NULL },
	{ "beoboot-x86", NULL, "kx does not load Beowulf (beoboot) images; boot the kernel "
			       "and initrd inside it with -l KERNEL --initrd=FILE" },
	{ "nbi-x86", NULL, "kx does not load Etherboot network boot images (NBI); boot the "
			   "kernel inside it with -l KERNEL, or let probing pick the format" },
	{ "uki", "uki", NULL },
	{ NULL, NULL, NULL },
};
