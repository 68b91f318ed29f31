/* SPDX-License-Identifier: MIT */
#include "crash/vtop.h"

#include <errno.h>
#include <inttypes.h>

#include "core/bytes.h"
#include "core/err.h"

#define MOD "vtop"
/* arch/x86/include/asm/page_64_types.h, pgtable_types.h */
#define START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define PTE_PRESENT UINT64_C(0x1)
#define PTE_PSE UINT64_C(0x80) /* a 1 GiB (PUD) or 2 MiB (PMD) page */
#define PTE_ADDR_MASK UINT64_C(0x000ffffffffff000) /* bits 51:12 */
#define PAGE_SHIFT 12
#define LEVEL_BITS 9

int kx_pgtable_init(struct kx_pgtable *pt, const struct kx_vmcore *vc)
{
	uint64_t sym;
	int64_t l5 = 0;

	pt->vc = vc;
	if (kx_vmcoreinfo_symbol(&vc->info, "init_top_pgt", &sym) != 0 &&
	    kx_vmcoreinfo_symbol(&vc->info, "init_level4_pgt", &sym) != 0)
		return kx_err(ENOENT, MOD, "VMCOREINFO has no SYMBOL(init_top_pgt): cannot read "
			      "the kernel's page tables");
	if (sym < START_KERNEL_MAP)
		return kx_err(EINVAL, MOD, "SYMBOL(init_top_pgt)=%" PRIx64 " is not in the kernel "
			      "image", sym);
	pt->top = sym - START_KERNEL_MAP + vc->phys_base;
	if (kx_vmcoreinfo_number(&vc->info, "pgtable_l5_enabled", &l5) != 0)
		l5 = 0;
	pt->levels = l5 ? 5 : 4;
	kx_err_clear();
	return 0;
}

int kx_pgtable_vtop(const struct kx_pgtable *pt, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t size;

	return kx_pgtable_vtop_size(pt, vaddr, paddr, &size);
}

int kx_pgtable_vtop_size(const struct kx_pgtable *pt, uint64_t vaddr, uint64_t *paddr,
			 uint64_t *size)
{
	uint64_t table = pt->top;

	for (unsigned level = pt->levels; level >= 1; level--) {
		unsigned shift = PAGE_SHIFT + LEVEL_BITS * (level - 1);
		uint64_t index = (vaddr >> shift) & ((1u << LEVEL_BITS) - 1), entry;
		uint8_t b[8];
		int ret = kx_vmcore_read_paddr(pt->vc, table + index * 8, b, sizeof(b));

		if (ret)
			return kx_err_prefix(ret, MOD ": 0x%" PRIx64 " level %u table", vaddr, level);
		entry = kx_le64(b);
		if (!(entry & PTE_PRESENT))
			return kx_err(EFAULT, MOD, "0x%" PRIx64 " is not mapped (level %u entry 0x%"
				      PRIx64 ")", vaddr, level, entry);
		/* Level 3 (PUD) and 2 (PMD) entries with PSE map the page itself. */
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PSE))) {
			uint64_t size_mask = (UINT64_C(1) << shift) - 1;

			*paddr = (entry & PTE_ADDR_MASK & ~size_mask) | (vaddr & size_mask);
			*size = size_mask + 1;
			return 0;
		}
		table = entry & PTE_ADDR_MASK;
	}
	return kx_err(EFAULT, MOD, "0x%" PRIx64 ": no page at the last level", vaddr);
}
