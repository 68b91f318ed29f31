/* SPDX-License-Identifier: MIT */
/*
 * The arm64 kernel Image header (Documentation/arch/arm64/booting.rst,
 * "Call the kernel image"; arch/arm64/include/asm/image.h): 64 bytes at the
 * start of the Image. Pure: no arch headers, so the parser is also built
 * into the x86_64 tests and fuzzers.
 */
#ifndef KX_ARM64_IMAGE_HEADER_H
#define KX_ARM64_IMAGE_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* booting.rst: the header's fields, little-endian since v3.17. */
#define KX_ARM64_HDR_CODE0 0x00
#define KX_ARM64_HDR_CODE1 0x04
#define KX_ARM64_HDR_TEXT_OFFSET 0x08
#define KX_ARM64_HDR_IMAGE_SIZE 0x10
#define KX_ARM64_HDR_FLAGS 0x18
#define KX_ARM64_HDR_RES2 0x20
#define KX_ARM64_HDR_MAGIC 0x38
#define KX_ARM64_HDR_RES5 0x3c /* the PE header's offset (e_lfanew) with an EFI stub */
#define KX_ARM64_HDR_SIZE 64
#define KX_ARM64_MAGIC "ARM\x64"
#define KX_ARM64_MAGIC_SIZE 4
/* booting.rst: "Where image_size is zero, text_offset can be assumed to be
 * 0x80000" (kernels before v3.17, whose text_offset has an unknown
 * endianness). */
#define KX_ARM64_LEGACY_TEXT_OFFSET 0x80000u
/* The kernel's base is 2 MiB aligned; the Image goes text_offset above it. */
#define KX_ARM64_BASE_ALIGN (2u << 20)
/* flags (booting.rst): bit 0 endianness, bits 1-2 page size, bit 3 placement. */
#define KX_ARM64_FLAG_BE (1u << 0)
#define KX_ARM64_FLAG_PAGE_SIZE_SHIFT 1
#define KX_ARM64_FLAG_PAGE_SIZE_MASK 3u
#define KX_ARM64_FLAG_PHYS_BASE (1u << 3)

_Static_assert(KX_ARM64_HDR_RES5 + 4 == KX_ARM64_HDR_SIZE, "arm64 Image header layout");
_Static_assert(KX_ARM64_HDR_MAGIC + KX_ARM64_MAGIC_SIZE == KX_ARM64_HDR_RES5,
	       "arm64 Image header layout");

/* Page size field of flags: 0 unspecified, 1 4K, 2 16K, 3 64K. */
enum kx_arm64_page_size {
	KX_ARM64_PAGE_UNSPECIFIED = 0,
	KX_ARM64_PAGE_4K = 1,
	KX_ARM64_PAGE_16K = 2,
	KX_ARM64_PAGE_64K = 3,
};

struct kx_arm64_image {
	uint64_t text_offset;   /* where the Image goes above its 2 MiB-aligned base */
	uint64_t image_size;    /* bytes the kernel uses from there, BSS included */
	bool legacy;            /* image_size 0 (before v3.17): text_offset and size assumed */
	uint64_t flags;
	enum kx_arm64_page_size page_size;
	/* flags bit 3: the base may be anywhere in RAM; else as close as possible
	 * to the start of DRAM (memory below the base is not in the linear map). */
	bool phys_anywhere;
	/* The Image carries an EFI stub's PE/COFF header, whose sections told how
	 * long the file must be (file_end). */
	bool has_pe;
	uint64_t file_end;
};

/* Whether buf has the Image magic ("ARM\x64" at 0x38). */
bool kx_arm64_image_is(const uint8_t *buf, size_t len);

/* Parses and checks the header of an Image of len bytes. -ENOEXEC: not an
 * arm64 Image (no magic); -EINVAL: an Image that kx cannot load (truncated
 * according to its PE section table or to image_size, big-endian,
 * text_offset not page aligned, sizes that overflow). */
int kx_arm64_image_parse(const uint8_t *img, size_t len, struct kx_arm64_image *out);

/* "4K", "16K", "64K" or "unspecified". */
const char *kx_arm64_page_size_name(enum kx_arm64_page_size s);

#endif
