/* SPDX-License-Identifier: MIT */
/*
 * EFI zboot images (Linux's generic EFI decompressor,
 * drivers/firmware/efi/libstub/zboot-header.S, CONFIG_EFI_ZBOOT): a PE file
 * whose MS-DOS header carries "zimg", the offset and size of a compressed
 * kernel Image, and the name of its compression. Neither kexec syscall takes
 * one (the arm64 file loader wants the raw Image), so kx unwraps it like a
 * compressed file, before format detection.
 *
 * Arch-neutral and pure: it reads the bytes the caller has mapped.
 */
#ifndef KX_FORMATS_ZBOOT_H
#define KX_FORMATS_ZBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/decompress.h"

/* zboot-header.S: "MZ" at 0, then these fields (little-endian). */
#define KX_ZBOOT_MAGIC_OFFSET 4
#define KX_ZBOOT_MAGIC "zimg"
#define KX_ZBOOT_MAGIC_SIZE 4
#define KX_ZBOOT_PAYLOAD_OFFSET 8
#define KX_ZBOOT_PAYLOAD_SIZE 12
#define KX_ZBOOT_COMP_TYPE 0x18
/* The compression name is NUL-terminated before the PE magic at 0x38. */
#define KX_ZBOOT_COMP_TYPE_MAX (0x38 - KX_ZBOOT_COMP_TYPE)
#define KX_ZBOOT_HDR_SIZE 0x40

struct kx_zboot {
	uint32_t payload_offset;
	uint32_t payload_size;
	char comp_type[KX_ZBOOT_COMP_TYPE_MAX + 1]; /* as the header names it */
	enum kx_compression comp;                   /* what kx decompresses it as */
	uint16_t machine;                           /* the PE header's Machine */
};

/* Whether buf starts like a zboot image ("MZ", then "zimg" at 4). */
bool kx_zboot_is(const uint8_t *buf, size_t len);

/* Reads and checks the header: -ENOEXEC when not a zboot image, -EINVAL when
 * damaged (payload outside the file, no NUL in the name, a PE header that
 * does not parse), -EOPNOTSUPP for a compression kx cannot unpack. */
int kx_zboot_parse(const uint8_t *img, size_t len, struct kx_zboot *z);

/* Parses, decompresses the payload into a new malloc'ed buffer of at most
 * `cap` bytes and checks that it is the kernel the PE header's machine
 * promises (an arm64 Image for ARM64). Errors as kx_zboot_parse and
 * kx_decompress. */
int kx_zboot_unwrap(const uint8_t *img, size_t len, size_t cap, uint8_t **out,
		    size_t *out_len);

#endif
