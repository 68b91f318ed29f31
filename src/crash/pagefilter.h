/* SPDX-License-Identifier: MIT */
/*
 * Page filtering by the crashed kernel's own struct page array
 * (makedumpfile's dump levels 2, 4, 8 and 16), read through VMCOREINFO.
 *
 * Each page is classified from its struct page, in this order (the first
 * that applies wins, as in makedumpfile):
 *   free      (16) the buddy allocator's: page_type (_mapcount's word) equals
 *                  NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE), the block's order in
 *                  page.private; 6.1's value is ~PG_buddy, 6.12's
 *                  PGTY_buddy << 24, both compared as the kernel exports them
 *   cache     (2)  on an LRU list, or in the swap cache (PG_swapcache with
 *                  PG_swapbacked), not PG_private, not anonymous
 *   private   (4)  the same with PG_private (level 4 takes both kinds)
 *   user      (8)  anonymous (page.mapping's PAGE_MAPPING_ANON bit) or
 *                  hugetlb
 *   hwpoison, offline  left out whenever the walk runs (PG_hwpoison;
 *                  page_type == NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE))
 * Slab pages are never anonymous, free or offline: PG_slab on 6.1,
 * page_type == NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) on 6.10 and later.
 *
 * A compound page (PG_head) is classified by its head and left out whole:
 * its order and whether it is hugetlb come from the second struct page, as
 * the kernel's VMCOREINFO says: flags' low byte plus page_type ==
 * NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE) (6.9+), flags' low byte plus
 * PG_hugetlb (6.6-6.8), or OFFSET(page.compound_order/_dtor) (or folio's)
 * plus NUMBER(HUGETLB_PAGE_DTOR) (4.16-6.5). Tail pages (compound_head bit
 * 0) are kept unless their head's range left them out.
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

/* makedumpfile's dump level bits the struct page walk handles. */
enum kx_filter_level {
	KX_FILTER_CACHE = 2,
	KX_FILTER_CACHE_PRIVATE = 4,
	KX_FILTER_USER = 8,
	KX_FILTER_FREE = 16,
};

/* Pages left out, by kind. */
struct kx_filter_counts {
	uint64_t cache;
	uint64_t cache_private;
	uint64_t user;
	uint64_t free;
	uint64_t hwpoison;
	uint64_t offline;
};

/* Clears in bitmap (max_mapnr pfns of page_size) the bits of the pages the
 * level bits leave out. -ENOTSUP with a message naming what VMCOREINFO lacks
 * when the core does not describe what the level needs; other errors when
 * reading the array fails. bitmap and *n are only changed on success. */
int kx_filter_pages(const struct kx_vmcore *vc, uint64_t page_size, unsigned level,
		    uint8_t *bitmap, uint64_t max_mapnr, struct kx_filter_counts *n);

/* The same walk in nparts parts of the pfns at once, part i read through
 * vcs[i] (the same core, with a reader thread i may use alone); parts after
 * the first run in threads. The result is kx_filter_pages's. */
#define KX_FILTER_MAX_PARTS 64u
int kx_filter_pages_split(const struct kx_vmcore *const *vcs, unsigned nparts,
			  uint64_t page_size, unsigned level, uint8_t *bitmap,
			  uint64_t max_mapnr, struct kx_filter_counts *n);

/* All pages the filter left out. */
uint64_t kx_filter_total(const struct kx_filter_counts *n);

#endif
