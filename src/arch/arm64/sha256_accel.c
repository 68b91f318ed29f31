/* SPDX-License-Identifier: MIT */
/*
 * arm64's accelerated SHA-256 for core/sha256.c: not written yet (the ARMv8
 * SHA-256 instructions come with arm64's purgatory), so the scalar code
 * always runs.
 */
#include "core/sha256.h"

#include <stdlib.h>

void kx_sha256_blocks_accel(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	/* core/sha256.c calls it only when kx_sha256_have_accel() says yes. */
	abort();
}

bool kx_sha256_have_accel(void)
{
	return false;
}
