/* SPDX-License-Identifier: MIT */
/*
 * The contract between the loader and purgatory: a header at offset 0 of the
 * purgatory blob, and one parameter block the loader fills before loading.
 * Both sides include this file; layout is fixed and asserted below, because the
 * loader writes these bytes into a blob built by a different compiler run.
 * The block has a generic part (the regions to verify, the backup copy) and
 * the arch's part (abi_arch.h, from purgatory/arch/<arch> on the include
 * path: how to enter the image, which console to print on).
 */
#ifndef KX_PURGATORY_ABI_H
#define KX_PURGATORY_ABI_H

#include <stdint.h>

#include "abi_arch.h"

#define KX_PURG_MAGIC   0x4752504bu /* "KPRG" little endian */
#define KX_PURG_VERSION 1u

struct kx_purg_header {
	uint32_t magic;
	uint16_t version;
	uint16_t header_size;   /* sizeof(struct kx_purg_header) */
	uint32_t entry_offset;  /* entry point, from the start of the blob */
	uint32_t params_offset; /* struct kx_purg_params, from the start of the blob */
	uint32_t params_size;   /* sizeof(struct kx_purg_params) */
	uint32_t image_size;    /* bytes the blob occupies in the file */
	uint32_t mem_size;      /* bytes to reserve in memory: image + bss + stack */
	uint32_t reserved;
};

#define KX_PURG_MAX_REGIONS 32

/* A range of memory purgatory hashes before entry: [start, start + len). */
struct kx_purg_region {
	uint64_t start;
	uint64_t len;
	uint8_t sha256[32];
};

struct kx_purg_params {
	uint32_t flags;       /* the arch's KX_PURG_F_* jobs (abi_arch.h) */
	uint32_t nr_regions;
	/* Copy [backup_src, +backup_len) to backup_dst before verifying (kdump). */
	uint64_t backup_src;
	uint64_t backup_dst;
	uint64_t backup_len;
	struct kx_purg_arch arch;
	struct kx_purg_region regions[KX_PURG_MAX_REGIONS];
};

_Static_assert(sizeof(struct kx_purg_header) == 32, "purgatory header layout");
_Static_assert(sizeof(struct kx_purg_region) == 48, "purgatory region layout");
_Static_assert(__builtin_offsetof(struct kx_purg_params, arch) == 32, "params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_params, regions) == 32 + sizeof(struct kx_purg_arch),
	       "params layout");
_Static_assert(sizeof(struct kx_purg_params) ==
	       32 + sizeof(struct kx_purg_arch) + 48 * KX_PURG_MAX_REGIONS, "params layout");

#endif
