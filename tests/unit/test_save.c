/* SPDX-License-Identifier: MIT */
/* vmcore-save's library: every format and codec written from a generated
 * core and read back, page by page, with the kdump-compressed reader (and
 * vmcore.c for ELF output); the flattened stream rebuilt; threads; failures.
 *   test_save --write-core FILE   writes the fixture core (for tests/cli)
 *   test_save --write-corpus DIR  writes fuzz seeds (kdump/, flat/) */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bytes.h"
#include "core/err.h"
#include "crash/kdump.h"
#include "crash/printk.h"
#include "crash/save.h"
#include "crash/vmcore.h"
#include "crash/vtop.h"
#include "vmcore_fixture.h"

#define PS 4096u
/* 600 pages: more than two of the saver's batches of 256. The range starts
 * half way into a page and its file part ends inside one. */
#define RAM_PAGES 600u
#define RAM_PADDR (UINT64_C(0x2000000) + 0x800)
#define RAM_MEMSZ (RAM_PAGES * PS - 0x800)
#define RAM_FILESZ (RAM_MEMSZ - 3 * PS - 0x123)

/* A growing file in memory: the output of kx_save and kx_flat_rebuild. */
struct memfile {
	uint8_t *data;
	size_t len, cap;
	size_t fail_at; /* a write reaching this many bytes fails; 0: never */
};

static int mem_write_at(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct memfile *m = ctx;

	if (m->fail_at && off + len > m->fail_at)
		return kx_err(ENOSPC, "output", "no space left on device");
	if (off + len > m->cap) {
		size_t cap = (size_t)(off + len) * 2;

		m->data = realloc(m->data, cap);
		assert_non_null(m->data);
		memset(m->data + m->cap, 0, cap - m->cap);
		m->cap = cap;
	}
	memcpy(m->data + off, buf, len);
	if (off + len > m->len)
		m->len = (size_t)(off + len);
	return 0;
}

/* A flattened stream in memory: records appended as vmcore-save -F does. */
static int flat_write_at(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct memfile *m = ctx;
	uint8_t rec[KX_FLAT_RECORD_SIZE];

	kx_flat_record_encode(rec, off, len);
	mem_write_at(m, rec, sizeof(rec), m->len);
	return mem_write_at(m, buf, len, m->len);
}

struct stream {
	const uint8_t *data;
	size_t len, at;
};

static int stream_read(void *ctx, void *buf, size_t len, size_t *got)
{
	struct stream *s = ctx;
	size_t n = s->len - s->at < len ? s->len - s->at : len;

	memcpy(buf, s->data + s->at, n);
	s->at += n;
	*got = n;
	return 0;
}

/* Pages of every kind: zero, one repeated byte (compresses), random (does
 * not), text-like. Page 7 is zero except its last byte. */
static uint8_t *make_ram(void)
{
	uint8_t *ram = malloc(RAM_FILESZ);
	uint64_t x = 88172645463325252ull;

	assert_non_null(ram);
	for (size_t i = 0; i < RAM_FILESZ; i++) {
		size_t page = (i + 0x800) / PS;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (page % 4) {
		case 0:
			ram[i] = 0;
			break;
		case 1:
			ram[i] = (uint8_t)page;
			break;
		case 2:
			ram[i] = (uint8_t)x;
			break;
		default:
			ram[i] = (uint8_t)("the quick brown fox "[i % 20] + page % 3);
		}
	}
	memset(ram + 7 * PS - 0x800, 0, PS);
	ram[8 * PS - 0x800 - 1] = 1;
	return ram;
}

struct core {
	struct fx f;
	int kernel; /* enum kernel */
	uint8_t *ram, *bytes;
	size_t len;
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
};

/* init_uts_ns in the image's unused memory, as 6.1 exports it (name first);
 * makedumpfile checks its release against VMCOREINFO's. */
#define FX_UTS 0x900
static const char *const uts[KX_KDUMP_UTS_FIELDS] = {
	"Linux", "crashed-host", "6.1.0-kx-test", "#1 SMP PREEMPT_DYNAMIC", "x86_64", "(none)",
};

/* Kernel structures in pages of the RAM range (page n at RAM_PAGE(n)):
 * x86_64 4-level page tables from init_top_pgt: the image at FX_KTEXT by a
 * 2 MiB page (PMD), the direct map's first GiB by a 1 GiB page (PUD), and
 * the vmemmap by 4 KiB pages; SPARSEMEM_EXTREME's root array and section
 * 0; the struct pages of every pfn. Pages 4, 8, 12 stay zero pages. */
#define RAM_PAGE(n) (UINT64_C(0x2000000) + (uint64_t)(n) * PS)
#define PGD RAM_PAGE(1)
#define PUD_KTEXT RAM_PAGE(2)
#define PMD_KTEXT RAM_PAGE(3)
#define PUD_DMAP RAM_PAGE(5)
#define PUD_VMEMMAP RAM_PAGE(6)
#define PMD_VMEMMAP RAM_PAGE(9)
#define PT_VMEMMAP RAM_PAGE(10)
#define SECTION_ROOTS RAM_PAGE(11)
#define SECTIONS RAM_PAGE(13)
#define VMEMMAP_PAGES 14 /* pages 14 (pfn 0x1000) and 15-24 (pfns 0x2000-0x227f) */
#define VMEMMAP UINT64_C(0xffffea0000000000)
#define PTE_PRESENT 0x1
#define PTE_RW 0x2
#define PTE_PSE 0x80
#define SECTION_PRESENT_HAS_MAP 0x3
/* struct page on 6.1 and 6.12 (x86_64, as their VMCOREINFO gives it) */
#define PAGE_SIZEOF 64
#define PAGE_FLAGS 0
#define PAGE_PRIVATE 40
#define PAGE_MAPCOUNT 48
#define PG_SLAB 9 /* 6.1; 6.12 has no PG_slab */
#define BUDDY_61 UINT32_C(0xffffff7f)  /* ~PG_buddy, printed -129 */
#define BUDDY_612 UINT32_C(0xf0000000) /* PGTY_buddy << 24, printed -268435456 */

enum kernel {
	K61,
	K612,
	K_NO_MEMMAP, /* VMCOREINFO without the struct page array */
};

/* Free blocks the buddy allocator holds: first pfn, order. */
static const struct {
	uint64_t pfn;
	unsigned order;
} free_blocks[] = { { 0x2100, 3 }, { 0x2151, 0 }, { 0x2200, 4 } };
#define FREE_PAGES (8 + 1 + 16)
/* Pages whose mapcount word has the buddy value but that are not free: a slab
 * page (6.1) and one with an order past LENGTH(zone.free_area). */
#define SLAB_PFN 0x2160
#define BAD_ORDER_PFN 0x2170

static bool pfn_is_free(uint64_t pfn)
{
	for (size_t i = 0; i < sizeof(free_blocks) / sizeof(free_blocks[0]); i++)
		if (pfn >= free_blocks[i].pfn &&
		    pfn - free_blocks[i].pfn < (1u << free_blocks[i].order))
			return true;
	return false;
}

static void put_entry(uint8_t *ram, uint64_t table, unsigned index, uint64_t entry)
{
	kx_put64(ram + (table - RAM_PADDR) + index * 8, entry);
}

static void clear_page(uint8_t *ram, uint64_t paddr)
{
	memset(ram + (paddr - RAM_PADDR), 0, PS);
}

static void info_hex(struct core *c, const char *key, uint64_t v)
{
	char line[96];

	snprintf(line, sizeof(line), "%s%" PRIx64, key, v);
	fx_set_info(&c->f, key, line);
}

static void add_page_tables(struct core *c)
{
	uint8_t *ram = c->ram;
	uint64_t tables[] = { PGD, PUD_KTEXT, PMD_KTEXT, PUD_DMAP, PUD_VMEMMAP, PMD_VMEMMAP,
			      PT_VMEMMAP };

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		clear_page(ram, tables[i]);
	put_entry(ram, PGD, (FX_KTEXT >> 39) & 511, PUD_KTEXT | PTE_PRESENT | PTE_RW);
	put_entry(ram, PUD_KTEXT, (FX_KTEXT >> 30) & 511, PMD_KTEXT | PTE_PRESENT | PTE_RW);
	put_entry(ram, PMD_KTEXT, (FX_KTEXT >> 21) & 511,
		  FX_MEM_PADDR | PTE_PRESENT | PTE_RW | PTE_PSE);
	put_entry(ram, PGD, (FX_PAGE_OFFSET >> 39) & 511, PUD_DMAP | PTE_PRESENT | PTE_RW);
	put_entry(ram, PUD_DMAP, 0, PTE_PRESENT | PTE_RW | PTE_PSE);
	put_entry(ram, PGD, (VMEMMAP >> 39) & 511, PUD_VMEMMAP | PTE_PRESENT | PTE_RW);
	put_entry(ram, PUD_VMEMMAP, 0, PMD_VMEMMAP | PTE_PRESENT | PTE_RW);
	put_entry(ram, PMD_VMEMMAP, 0, PT_VMEMMAP | PTE_PRESENT | PTE_RW);
	info_hex(c, "SYMBOL(init_top_pgt)=", UINT64_C(0xffffffff80000000) + PGD);
}

static uint8_t *struct_page_at(uint8_t *ram, uint64_t pfn)
{
	uint64_t vpage = pfn * PAGE_SIZEOF / PS;
	uint64_t backing = vpage == 0x40 ? RAM_PAGE(VMEMMAP_PAGES)
					 : RAM_PAGE(VMEMMAP_PAGES + 1 + (vpage - 0x80));

	return ram + (backing - RAM_PADDR) + pfn * PAGE_SIZEOF % PS;
}

static void put_struct_page(uint8_t *ram, uint64_t pfn, uint64_t flags, uint32_t mapcount,
			    uint64_t private)
{
	uint8_t *p = struct_page_at(ram, pfn);

	kx_put64(p + PAGE_FLAGS, flags);
	kx_put64(p + PAGE_PRIVATE, private);
	kx_put32(p + PAGE_MAPCOUNT, mapcount);
	kx_put32(p + 52, 1); /* _refcount */
}

/* Page flags and page types of the two kernels (include/linux/page-flags.h
 * of each, as their VMCOREINFO gives them). */
struct kflags {
	unsigned lru, private, swapcache, swapbacked, head, hwpoison;
	uint32_t offline, slab_type;
};
static const struct kflags kflags_61 = { 4, 13, 10, 19, 16, 23, 0xfffffeffu, 0 };
static const struct kflags kflags_612 = { 5, 14, 10, 17, 6, 22, 0xf1000000u, 0xf5000000u };
#define PAGE_MAPPING 24
#define PAGE_COMPOUND_HEAD 8
#define MAPPING_FILE UINT64_C(0xffff888003c41e80)
#define MAPPING_ANON (UINT64_C(0xffff888003c42a40) | 1)
#define HUGETLB_DTOR_61 2 /* enum compound_dtor_id */
#define HUGETLB_TYPE_612 0xf4000000u

/* The kinds of page level 2, 4, 8 (and always: hwpoison, offline) tell. */
enum kind {
	KIND_KEPT,
	KIND_CACHE,
	KIND_PRIVATE,
	KIND_USER,
	KIND_HWPOISON,
	KIND_OFFLINE,
};

/* One struct page of the table: what it holds and what it is. A compound
 * head's order > 0 makes its tails too (compound_head = head + 1). */
struct kind_row {
	uint64_t pfn;
	unsigned flags; /* F_ bits below, mapped to each kernel's numbers */
	uint64_t mapping;
	enum { T_NONE, T_SLAB, T_OFFLINE } type;
	unsigned order;
	bool hugetlb;
	enum kind kind;
	const char *what;
};
#define F_LRU 1u
#define F_PRIVATE 2u
#define F_SWAPCACHE 4u
#define F_SWAPBACKED 8u
#define F_HWPOISON 16u
#define F_SLAB 32u

static const struct kind_row kinds[] = {
	{ 0x2180, F_LRU, MAPPING_FILE, T_NONE, 0, false, KIND_CACHE, "file page on the LRU" },
	{ 0x2181, F_LRU | F_PRIVATE, MAPPING_FILE, T_NONE, 0, false, KIND_PRIVATE,
	  "file page with buffers" },
	{ 0x2182, F_SWAPCACHE | F_SWAPBACKED, MAPPING_ANON, T_NONE, 0, false, KIND_USER,
	  "anonymous page in the swap cache" },
	{ 0x2183, F_SWAPCACHE, MAPPING_FILE, T_NONE, 0, false, KIND_KEPT,
	  "PG_swapcache without PG_swapbacked (the bit's other meaning)" },
	{ 0x2184, 0, MAPPING_ANON, T_NONE, 0, false, KIND_USER, "anonymous page off the LRU" },
	{ 0x2185, F_LRU, MAPPING_ANON, T_NONE, 0, false, KIND_USER, "anonymous page on the LRU" },
	{ 0x2186, F_SLAB, MAPPING_ANON, T_SLAB, 0, false, KIND_KEPT,
	  "slab page whose mapping word has bit 0" },
	{ 0x2187, 0, 0, T_OFFLINE, 0, false, KIND_OFFLINE, "logically offline page" },
	{ 0x2188, 0, MAPPING_FILE, T_NONE, 0, false, KIND_KEPT, "file page off the LRU" },
	{ 0x2189, F_HWPOISON, MAPPING_FILE, T_NONE, 0, false, KIND_HWPOISON, "poisoned page" },
	{ 0x2190, F_LRU, MAPPING_FILE, T_NONE, 2, false, KIND_CACHE, "large page cache folio" },
	{ 0x2198, F_LRU, MAPPING_ANON, T_NONE, 3, false, KIND_USER, "transparent huge page" },
	{ 0x21a0, 0, MAPPING_FILE, T_NONE, 2, true, KIND_USER, "hugetlb page" },
	{ 0x21a4, 0, 0, T_NONE, 2, false, KIND_KEPT, "kernel compound page (tails on the LRU)" },
};

static unsigned kbit(const struct kflags *kf, unsigned f)
{
	return f == F_LRU ? kf->lru : f == F_PRIVATE ? kf->private : f == F_SWAPCACHE ?
	       kf->swapcache : f == F_SWAPBACKED ? kf->swapbacked : f == F_HWPOISON ?
	       kf->hwpoison : PG_SLAB;
}

static void put_kind_row(uint8_t *ram, enum kernel k, const struct kind_row *r)
{
	const struct kflags *kf = k == K612 ? &kflags_612 : &kflags_61;
	uint64_t flags = UINT64_C(0x17ffffc0000000);
	uint32_t type = UINT32_MAX;
	uint8_t *p = struct_page_at(ram, r->pfn);

	for (unsigned f = 1; f <= F_SLAB; f <<= 1)
		if ((r->flags & f) && !(f == F_SLAB && k == K612))
			flags |= UINT64_C(1) << kbit(kf, f);
	if (r->type == T_SLAB && k == K612)
		type = kf->slab_type;
	if (r->type == T_OFFLINE)
		type = kf->offline;
	if (r->order) {
		flags |= UINT64_C(1) << kf->head;
		if (r->hugetlb && k == K612)
			type = HUGETLB_TYPE_612;
	}
	put_struct_page(ram, r->pfn, flags, type, 0);
	kx_put64(p + PAGE_MAPPING, r->mapping);
	for (uint64_t i = 1; i < (UINT64_C(1) << r->order); i++) {
		uint8_t *t = struct_page_at(ram, r->pfn + i);
		/* Tails carry the head's address; from the third on, an LRU bit that
		 * must not count (the second's low byte is the order on 6.12). */
		put_struct_page(ram, r->pfn + i, UINT64_C(0x17ffffc0000000) |
				(i >= 2 ? UINT64_C(1) << kf->lru : 0), UINT32_MAX, 0);
		kx_put64(t + PAGE_COMPOUND_HEAD, VMEMMAP + r->pfn * PAGE_SIZEOF + 1);
		kx_put64(t + PAGE_MAPPING, UINT64_C(0x400)); /* TAIL_MAPPING */
	}
	if (r->order) {
		uint8_t *second = struct_page_at(ram, r->pfn + 1);

		if (k == K612) {
			kx_put64(second + PAGE_FLAGS, kx_le64(second + PAGE_FLAGS) | r->order);
		} else {
			second[16] = r->hugetlb ? HUGETLB_DTOR_61 : 1; /* compound_dtor */
			second[17] = (uint8_t)r->order;                /* compound_order */
		}
	}
}

/* What the table says of pfn: its kind, and whether it is a row's page. */
static enum kind pfn_kind(uint64_t pfn)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (pfn >= kinds[i].pfn && pfn - kinds[i].pfn < (UINT64_C(1) << kinds[i].order))
			return kinds[i].kind;
	return KIND_KEPT;
}

/* Whether a dump at level leaves pfn out, on a core whose VMCOREINFO
 * describes the struct page array (makedumpfile walks it whenever
 * PG_hwpoison is exported, so offline and poisoned pages go at any level
 * but 0). */
static bool pfn_left_out(uint64_t pfn, unsigned level)
{
	switch (pfn_kind(pfn)) {
	case KIND_CACHE:
		return level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE);
	case KIND_PRIVATE:
		return level & KX_DL_CACHE_PRIVATE;
	case KIND_USER:
		return level & KX_DL_USER;
	case KIND_HWPOISON:
	case KIND_OFFLINE:
		return level != 0;
	default:
		return (level & KX_DL_FREE) && pfn_is_free(pfn);
	}
}

static void info_number(struct core *c, const char *name, int64_t v)
{
	char key[64], line[96];

	snprintf(key, sizeof(key), "NUMBER(%s)=", name);
	snprintf(line, sizeof(line), "%s%" PRId64, key, v);
	fx_set_info(&c->f, key, line);
}

static void add_page_flags(struct core *c, const struct kflags *kf)
{
	info_number(c, "PG_lru", kf->lru);
	info_number(c, "PG_private", kf->private);
	info_number(c, "PG_swapcache", kf->swapcache);
	info_number(c, "PG_swapbacked", kf->swapbacked);
	info_number(c, "PG_hwpoison", kf->hwpoison);
	info_number(c, "PG_head_mask", INT64_C(1) << kf->head);
}

/* The struct page array, as SPARSEMEM_EXTREME + VMEMMAP lay it out. */
static void add_mem_map(struct core *c, enum kernel k)
{
	uint8_t *ram = c->ram;
	uint32_t buddy = k == K612 ? BUDDY_612 : BUDDY_61;
	uint64_t first = RAM_PADDR / PS, last = (RAM_PADDR + RAM_MEMSZ - 1) / PS;

	clear_page(ram, SECTION_ROOTS);
	clear_page(ram, SECTIONS);
	/* As in a kernel, the struct pages of a section's holes exist too: all of
	 * them share zero page 8 (flags 0, mapcount 0: in use, not free). */
	for (unsigned vpage = 0; vpage < 0x8a; vpage++)
		put_entry(ram, PT_VMEMMAP, vpage, RAM_PAGE(8) | PTE_PRESENT | PTE_RW);
	for (unsigned i = 0; i < 11; i++) {
		uint64_t vpage = i == 0 ? 0x40 : 0x80 + i - 1;

		clear_page(ram, RAM_PAGE(VMEMMAP_PAGES + i));
		put_entry(ram, PT_VMEMMAP, (unsigned)vpage,
			  RAM_PAGE(VMEMMAP_PAGES + i) | PTE_PRESENT | PTE_RW);
	}
	/* Sections of 2^SECTION_SIZE_BITS bytes: pfn 0x1000 is in section 1, the
	 * RAM range in section 2. Each holds its mem_map encoded as mem_map -
	 * its first pfn, which for the vmemmap is VMEMMAP in all of them. */
	kx_put64(ram + (SECTION_ROOTS - RAM_PADDR), FX_PAGE_OFFSET + SECTIONS);
	for (unsigned nr = 0; nr < 3; nr++)
		kx_put64(ram + (SECTIONS - RAM_PADDR) + nr * 16, VMEMMAP | SECTION_PRESENT_HAS_MAP);
	put_struct_page(ram, FX_MEM_PADDR / PS, 0x17ffffc0000000, UINT32_MAX, 0);
	for (uint64_t pfn = first; pfn <= last; pfn++)
		put_struct_page(ram, pfn, 0x17ffffc0000000, UINT32_MAX, 0);
	for (size_t i = 0; i < sizeof(free_blocks) / sizeof(free_blocks[0]); i++)
		put_struct_page(ram, free_blocks[i].pfn, 0x17ffffc0000000, buddy,
				free_blocks[i].order);
	put_struct_page(ram, SLAB_PFN, UINT64_C(1) << PG_SLAB, k == K612 ? 0xf5000000u : buddy,
			0);
	put_struct_page(ram, BAD_ORDER_PFN, 0, buddy, 99);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		put_kind_row(ram, k, &kinds[i]);
	if (k == K_NO_MEMMAP)
		return;
	info_hex(c, "SYMBOL(mem_section)=", FX_PAGE_OFFSET + SECTION_ROOTS);
	/* 2^(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS) sections, 256 to a root */
	fx_set_info(&c->f, "LENGTH(mem_section)=", "LENGTH(mem_section)=16384");
	fx_set_info(&c->f, "SIZE(mem_section)=", "SIZE(mem_section)=16");
	fx_set_info(&c->f, "OFFSET(mem_section.section_mem_map)=",
		    "OFFSET(mem_section.section_mem_map)=0");
	fx_set_info(&c->f, "SIZE(page)=", "SIZE(page)=64");
	fx_set_info(&c->f, "OFFSET(page.flags)=", "OFFSET(page.flags)=0");
	fx_set_info(&c->f, "OFFSET(page._refcount)=", "OFFSET(page._refcount)=52");
	fx_set_info(&c->f, "OFFSET(page.mapping)=", "OFFSET(page.mapping)=24");
	fx_set_info(&c->f, "OFFSET(page.private)=", "OFFSET(page.private)=40");
	fx_set_info(&c->f, "OFFSET(page._mapcount)=", "OFFSET(page._mapcount)=48");
	/* 16 MiB sections (x86_64 has 128 MiB): the RAM spans three of them. */
	fx_set_info(&c->f, "NUMBER(SECTION_SIZE_BITS)=", "NUMBER(SECTION_SIZE_BITS)=24");
	fx_set_info(&c->f, "LENGTH(zone.free_area)=", "LENGTH(zone.free_area)=11");
	fx_set_info(&c->f, "NUMBER(MAX_PHYSMEM_BITS)=", "NUMBER(MAX_PHYSMEM_BITS)=46");
	fx_set_info(&c->f, "OFFSET(page.compound_head)=", "OFFSET(page.compound_head)=8");
	add_page_flags(c, k == K612 ? &kflags_612 : &kflags_61);
	if (k == K612) {
		fx_set_info(&c->f, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456");
		fx_set_info(&c->f, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376");
		fx_set_info(&c->f, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592");
		fx_set_info(&c->f, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240");
	} else {
		fx_set_info(&c->f, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129");
		fx_set_info(&c->f, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=",
			    "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257");
		fx_set_info(&c->f, "NUMBER(PG_slab)=", "NUMBER(PG_slab)=9");
		fx_set_info(&c->f, "OFFSET(page.compound_dtor)=", "OFFSET(page.compound_dtor)=16");
		fx_set_info(&c->f, "OFFSET(page.compound_order)=", "OFFSET(page.compound_order)=17");
		fx_set_info(&c->f, "NUMBER(HUGETLB_PAGE_DTOR)=", "NUMBER(HUGETLB_PAGE_DTOR)=2");
	}
}

static void core_open_kernel(struct core *c, enum kernel k)
{
	fx_init(&c->f, KX_LOG_LOCKLESS, false);
	c->kernel = k;
	memset(c->f.mem + FX_UTS, 0, KX_KDUMP_UTS_FIELDS * KX_KDUMP_UTS_LEN);
	for (int i = 0; i < KX_KDUMP_UTS_FIELDS; i++)
		strcpy((char *)c->f.mem + FX_UTS + i * KX_KDUMP_UTS_LEN, uts[i]);
	info_hex(c, "SYMBOL(init_uts_ns)=", FX_KTEXT + FX_UTS);
	fx_set_info(&c->f, "OFFSET(uts_namespace.name)=", "OFFSET(uts_namespace.name)=0");
	c->ram = make_ram();
	add_page_tables(c);
	add_mem_map(c, k);
	c->f.ram = c->ram;
	c->f.ram_len = RAM_FILESZ;
	c->f.ram_memsz = RAM_MEMSZ;
	c->f.ram_paddr = RAM_PADDR;
	fx_build(&c->f, &c->bytes, &c->len);
	c->m = (struct kx_vmcore_mem){ c->bytes, c->len };
	assert_int_equal(kx_vmcore_open(&c->vc, kx_vmcore_mem_read, &c->m, c->len), 0);
}

static void core_open(struct core *c)
{
	core_open_kernel(c, K61);
}

static void core_close(struct core *c)
{
	kx_vmcore_close(&c->vc);
	free(c->bytes);
	free(c->ram);
}

static bool pfn_is_ram(uint64_t pfn)
{
	return pfn == FX_MEM_PADDR / PS ||
	       (pfn >= RAM_PADDR / PS && pfn <= (RAM_PADDR + RAM_MEMSZ - 1) / PS);
}

static void expected_page(const struct core *c, uint64_t pfn, uint8_t *page)
{
	for (unsigned i = 0; i < PS; i++)
		page[i] = fx_phys_byte(&c->f, pfn * PS + i);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void save(struct core *c, struct kx_save_opts *o, kx_write_at_fn w, struct memfile *out,
		 struct kx_save_stats *st)
{
	kx_err_clear();
	assert_int_equal(kx_save(&c->vc, o, w, out, st), 0);
}

/* Reads the kdump-compressed output back: header fields, both bitmaps and
 * every page's bytes; zero pages share one descriptor when level has 1. */
static void check_kdump(struct core *c, const struct memfile *out, enum kx_page_codec codec,
			unsigned level)
{
	struct kx_vmcore_mem m = { out->data, out->len };
	struct kx_kdump kd;
	struct kx_kdump_page_desc d, zero_desc = { 0 };
	uint8_t page[PS], want[PS];
	uint64_t max_pfn = (RAM_PADDR + RAM_MEMSZ - 1) / PS + 1, compressed = 0, zeros = 0;

	assert_int_equal(kx_kdump_open(&kd, kx_vmcore_mem_read, &m, out->len), 0);
	assert_int_equal(kd.h.header_version, 6);
	assert_int_equal(kd.h.block_size, PS);
	assert_int_equal(kd.h.status, kx_codec_flag(codec));
	assert_int_equal(kd.h.dump_level, c->kernel == K_NO_MEMMAP ? level & KX_DL_ZERO : level);
	assert_int_equal(kd.h.max_mapnr_64, max_pfn);
	assert_int_equal(kd.h.nr_cpus, 1);
	for (int i = 0; i < KX_KDUMP_UTS_FIELDS; i++)
		assert_string_equal(kd.h.utsname[i], uts[i]);
	assert_int_equal(kd.h.tv_sec, 1700000000);
	/* The VMCOREINFO copy is the note's text. */
	assert_int_equal(kd.h.size_vmcoreinfo, c->vc.info.len);
	assert_true(kd.h.offset_vmcoreinfo >= kd.h.offset_note);
	assert_memory_equal(kd.notes + (kd.h.offset_vmcoreinfo - kd.h.offset_note),
			    c->vc.info.text, c->vc.info.len);
	assert_int_equal(kd.h.size_note, c->vc.notes_len);
	for (uint64_t pfn = 0; pfn < max_pfn + 8; pfn++) {
		bool dumped = pfn_is_ram(pfn) && (c->kernel == K_NO_MEMMAP ||
						   !pfn_left_out(pfn, level));

		assert_int_equal(kx_kdump_is_ram(&kd, pfn), pfn_is_ram(pfn));
		assert_int_equal(kx_kdump_is_dumped(&kd, pfn), dumped);
		if (!dumped) {
			assert_int_equal(kx_kdump_read_page(&kd, pfn, page), -ENOENT);
			continue;
		}
		expected_page(c, pfn, want);
		assert_int_equal(kx_kdump_read_page(&kd, pfn, page), 0);
		assert_memory_equal(page, want, PS);
		assert_int_equal(kx_kdump_page_desc(&kd, pfn, &d), 0);
		assert_true(d.flags == 0 || d.flags == kx_codec_flag(codec));
		assert_true(d.flags ? d.size < PS : d.size == PS);
		compressed += d.flags != 0;
		if ((level & KX_DL_ZERO) && all_zero(want, PS)) {
			if (!zeros++)
				zero_desc = d;
			assert_memory_equal(&d, &zero_desc, sizeof(d));
		}
	}
	if (level & KX_DL_ZERO)
		assert_true(zeros > 100);
	assert_int_equal(compressed > 200, codec != KX_CODEC_NONE);
	kx_kdump_close(&kd);
}

static void test_kdump_each_codec_and_level(void **state)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_NONE, KX_CODEC_ZLIB,
						     KX_CODEC_LZO, KX_CODEC_ZSTD,
						     KX_CODEC_SNAPPY };
	static const unsigned levels[] = { 0, 1, 31 };
	struct core c;

	core_open(&c);
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		if (!kx_codec_available(codecs[i]))
			continue;
		for (size_t j = 0; j < sizeof(levels) / sizeof(levels[0]); j++) {
			struct kx_save_opts o = { .codec = codecs[i], .dump_level = levels[j] };
			struct memfile out = { 0 };
			struct kx_save_stats st;

			save(&c, &o, mem_write_at, &out, &st);
			assert_int_equal(st.out_size, out.len);
			assert_int_equal(st.ram_pages, RAM_PAGES + 1);
			check_kdump(&c, &out, codecs[i], levels[j]);
			free(out.data);
		}
	}
	core_close(&c);
}

/* Level 1 leaves zero pages' data out: the dump shrinks by about a page per
 * zero page, and the stats count them. */
static uint64_t count_zero_pages(const struct core *c)
{
	uint8_t page[PS];
	uint64_t n = 0;

	for (uint64_t pfn = 0; pfn <= (RAM_PADDR + RAM_MEMSZ - 1) / PS; pfn++) {
		if (!pfn_is_ram(pfn))
			continue;
		expected_page(c, pfn, page);
		n += all_zero(page, PS);
	}
	return n;
}

static void test_zero_pages_are_left_out(void **state)
{
	struct core c;
	struct kx_save_opts all = { 0 }, zero = { .dump_level = KX_DL_ZERO };
	struct memfile a = { 0 }, b = { 0 };
	struct kx_save_stats sa, sb;

	core_open(&c);
	save(&c, &all, mem_write_at, &a, &sa);
	save(&c, &zero, mem_write_at, &b, &sb);
	assert_int_equal(sa.zero_pages, 0);
	/* pages 0, 4, 8, ... of the range and the 3 past its file part, but for
	 * pages 16, 20 and 24 that hold struct pages; not page 7 */
	assert_int_equal(sb.zero_pages, RAM_PAGES / 4);
	assert_int_equal(sb.zero_pages, count_zero_pages(&c));
	/* level 1 also leaves out the poisoned and the offline page (the walk
	 * runs since the kernel exports PG_hwpoison, as makedumpfile's does) */
	assert_int_equal(kx_filter_total(&sb.filtered), 2);
	assert_int_equal(sb.filtered.hwpoison + sb.filtered.offline, 2);
	assert_int_equal(sa.dumped_pages - sb.dumped_pages, sb.zero_pages + 2);
	assert_int_equal(a.len - b.len, (sb.zero_pages - 1 + 2) * PS + 2 * KX_PD_STRUCT_SIZE);
	free(a.data);
	free(b.data);
	core_close(&c);
}

/* The zero check (AVX2 where the CPU has it) and the word check agree: a
 * zero page, and one set byte at every offset of a page, at the start of a
 * buffer and misaligned by 1 to 31 bytes. */
static void test_page_is_zero(void **state)
{
	static uint8_t buf[PS + 64] __attribute__((aligned(64)));

	(void)state;
	for (size_t shift = 0; shift < 32; shift++) {
		uint8_t *p = buf + shift;

		memset(buf, 0, sizeof(buf));
		assert_true(kx_page_is_zero(p, PS));
		assert_true(kx_page_is_zero_words(p, PS));
		/* bytes just outside the page do not count */
		buf[shift ? shift - 1 : PS + 1] = 0xff;
		p[PS] = 0x80;
		assert_true(kx_page_is_zero(p, PS));
		for (size_t i = 0; i < PS; i += shift ? 61 : 1) {
			p[i] = (uint8_t)(1u << (i % 8));
			assert_false(kx_page_is_zero(p, PS));
			assert_false(kx_page_is_zero_words(p, PS));
			p[i] = 0;
		}
	}
}

/* Level 16 on 6.1's and 6.12's struct page: exactly the buddy allocator's
 * blocks leave the dump, not the slab page nor the page with a bad order;
 * in ELF output too. */
static void test_free_pages(void **state)
{
	static const enum kernel kernels[] = { K61, K612 };

	for (size_t k = 0; k < 2; k++) {
		struct core c;
		struct kx_save_opts o = { .codec = KX_CODEC_ZLIB, .dump_level = KX_DL_FREE };
		struct kx_save_opts elf = { .format = KX_DUMP_ELF, .dump_level = KX_DL_FREE };
		struct memfile out = { 0 }, eout = { 0 };
		struct kx_save_stats st;
		struct kx_vmcore_mem m;
		struct kx_vmcore vc;
		uint8_t page[PS];

		core_open_kernel(&c, kernels[k]);
		save(&c, &o, mem_write_at, &out, &st);
		assert_int_equal(st.level, KX_DL_FREE);
		assert_string_equal(st.level_note, "");
		assert_int_equal(st.free_pages, FREE_PAGES);
		check_kdump(&c, &out, KX_CODEC_ZLIB, KX_DL_FREE);

		save(&c, &elf, mem_write_at, &eout, &st);
		m = (struct kx_vmcore_mem){ eout.data, eout.len };
		assert_int_equal(kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, eout.len), 0);
		/* A page left out reads as zeros (inside a segment, or in its
		 * p_memsz-only tail), as in makedumpfile's ELF dumps. */
		for (uint64_t pfn = 0x2001; pfn < 0x2250; pfn++) {
			assert_int_equal(kx_vmcore_read_paddr(&vc, pfn * PS, page, PS), 0);
			if (pfn_left_out(pfn, KX_DL_FREE))
				assert_true(all_zero(page, PS));
		}
		kx_vmcore_close(&vc);
		free(out.data);
		free(eout.data);
		core_close(&c);
	}
}

/* A reader that maps like toolio's windows, but fragile: what it mapped is
 * overwritten by the next read or map through the same context, so a caller
 * that uses a mapping after that sees garbage, not the old bytes. */
struct fragile {
	const struct kx_vmcore_mem *m;
	uint8_t buf[2 * PS];
	unsigned long maps;
};

static int fragile_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct fragile *f = ctx;

	memset(f->buf, 0xa5, sizeof(f->buf));
	return kx_vmcore_mem_read((void *)f->m, buf, len, off);
}

static const void *fragile_map(void *ctx, uint64_t off, size_t len)
{
	struct fragile *f = ctx;

	memset(f->buf, 0xa5, sizeof(f->buf));
	if (len > sizeof(f->buf) || off > f->m->len || len > f->m->len - off)
		return NULL;
	memcpy(f->buf, f->m->data + off, len);
	f->maps++;
	return f->buf;
}

/* Levels 2, 4, 8 and 16 alone and together on 6.1's and 6.12's struct
 * pages: each row of kinds[] is left out exactly when its level asks (a
 * compound page whole, by its head), the rest is kept; the counts say
 * which kind each page went as. */
static void test_page_kinds(void **state)
{
	static const enum kernel kernels[] = { K61, K612 };
	static const unsigned levels[] = { 2, 4, 8, 16, 6, 10, 31 };
	uint64_t first = RAM_PADDR / PS, end = (RAM_PADDR + RAM_MEMSZ - 1) / PS + 1;

	for (size_t k = 0; k < 2; k++) {
		struct core c;

		core_open_kernel(&c, kernels[k]);
		for (size_t j = 0; j < sizeof(levels) / sizeof(levels[0]); j++) {
			uint8_t bitmap[(0x2258 + 7) / 8] = { 0 };
			struct kx_filter_counts n;
			uint64_t left = 0;

			for (uint64_t pfn = first; pfn < end; pfn++)
				kx_bitmap_set(bitmap, pfn);
			kx_err_clear();
			assert_int_equal(kx_filter_pages(&c.vc, PS, levels[j], bitmap, end, &n), 0);
			for (uint64_t pfn = first; pfn < end; pfn++) {
				bool out = pfn_left_out(pfn, levels[j]);

				if (kx_bitmap_test(bitmap, pfn) == out)
					fail_msg("kernel %zu level %u pfn 0x%" PRIx64 ": %s", k,
						 levels[j], pfn, out ? "kept" : "left out");
				left += out;
			}
			assert_int_equal(kx_filter_total(&n), left);
			assert_int_equal(n.hwpoison, 1);
			assert_int_equal(n.offline, 1);
			assert_int_equal(n.free, levels[j] & KX_DL_FREE ? FREE_PAGES : 0);
			if (levels[j] & KX_DL_USER) /* swap cache, 2 single, THP 8, hugetlb 4 */
				assert_int_equal(n.user, 1 + 2 + 8 + 4);
			if (levels[j] & KX_DL_CACHE_PRIVATE)
				assert_int_equal(n.cache_private, 1);
			if (levels[j] & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE))
				assert_int_equal(n.cache, 1 + 4);
			/* Split in 2 to 7 parts walked by threads at once (borders
			 * inside compound pages and free blocks): the same result. */
			for (unsigned parts = 2; parts <= 7; parts++) {
				const struct kx_vmcore *vcs[7] = { 0 };
				uint8_t split[sizeof(bitmap)] = { 0 };
				struct kx_filter_counts m;

				for (unsigned i = 0; i < parts; i++)
					vcs[i] = &c.vc;
				for (uint64_t pfn = first; pfn < end; pfn++)
					kx_bitmap_set(split, pfn);
				assert_int_equal(kx_filter_pages_split(vcs, parts, PS, levels[j], split,
								       end, &m), 0);
				assert_memory_equal(split, bitmap, sizeof(bitmap));
				assert_memory_equal(&m, &n, sizeof(m));
			}
			/* Struct pages mapped in place (each part through its own
			 * context): the same result, with the maps used. */
			for (unsigned parts = 1; parts <= 3; parts++) {
				struct fragile fr[3];
				struct kx_vmcore mvc[3];
				const struct kx_vmcore *vcs[3];
				uint8_t mapped[sizeof(bitmap)] = { 0 };
				struct kx_filter_counts m;

				for (unsigned i = 0; i < parts; i++) {
					fr[i] = (struct fragile){ .m = &c.m };
					mvc[i] = c.vc;
					mvc[i].read = fragile_read;
					mvc[i].map = fragile_map;
					mvc[i].ctx = &fr[i];
					vcs[i] = &mvc[i];
				}
				for (uint64_t pfn = first; pfn < end; pfn++)
					kx_bitmap_set(mapped, pfn);
				assert_int_equal(kx_filter_pages_split(vcs, parts, PS, levels[j],
								       mapped, end, &m), 0);
				assert_memory_equal(mapped, bitmap, sizeof(bitmap));
				assert_memory_equal(&m, &n, sizeof(m));
				assert_true(fr[0].maps > 0);
			}
		}
		core_close(&c);
	}
}

/* Without the struct page array in VMCOREINFO: free pages are kept, the
 * level applied says so and the note names what is missing. */
static void test_free_pages_unavailable(void **state)
{
	struct core c;
	struct kx_save_opts o = { .dump_level = KX_DL_FREE | KX_DL_ZERO };
	struct memfile out = { 0 };
	struct kx_save_stats st;

	core_open_kernel(&c, K_NO_MEMMAP);
	save(&c, &o, mem_write_at, &out, &st);
	assert_int_equal(st.level, KX_DL_ZERO);
	assert_int_equal(st.free_pages, 0);
	assert_non_null(strstr(st.level_note, "VMCOREINFO has no SYMBOL(mem_section)"));
	check_kdump(&c, &out, KX_CODEC_NONE, KX_DL_ZERO);
	free(out.data);
	core_close(&c);
}

/* The page-table walk on each kind of mapping the fixture has. */
static void test_vtop(void **state)
{
	struct core c;
	struct kx_pgtable pt;
	uint64_t pa;

	core_open(&c);
	assert_int_equal(kx_pgtable_init(&pt, &c.vc), 0);
	assert_int_equal(pt.levels, 4);
	assert_int_equal(kx_pgtable_vtop(&pt, FX_KTEXT + 0x123, &pa), 0); /* 2 MiB page */
	assert_int_equal(pa, FX_MEM_PADDR + 0x123);
	assert_int_equal(kx_pgtable_vtop(&pt, FX_PAGE_OFFSET + 0x2345678, &pa), 0); /* 1 GiB */
	assert_int_equal(pa, 0x2345678);
	assert_int_equal(kx_pgtable_vtop(&pt, VMEMMAP + 0x80000 + 0x10, &pa), 0); /* 4 KiB */
	assert_int_equal(pa, RAM_PAGE(VMEMMAP_PAGES + 1) + 0x10);
	kx_err_clear();
	assert_int_equal(kx_pgtable_vtop(&pt, VMEMMAP + 0x8a000, &pa), -EFAULT);
	assert_non_null(strstr(kx_errmsg(), "is not mapped (level 1"));
	assert_int_equal(kx_pgtable_vtop(&pt, UINT64_C(0xffffc90000000000), &pa), -EFAULT);
	assert_non_null(strstr(kx_errmsg(), "is not mapped (level 4"));
	core_close(&c);
}

static void test_flattened_round_trip(void **state)
{
	struct core c;
	struct kx_save_opts o = { .codec = KX_CODEC_ZSTD, .dump_level = 31 };
	struct memfile direct = { 0 }, flat = { 0 }, rebuilt = { 0 };
	struct kx_save_stats st;
	uint8_t hdr[KX_FLAT_HEADER_SIZE], end[KX_FLAT_RECORD_SIZE];
	struct stream s;

	core_open(&c);
	save(&c, &o, mem_write_at, &direct, &st);
	kx_flat_header_encode(hdr);
	mem_write_at(&flat, hdr, sizeof(hdr), 0);
	save(&c, &o, flat_write_at, &flat, &st);
	kx_flat_record_encode(end, KX_FLAT_END, KX_FLAT_END);
	mem_write_at(&flat, end, sizeof(end), flat.len);
	assert_memory_equal(flat.data, "makedumpfile\0\0\0\0\0\0\0\0\0\0\0\1", 24);

	s = (struct stream){ flat.data, flat.len, 0 };
	assert_int_equal(kx_flat_rebuild(stream_read, &s, mem_write_at, &rebuilt, 1 << 30), 0);
	assert_int_equal(rebuilt.len, direct.len);
	assert_memory_equal(rebuilt.data, direct.data, direct.len);

	/* Cut anywhere before the end record: refused, never passed off. */
	for (size_t cut = 0; cut < flat.len; cut += flat.len / 37 + 1) {
		struct memfile r = { 0 };

		s = (struct stream){ flat.data, cut, 0 };
		kx_err_clear();
		assert_int_equal(kx_flat_rebuild(stream_read, &s, mem_write_at, &r, 1 << 30),
				 -EINVAL);
		assert_non_null(strstr(kx_errmsg(), cut < KX_FLAT_HEADER_SIZE ? "truncated"
									  : "no end record"));
		free(r.data);
	}
	/* A record beyond the size cap. */
	s = (struct stream){ flat.data, flat.len, 0 };
	assert_int_equal(kx_flat_rebuild(stream_read, &s, mem_write_at, &rebuilt, 8192), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "not a valid part of a dump"));
	free(direct.data);
	free(flat.data);
	free(rebuilt.data);
	core_close(&c);
}

static void test_threads_identical(void **state)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_ZLIB, KX_CODEC_LZO, KX_CODEC_ZSTD,
						     KX_CODEC_SNAPPY };
	static const unsigned threads[] = { 2, 3, 8 };
	struct core c;

	core_open(&c);
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		struct kx_save_opts one = { .codec = codecs[i], .dump_level = 1 };
		struct memfile ref = { 0 };
		struct kx_save_stats st;

		if (!kx_codec_available(codecs[i]))
			continue;
		save(&c, &one, mem_write_at, &ref, &st);
		for (size_t j = 0; j < sizeof(threads) / sizeof(threads[0]); j++) {
			struct kx_save_opts o = one;
			struct memfile out = { 0 };

			o.threads = threads[j];
			save(&c, &o, mem_write_at, &out, &st);
			assert_int_equal(out.len, ref.len);
			assert_memory_equal(out.data, ref.data, ref.len);
			free(out.data);
		}
		free(ref.data);
	}
	core_close(&c);
}

/* A core of many chunks (BIG_PAGES pages: zero, random, and text-like pages in
 * runs of uneven length, so that the threads finish their chunks out of
 * order and every chunk is planned again several times): the same bytes
 * whatever the threads, and every page reads back. */
#define BIG_PAGES 5000u
#define BIG_PADDR UINT64_C(0x40000000)

static void test_threads_many_chunks(void **state)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_LZO, KX_CODEC_ZSTD, KX_CODEC_SNAPPY };
	static const unsigned threads[] = { 2, 3, 7 };
	uint8_t *ram = malloc((size_t)BIG_PAGES * PS), *bytes, page[PS];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
	struct fx *f = malloc(sizeof(*f));
	size_t len;

	assert_non_null(ram);
	assert_non_null(f);
	for (size_t pg = 0; pg < BIG_PAGES; pg++) {
		unsigned kind = (unsigned)((pg / 37 + pg / 101) % 3);

		for (size_t i = 0; i < PS; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ram[pg * PS + i] = kind == 0 ? 0 : kind == 1 ? (uint8_t)x : "kx page "[i % 8];
		}
	}
	fx_init(f, KX_LOG_LOCKLESS, false);
	f->ram = ram;
	f->ram_len = f->ram_memsz = (size_t)BIG_PAGES * PS;
	f->ram_paddr = BIG_PADDR;
	fx_build(f, &bytes, &len);
	m = (struct kx_vmcore_mem){ bytes, len };
	assert_int_equal(kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, len), 0);
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		struct kx_save_opts one = { .codec = codecs[i], .dump_level = 1 };
		struct memfile ref = { 0 };
		struct kx_vmcore_mem rm;
		struct kx_save_stats st;
		struct kx_kdump kd;

		if (!kx_codec_available(codecs[i]))
			continue;
		assert_int_equal(kx_save(&vc, &one, mem_write_at, &ref, &st), 0);
		assert_true(st.zero_pages > BIG_PAGES / 4 && st.compressed_pages > BIG_PAGES / 4);
		rm = (struct kx_vmcore_mem){ ref.data, ref.len };
		assert_int_equal(kx_kdump_open(&kd, kx_vmcore_mem_read, &rm, ref.len), 0);
		for (size_t pg = 0; pg < BIG_PAGES; pg++) {
			assert_int_equal(kx_kdump_read_page(&kd, BIG_PADDR / PS + pg, page), 0);
			assert_memory_equal(page, ram + pg * PS, PS);
		}
		kx_kdump_close(&kd);
		for (size_t j = 0; j < sizeof(threads) / sizeof(threads[0]); j++) {
			struct kx_save_opts o = one;
			struct memfile out = { 0 };

			o.threads = threads[j];
			assert_int_equal(kx_save(&vc, &o, mem_write_at, &out, &st), 0);
			assert_int_equal(out.len, ref.len);
			assert_memory_equal(out.data, ref.data, ref.len);
			free(out.data);
		}
		free(ref.data);
	}
	kx_vmcore_close(&vc);
	free(bytes);
	free(ram);
	free(f);
}

/* The ELF dump, read back by vmcore.c: the same bytes at every kept physical
 * address, zero pages (level 1) in no PT_LOAD, and the log still decodes. */
static int sink_write(void *ctx, const char *buf, size_t len)
{
	struct memfile *m = ctx;

	return mem_write_at(m, buf, len, m->len);
}

static void test_elf_output(void **state)
{
	static const unsigned levels[] = { 0, 1 };
	struct core c;

	core_open(&c);
	for (size_t j = 0; j < 2; j++) {
		struct kx_save_opts o = { .format = KX_DUMP_ELF, .dump_level = levels[j] };
		struct memfile out = { 0 }, log = { 0 };
		struct kx_save_stats st;
		struct kx_vmcore_mem m;
		struct kx_vmcore vc;
		uint8_t page[PS], want[PS];
		const char *text = fx_expected(KX_LOG_LOCKLESS);

		save(&c, &o, mem_write_at, &out, &st);
		m = (struct kx_vmcore_mem){ out.data, out.len };
		assert_int_equal(kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, out.len), 0);
		assert_int_equal(vc.notes_len, c.vc.notes_len);
		assert_memory_equal(vc.notes, c.vc.notes, vc.notes_len);
		for (uint64_t pfn = RAM_PADDR / PS; pfn < (RAM_PADDR + RAM_MEMSZ) / PS; pfn++) {
			uint64_t from = pfn * PS < RAM_PADDR ? RAM_PADDR : pfn * PS;
			size_t n = PS - (size_t)(from - pfn * PS);
			int ret;

			expected_page(&c, pfn, want);
			ret = kx_vmcore_read_paddr(&vc, from, page, n);
			assert_int_equal(ret, 0);
			if (levels[j] && pfn_left_out(pfn, levels[j])) {
				assert_true(all_zero(page, n));
				continue;
			}
			assert_memory_equal(page, want + (PS - n), n);
		}
		assert_int_equal(kx_printk_dump(&vc, sink_write, &log), 0);
		assert_int_equal(log.len, strlen(text));
		assert_memory_equal(log.data, text, log.len);
		kx_vmcore_close(&vc);
		free(out.data);
		free(log.data);
	}
	core_close(&c);
}

/* A write that fails part way: an error, and the header that reached the
 * output still says incomplete. With threads, the write that fails may be a
 * thread's, and its message reaches the caller. */
static void test_failed_write_marks_incomplete(void **state)
{
	static const size_t fail_at[] = { 5000, 20000, 100000, 600000 };
	static const unsigned threads[] = { 0, 3 };
	struct core c;

	core_open(&c);
	for (size_t i = 0; i < sizeof(fail_at) / sizeof(fail_at[0]); i++) {
		for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
			struct kx_save_opts o = { .codec = KX_CODEC_ZLIB, .dump_level = 1,
						  .threads = threads[t] };
			struct memfile out = { .fail_at = fail_at[i] };
			struct kx_save_stats st;

			kx_err_clear();
			assert_int_equal(kx_save(&c.vc, &o, mem_write_at, &out, &st), -ENOSPC);
			assert_non_null(strstr(kx_errmsg(), "no space left"));
			assert_true(out.len >= KX_DDH_SIZE);
			assert_int_equal(kx_le32(out.data + KX_DDH_STATUS) & KX_KDUMP_INCOMPLETE,
					 KX_KDUMP_INCOMPLETE);
			free(out.data);
		}
	}
	core_close(&c);
}

/* The vmcore's reader, failing for the bytes of one page of RAM. */
struct failing_read {
	struct kx_vmcore_mem *m;
	uint64_t bad_off;
};

static int failing_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct failing_read *f = ctx;

	if (off <= f->bad_off && f->bad_off < off + len)
		return kx_err(EIO, "disk", "input/output error");
	return kx_vmcore_mem_read(f->m, buf, len, off);
}

/* A page that cannot be read, late in the dump (the 3rd chunk): the save
 * fails with the pfn and the reader's message, whichever thread read it, and
 * the header stays incomplete. */
static void test_failed_read_marks_incomplete(void **state)
{
	static const unsigned threads[] = { 0, 2, 5 };
	struct core c;

	core_open(&c);
	for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		struct kx_save_opts o = { .codec = KX_CODEC_LZO, .dump_level = 0,
					  .threads = threads[t] };
		struct failing_read f = { &c.m, 0 };
		struct kx_vmcore vc = c.vc;
		size_t k = 0;
		struct memfile out = { 0 };
		struct kx_save_stats st;
		char want[64];

		if (!kx_codec_available(o.codec))
			o.codec = KX_CODEC_ZLIB;
		while (k < c.vc.nloads && c.vc.loads[k].paddr != RAM_PADDR)
			k++;
		assert_true(k < c.vc.nloads);
		f.bad_off = c.vc.loads[k].offset + 590 * PS;
		vc.read = failing_read;
		vc.ctx = &f;
		snprintf(want, sizeof(want), "reading pfn 0x%" PRIx64 ": disk: input/output error",
			 (RAM_PADDR + 590 * PS) / PS);
		kx_err_clear();
		assert_int_equal(kx_save(&vc, &o, mem_write_at, &out, &st), -EIO);
		if (!strstr(kx_errmsg(), want))
			fail_msg("%u threads: \"%s\", not \"%s\"", threads[t], kx_errmsg(), want);
		assert_int_equal(kx_le32(out.data + KX_DDH_STATUS) & KX_KDUMP_INCOMPLETE,
				 KX_KDUMP_INCOMPLETE);
		free(out.data);
	}
	core_close(&c);
}

/* The reader refuses damaged dumps with a message, one row per defect. */
static void test_reader_rejects(void **state)
{
	static const struct {
		const char *name;
		size_t off;
		uint32_t value; /* a 32-bit field of the header, replaced */
		size_t truncate_to; /* instead, when not 0 */
		const char *msg;
	} rows[] = {
		{ "signature", 0, 0x41414141, 0, "not a kdump-compressed file" },
		{ "block size", KX_DDH_BLOCK_SIZE, 1000, 0, "block size 1000" },
		{ "odd bitmap", KX_DDH_BITMAP_BLOCKS, 3, 0, "3 bitmap blocks" },
		{ "huge bitmap", KX_DDH_BITMAP_BLOCKS, 0x7ffffffe, 0, "past the end" },
		{ "huge sub header", KX_DDH_SUB_HDR_SIZE, 0x7fffffff, 0, "past the end" },
		{ "version 0", KX_DDH_HEADER_VERSION, 0, 0, "header version 0" },
		{ "short", 0, 0, 100, "not a kdump-compressed file" },
		{ "no descriptors", 0, 0, 5 * PS + 100, "page descriptors" },
	};
	struct core c;
	struct kx_save_opts o = { .codec = KX_CODEC_ZLIB };
	struct memfile out = { 0 };
	struct kx_save_stats st;

	core_open(&c);
	save(&c, &o, mem_write_at, &out, &st);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *copy = malloc(out.len);
		size_t len = rows[i].truncate_to ? rows[i].truncate_to : out.len;
		struct kx_vmcore_mem m = { copy, len };
		struct kx_kdump kd;

		memcpy(copy, out.data, out.len);
		if (!rows[i].truncate_to)
			kx_put32(copy + rows[i].off, rows[i].value);
		kx_err_clear();
		if (kx_kdump_open(&kd, kx_vmcore_mem_read, &m, len) != -EINVAL ||
		    !strstr(kx_errmsg(), rows[i].msg))
			fail_msg("%s: \"%s\"", rows[i].name, kx_errmsg());
		free(copy);
	}
	free(out.data);
	core_close(&c);
}

/* Each codec: a page decodes back; a page cut short, a page that decodes to
 * half a page and one that decodes to two pages are refused with a message,
 * never written past the page. */
static void test_codec_round_trip_and_damage(void **state)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_ZLIB, KX_CODEC_LZO, KX_CODEC_ZSTD,
						     KX_CODEC_SNAPPY };
	uint8_t src[2 * PS], out[2 * PS + 4096], back[PS + 64];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i % 251 < 100 ? 'k' : i * 7 / 13);
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		uint32_t flag = kx_codec_flag(codecs[i]);
		struct kx_codec_ctx *cc;
		size_t n = 0, half = 0, two = 0;

		if (!kx_codec_available(codecs[i])) {
			assert_int_equal(kx_page_decompress(flag, src, 16, back, PS), -ENOTSUP);
			continue;
		}
		assert_true(kx_codec_bound(2 * PS) <= sizeof(out));
		assert_int_equal(kx_codec_new(codecs[i], &cc), 0);
		/* two pages first: their bytes at the end of out */
		assert_true(kx_codec_compress(cc, src, 2 * PS, out + PS + 1024, &two));
		assert_true(kx_codec_compress(cc, src, PS / 2, out + PS, &half));
		assert_true(kx_codec_compress(cc, src, PS, out, &n));
		assert_true(n < PS && half < PS / 2 && two < 2 * PS);
		memset(back, 0xa5, sizeof(back));
		assert_int_equal(kx_page_decompress(flag, out, n, back, PS), 0);
		assert_memory_equal(back, src, PS);
		kx_err_clear();
		assert_int_equal(kx_page_decompress(flag, out, n / 2, back, PS), -EINVAL);
		assert_non_null(strstr(kx_errmsg(), "page"));
		kx_err_clear();
		assert_int_equal(kx_page_decompress(flag, out + PS, half, back, PS), -EINVAL);
		assert_non_null(strstr(kx_errmsg(), "page"));
		memset(back, 0xa5, sizeof(back));
		kx_err_clear();
		assert_int_equal(kx_page_decompress(flag, out + PS + 1024, two, back, PS), -EINVAL);
		assert_non_null(strstr(kx_errmsg(), "page"));
		for (size_t k = PS; k < sizeof(back); k++)
			assert_int_equal(back[k], 0xa5);
		kx_codec_free(cc);
	}
}

/* A page whose descriptor points past the end or does not decode. */
static void test_reader_bad_page(void **state)
{
	struct core c;
	struct kx_save_opts o = { .codec = KX_CODEC_ZSTD };
	struct memfile out = { 0 };
	struct kx_save_stats st;
	struct kx_vmcore_mem m;
	struct kx_kdump kd;
	struct kx_kdump_page_desc d;
	uint64_t pfn = RAM_PADDR / PS + 1, desc_at;
	uint8_t page[PS];

	core_open(&c);
	save(&c, &o, mem_write_at, &out, &st);
	m = (struct kx_vmcore_mem){ out.data, out.len };
	assert_int_equal(kx_kdump_open(&kd, kx_vmcore_mem_read, &m, out.len), 0);
	assert_int_equal(kx_kdump_page_desc(&kd, pfn, &d), 0);
	assert_int_equal(d.flags, KX_KDUMP_ZSTD);
	desc_at = kd.desc_offset + 2 * KX_PD_STRUCT_SIZE; /* after pfns 0x1000, 0x2000 */
	assert_int_equal(kx_le64(out.data + desc_at), d.offset);
	out.data[d.offset] ^= 0xff; /* the zstd frame magic */
	assert_int_not_equal(kx_kdump_read_page(&kd, pfn, page), 0);
	kx_put64(out.data + desc_at, out.len - 10);
	assert_int_equal(kx_kdump_read_page(&kd, pfn, page), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "past the end"));
	kx_put32(out.data + desc_at + KX_PD_SIZE, PS + 1);
	assert_int_equal(kx_kdump_read_page(&kd, pfn, page), -EINVAL);
	kx_kdump_close(&kd);
	free(out.data);
	core_close(&c);
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int write_core(const char *path)
{
	struct core c;
	int ret;

	core_open(&c);
	ret = write_file(path, c.bytes, c.len);
	core_close(&c);
	return ret;
}

/* pagefilter seeds: the 6.1 and 6.12 cores cut after the kernel structures
 * (page 25 of the RAM range). */
static int write_pagefilter_seeds(const char *dir)
{
	static const enum kernel kernels[] = { K61, K612 };
	static const char *const names[] = { "linux-6.1", "linux-6.12" };
	char path[4096];
	int ret = 0;

	for (size_t k = 0; k < 2 && !ret; k++) {
		struct core c;
		uint8_t *small;
		size_t len;

		core_open_kernel(&c, kernels[k]);
		c.f.ram_len = c.f.ram_memsz = 25 * PS - 0x800;
		fx_build(&c.f, &small, &len);
		snprintf(path, sizeof(path), "%s/pagefilter/%s", dir, names[k]);
		ret = write_file(path, small, len);
		free(small);
		core_close(&c);
	}
	return ret;
}

/* Seeds: a small dump (a core of one page) in each codec, and its stream. */
static int write_corpus(const char *dir)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_NONE, KX_CODEC_ZLIB, KX_CODEC_LZO,
						     KX_CODEC_ZSTD, KX_CODEC_SNAPPY };
	struct fx f;
	uint8_t *core;
	size_t len;
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
	char path[4096];
	int ret = 0;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	fx_build(&f, &core, &len);
	m = (struct kx_vmcore_mem){ core, len };
	if (kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, len))
		return 1;
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]) && !ret; i++) {
		struct kx_save_opts o = { .codec = codecs[i], .dump_level = 1 };
		struct memfile out = { 0 }, flat = { 0 };
		struct kx_save_stats st;
		uint8_t hdr[KX_FLAT_HEADER_SIZE], end[KX_FLAT_RECORD_SIZE];

		if (!kx_codec_available(codecs[i]) || kx_save(&vc, &o, mem_write_at, &out, &st))
			continue;
		snprintf(path, sizeof(path), "%s/kdump/%s", dir, kx_codec_name(codecs[i]));
		ret = write_file(path, out.data, out.len);
		kx_flat_header_encode(hdr);
		mem_write_at(&flat, hdr, sizeof(hdr), 0);
		kx_save(&vc, &o, flat_write_at, &flat, &st);
		kx_flat_record_encode(end, KX_FLAT_END, KX_FLAT_END);
		mem_write_at(&flat, end, sizeof(end), flat.len);
		snprintf(path, sizeof(path), "%s/flat/%s", dir, kx_codec_name(codecs[i]));
		ret = ret ? ret : write_file(path, flat.data, flat.len);
		free(out.data);
		free(flat.data);
	}
	kx_vmcore_close(&vc);
	free(core);
	return ret ? ret : write_pagefilter_seeds(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdump_each_codec_and_level),
		cmocka_unit_test(test_zero_pages_are_left_out),
		cmocka_unit_test(test_page_is_zero),
		cmocka_unit_test(test_free_pages),
		cmocka_unit_test(test_free_pages_unavailable),
		cmocka_unit_test(test_page_kinds),
		cmocka_unit_test(test_vtop),
		cmocka_unit_test(test_flattened_round_trip),
		cmocka_unit_test(test_threads_identical),
		cmocka_unit_test(test_threads_many_chunks),
		cmocka_unit_test(test_elf_output),
		cmocka_unit_test(test_failed_write_marks_incomplete),
		cmocka_unit_test(test_failed_read_marks_incomplete),
		cmocka_unit_test(test_reader_rejects),
		cmocka_unit_test(test_codec_round_trip_and_damage),
		cmocka_unit_test(test_reader_bad_page),
	};

	if (argc == 3 && strcmp(argv[1], "--write-core") == 0)
		return write_core(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
		return write_corpus(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
