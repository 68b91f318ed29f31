/* SPDX-License-Identifier: MIT */
/*
 * The one PE/COFF reader: the MS-DOS stub's e_lfanew, the "PE\0\0"
 * signature, the COFF file header, the optional header (PE32 or PE32+) and
 * the section table (Microsoft "PE Format": "MS-DOS Stub", "Signature",
 * "COFF File Header", "Optional Header", "Section Table"), for UKIs and,
 * later, EFI zboot images.
 *
 * Pure: it parses bytes the caller has mapped. Every offset and size is
 * checked against the buffer, with overflow checks; a bad file gives a
 * negative errno and a message under the module "pe". Section names are
 * compared on their 8 bytes; long names ("/4" into a string table) exist
 * only in object files and are kept as they are.
 */
#ifndef KX_CORE_PE_H
#define KX_CORE_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "MS-DOS Stub (Image Only)": "MZ" at 0, e_lfanew (the offset of the PE
 * signature) at 0x3c. */
#define KX_PE_DOS_MAGIC "MZ"
#define KX_PE_LFANEW_OFFSET 0x3c
#define KX_PE_SIGNATURE "PE\0\0"
#define KX_PE_SIGNATURE_SIZE 4
/* "COFF File Header (Object and Image)": 20 bytes. */
#define KX_PE_COFF_HDR_SIZE 20
/* "Optional Header Standard Fields": the magic. */
#define KX_PE_OPT_MAGIC_PE32 0x10b
#define KX_PE_OPT_MAGIC_PE32PLUS 0x20b
/* The optional header up to and including NumberOfRvaAndSizes: 96 bytes in
 * PE32, 112 in PE32+ ("Optional Header Windows-Specific Fields"). */
#define KX_PE_OPT_MIN_PE32 96
#define KX_PE_OPT_MIN_PE32PLUS 112
/* "Section Table (Section Headers)": 40 bytes each, names of 8 bytes. */
#define KX_PE_SECTION_HDR_SIZE 40
#define KX_PE_SECTION_NAME_SIZE 8
/* The Windows loader takes at most 96 sections; systemd-stub caps the table
 * at 16 MiB. A UKI has a dozen; kx refuses more than this. */
#define KX_PE_MAX_SECTIONS 96
/* Machine types ("Machine Types"). */
#define KX_PE_MACHINE_I386 0x014c
#define KX_PE_MACHINE_AMD64 0x8664
#define KX_PE_MACHINE_ARM64 0xaa64

/* One section header, with what the file holds of it. */
struct kx_pe_section {
	char name[KX_PE_SECTION_NAME_SIZE + 1]; /* NUL-terminated copy of Name */
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t size_of_raw_data;
	uint32_t pointer_to_raw_data;
	uint32_t characteristics;
	/* The bytes in the file: min(VirtualSize, SizeOfRawData) from
	 * PointerToRawData (the spec: the loader zero-fills the rest of
	 * VirtualSize; SizeOfRawData is rounded up to FileAlignment, so it may
	 * be the larger one). A VirtualSize of 0 counts as SizeOfRawData. */
	uint64_t file_offset;
	uint64_t file_size;
};

struct kx_pe {
	uint16_t machine;
	uint16_t opt_magic;     /* KX_PE_OPT_MAGIC_PE32 or _PE32PLUS */
	uint32_t size_of_image;
	uint16_t n_sections;
	struct kx_pe_section sections[KX_PE_MAX_SECTIONS];
};

/* Whether buf starts like a PE image (the "MZ" of its MS-DOS stub). */
bool kx_pe_is_mz(const uint8_t *buf, size_t len);

/* Parses the headers and the section table of a PE image:
 * kx_pe_parse_headers, then kx_pe_check_sections (pe->n_sections is 0 on
 * failure). -ENOEXEC: not a PE image
 * (no "MZ" or no "PE\0\0"); -EINVAL: a PE image that is damaged (truncated,
 * offsets out of the file, too many sections, sections sharing bytes). */
int kx_pe_parse(const uint8_t *buf, size_t len, struct kx_pe *pe);
/* The headers and the section table only (pe->n_sections is 0 on failure):
 * enough to tell what the image is before judging its sections. */
int kx_pe_parse_headers(const uint8_t *buf, size_t len, struct kx_pe *pe);
/* Every section's file bytes lie within the file (len bytes), no two overlap. */
int kx_pe_check_sections(const struct kx_pe *pe, size_t len);

/* The first section named `name` among sections [from, to) (to is clipped to
 * the count), or NULL. */
const struct kx_pe_section *kx_pe_find(const struct kx_pe *pe, const char *name, size_t from,
				       size_t to);

#endif
