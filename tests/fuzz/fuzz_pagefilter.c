/* SPDX-License-Identifier: MIT */
/* Page filtering (vmcore-save -d 2, 4, 8, 16) on any core: VMCOREINFO lookups,
 * the page-table walk, SPARSEMEM sections and struct page decoding. Every
 * pfn below MAX_PFN is taken as RAM, so each input walks the whole array.
 * Any input must filter or fail with a message; never crash or read past
 * the file. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crash/pagefilter.h"
#include "crash/vmcore.h"
#include "fuzz_core.h"

/* The pfns whose struct pages the seeds map (vmemmap pages 0-0x89). */
#define MAX_PFN 0x2280u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcore_mem m = { data, size };
	struct kx_vmcore vc;
	uint8_t bitmap[MAX_PFN / 8];
	struct kx_filter_counts n = { 0 };
	int ret;

	kx_err_clear();
	if (kx_vmcore_open(&vc, fuzz_strict_read, &m, size))
		return 0;
	memset(bitmap, 0xff, sizeof(bitmap));
	kx_err_clear();
	/* The level comes from the input's last byte, so every path is reached. */
	ret = kx_filter_pages(&vc, 4096, size ? data[size - 1] & 30u : 30u, bitmap, MAX_PFN, &n);
	if (ret > 0 || (ret < 0 && kx_errmsg()[0] == '\0') ||
	    (ret == 0 && kx_filter_total(&n) > MAX_PFN))
		abort();
	kx_vmcore_close(&vc);
	return 0;
}
