/* SPDX-License-Identifier: MIT */
/* The kdump-compressed reader (vmcore-save's tests and crash-style readers):
 * headers, bitmaps, page descriptors and page decompression of any file.
 * Any input must open and read or fail with a message; never crash, read
 * outside the file or allocate more than its size justifies. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crash/kdump.h"
#include "fuzz_core.h"

/* Pages read per input: enough to reach every descriptor kind of a seed. */
#define MAX_PAGES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcore_mem m = { data, size };
	struct kx_kdump kd;
	uint8_t *page;
	unsigned read = 0;
	int ret;

	kx_err_clear();
	ret = kx_kdump_open(&kd, fuzz_strict_read, &m, size);
	if (ret) {
		if (ret > 0 || kx_errmsg()[0] == '\0')
			abort(); /* every failure says why */
		return 0;
	}
	page = malloc((size_t)kd.h.block_size);
	if (!page)
		abort();
	for (uint64_t pfn = 0; pfn < kd.max_mapnr && read < MAX_PAGES; pfn++) {
		if (!kx_kdump_is_dumped(&kd, pfn))
			continue;
		read++;
		kx_err_clear();
		ret = kx_kdump_read_page(&kd, pfn, page);
		if (ret > 0 || (ret < 0 && kx_errmsg()[0] == '\0'))
			abort();
	}
	free(page);
	kx_kdump_close(&kd);
	return 0;
}
