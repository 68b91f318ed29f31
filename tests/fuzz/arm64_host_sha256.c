/* SPDX-License-Identifier: MIT */
/*
 * For the arm64 fuzz targets built on an x86_64 host (tests/fuzz/build.sh):
 * arm64's sha256_accel.c is written in SHA-256 instructions an x86_64
 * compiler cannot build, so this host has no accelerated path, and
 * core/sha256.c takes its scalar one. Only in that fuzz library, never in
 * kx itself.
 */
#include <stdlib.h>

#include "core/sha256.h"

bool kx_sha256_have_accel(void)
{
	return false;
}

void kx_sha256_blocks_accel(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	(void)h;
	(void)p;
	(void)nblocks;
	abort(); /* kx_sha256_have_accel() said no */
}
