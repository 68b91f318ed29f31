/* SPDX-License-Identifier: MIT */
/* /proc/iomem parser: any text must parse or fail cleanly, and what parses must
 * come out as a normalized map of non-empty regions. */
#include <stdint.h>
#include <stdlib.h>

#include "sys/sysfacts.h"

static void check_map(const struct kx_memmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].start >= m->v[i].end)
			abort();
		if (i > 0 && m->v[i - 1].start > m->v[i].start)
			abort();
		if (i > 0 && m->v[i - 1].type == m->v[i].type && m->v[i - 1].end >= m->v[i].start)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_iomem io;

	if (kx_iomem_parse((const char *)data, size, &io) == 0) {
		check_map(&io.top);
		check_map(&io.ram);
		check_map(&io.crash);
		if (io.all_zero && (io.top.n || io.ram.n || io.crash.n))
			abort();
	}
	kx_iomem_free(&io);
	return 0;
}
