/* SPDX-License-Identifier: MIT */
/*
 * Purgatory's checks, free of port I/O and of fixed addresses so the same file
 * is compiled into the blob and into the host unit tests. Memory is reached
 * through a map callback: identity in purgatory, a buffer in the tests.
 */
#ifndef KX_PURG_VERIFY_H
#define KX_PURG_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sha256.h"
#include "purgatory/abi.h"

enum kx_purg_status {
	KX_PURG_OK = 0,
	KX_PURG_TOO_MANY_REGIONS, /* nr_regions > KX_PURG_MAX_REGIONS */
	KX_PURG_BAD_ENTRY_MODE,   /* entry_mode is no enum kx_purg_entry_mode */
	KX_PURG_REGION_WRAPS,     /* start + len overflows 64 bits */
	KX_PURG_REGION_UNMAPPED,  /* the map callback refused the range */
	KX_PURG_MISMATCH,         /* the digest differs: memory was corrupted */
};

struct kx_purg_verify_result {
	enum kx_purg_status status;
	uint32_t region;        /* the failing region, when status names one */
	uint64_t bytes;         /* bytes hashed */
	bool shani;             /* hashed with the CPU's SHA-256 instructions (SHA-NI, ARMv8 SHA2) */
};

/* Points *out at [addr, addr + len); false when that is not memory. A bool,
 * not a NULL pointer, says so: under the identity map a region at physical
 * address 0 (a BIOS data area page) is reached through a null pointer. */
typedef bool (*kx_purg_map_fn)(void *ctx, uint64_t addr, uint64_t len, const void **out);

/* Checks the fields purgatory trusts before it hashes or jumps. */
enum kx_purg_status kx_purg_check_params(const struct kx_purg_params *p);

/* Checks the parameters, then hashes every region and compares it with its
 * recorded digest, stopping at the first failure. */
enum kx_purg_status kx_purg_verify(const struct kx_purg_params *p, kx_purg_map_fn map,
				   void *ctx, struct kx_purg_verify_result *res);
/* The same with the SHA-256 implementation chosen: KX_SHA256_SCALAR forces
 * the portable code (a loader flag, for testing it on a CPU that has the
 * instructions); KX_SHA256_AUTO is kx_purg_verify. */
enum kx_purg_status kx_purg_verify_impl(const struct kx_purg_params *p,
					enum kx_sha256_impl impl, kx_purg_map_fn map, void *ctx,
					struct kx_purg_verify_result *res);

#endif
