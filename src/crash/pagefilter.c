/* SPDX-License-Identifier: MIT */
#include "crash/pagefilter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "crash/kdump.h"
#include "crash/vtop.h"

#define MOD "free pages"
/* arch/x86/include/asm/sparsemem.h: 128 MiB sections, unless VMCOREINFO's
 * NUMBER(SECTION_SIZE_BITS) says otherwise. */
#define DEFAULT_SECTION_SIZE_BITS 27
/* include/linux/mmzone.h: SECTION_HAS_MEM_MAP; the flags take the low bits of
 * section_mem_map (5 up to 6.1, 6 on later configurations); the encoded
 * mem_map is at least 64-byte aligned (one struct page). */
#define SECTION_HAS_MEM_MAP UINT64_C(0x2)
#define SECTION_FLAG_BITS UINT64_C(0x3f)
/* Orders are below LENGTH(zone.free_area) (11 on x86_64); without it, this
 * cap. A larger page.private is a damaged or racing struct page: the page is
 * kept, as makedumpfile does. */
#define MAX_ORDERS 21
#define MAX_STRUCT_PAGE 256
#define VPAGE 4096u /* the granule page.c reads the vmemmap in */

struct memmap {
	const struct kx_vmcore *vc;
	struct kx_pgtable pt;
	uint64_t roots, nr_roots, section_size, off_map, per_root;
	unsigned pfn_section_shift;
	uint64_t page_size_struct, off_flags, off_mapcount, off_private;
	uint32_t buddy;
	uint64_t nr_orders;
	bool has_pg_slab;
	uint64_t pg_slab;
	/* the last section looked up, and the last vmemmap page read */
	uint64_t section_nr, section_map;
	bool section_valid;
	uint64_t vpage;
	bool vpage_valid;
	uint8_t vbuf[VPAGE];
};

/* The VMCOREINFO values the walk needs. */
enum key_kind {
	KEY_SYMBOL,
	KEY_LENGTH,
	KEY_SIZE,
	KEY_OFFSET,
};

static int lookup(const struct kx_vmcoreinfo *vi, enum key_kind kind, const char *name,
		  uint64_t *out)
{
	static const char *const kinds[] = { "SYMBOL", "LENGTH", "SIZE", "OFFSET" };
	int ret;

	switch (kind) {
	case KEY_SYMBOL:
		ret = kx_vmcoreinfo_symbol(vi, name, out);
		break;
	case KEY_LENGTH:
		ret = kx_vmcoreinfo_length(vi, name, out);
		break;
	case KEY_SIZE:
		ret = kx_vmcoreinfo_size(vi, name, out);
		break;
	default:
		ret = kx_vmcoreinfo_offset(vi, name, out);
		break;
	}
	if (ret == -ENOENT)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO has no %s(%s): free pages cannot be found",
			      kinds[kind], name);
	return ret;
}

static int memmap_init(struct memmap *m, const struct kx_vmcore *vc, uint64_t page_size)
{
	const struct kx_vmcoreinfo *vi = &vc->info;
	const struct {
		enum key_kind kind;
		const char *name;
		uint64_t *out;
	} keys[] = {
		{ KEY_SYMBOL, "mem_section", &m->roots },
		{ KEY_LENGTH, "mem_section", &m->nr_roots },
		{ KEY_SIZE, "mem_section", &m->section_size },
		{ KEY_OFFSET, "mem_section.section_mem_map", &m->off_map },
		{ KEY_SIZE, "page", &m->page_size_struct },
		{ KEY_OFFSET, "page.flags", &m->off_flags },
		{ KEY_OFFSET, "page._mapcount", &m->off_mapcount },
		{ KEY_OFFSET, "page.private", &m->off_private },
	};
	int64_t buddy, bits, slab;
	int ret;

	memset(m, 0, sizeof(*m));
	m->vc = vc;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ret = lookup(vi, keys[i].kind, keys[i].name, keys[i].out);
		if (ret)
			return ret;
	}
	ret = kx_vmcoreinfo_number(vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &buddy);
	if (ret == -ENOENT)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO has no NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE): "
			      "free pages cannot be found");
	if (ret)
		return ret;
	if (m->section_size < m->off_map + 8 || m->section_size > page_size ||
	    m->page_size_struct > MAX_STRUCT_PAGE || m->off_flags + 8 > m->page_size_struct ||
	    m->off_mapcount + 4 > m->page_size_struct || m->off_private + 8 > m->page_size_struct)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO's struct page (%" PRIu64 " bytes) or "
			      "mem_section (%" PRIu64 ") layout is not one kx reads",
			      m->page_size_struct, m->section_size);
	m->buddy = (uint32_t)buddy; /* the 32-bit word, whatever sign it was printed with */
	m->per_root = page_size / m->section_size;
	bits = DEFAULT_SECTION_SIZE_BITS;
	if (kx_vmcoreinfo_number(vi, "SECTION_SIZE_BITS", &bits) == -EINVAL)
		return -EINVAL;
	if (bits <= 12 || bits >= 48 || (UINT64_C(1) << bits) < page_size)
		return kx_err(ENOTSUP, MOD, "NUMBER(SECTION_SIZE_BITS)=%" PRId64 " is not a "
			      "section size", bits);
	m->pfn_section_shift = (unsigned)bits - (unsigned)__builtin_ctzll(page_size);
	if (kx_vmcoreinfo_length(vi, "zone.free_area", &m->nr_orders) != 0 ||
	    m->nr_orders > MAX_ORDERS)
		m->nr_orders = MAX_ORDERS;
	if (kx_vmcoreinfo_number(vi, "PG_slab", &slab) == 0 && slab >= 0 && slab < 64) {
		m->has_pg_slab = true;
		m->pg_slab = UINT64_C(1) << slab;
	}
	kx_err_clear();
	ret = kx_pgtable_init(&m->pt, vc);
	if (ret == -ENOENT)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO has no SYMBOL(init_top_pgt): the vmemmap "
			      "cannot be read");
	return ret;
}

/* The encoded mem_map of pfn's section, that is the address of the struct
 * page of pfn 0 were the section's array extended down to it, so that pfn's
 * is at *map + pfn * SIZE(page) (mm/sparse.c, sparse_encode_mem_map); 0 when
 * the section has no array. */
static int section_map(struct memmap *m, uint64_t pfn, uint64_t *map)
{
	uint64_t nr = pfn >> m->pfn_section_shift, root, smm;
	int ret;

	if (m->section_valid && m->section_nr == nr) {
		*map = m->section_map;
		return 0;
	}
	m->section_valid = true;
	m->section_nr = nr;
	m->section_map = 0;
	*map = 0;
	if (nr / m->per_root >= m->nr_roots)
		return 0;
	ret = kx_vmcore_read_u64(m->vc, m->roots + nr / m->per_root * 8, &root);
	if (ret || !root)
		return ret;
	ret = kx_vmcore_read_u64(m->vc, root + nr % m->per_root * m->section_size + m->off_map,
				 &smm);
	if (ret)
		return ret;
	if (smm & SECTION_HAS_MEM_MAP)
		m->section_map = smm & ~SECTION_FLAG_BITS;
	*map = m->section_map;
	return 0;
}

/* len bytes at a vmemmap address, through the page tables, a page at a time. */
static int read_vmemmap(struct memmap *m, uint64_t vaddr, uint8_t *out, size_t len)
{
	while (len) {
		uint64_t page = vaddr & ~(uint64_t)(VPAGE - 1), off = vaddr - page;
		size_t n = VPAGE - off < len ? (size_t)(VPAGE - off) : len;

		if (!m->vpage_valid || m->vpage != page) {
			uint64_t paddr;
			int ret = kx_pgtable_vtop(&m->pt, page, &paddr);

			if (!ret)
				ret = kx_vmcore_read_paddr(m->vc, paddr, m->vbuf, VPAGE);
			m->vpage_valid = !ret;
			m->vpage = page;
			if (ret)
				return ret;
		}
		memcpy(out, m->vbuf + off, n);
		out += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

/* The order of the free block starting at pfn, or -1 when pfn does not start
 * one (or has no struct page). */
static int free_block_order(struct memmap *m, uint64_t pfn, int *order)
{
	uint8_t page[MAX_STRUCT_PAGE];
	uint64_t map, flags, private;
	int ret;

	*order = -1;
	ret = section_map(m, pfn, &map);
	if (ret || !map)
		return ret;
	ret = read_vmemmap(m, map + pfn * m->page_size_struct, page, (size_t)m->page_size_struct);
	if (ret)
		return ret;
	flags = kx_le64(page + m->off_flags);
	private = kx_le64(page + m->off_private);
	if (kx_le32(page + m->off_mapcount) != m->buddy || (m->has_pg_slab && (flags & m->pg_slab)))
		return 0;
	if (private < m->nr_orders)
		*order = (int)private;
	return 0;
}

int kx_exclude_free_pages(const struct kx_vmcore *vc, uint64_t page_size, uint8_t *bitmap,
			  uint64_t max_mapnr, uint64_t *excluded)
{
	struct memmap *m = malloc(sizeof(*m));
	uint8_t *work = NULL;
	uint64_t bytes = (max_mapnr + 7) / 8, n = 0;
	int ret;

	if (!m)
		return kx_err(ENOMEM, MOD, "out of memory");
	ret = memmap_init(m, vc, page_size);
	if (!ret && !(work = malloc(bytes ? bytes : 1)))
		ret = kx_err(ENOMEM, MOD, "out of memory for a bitmap");
	if (ret)
		goto out;
	memcpy(work, bitmap, bytes);
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		int order;

		if (!kx_bitmap_test(work, pfn))
			continue;
		ret = free_block_order(m, pfn, &order);
		if (ret) {
			ret = kx_err_prefix(ret, MOD ": struct page of pfn 0x%" PRIx64, pfn);
			goto out;
		}
		for (uint64_t i = 0; order >= 0 && i < (UINT64_C(1) << order) && pfn + i < max_mapnr;
		     i++) {
			if (kx_bitmap_test(work, pfn + i)) {
				work[(pfn + i) >> 3] &= (uint8_t)~(1u << ((pfn + i) & 7));
				n++;
			}
		}
		if (order > 0)
			pfn += (UINT64_C(1) << order) - 1;
	}
	memcpy(bitmap, work, bytes);
	*excluded = n;
out:
	free(work);
	free(m);
	return ret;
}
