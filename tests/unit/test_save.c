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
	uint8_t *ram, *bytes;
	size_t len;
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
};

/* init_uts_ns in the image's unused memory, as 6.1 exports it (name first);
 * makedumpfile checks its release against VMCOREINFO's. */
#define FX_UTS 0x900
#define FX_MEM_MAP 0xa90 /* after the 390 bytes of utsname */
static const char *const uts[KX_KDUMP_UTS_FIELDS] = {
	"Linux", "crashed-host", "6.1.0-kx-test", "#1 SMP PREEMPT_DYNAMIC", "x86_64", "(none)",
};

/* Page tables for tools that translate kernel addresses by walking them
 * (makedumpfile), x86_64 4-level paging: init_top_pgt -> PUD -> PMD, one
 * 2 MiB page mapping the image at FX_KTEXT to FX_MEM_PADDR; and a second PUD
 * with one 1 GiB page for the direct map's first GiB. Pages 1-3 and 5 of the
 * RAM range (page 4 stays a zero page). */
#define PGT_PADDR UINT64_C(0x2001000)
#define PUD_DMAP (PGT_PADDR + 4 * PS)
#define PTE_PRESENT 0x1
#define PTE_RW 0x2
#define PTE_PSE 0x80

static void put_entry(uint8_t *ram, uint64_t table, unsigned index, uint64_t entry)
{
	kx_put64(ram + (table - RAM_PADDR) + index * 8, entry);
}

static void add_page_tables(struct core *c)
{
	uint8_t *ram = c->ram;
	char line[80];

	memset(ram + (PGT_PADDR - RAM_PADDR), 0, 3 * PS);
	memset(ram + (PUD_DMAP - RAM_PADDR), 0, PS);
	put_entry(ram, PGT_PADDR, (FX_PAGE_OFFSET >> 39) & 511, PUD_DMAP | PTE_PRESENT | PTE_RW);
	put_entry(ram, PUD_DMAP, 0, PTE_PRESENT | PTE_RW | PTE_PSE);
	put_entry(ram, PGT_PADDR, (FX_KTEXT >> 39) & 511, (PGT_PADDR + PS) | PTE_PRESENT | PTE_RW);
	put_entry(ram, PGT_PADDR + PS, (FX_KTEXT >> 30) & 511,
		  (PGT_PADDR + 2 * PS) | PTE_PRESENT | PTE_RW);
	put_entry(ram, PGT_PADDR + 2 * PS, (FX_KTEXT >> 21) & 511,
		  FX_MEM_PADDR | PTE_PRESENT | PTE_RW | PTE_PSE);
	snprintf(line, sizeof(line), "SYMBOL(init_top_pgt)=%" PRIx64,
		 UINT64_C(0xffffffff80000000) + PGT_PADDR);
	fx_set_info(&c->f, "SYMBOL(init_top_pgt)=", line);
	/* A FLATMEM mem_map makedumpfile's setup asks for (its pages are not read
	 * for --dump-dmesg): struct page as on 6.1. */
	fx_put64(&c->f, FX_MEM_MAP, UINT64_C(0xffffea0000000000));
	snprintf(line, sizeof(line), "SYMBOL(mem_map)=%" PRIx64, FX_KTEXT + FX_MEM_MAP);
	fx_set_info(&c->f, "SYMBOL(mem_map)=", line);
	fx_set_info(&c->f, "SIZE(page)=", "SIZE(page)=64");
	fx_set_info(&c->f, "OFFSET(page.flags)=", "OFFSET(page.flags)=0");
	fx_set_info(&c->f, "OFFSET(page._refcount)=", "OFFSET(page._refcount)=52");
	fx_set_info(&c->f, "OFFSET(page.mapping)=", "OFFSET(page.mapping)=24");
}

static void core_open(struct core *c)
{
	char line[80];

	fx_init(&c->f, KX_LOG_LOCKLESS, false);
	memset(c->f.mem + FX_UTS, 0, KX_KDUMP_UTS_FIELDS * KX_KDUMP_UTS_LEN);
	for (int i = 0; i < KX_KDUMP_UTS_FIELDS; i++)
		strcpy((char *)c->f.mem + FX_UTS + i * KX_KDUMP_UTS_LEN, uts[i]);
	snprintf(line, sizeof(line), "SYMBOL(init_uts_ns)=%" PRIx64, FX_KTEXT + FX_UTS);
	fx_set_info(&c->f, "SYMBOL(init_uts_ns)=", line);
	fx_set_info(&c->f, "OFFSET(uts_namespace.name)=", "OFFSET(uts_namespace.name)=0");
	c->ram = make_ram();
	add_page_tables(c);
	c->f.ram = c->ram;
	c->f.ram_len = RAM_FILESZ;
	c->f.ram_memsz = RAM_MEMSZ;
	c->f.ram_paddr = RAM_PADDR;
	fx_build(&c->f, &c->bytes, &c->len);
	c->m = (struct kx_vmcore_mem){ c->bytes, c->len };
	assert_int_equal(kx_vmcore_open(&c->vc, kx_vmcore_mem_read, &c->m, c->len), 0);
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
	assert_int_equal(kd.h.dump_level, level & KX_DL_IMPLEMENTED);
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
		assert_int_equal(kx_kdump_is_ram(&kd, pfn), pfn_is_ram(pfn));
		assert_int_equal(kx_kdump_is_dumped(&kd, pfn), pfn_is_ram(pfn));
		if (!pfn_is_ram(pfn)) {
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
						     KX_CODEC_LZO, KX_CODEC_ZSTD };
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
	/* pages 0, 4, 8, ... of the range and the 3 past its file part; not page 7 */
	assert_int_equal(sb.zero_pages, RAM_PAGES / 4 + 3);
	assert_int_equal(sa.dumped_pages - sb.dumped_pages, sb.zero_pages);
	assert_int_equal(a.len - b.len, (sb.zero_pages - 1) * PS);
	free(a.data);
	free(b.data);
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
	static const enum kx_page_codec codecs[] = { KX_CODEC_ZLIB, KX_CODEC_LZO, KX_CODEC_ZSTD };
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
			if (levels[j] && all_zero(want, PS)) {
				assert_int_equal(ret, -EFAULT);
				continue;
			}
			assert_int_equal(ret, 0);
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
 * output still says incomplete. */
static void test_failed_write_marks_incomplete(void **state)
{
	static const size_t fail_at[] = { 5000, 20000, 100000, 600000 };
	struct core c;

	core_open(&c);
	for (size_t i = 0; i < sizeof(fail_at) / sizeof(fail_at[0]); i++) {
		struct kx_save_opts o = { .codec = KX_CODEC_ZLIB, .dump_level = 1 };
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

/* Seeds: a small dump (a core of one page) in each codec, and its stream. */
static int write_corpus(const char *dir)
{
	static const enum kx_page_codec codecs[] = { KX_CODEC_NONE, KX_CODEC_ZLIB,
						     KX_CODEC_LZO, KX_CODEC_ZSTD };
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
	for (size_t i = 0; i < 4 && !ret; i++) {
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
	return ret;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdump_each_codec_and_level),
		cmocka_unit_test(test_zero_pages_are_left_out),
		cmocka_unit_test(test_flattened_round_trip),
		cmocka_unit_test(test_threads_identical),
		cmocka_unit_test(test_elf_output),
		cmocka_unit_test(test_failed_write_marks_incomplete),
		cmocka_unit_test(test_reader_rejects),
		cmocka_unit_test(test_reader_bad_page),
	};

	if (argc == 3 && strcmp(argv[1], "--write-core") == 0)
		return write_core(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
		return write_corpus(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
