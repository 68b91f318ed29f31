/* SPDX-License-Identifier: MIT */
/*
 * Unified Kernel Images (UAPI Group specification "Unified Kernel Image
 * (UKI)"; systemd-stub(7)): a PE file that carries the kernel in its .linux
 * section, with optional .initrd, .cmdline, .dtb, .uname and .osrel sections
 * and the EFI stub that boots them. kx treats a UKI as a wrapper, like
 * compression: the loader unwraps .linux and loads it as the kernel image it
 * is (a bzImage on x86), then applies the stub's rules for the command line
 * and the initrd (kx_uki_cmdline_source, kx_uki_initrd_source).
 *
 * Arch-neutral and pure: it reads the bytes the caller has mapped.
 */
#ifndef KX_FORMATS_UKI_H
#define KX_FORMATS_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name -t accepts for a UKI. */
#define KX_UKI_TYPE "uki"

/* The UKI sections kx knows ("UKI Sections" in the specification). */
enum kx_uki_part {
	KX_UKI_LINUX,   /* the kernel image; required */
	KX_UKI_INITRD,  /* an initrd (cpio archive, possibly compressed) */
	KX_UKI_CMDLINE, /* the kernel command line */
	KX_UKI_DTB,     /* a devicetree (used on DT platforms only) */
	KX_UKI_UNAME,   /* the kernel's uname -r */
	KX_UKI_OSREL,   /* os-release of the OS the UKI belongs to */
	KX_UKI_PARTS,
};

struct kx_uki_section {
	bool present;
	const uint8_t *data;  /* into the image */
	size_t size;          /* the bytes the file holds (see kx_pe_section.file_size) */
	uint64_t offset;      /* in the file */
};

struct kx_uki {
	struct kx_uki_section part[KX_UKI_PARTS];
	/* .profile sections (multi-profile UKIs); 0 for a single-profile UKI. */
	unsigned profiles;
};

/* ".linux", ".initrd", ... */
const char *kx_uki_part_name(enum kx_uki_part part);

/* Whether `type` (-t) names a UKI. */
bool kx_uki_type_is(const char *type);

/* Reads the sections of a UKI: a PE image whose section table has a .linux
 * section. -ENOEXEC when the image is not one (a bzImage's own PE header
 * names no .linux), with a message; -EINVAL (message under "pe" or "uki")
 * when it is one but damaged. `forced` (-t uki): a file that is not even a
 * PE image gets its PE error, not a bare -ENOEXEC. */
int kx_uki_parse(const uint8_t *img, size_t len, bool forced, struct kx_uki *u);

/* Where the command line or initrd of a load comes from. */
enum kx_source {
	KX_SOURCE_NONE,
	KX_SOURCE_GIVEN,            /* the caller's, no UKI section to weigh */
	KX_SOURCE_UKI,              /* the UKI's section */
	KX_SOURCE_GIVEN_OVER_UKI,   /* the caller's; the UKI's section is not used */
	KX_SOURCE_UKI_THEN_GIVEN,   /* initrd: the UKI's, then the caller's, as one */
};
const char *kx_source_name(enum kx_source s);

/* The command line: the caller's when one was given (--append,
 * --command-line, --reuse-cmdline), else the UKI's .cmdline. See uki.c. */
enum kx_source kx_uki_cmdline_source(const struct kx_uki *u, bool given);
/* The initrd: the UKI's .initrd followed by the caller's, except for a
 * capture kernel, where the caller's replaces it. See uki.c. */
enum kx_source kx_uki_initrd_source(const struct kx_uki *u, bool given, bool panic);

/* The .cmdline section as a command line (malloc'ed; "" when absent): up to
 * its first NUL, control characters (a trailing newline) turned into spaces
 * and trailing spaces dropped, as systemd-stub does. NULL: out of memory. */
char *kx_uki_cmdline(const struct kx_uki *u);

/* Initrds are concatenated with each but the last padded to this multiple:
 * the kernel's initramfs unpacker wants every cpio archive to start 4-byte
 * aligned (init/initramfs.c), and systemd-stub pads the same way. */
#define KX_UKI_INITRD_ALIGN 4

#endif
