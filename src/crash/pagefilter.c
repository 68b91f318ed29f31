/* SPDX-License-Identifier: MIT */
#include "crash/pagefilter.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "crash/kdump.h"
#include "crash/vtop.h"

#define MOD "page filter"
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
/* include/linux/page-flags.h: PAGE_MAPPING_ANON, bit 0 of page.mapping. */
#define PAGE_MAPPING_ANON UINT64_C(1)
/* include/linux/page-flags.h: a tail page's compound_head has bit 0 set. */
#define COMPOUND_TAIL UINT64_C(1)
/* Since 6.6 a large folio's order is the low byte of its second page's flags
 * (folio._flags_1, include/linux/mm.h folio_order). */
#define FOLIO_ORDER_MASK UINT64_C(0xff)
#define NO_OFFSET UINT64_MAX

/* How a compound head's order and hugetlb-ness are read (see pagefilter.h). */
enum compound_mode {
	COMPOUND_NONE,      /* no way to tell: every page counts as order 0 */
	COMPOUND_PAGE_TYPE, /* 6.9+: _flags_1 byte, page_type == HUGETLB value */
	COMPOUND_PG_HUGETLB, /* 6.6-6.8: _flags_1 byte, PG_hugetlb in _flags_1 */
	COMPOUND_DTOR,      /* 4.16-6.5: order and dtor bytes of the second page */
};

struct memmap {
	const struct kx_vmcore *vc;
	struct kx_pgtable pt;
	unsigned level;
	uint64_t roots, nr_roots, section_size, off_map, per_root;
	unsigned pfn_section_shift;
	uint64_t page_size_struct, off_flags, off_mapcount, off_private, off_mapping;
	uint64_t off_compound_head; /* NO_OFFSET when not exported */
	uint32_t buddy;
	uint64_t nr_orders;
	/* flag bit masks; 0 when the kernel does not export the number */
	uint64_t pg_slab, pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_hwpoison;
	uint64_t pg_head, pg_hugetlb;
	bool swapbacked_known;
	bool has_slab_type, has_offline_type;
	uint32_t slab_type, offline_type, hugetlb_type;
	enum compound_mode compound;
	uint64_t off_order, off_dtor; /* in the second struct page (COMPOUND_DTOR) */
	bool has_hugetlb_dtor;
	uint64_t hugetlb_dtor;
	/* the last section looked up, and the last vmemmap page read */
	uint64_t section_nr, section_map;
	bool section_valid;
	uint64_t vpage;
	bool vpage_valid; /* vp holds vpage; any other read through vc clears it */
	const uint8_t *vp; /* the vmemmap page: mapped in place, or vbuf */
	/* the last page-table leaf: [vmap, vmap + vmap_size) is at pmap (the
	 * vmemmap is mostly 2 MiB pages: one walk serves 32768 struct pages) */
	uint64_t vmap, vmap_size, pmap;
	uint8_t vbuf[VPAGE];
};

/* The VMCOREINFO values the walk needs. */
enum key_kind {
	KEY_SYMBOL,
	KEY_LENGTH,
	KEY_SIZE,
	KEY_OFFSET,
	KEY_NUMBER,
};

/* One VMCOREINFO value; -ENOENT (no message) when absent. */
static int get_key(const struct kx_vmcoreinfo *vi, enum key_kind kind, const char *name,
		   uint64_t *out)
{
	int64_t num;
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
	case KEY_OFFSET:
		ret = kx_vmcoreinfo_offset(vi, name, out);
		break;
	default:
		ret = kx_vmcoreinfo_number(vi, name, &num);
		*out = (uint64_t)num;
		break;
	}
	if (ret == -ENOENT)
		kx_err_clear();
	return ret;
}

static int lookup(const struct kx_vmcoreinfo *vi, enum key_kind kind, const char *name,
		  uint64_t *out, const char *why)
{
	static const char *const kinds[] = { "SYMBOL", "LENGTH", "SIZE", "OFFSET", "NUMBER" };
	int ret = get_key(vi, kind, name, out);

	if (ret == -ENOENT)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO has no %s(%s): %s cannot be found",
			      kinds[kind], name, why);
	return ret;
}

/* A PG_ flag's mask, 0 when the kernel does not export its number. */
static int flag_mask(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *mask)
{
	uint64_t bit;
	int ret = get_key(vi, KEY_NUMBER, name, &bit);

	*mask = 0;
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (bit >= 64)
		return kx_err(ENOTSUP, MOD, "NUMBER(%s)=%" PRId64 " is not a page flag", name,
			      (int64_t)bit);
	*mask = UINT64_C(1) << bit;
	return 0;
}

/* A page_type value (NUMBER(PAGE_*_MAPCOUNT_VALUE)), as the 32-bit word it
 * is compared with, whatever sign it was printed with. */
static int type_value(const struct kx_vmcoreinfo *vi, const char *name, bool *has,
		      uint32_t *value)
{
	uint64_t v;
	int ret = get_key(vi, KEY_NUMBER, name, &v);

	*has = ret == 0;
	*value = (uint32_t)v;
	return ret == -ENOENT ? 0 : ret;
}

/* The second struct page's layout for compound heads: the first scheme the
 * kernel's VMCOREINFO names (newest first). */
static int compound_init(struct memmap *m, const struct kx_vmcoreinfo *vi)
{
	uint64_t off, dtor;
	bool has;
	int ret;

	ret = type_value(vi, "PAGE_HUGETLB_MAPCOUNT_VALUE", &has, &m->hugetlb_type);
	if (ret || has) {
		m->compound = COMPOUND_PAGE_TYPE;
		return ret;
	}
	ret = flag_mask(vi, "PG_hugetlb", &m->pg_hugetlb);
	if (ret || m->pg_hugetlb) {
		m->compound = COMPOUND_PG_HUGETLB;
		return ret;
	}
	m->off_order = m->off_dtor = NO_OFFSET;
	if (get_key(vi, KEY_OFFSET, "folio._folio_order", &off) == 0 &&
	    off >= m->page_size_struct)
		m->off_order = off - m->page_size_struct;
	else if (get_key(vi, KEY_OFFSET, "page.compound_order", &off) == 0)
		m->off_order = off;
	if (get_key(vi, KEY_OFFSET, "folio._folio_dtor", &off) == 0 &&
	    off >= m->page_size_struct)
		m->off_dtor = off - m->page_size_struct;
	else if (get_key(vi, KEY_OFFSET, "page.compound_dtor", &off) == 0)
		m->off_dtor = off;
	m->has_hugetlb_dtor = get_key(vi, KEY_NUMBER, "HUGETLB_PAGE_DTOR", &dtor) == 0;
	m->hugetlb_dtor = dtor;
	if (m->off_order == NO_OFFSET || m->off_order >= m->page_size_struct ||
	    (m->off_dtor != NO_OFFSET && m->off_dtor >= m->page_size_struct))
		m->compound = COMPOUND_NONE;
	else
		m->compound = COMPOUND_DTOR;
	kx_err_clear();
	return 0;
}

/* The page flags levels 2, 4 and 8 need, and the optional ones. */
static int flags_init(struct memmap *m, const struct kx_vmcoreinfo *vi)
{
	const struct {
		const char *name;
		uint64_t *mask;
		bool required;
	} flags[] = {
		{ "PG_lru", &m->pg_lru, true },
		{ "PG_private", &m->pg_private, true },
		{ "PG_swapcache", &m->pg_swapcache, true },
		{ "PG_swapbacked", &m->pg_swapbacked, false },
		{ "PG_head_mask", NULL, false },
	};
	uint64_t head;
	int ret;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!flags[i].mask)
			continue;
		ret = flag_mask(vi, flags[i].name, flags[i].mask);
		if (ret)
			return ret;
		if (flags[i].required && !*flags[i].mask)
			return kx_err(ENOTSUP, MOD, "VMCOREINFO has no NUMBER(%s): cache and user "
				      "pages cannot be told", flags[i].name);
	}
	m->swapbacked_known = m->pg_swapbacked != 0;
	ret = lookup(vi, KEY_OFFSET, "page.mapping", &m->off_mapping, "anonymous pages");
	if (ret)
		return ret;
	if (m->off_mapping + 8 > m->page_size_struct)
		return kx_err(ENOTSUP, MOD, "OFFSET(page.mapping)=%" PRIu64 " lies outside struct "
			      "page", m->off_mapping);
	/* PG_head_mask is the mask itself (1UL << PG_head), not a bit number. */
	if (get_key(vi, KEY_NUMBER, "PG_head_mask", &head) == 0)
		m->pg_head = head;
	else if (flag_mask(vi, "PG_head", &m->pg_head) != 0)
		return -EINVAL;
	kx_err_clear();
	return compound_init(m, vi);
}

static int memmap_init(struct memmap *m, const struct kx_vmcore *vc, uint64_t page_size,
		       unsigned level)
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
	uint64_t bits, head_off;
	bool has;
	int ret;

	memset(m, 0, sizeof(*m));
	m->vc = vc;
	m->level = level;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ret = lookup(vi, keys[i].kind, keys[i].name, keys[i].out, "the struct page array");
		if (ret)
			return ret;
	}
	if (m->section_size < m->off_map + 8 || m->section_size > page_size ||
	    m->page_size_struct > MAX_STRUCT_PAGE || m->off_flags + 8 > m->page_size_struct ||
	    m->off_mapcount + 4 > m->page_size_struct || m->off_private + 8 > m->page_size_struct)
		return kx_err(ENOTSUP, MOD, "VMCOREINFO's struct page (%" PRIu64 " bytes) or "
			      "mem_section (%" PRIu64 ") layout is not one kx reads",
			      m->page_size_struct, m->section_size);
	if (level & KX_FILTER_FREE) {
		ret = type_value(vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &has, &m->buddy);
		if (ret)
			return ret;
		if (!has)
			return kx_err(ENOTSUP, MOD, "VMCOREINFO has no "
				      "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE): free pages cannot be found");
	}
	if (level & (KX_FILTER_CACHE | KX_FILTER_CACHE_PRIVATE | KX_FILTER_USER)) {
		ret = flags_init(m, vi);
		if (ret)
			return ret;
	}
	m->off_compound_head = NO_OFFSET;
	if (get_key(vi, KEY_OFFSET, "page.compound_head", &head_off) == 0 &&
	    head_off + 8 <= m->page_size_struct)
		m->off_compound_head = head_off;
	m->per_root = page_size / m->section_size;
	bits = DEFAULT_SECTION_SIZE_BITS;
	ret = get_key(vi, KEY_NUMBER, "SECTION_SIZE_BITS", &bits);
	if (ret && ret != -ENOENT)
		return ret;
	if (bits <= 12 || bits >= 48 || (UINT64_C(1) << bits) < page_size)
		return kx_err(ENOTSUP, MOD, "NUMBER(SECTION_SIZE_BITS)=%" PRId64 " is not a "
			      "section size", (int64_t)bits);
	m->pfn_section_shift = (unsigned)bits - (unsigned)__builtin_ctzll(page_size);
	if (get_key(vi, KEY_LENGTH, "zone.free_area", &m->nr_orders) != 0 ||
	    m->nr_orders > MAX_ORDERS)
		m->nr_orders = MAX_ORDERS;
	ret = flag_mask(vi, "PG_slab", &m->pg_slab);
	if (!ret)
		ret = flag_mask(vi, "PG_hwpoison", &m->pg_hwpoison);
	if (!ret)
		ret = type_value(vi, "PAGE_SLAB_MAPCOUNT_VALUE", &m->has_slab_type, &m->slab_type);
	if (!ret)
		ret = type_value(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE", &m->has_offline_type,
				 &m->offline_type);
	if (ret)
		return ret;
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
	m->vpage_valid = false; /* the reads below may move a mapped vp */
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
			int ret = 0;

			if (m->vmap_size && page - m->vmap < m->vmap_size) {
				paddr = m->pmap + (page - m->vmap);
			} else {
				uint64_t size = 0;

				ret = kx_pgtable_vtop_size(&m->pt, page, &paddr, &size);
				m->vmap_size = ret ? 0 : size;
				m->vmap = page & ~(size - 1);
				m->pmap = paddr & ~(size - 1);
			}
			if (!ret) {
				m->vp = kx_vmcore_map_paddr(m->vc, paddr, VPAGE);
				if (!m->vp) {
					ret = kx_vmcore_read_paddr(m->vc, paddr, m->vbuf, VPAGE);
					m->vp = m->vbuf;
				}
			}
			m->vpage_valid = !ret;
			m->vpage = page;
			if (ret)
				return ret;
		}
		memcpy(out, m->vp + off, n);
		out += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

/* What a struct page says, as the classification needs it. */
struct page_info {
	uint64_t flags, private, mapping, compound_head;
	uint32_t type; /* _mapcount / page_type */
	unsigned order;
	bool hugetlb;
};

static bool is_slab(const struct memmap *m, const struct page_info *p)
{
	return (m->has_slab_type && p->type == m->slab_type) || (p->flags & m->pg_slab);
}

static bool is_anon(const struct memmap *m, const struct page_info *p)
{
	return (p->mapping & PAGE_MAPPING_ANON) && !is_slab(m, p);
}

/* mm: on an LRU list, or in the swap cache (PG_swapcache means that only
 * with PG_swapbacked, since 4.10 reused the bit). */
static bool is_cache(const struct memmap *m, const struct page_info *p)
{
	if (p->flags & m->pg_lru)
		return true;
	return (!m->swapbacked_known || (p->flags & m->pg_swapbacked)) &&
	       (p->flags & m->pg_swapcache);
}

/* The order and hugetlb-ness of a compound head, from its second struct
 * page (second). An order the head's pfn is not aligned to is not one. */
static void read_compound(const struct memmap *m, uint64_t pfn, const uint8_t *second,
			  struct page_info *p)
{
	uint64_t flags1 = kx_le64(second + m->off_flags);

	switch (m->compound) {
	case COMPOUND_PAGE_TYPE:
		p->order = (unsigned)(flags1 & FOLIO_ORDER_MASK);
		p->hugetlb = p->type == m->hugetlb_type;
		break;
	case COMPOUND_PG_HUGETLB:
		p->order = (unsigned)(flags1 & FOLIO_ORDER_MASK);
		p->hugetlb = (flags1 & m->pg_hugetlb) != 0;
		break;
	case COMPOUND_DTOR:
		p->order = second[m->off_order];
		p->hugetlb = m->off_dtor != NO_OFFSET && m->has_hugetlb_dtor &&
			     second[m->off_dtor] == m->hugetlb_dtor;
		break;
	default:
		break;
	}
	if (p->order >= 64 || (pfn & ((UINT64_C(1) << p->order) - 1)))
		p->order = 0;
}

/* Reads pfn's struct page; *present false when its section has no array. */
static int read_page_info(struct memmap *m, uint64_t pfn, struct page_info *p, bool *present)
{
	uint8_t page[2 * MAX_STRUCT_PAGE];
	uint64_t map;
	bool cmp;
	int ret;

	*present = false;
	memset(p, 0, sizeof(*p));
	ret = section_map(m, pfn, &map);
	if (ret || !map)
		return ret;
	ret = read_vmemmap(m, map + pfn * m->page_size_struct, page, (size_t)m->page_size_struct);
	if (ret)
		return ret;
	*present = true;
	p->flags = kx_le64(page + m->off_flags);
	p->private = kx_le64(page + m->off_private);
	p->type = kx_le32(page + m->off_mapcount);
	if (m->level & (KX_FILTER_CACHE | KX_FILTER_CACHE_PRIVATE | KX_FILTER_USER))
		p->mapping = kx_le64(page + m->off_mapping);
	if (m->off_compound_head != NO_OFFSET)
		p->compound_head = kx_le64(page + m->off_compound_head);
	cmp = m->compound != COMPOUND_NONE && m->pg_head && (p->flags & m->pg_head);
	if (!cmp)
		return 0;
	/* The second page of the compound lies in the same section: compound
	 * pages are aligned to their size and sections to theirs. */
	ret = read_vmemmap(m, map + (pfn + 1) * m->page_size_struct, page + m->page_size_struct,
			   (size_t)m->page_size_struct);
	if (ret)
		return ret;
	read_compound(m, pfn, page + m->page_size_struct, p);
	return 0;
}

/* The counter of the kind p is left out as, and how many pages from its pfn
 * (*pages), or NULL to keep it: makedumpfile's order of tests. */
static uint64_t *classify(const struct memmap *m, const struct page_info *p,
			  struct kx_filter_counts *n, uint64_t *pages)
{
	unsigned lv = m->level;

	*pages = UINT64_C(1) << p->order;
	if (p->compound_head & COMPOUND_TAIL)
		return NULL;
	if ((lv & KX_FILTER_FREE) && !is_slab(m, p) && p->type == m->buddy) {
		if (p->private >= m->nr_orders)
			return NULL;
		*pages = UINT64_C(1) << p->private;
		return &n->free;
	}
	if ((lv & KX_FILTER_CACHE) && is_cache(m, p) && !(p->flags & m->pg_private) &&
	    !is_anon(m, p))
		return &n->cache;
	if ((lv & KX_FILTER_CACHE_PRIVATE) && is_cache(m, p) && !is_anon(m, p))
		return (p->flags & m->pg_private) ? &n->cache_private : &n->cache;
	if ((lv & KX_FILTER_USER) && (is_anon(m, p) || p->hugetlb))
		return &n->user;
	if (p->flags & m->pg_hwpoison)
		return &n->hwpoison;
	if (m->has_offline_type && !is_slab(m, p) && p->type == m->offline_type)
		return &n->offline;
	return NULL;
}

uint64_t kx_filter_total(const struct kx_filter_counts *n)
{
	return n->cache + n->cache_private + n->user + n->free + n->hwpoison + n->offline;
}

/* Clears the bits of pfns from..to in the work bitmap; how many were set. */
static uint64_t clear_bits(uint8_t *work, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to) {
		uint8_t *b = &work[from >> 3];

		if (!(from & 7) && to - from >= 8) {
			n += (uint64_t)__builtin_popcount(*b);
			*b = 0;
			from += 8;
		} else {
			uint8_t mask = (uint8_t)(1u << (from & 7));

			n += (*b & mask) != 0;
			*b &= (uint8_t)~mask;
			from++;
		}
	}
	return n;
}

/* One part of the walk: the pages from lo to hi (whole bitmap bytes, which
 * only this part writes while the parts run). A range left out that runs
 * past hi (a compound page or free block across the border) is cleared up
 * to hi, and the rest, up to spill_end, once every part is done. The part
 * after it looks at those pages meanwhile, but classify keeps them (a
 * compound page's tails; a free block's pages after its first are plain),
 * so the result is the walk's in one part. */
struct part {
	struct memmap m;
	uint8_t *work;
	uint64_t lo, hi, max_mapnr;
	uint64_t spill_end, *spill_counter;
	struct kx_filter_counts n;
	int ret;
	char msg[512];
	pthread_t th;
};

static void *walk_part(void *arg)
{
	struct part *t = arg;

	for (uint64_t pfn = t->lo; pfn < t->hi; pfn++) {
		struct page_info p;
		uint64_t pages, end, *counter;
		bool present;

		if (!(t->work[pfn >> 3] & (1u << (pfn & 7))))
			continue;
		t->ret = read_page_info(&t->m, pfn, &p, &present);
		if (t->ret) {
			snprintf(t->msg, sizeof(t->msg), "struct page of pfn 0x%" PRIx64 ": %s", pfn,
				 kx_errmsg());
			kx_err_clear();
			break;
		}
		if (!present || !(counter = classify(&t->m, &p, &t->n, &pages)))
			continue;
		end = pages > t->max_mapnr - pfn ? t->max_mapnr : pfn + pages;
		*counter += clear_bits(t->work, pfn, end < t->hi ? end : t->hi);
		if (end > t->hi) {
			t->spill_end = end;
			t->spill_counter = counter;
		}
		pfn = end - 1;
	}
	return NULL;
}

/* Borders between the parts at whole bitmap bytes, each part with about as
 * many pages to look at (pages of RAM may start far from pfn 0). */
static void split_parts(struct part *t, unsigned nparts, uint8_t *work, uint64_t bytes,
			uint64_t max_mapnr)
{
	uint64_t total = 0, seen = 0, b = 0;

	for (uint64_t i = 0; i < bytes; i++)
		total += (uint64_t)__builtin_popcount(work[i]);
	for (unsigned i = 0; i < nparts; i++) {
		t[i].work = work;
		t[i].max_mapnr = max_mapnr;
		t[i].lo = b * 8 < max_mapnr ? b * 8 : max_mapnr;
		while (b < bytes && (i + 1 == nparts || seen < total * (i + 1) / nparts))
			seen += (uint64_t)__builtin_popcount(work[b++]);
		t[i].hi = b * 8 < max_mapnr ? b * 8 : max_mapnr;
	}
}

int kx_filter_pages_split(const struct kx_vmcore *const *vcs, unsigned nparts,
			  uint64_t page_size, unsigned level, uint8_t *bitmap,
			  uint64_t max_mapnr, struct kx_filter_counts *out)
{
	struct part *t;
	struct kx_filter_counts n = { 0 };
	uint8_t *work = NULL;
	uint64_t bytes = (max_mapnr + 7) / 8;
	unsigned started = 0;
	int ret = 0;

	if (!nparts || nparts > KX_FILTER_MAX_PARTS)
		return kx_err(EINVAL, MOD, "%u parts: 1 to %u", nparts, KX_FILTER_MAX_PARTS);
	t = calloc(nparts, sizeof(*t));
	if (!t)
		return kx_err(ENOMEM, MOD, "out of memory");
	for (unsigned i = 0; i < nparts && !ret; i++)
		ret = memmap_init(&t[i].m, vcs[i], page_size, level);
	if (!ret && !(work = malloc(bytes ? bytes : 1)))
		ret = kx_err(ENOMEM, MOD, "out of memory for a bitmap");
	if (ret)
		goto out;
	memcpy(work, bitmap, bytes);
	split_parts(t, nparts, work, bytes, max_mapnr);
	/* Part 0 here, the others in threads (all here if one cannot start). */
	for (unsigned i = 1; i < nparts; i++, started++)
		if (pthread_create(&t[i].th, NULL, walk_part, &t[i]))
			break;
	walk_part(&t[0]);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(t[i].th, NULL);
	for (unsigned i = started + 1; i < nparts; i++)
		walk_part(&t[i]);
	for (unsigned i = 0; i < nparts; i++)
		if (t[i].spill_end > t[i].hi)
			*t[i].spill_counter += clear_bits(work, t[i].hi, t[i].spill_end);
	for (unsigned i = 0; i < nparts; i++) {
		if (t[i].ret && !ret)
			ret = kx_err(-t[i].ret, MOD, "%s", t[i].msg);
		n.cache += t[i].n.cache;
		n.cache_private += t[i].n.cache_private;
		n.user += t[i].n.user;
		n.free += t[i].n.free;
		n.hwpoison += t[i].n.hwpoison;
		n.offline += t[i].n.offline;
	}
	if (!ret) {
		memcpy(bitmap, work, bytes);
		*out = n;
	}
out:
	free(work);
	free(t);
	return ret;
}

int kx_filter_pages(const struct kx_vmcore *vc, uint64_t page_size, unsigned level,
		    uint8_t *bitmap, uint64_t max_mapnr, struct kx_filter_counts *out)
{
	return kx_filter_pages_split(&vc, 1, page_size, level, bitmap, max_mapnr, out);
}
