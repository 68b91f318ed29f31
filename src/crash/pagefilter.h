/* SPDX-License-Identifier: MIT */
/*
 * Free pages of the crashed kernel (makedumpfile's dump level 16): pages the
 * buddy allocator holds, found in its struct page array. A free block's
 * first page has page._mapcount (page_type on 6.x, the same word) equal to
 * NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) and its order in page.private; the
 * kernel exports the value it uses, so 6.1 (~PG_buddy = -129) and 6.12
 * (PGTY_buddy << 24) read alike. A page with PG_slab set is never free (slab
 * reuses that word on kernels that have the flag).
 *
 * The array is found as x86_64 kernels lay it out: SPARSEMEM_EXTREME, a
 * root array at SYMBOL(mem_section) of LENGTH(mem_section) pointers to
 * pages of struct mem_section, whose section_mem_map holds the section's
 * mem_map minus its first pfn, with flag bits below; vmemmap addresses are
 * translated through the kernel's page tables (vtop.h).
 */
#ifndef KX_CRASH_PAGEFILTER_H
#define KX_CRASH_PAGEFILTER_H

#include <stdint.h>

#include "crash/vmcore.h"

/* Clears the bits of free pages in bitmap (max_mapnr pfns of page_size);
 * *excluded counts them. -ENOTSUP with a message naming what VMCOREINFO
 * lacks when the core does not describe its struct page array; other errors
 * when reading it fails. The bitmap is only changed on success. */
int kx_exclude_free_pages(const struct kx_vmcore *vc, uint64_t page_size, uint8_t *bitmap,
			  uint64_t max_mapnr, uint64_t *excluded);

#endif
