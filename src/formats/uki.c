/* SPDX-License-Identifier: MIT */
/* See uki.h. */
#include "formats/uki.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/pe.h"

#define MOD "uki"

/* A multi-profile UKI (systemd 257+) splits its section table at each
 * .profile section: the sections before the first one are the base, each
 * .profile starts a profile whose sections override the base's. Booted
 * without a profile choice, systemd-stub takes profile 0. */
#define PROFILE_SECTION ".profile"

static const char *const part_names[KX_UKI_PARTS] = {
	[KX_UKI_LINUX] = ".linux",
	[KX_UKI_INITRD] = ".initrd",
	[KX_UKI_CMDLINE] = ".cmdline",
	[KX_UKI_DTB] = ".dtb",
	[KX_UKI_UNAME] = ".uname",
	[KX_UKI_OSREL] = ".osrel",
};

const char *kx_uki_part_name(enum kx_uki_part part)
{
	return (unsigned)part < KX_UKI_PARTS ? part_names[part] : "?";
}

bool kx_uki_type_is(const char *type)
{
	return type && !strcasecmp(type, KX_UKI_TYPE);
}

/* Index of the n-th .profile section (n from 0), or the count if none. */
static size_t profile_start(const struct kx_pe *pe, unsigned n)
{
	for (size_t i = 0; i < pe->n_sections; i++)
		if (!strcmp(pe->sections[i].name, PROFILE_SECTION) && n-- == 0)
			return i;
	return pe->n_sections;
}

/* What systemd-stub boots when no profile is chosen: profile 0's section
 * when it has one, else the base's. The first of a name wins in each. */
static const struct kx_pe_section *find_default(const struct kx_pe *pe, const char *name)
{
	size_t base_end = profile_start(pe, 0);
	const struct kx_pe_section *s = NULL;

	if (base_end < pe->n_sections)
		s = kx_pe_find(pe, name, base_end + 1, profile_start(pe, 1));
	return s ? s : kx_pe_find(pe, name, 0, base_end);
}

int kx_uki_parse(const uint8_t *img, size_t len, bool forced, struct kx_uki *u)
{
	struct kx_pe pe;
	int ret;

	memset(u, 0, sizeof(*u));
	ret = kx_pe_parse_headers(img, len, &pe);
	if (ret < 0)
		return forced ? kx_err_prefix(ret, "-t uki") : -ENOEXEC;
	if (!find_default(&pe, part_names[KX_UKI_LINUX])) {
		if (!forced)
			return kx_err(ENOEXEC, MOD, "a PE image without a .linux section: an EFI "
				      "program, not a UKI");
		return kx_err(ENOEXEC, MOD, "-t uki: the PE image has no .linux section, so it "
			      "carries no kernel: give the UKI (EFI/Linux/*.efi) or drop -t uki");
	}
	/* It is a UKI: from here on a damaged table is an error. */
	ret = kx_pe_check_sections(&pe, len);
	if (ret < 0)
		return kx_err_prefix(ret, "UKI");
	for (size_t i = 0; i < pe.n_sections; i++)
		u->profiles += !strcmp(pe.sections[i].name, PROFILE_SECTION);
	/* An empty section counts as absent, as in systemd-stub (and its
	 * PointerToRawData means nothing). */
	for (int p = 0; p < KX_UKI_PARTS; p++) {
		const struct kx_pe_section *s = find_default(&pe, part_names[p]);

		if (!s || !s->file_size)
			continue;
		u->part[p] = (struct kx_uki_section){ .present = true, .data = img + s->file_offset,
						      .size = (size_t)s->file_size,
						      .offset = s->file_offset };
	}
	if (!u->part[KX_UKI_LINUX].present)
		return kx_err(EINVAL, MOD, "the .linux section is empty: the UKI carries no kernel");
	return 0;
}

const char *kx_source_name(enum kx_source s)
{
	switch (s) {
	case KX_SOURCE_NONE: return "none";
	case KX_SOURCE_GIVEN: return "given";
	case KX_SOURCE_UKI: return "uki";
	case KX_SOURCE_GIVEN_OVER_UKI: return "given, the UKI's not used";
	case KX_SOURCE_UKI_THEN_GIVEN: return "uki, then given (concatenated)";
	}
	return "?";
}

/*
 * systemd-stub (systemd-stub(7), "the kernel command line"): the .cmdline
 * section is the command line, except that options the boot loader passes
 * replace it, unless Secure Boot is on and the UKI has a .cmdline, in which
 * case the stub ignores them, so that a signed UKI boots only with the
 * command line it was signed with.
 *
 * kx is the boot loader here, and the caller's command line (--append,
 * --command-line, --reuse-cmdline) replaces .cmdline whenever one is given,
 * Secure Boot or not: whoever runs kexec is root already and can load any
 * kernel the running one accepts, and the callers need it (kdumpctl passes
 * the capture kernel's own command line with irqpoll, nr_cpus=1,
 * reset_devices... for the installed UKI; old systemd passes the .cmdline it
 * read itself with --append). kx does not verify the UKI's signature, and
 * under lockdown kexec_file_load verifies the .linux image alone, as it does
 * for any kernel. With nothing given, the UKI's .cmdline is used (kexec-tools
 * ignores it and boots with an empty command line).
 */
enum kx_source kx_uki_cmdline_source(const struct kx_uki *u, bool given)
{
	bool has = u->part[KX_UKI_CMDLINE].present;

	if (given)
		return has ? KX_SOURCE_GIVEN_OVER_UKI : KX_SOURCE_GIVEN;
	return has ? KX_SOURCE_UKI : KX_SOURCE_NONE;
}

/*
 * systemd-stub passes the kernel one initrd made by concatenating the UKI's
 * .initrd first (early microcode must be in the first cpio archive), padded
 * to 4 bytes, then the archives it generates (credentials, system
 * extensions, ...); the kernel unpacks every archive in turn, a later file
 * replacing an earlier one. kx adds the caller's --initrd the same way:
 * .initrd, padded to 4 bytes, then --initrd.
 *
 * Except for a capture kernel (-p): there --initrd replaces .initrd, as in
 * kexec-tools (which never concatenates). kdumpctl builds a kdump initrd
 * "independent of the UKI image" for the installed UKI; unpacking the normal
 * boot's initrd as well would take crash kernel memory (crashkernel= is
 * sized for the kdump initrd) for files the kdump initrd replaces anyway.
 */
enum kx_source kx_uki_initrd_source(const struct kx_uki *u, bool given, bool panic)
{
	bool has = u->part[KX_UKI_INITRD].present;

	if (!given)
		return has ? KX_SOURCE_UKI : KX_SOURCE_NONE;
	if (!has)
		return KX_SOURCE_GIVEN;
	return panic ? KX_SOURCE_GIVEN_OVER_UKI : KX_SOURCE_UKI_THEN_GIVEN;
}

char *kx_uki_cmdline(const struct kx_uki *u)
{
	const struct kx_uki_section *s = &u->part[KX_UKI_CMDLINE];
	size_t n = s->present ? strnlen((const char *)s->data, s->size) : 0;
	char *c = malloc(n + 1);

	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)s->data[i] < 0x20 ? ' ' : (char)s->data[i];
	while (n && c[n - 1] == ' ')
		n--;
	c[n] = 0;
	return c;
}
