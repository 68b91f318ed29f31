/* SPDX-License-Identifier: MIT */
/*
 * The loader's check of a purgatory blob header. Whatever the bytes, open
 * either fails cleanly or returns a copy whose parameter block and entry lie
 * inside the image. Inputs whose first byte is odd get the magic, version and
 * sizes fixed up so the fuzzer spends its time on the offset checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/purgatory.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_purgatory pg;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= sizeof(struct kx_purg_header) && (copy[0] & 1)) {
		put_le32(copy + offsetof(struct kx_purg_header, magic), KX_PURG_MAGIC);
		put_le32(copy + offsetof(struct kx_purg_header, version),
			 KX_PURG_VERSION | (uint32_t)sizeof(struct kx_purg_header) << 16);
		put_le32(copy + offsetof(struct kx_purg_header, params_size),
			 sizeof(struct kx_purg_params));
		put_le32(copy + offsetof(struct kx_purg_header, image_size), (uint32_t)size);
	}
	if (kx_purgatory_open(copy, size, &pg) == 0) {
		uint8_t *params = (uint8_t *)pg.params;

		if (pg.image_size != size || pg.mem_size < pg.image_size ||
		    pg.entry_offset >= pg.image_size || params < pg.image ||
		    params + sizeof(*pg.params) > pg.image + pg.image_size ||
		    (uintptr_t)params % 8)
			abort();
		pg.params->nr_regions = KX_PURG_MAX_REGIONS;
		kx_purgatory_close(&pg);
	}
	free(copy);
	return 0;
}
