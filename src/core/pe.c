/* SPDX-License-Identifier: MIT */
/* See pe.h. */
#include "core/pe.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

#define MOD "pe"

/* COFF file header fields, from the start of the header. */
#define COFF_MACHINE 0
#define COFF_NUMBER_OF_SECTIONS 2
#define COFF_SIZE_OF_OPTIONAL_HEADER 16
/* Optional header fields. */
#define OPT_MAGIC 0
#define OPT_SIZE_OF_IMAGE 56
/* Section header fields. */
#define SEC_NAME 0
#define SEC_VIRTUAL_SIZE 8
#define SEC_VIRTUAL_ADDRESS 12
#define SEC_SIZE_OF_RAW_DATA 16
#define SEC_POINTER_TO_RAW_DATA 20
#define SEC_CHARACTERISTICS 36

_Static_assert(SEC_CHARACTERISTICS + 4 == KX_PE_SECTION_HDR_SIZE, "section header layout");
_Static_assert(COFF_SIZE_OF_OPTIONAL_HEADER + 4 == KX_PE_COFF_HDR_SIZE, "COFF header layout");
_Static_assert(OPT_SIZE_OF_IMAGE + 4 <= KX_PE_OPT_MIN_PE32, "optional header layout");

bool kx_pe_is_mz(const uint8_t *buf, size_t len)
{
	return len >= 2 && !memcmp(buf, KX_PE_DOS_MAGIC, 2);
}

static void parse_section(const uint8_t *h, struct kx_pe_section *s)
{
	memcpy(s->name, h + SEC_NAME, KX_PE_SECTION_NAME_SIZE);
	s->name[KX_PE_SECTION_NAME_SIZE] = 0;
	s->virtual_size = kx_le32(h + SEC_VIRTUAL_SIZE);
	s->virtual_address = kx_le32(h + SEC_VIRTUAL_ADDRESS);
	s->size_of_raw_data = kx_le32(h + SEC_SIZE_OF_RAW_DATA);
	s->pointer_to_raw_data = kx_le32(h + SEC_POINTER_TO_RAW_DATA);
	s->characteristics = kx_le32(h + SEC_CHARACTERISTICS);
	s->file_offset = s->pointer_to_raw_data;
	s->file_size = s->size_of_raw_data;
	if (s->virtual_size && s->virtual_size < s->file_size)
		s->file_size = s->virtual_size;
}

static bool sections_overlap(const struct kx_pe_section *a, const struct kx_pe_section *b)
{
	return a->file_size && b->file_size && a->file_offset < b->file_offset + b->file_size &&
	       b->file_offset < a->file_offset + a->file_size;
}

int kx_pe_check_sections(const struct kx_pe *pe, size_t len)
{
	for (size_t i = 0; i < pe->n_sections; i++) {
		const struct kx_pe_section *s = &pe->sections[i];
		/* 32-bit fields summed in 64 bits: no overflow. */
		uint64_t end = s->file_offset + s->file_size;

		if (s->file_size && end > len)
			return kx_err(EINVAL, MOD, "section %zu (%s) lies at bytes 0x%llx-0x%llx, "
				      "past the end of the file (0x%zx bytes): the file is "
				      "truncated or damaged", i, s->name,
				      (unsigned long long)s->file_offset, (unsigned long long)end,
				      len);
	}
	for (size_t i = 0; i < pe->n_sections; i++)
		for (size_t j = i + 1; j < pe->n_sections; j++)
			if (sections_overlap(&pe->sections[i], &pe->sections[j]))
				return kx_err(EINVAL, MOD, "sections %zu (%s) and %zu (%s) share "
					      "bytes of the file: the file is damaged", i,
					      pe->sections[i].name, j, pe->sections[j].name);
	return 0;
}

int kx_pe_parse_headers(const uint8_t *buf, size_t len, struct kx_pe *pe)
{
	uint64_t coff, opt, table;
	uint16_t opt_size, n;
	uint32_t lfanew;

	memset(pe, 0, sizeof(*pe));
	if (!kx_pe_is_mz(buf, len))
		return kx_err(ENOEXEC, MOD, "no MZ signature: not a PE image");
	if (len < KX_PE_LFANEW_OFFSET + 4)
		return kx_err(EINVAL, MOD, "file of %zu bytes ends inside the MS-DOS header", len);
	lfanew = kx_le32(buf + KX_PE_LFANEW_OFFSET);
	if (lfanew < KX_PE_LFANEW_OFFSET + 4 || (uint64_t)lfanew + KX_PE_SIGNATURE_SIZE > len)
		return kx_err(EINVAL, MOD, "e_lfanew 0x%x points outside the file (%zu bytes)",
			      lfanew, len);
	if (memcmp(buf + lfanew, KX_PE_SIGNATURE, KX_PE_SIGNATURE_SIZE))
		return kx_err(ENOEXEC, MOD, "no PE signature at e_lfanew 0x%x: an MS-DOS program, "
			      "not a PE image", lfanew);
	coff = (uint64_t)lfanew + KX_PE_SIGNATURE_SIZE;
	if (coff + KX_PE_COFF_HDR_SIZE > len)
		return kx_err(EINVAL, MOD, "file of %zu bytes ends inside the COFF header", len);
	pe->machine = kx_le16(buf + coff + COFF_MACHINE);
	n = kx_le16(buf + coff + COFF_NUMBER_OF_SECTIONS);
	opt_size = kx_le16(buf + coff + COFF_SIZE_OF_OPTIONAL_HEADER);
	if (n > KX_PE_MAX_SECTIONS)
		return kx_err(EINVAL, MOD, "%u sections, more than the %d a PE image may have: "
			      "the file is damaged", n, KX_PE_MAX_SECTIONS);
	opt = coff + KX_PE_COFF_HDR_SIZE;
	if (opt_size < 2 || opt + opt_size > len)
		return kx_err(EINVAL, MOD, "optional header of %u bytes at 0x%llx does not fit the "
			      "file (%zu bytes)", opt_size, (unsigned long long)opt, len);
	pe->opt_magic = kx_le16(buf + opt + OPT_MAGIC);
	if ((pe->opt_magic != KX_PE_OPT_MAGIC_PE32 || opt_size < KX_PE_OPT_MIN_PE32) &&
	    (pe->opt_magic != KX_PE_OPT_MAGIC_PE32PLUS || opt_size < KX_PE_OPT_MIN_PE32PLUS))
		return kx_err(EINVAL, MOD, "optional header magic 0x%x with %u bytes: neither PE32 "
			      "nor PE32+", pe->opt_magic, opt_size);
	pe->size_of_image = kx_le32(buf + opt + OPT_SIZE_OF_IMAGE);
	table = opt + opt_size;
	if (table + (uint64_t)n * KX_PE_SECTION_HDR_SIZE > len)
		return kx_err(EINVAL, MOD, "section table of %u entries at 0x%llx runs past the end "
			      "of the file (%zu bytes): the file is truncated", n,
			      (unsigned long long)table, len);
	for (size_t i = 0; i < n; i++)
		parse_section(buf + table + i * KX_PE_SECTION_HDR_SIZE, &pe->sections[i]);
	pe->n_sections = n;
	return 0;
}

int kx_pe_parse(const uint8_t *buf, size_t len, struct kx_pe *pe)
{
	int ret = kx_pe_parse_headers(buf, len, pe);

	if (ret == 0)
		ret = kx_pe_check_sections(pe, len);
	if (ret < 0)
		pe->n_sections = 0;
	return ret;
}

const struct kx_pe_section *kx_pe_find(const struct kx_pe *pe, const char *name, size_t from,
				       size_t to)
{
	if (to > pe->n_sections)
		to = pe->n_sections;
	for (size_t i = from; i < to; i++)
		if (!strncmp(pe->sections[i].name, name, KX_PE_SECTION_NAME_SIZE))
			return &pe->sections[i];
	return NULL;
}
