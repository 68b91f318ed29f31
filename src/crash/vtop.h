/* SPDX-License-Identifier: MIT */
/*
 * Virtual to physical translation through the crashed kernel's own page
 * tables (x86_64 4- and 5-level paging, with 1 GiB and 2 MiB pages), for the
 * addresses no PT_LOAD maps: the vmemmap array of struct page above all.
 * The top table is init_top_pgt (init_level4_pgt before 4.13) from
 * VMCOREINFO, in the kernel image, so at its address - __START_KERNEL_map +
 * phys_base; NUMBER(pgtable_l5_enabled) says 5-level.
 */
#ifndef KX_CRASH_VTOP_H
#define KX_CRASH_VTOP_H

#include <stdint.h>

#include "crash/vmcore.h"

struct kx_pgtable {
	const struct kx_vmcore *vc;
	uint64_t top;    /* physical address of the top-level table */
	unsigned levels; /* 4 or 5 */
};

/* -ENOENT with a message when VMCOREINFO names no top-level table. */
int kx_pgtable_init(struct kx_pgtable *pt, const struct kx_vmcore *vc);
/* -EFAULT with a message when an entry on the way is not present. */
int kx_pgtable_vtop(const struct kx_pgtable *pt, uint64_t vaddr, uint64_t *paddr);
/* The same, with the size of the page that maps vaddr (4 KiB, 2 MiB or
 * 1 GiB): the whole of it translates by the same offset. */
int kx_pgtable_vtop_size(const struct kx_pgtable *pt, uint64_t vaddr, uint64_t *paddr,
			 uint64_t *size);

#endif
