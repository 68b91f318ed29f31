/* SPDX-License-Identifier: MIT */
/* The arm64 fixture kernel (../shared/kernels/arm64, copied by tests/vm/setup.sh
 * into tests/vm/cache/arm64/fixture-6.12; KX_ARM64_KERNELS set by meson):
 * Linux 6.12.117 as Image.gz and as an EFI zboot vmlinuz.efi. A test
 * that needs it skips when the folder is absent. */
#ifndef KX_TEST_ARM64_FIXTURE_H
#define KX_TEST_ARM64_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/decompress.h"

/* Image.gz's README: the uncompressed Image's size. */
#define ARM64FIX_IMAGE_SIZE 6554112u
/* Its header's image_size (BSS included): what vmlinuz.efi's payload holds. */
#define ARM64FIX_IMAGE_SIZE_BSS 0x6d0000u

/* The whole file NAME of the fixture folder (malloc'd), or NULL. */
static inline uint8_t *arm64fix_read(const char *name, size_t *len)
{
	const char *dir = getenv("KX_ARM64_KERNELS");
	char path[4096];
	uint8_t *buf = NULL;
	long n;
	FILE *f;

	*len = 0;
	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* The fixture's raw Image (gunzip -c Image.gz), malloc'd, or NULL. */
static inline uint8_t *arm64fix_image(size_t *len)
{
	size_t gzlen;
	uint8_t *gz = arm64fix_read("Image.gz", &gzlen), *out = NULL;

	if (gz && kx_decompress(gz, gzlen, kx_decompress_cap(gzlen), &out, len) < 0)
		out = NULL;
	free(gz);
	return out;
}

#endif
