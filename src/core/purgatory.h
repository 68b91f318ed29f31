/* SPDX-License-Identifier: MIT */
/*
 * The loader's view of purgatory: the embedded blob, a checked writable copy
 * of it, and the parameter block inside that copy. The copy is what the
 * planner loads as the purgatory segment (image_size bytes in the file,
 * mem_size bytes in memory, page aligned, below 4 GiB).
 */
#ifndef KX_CORE_PURGATORY_H
#define KX_CORE_PURGATORY_H

#include <stddef.h>
#include <stdint.h>

#include "purgatory/abi.h"

/* Built from purgatory/ by the build (purgatory_blob.c). */
extern const unsigned char kx_purgatory_blob[];
extern const size_t kx_purgatory_blob_size;

/* Where the blob expects to be placed (DESIGN.md, purgatory contract). */
#define KX_PURGATORY_ALIGN 4096u
#define KX_PURGATORY_MAX_ADDR 0xffffffffull /* last byte must be below 4 GiB */

struct kx_purgatory {
	uint8_t *image;                 /* image_size bytes, owned */
	size_t image_size;              /* bytes of the segment's buffer */
	size_t mem_size;                /* bytes of the segment in memory */
	uint32_t entry_offset;          /* entry = load address + entry_offset */
	struct kx_purg_params *params;  /* inside image, 8-byte aligned */
};

/* Checks the header of blob[0, len) and makes a writable copy with its
 * parameter block zeroed. On error *out is left empty. */
int kx_purgatory_open(const uint8_t *blob, size_t len, struct kx_purgatory *out);
void kx_purgatory_close(struct kx_purgatory *pg);

/* Appends a region purgatory hashes before entry; -ENOSPC when full. */
int kx_purgatory_add_region(struct kx_purgatory *pg, uint64_t start, uint64_t len,
			    const uint8_t sha256[32]);

/* The entry address to give kexec_load once the copy sits at load_addr. */
uint64_t kx_purgatory_entry(const struct kx_purgatory *pg, uint64_t load_addr);

#endif
