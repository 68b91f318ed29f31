/* SPDX-License-Identifier: MIT */
#include "crash/save.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/elf.h"
#include "core/err.h"
#include "crash/corehdr.h"
#include "crash/pagefilter.h"

#define MOD "vmcore-save"
_Static_assert((int)KX_DL_CACHE == (int)KX_FILTER_CACHE &&
		       (int)KX_DL_CACHE_PRIVATE == (int)KX_FILTER_CACHE_PRIVATE &&
		       (int)KX_DL_USER == (int)KX_FILTER_USER && (int)KX_DL_FREE == (int)KX_FILTER_FREE,
	       "the dump level bits are the page filter's");
#define DEFAULT_PAGE_SIZE 4096u
#define MAX_PAGE_SIZE (1u << 20)
/* Pages read, compressed and written together; big enough for long reads of
 * /proc/vmcore and to keep the threads busy, small enough to stay in cache. */
#define CHUNK_PAGES 256u
#define OUT_BUF_SIZE ((size_t)4 << 20)
/* Bitmaps of more than this describe physical addresses no machine has. */
#define MAX_BITMAP_LEN ((uint64_t)1 << 30)
/* ELF's e_phnum is 16 bits; 0xffff is PN_XNUM. */
#define ELF_MAX_PHNUM 0xfffeu
/* kernel/crash_core.c: the CPU notes are "CORE" NT_PRSTATUS, 4-byte aligned. */
#define NOTE_ALIGN 4
#define NT_PRSTATUS 1
#define UTS_LEN (KX_KDUMP_UTS_FIELDS * KX_KDUMP_UTS_LEN)
/* CRASHTIME= is a time_t in decimal (kernel/crash_core.c): 20 digits at most. */
#define CRASHTIME_MAX 24

enum page_kind {
	PAGE_RAW,
	PAGE_COMPRESSED,
	PAGE_ZERO,
};

/* Pages of the 2nd bitmap in pfn order, as the ELF writer's zero-page pass
 * reads them. */
struct page_run {
	size_t n;
	uint64_t pfn[CHUNK_PAGES];
	uint8_t *in; /* n pages */
};

enum chunk_state {
	CHUNK_FREE,  /* nothing to do, or past the last page */
	CHUNK_READY, /* pfns chosen, waiting for a thread */
	CHUNK_BUSY,  /* a thread reads and compresses it */
	CHUNK_DONE,  /* data in out, waiting to be written */
};

/* A chunk of the kdump-compressed dump's pages: a thread reads each page,
 * leaves out an all-zero one and compresses the others into out, packed
 * in pfn order, so that the writer writes its data in one piece. */
struct chunk {
	enum chunk_state state;
	uint64_t seq; /* the chunk's place in the dump: written in this order */
	size_t n;
	uint64_t pfn[CHUNK_PAGES];
	uint8_t kind[CHUNK_PAGES];
	uint32_t len[CHUNK_PAGES]; /* bytes in out (0 for a zero page) */
	uint8_t *out;              /* room for CHUNK_PAGES pages of `bound` bytes */
	size_t used;
	int err; /* a read failed: its message is in err_msg */
	char err_msg[256];
};

/* What one reading and compressing thread owns (the caller's is w[0]). */
struct worker {
	unsigned idx;
	struct saver *s;
	struct kx_codec_ctx *cc;
	uint8_t *page;      /* a page read with read() instead of mapped */
	size_t last_load;   /* the PT_LOAD the last page was in */
	pthread_t th;
	uint64_t fill_ns;
};

/* The chunks in flight, and where the writing is. Every thread, the caller
 * too, fills chunks and writes the next one in the dump when it is filled
 * (pump): no thread only waits for the others to hand it work. */
struct pool {
	unsigned nthreads; /* threads started besides the caller */
	unsigned nchunks;
	struct chunk *chunks;
	struct worker w[KX_SAVE_MAX_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* a chunk is ready to fill, or the pool is done */
	pthread_mutex_t read_mu; /* the vmcore's own reader, one thread at a time */
	bool locks;
	bool writing;  /* a thread writes the head chunk, outside the lock */
	bool finished; /* every page written, or a thread failed */
	int err;       /* the first failure, its message in err_msg */
	char err_msg[512];
	/* Changed only by the thread writing. */
	uint64_t head;               /* seq of the next chunk to write */
	uint64_t pfn;                /* where the next chunk planned starts */
	uint64_t data_off, desc_off; /* where its data and descriptors go */
	uint64_t data_off0;          /* the zero page's data */
	uint64_t done;               /* pages written */
};

struct saver {
	const struct kx_vmcore *vc;
	const struct kx_save_opts *o;
	kx_write_at_fn write;
	void *wctx;
	struct kx_save_stats *st;
	unsigned level; /* the bits applied */
	uint64_t ps, max_mapnr, bitmap_len;
	uint8_t *bitmap1, *bitmap2;
	uint64_t ndumpable;
	struct pool pool;       /* the kdump-compressed format's pages */
	struct page_run run;    /* the ELF format's zero-page pass */
	uint8_t *obuf;          /* the ELF format's segment data */
	size_t bound;           /* a compressed page's most bytes */
};

uint64_t kx_save_page_size(const struct kx_vmcore *vc)
{
	uint64_t ps;

	if (kx_vmcoreinfo_pagesize(&vc->info, &ps) != 0) {
		kx_err_clear();
		return DEFAULT_PAGE_SIZE;
	}
	return ps;
}

/* Reads len bytes of physical memory; what no PT_LOAD covers reads as zeros
 * (the holes inside a page at the edge of a RAM range). */
static int read_phys(const struct kx_vmcore *vc, uint64_t paddr, uint8_t *buf, size_t len)
{
	while (len) {
		const struct kx_vmcore_load *in = NULL;
		uint64_t next = UINT64_MAX, n;
		int ret;

		for (size_t i = 0; i < vc->nloads && !in; i++) {
			const struct kx_vmcore_load *l = &vc->loads[i];

			if (paddr >= l->paddr && paddr - l->paddr < l->memsz)
				in = l;
			else if (l->paddr > paddr && l->paddr < next)
				next = l->paddr;
		}
		if (in) {
			n = in->memsz - (paddr - in->paddr);
			if (n > len)
				n = len;
			ret = kx_vmcore_read_paddr(vc, paddr, buf, (size_t)n);
			if (ret)
				return ret;
		} else {
			n = next - paddr < len ? next - paddr : len;
			memset(buf, 0, (size_t)n);
		}
		buf += n;
		paddr += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sets bits from..to-1: whole bytes at once. */
static void set_bits(uint8_t *map, uint64_t from, uint64_t to)
{
	for (; from < to && (from & 7); from++)
		kx_bitmap_set(map, from);
	if (to - from >= 8) {
		memset(map + from / 8, 0xff, (size_t)((to - from) / 8));
		from += (to - from) / 8 * 8;
	}
	for (; from < to; from++)
		kx_bitmap_set(map, from);
}

static uint64_t count_bits(const uint8_t *map, uint64_t len)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < len; i++)
		n += (uint64_t)__builtin_popcount(map[i]);
	return n;
}

/* 1st bitmap: every pfn a PT_LOAD touches; the 2nd starts as a copy. */
static int plan_bitmaps(struct saver *s)
{
	const struct kx_vmcore *vc = s->vc;
	uint64_t bytes;

	for (size_t i = 0; i < vc->nloads; i++) {
		const struct kx_vmcore_load *l = &vc->loads[i];
		uint64_t end_pfn = (l->paddr + (l->memsz - 1)) / s->ps + 1;

		if (end_pfn > s->max_mapnr)
			s->max_mapnr = end_pfn;
	}
	if (!s->max_mapnr)
		return kx_err(EINVAL, MOD, "the vmcore maps no memory (no PT_LOAD)");
	bytes = (s->max_mapnr + 7) / 8;
	s->bitmap_len = (bytes + s->ps - 1) / s->ps * s->ps;
	if (s->bitmap_len > MAX_BITMAP_LEN)
		return kx_err(EINVAL, MOD, "memory up to pfn 0x%" PRIx64 " needs bitmaps of %"
			      PRIu64 " bytes: not a real machine's map", s->max_mapnr,
			      s->bitmap_len);
	s->bitmap1 = calloc(1, (size_t)s->bitmap_len);
	s->bitmap2 = calloc(1, (size_t)s->bitmap_len);
	if (!s->bitmap1 || !s->bitmap2)
		return kx_err(ENOMEM, MOD, "out of memory for bitmaps of %" PRIu64 " bytes",
			      s->bitmap_len);
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct kx_vmcore_load *l = &vc->loads[i];

		set_bits(s->bitmap1, l->paddr / s->ps, (l->paddr + (l->memsz - 1)) / s->ps + 1);
	}
	memcpy(s->bitmap2, s->bitmap1, (size_t)s->bitmap_len);
	s->ndumpable = count_bits(s->bitmap2, s->bitmap_len);
	s->st->ram_pages = s->ndumpable;
	return 0;
}

/* The struct page walk, split among the threads when there are threads; each
 * part reads through its own context of the source (vcs[i], mapping the
 * struct pages in place where the source can), else the vmcore's reader. */
static int walk_pages(struct saver *s, unsigned level)
{
	const struct kx_save_source *src = s->o->source;
	unsigned n = s->o->threads > 1 ? s->o->threads : 1;
	struct kx_vmcore vcs[KX_SAVE_MAX_THREADS];
	const struct kx_vmcore *pv[KX_SAVE_MAX_THREADS];

	if (!src)
		return kx_filter_pages(s->vc, s->ps, level, s->bitmap2, s->max_mapnr,
				       &s->st->filtered);
	for (unsigned i = 0; i < n; i++) {
		vcs[i] = *s->vc;
		vcs[i].read = src->read;
		vcs[i].map = src->map;
		vcs[i].ctx = src->ctx[i];
		pv[i] = &vcs[i];
	}
	return kx_filter_pages_split(pv, n, s->ps, level, s->bitmap2, s->max_mapnr,
				     &s->st->filtered);
}

/* Levels 2, 4, 8 and 16 through the struct page array (pagefilter.h), which
 * makedumpfile also walks whenever the kernel exports PG_hwpoison, for the
 * poisoned and offline pages it always leaves out. When the core does not
 * describe what a level needs or reading it fails, those pages are kept (the
 * dump stays correct), the level recorded is the one applied, and the reason
 * is noted for the caller to show. */
static void filter_pages(struct saver *s)
{
	unsigned want = s->level & KX_DL_STRUCT_PAGE;
	int64_t hwpoison;
	int ret;

	if (!want && kx_vmcoreinfo_number(&s->vc->info, "PG_hwpoison", &hwpoison) != 0) {
		kx_err_clear();
		return;
	}
	ret = walk_pages(s, want);
	if (ret) {
		if (want)
			snprintf(s->st->level_note, sizeof(s->st->level_note), "%s", kx_errmsg());
		kx_err_clear();
		s->level &= ~want;
		memset(&s->st->filtered, 0, sizeof(s->st->filtered));
		return;
	}
	s->st->free_pages = s->st->filtered.free;
	s->ndumpable -= kx_filter_total(&s->st->filtered);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Up to CHUNK_PAGES pfns of the 2nd bitmap from *pfn on. A dump level leaves
 * most of it clear: a clear byte is passed over whole. */
static size_t take_pfns(const struct saver *s, uint64_t *pfns, uint64_t *pfn)
{
	size_t n = 0;

	while (*pfn < s->max_mapnr && n < CHUNK_PAGES) {
		if (!(*pfn & 7) && !s->bitmap2[*pfn >> 3]) {
			*pfn += 8;
			continue;
		}
		if (kx_bitmap_test(s->bitmap2, *pfn))
			pfns[n++] = *pfn;
		(*pfn)++;
	}
	if (*pfn > s->max_mapnr)
		*pfn = s->max_mapnr;
	return n;
}

/* The next pages of the 2nd bitmap from *pfn, read into r->in (runs of
 * consecutive pfns in one read); 0 pages at the end. */
static int next_run(struct saver *s, struct page_run *r, uint64_t *pfn)
{
	size_t i = 0;

	r->n = take_pfns(s, r->pfn, pfn);
	while (i < r->n) {
		size_t j = i + 1;
		int ret;

		while (j < r->n && r->pfn[j] == r->pfn[j - 1] + 1)
			j++;
		ret = read_phys(s->vc, r->pfn[i] * s->ps, r->in + i * s->ps, (j - i) * s->ps);
		if (ret)
			return kx_err_prefix(ret, "reading pfn 0x%" PRIx64, r->pfn[i]);
		i = j;
	}
	return 0;
}

/* The bytes of page pfn, for thread w: mapped in place when the source can
 * (no copy), else read into w->page. A page the file holds whole is read
 * through the thread's own source; the rest (pages at the edge of a range,
 * or no source given) through the vmcore's reader, one thread at a time. */
static const uint8_t *page_bytes(struct saver *s, struct worker *w, uint64_t pfn, int *ret)
{
	const struct kx_save_source *src = s->o->source;
	const struct kx_vmcore *vc = s->vc;
	uint64_t pa = pfn * s->ps;
	size_t k = w->last_load;

	if (k >= vc->nloads || pa < vc->loads[k].paddr ||
	    pa - vc->loads[k].paddr >= vc->loads[k].filesz) {
		for (k = 0; k < vc->nloads; k++)
			if (pa >= vc->loads[k].paddr && pa - vc->loads[k].paddr < vc->loads[k].filesz)
				break;
		w->last_load = k;
	}
	if (src && k < vc->nloads && vc->loads[k].filesz - (pa - vc->loads[k].paddr) >= s->ps) {
		uint64_t off = vc->loads[k].offset + (pa - vc->loads[k].paddr);
		const void *p = src->map ? src->map(src->ctx[w->idx], off, (size_t)s->ps) : NULL;

		if (p)
			return p;
		*ret = src->read(src->ctx[w->idx], w->page, (size_t)s->ps, off);
		return w->page;
	}
	if (s->pool.locks)
		pthread_mutex_lock(&s->pool.read_mu);
	*ret = read_phys(vc, pa, w->page, (size_t)s->ps);
	if (s->pool.locks)
		pthread_mutex_unlock(&s->pool.read_mu);
	return w->page;
}

/* Reads, checks and compresses the chunk's pages. Each page on its own, so
 * whichever thread does a chunk, the bytes are the same. Timed per chunk, not
 * per page: under QEMU's TCG the guest clock is often the HPET, and reading it
 * twice per page would cost more than reading the page. */
static void fill_chunk(struct saver *s, struct worker *w, struct chunk *c)
{
	uint64_t t0 = now_ns();

	c->used = 0;
	c->err = 0;
	for (size_t i = 0; i < c->n; i++) {
		int ret = 0;
		const uint8_t *page = page_bytes(s, w, c->pfn[i], &ret);
		uint8_t *dst = c->out + c->used;
		size_t n = 0;

		if (ret) {
			snprintf(c->err_msg, sizeof(c->err_msg), "reading pfn 0x%" PRIx64 ": %s",
				 c->pfn[i], kx_errmsg());
			kx_err_clear();
			c->err = ret;
			break;
		}
		if ((s->level & KX_DL_ZERO) && kx_page_is_zero(page, (size_t)s->ps)) {
			c->kind[i] = PAGE_ZERO;
		} else if (w->cc && kx_codec_compress(w->cc, page, (size_t)s->ps, dst, &n)) {
			c->kind[i] = PAGE_COMPRESSED;
		} else {
			memcpy(dst, page, (size_t)s->ps);
			n = (size_t)s->ps;
			c->kind[i] = PAGE_RAW;
		}
		c->len[i] = (uint32_t)n;
		c->used += n;
	}
	w->fill_ns += now_ns() - t0;
}

static void report(struct saver *s, uint64_t done)
{
	if (s->o->progress)
		s->o->progress(s->o->progress_ctx, done, s->ndumpable);
}

/* The crashed kernel's struct new_utsname (init_uts_ns.name, as makedumpfile
 * reads it); without that symbol, what VMCOREINFO tells. */
static void fill_utsname(const struct kx_vmcore *vc, struct kx_kdump_header *h)
{
	uint64_t sym, off;
	char osrelease[KX_KDUMP_UTS_LEN] = { 0 };

	if (kx_vmcoreinfo_symbol(&vc->info, "init_uts_ns", &sym) == 0) {
		/* Before uts_namespace.name was exported, a kref (an int) came first. */
		if (kx_vmcoreinfo_offset(&vc->info, "uts_namespace.name", &off) != 0)
			off = sizeof(int32_t);
		if (kx_vmcore_read_vaddr(vc, sym + off, h->utsname, UTS_LEN) == 0) {
			for (int i = 0; i < KX_KDUMP_UTS_FIELDS; i++)
				h->utsname[i][KX_KDUMP_UTS_LEN - 1] = '\0';
			return;
		}
	}
	kx_err_clear();
	memset(h->utsname, 0, UTS_LEN);
	strcpy(h->utsname[0], "Linux");
	if (kx_vmcoreinfo_osrelease(&vc->info, osrelease, sizeof(osrelease)) == 0)
		memcpy(h->utsname[2], osrelease, sizeof(osrelease));
	strcpy(h->utsname[4], "x86_64");
	kx_err_clear();
}

/* CPUs that left a register note (makedumpfile's get_nr_cpus). */
static int32_t count_cpus(const struct kx_vmcore *vc)
{
	struct kx_elf_note_iter it;
	struct kx_elf_note n;
	int32_t cpus = 0;

	kx_elf_notes_begin(&it, (const uint8_t *)vc->notes, vc->notes_len, NOTE_ALIGN);
	while (kx_elf_notes_next(&it, &n))
		cpus += n.n_type == NT_PRSTATUS && kx_elf_note_named(&n, "CORE");
	return cpus;
}

static void fill_header(const struct saver *s, struct kx_kdump_header *h, uint64_t sub_blocks)
{
	const struct kx_vmcore *vc = s->vc;
	const char *val;
	size_t len;

	memset(h, 0, sizeof(*h));
	h->header_version = KX_KDUMP_HEADER_VERSION;
	fill_utsname(vc, h);
	if (kx_vmcoreinfo_get(&vc->info, "CRASHTIME=", &val, &len) == 0 && len < CRASHTIME_MAX) {
		char num[CRASHTIME_MAX];

		memcpy(num, val, len);
		num[len] = '\0';
		h->tv_sec = strtoll(num, NULL, 10);
	}
	kx_err_clear();
	h->status = KX_KDUMP_INCOMPLETE | kx_codec_flag(s->o->codec);
	h->block_size = (int32_t)s->ps;
	h->sub_hdr_size = (int32_t)sub_blocks;
	h->bitmap_blocks = (uint32_t)(2 * s->bitmap_len / s->ps);
	h->max_mapnr = s->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)s->max_mapnr;
	h->nr_cpus = count_cpus(vc);
	h->phys_base = vc->phys_base;
	h->dump_level = (int32_t)s->level;
	h->offset_note = s->ps + KX_KSH_SIZE;
	h->size_note = vc->notes_len;
	h->offset_vmcoreinfo = h->offset_note + (uint64_t)(vc->info.text - vc->notes);
	h->size_vmcoreinfo = vc->info.len;
	h->max_mapnr_64 = s->max_mapnr;
}

static int write_kdump_header(struct saver *s, const struct kx_kdump_header *h)
{
	uint8_t b[KX_DDH_SIZE];

	kx_kdump_header_encode(h, b);
	return s->write(s->wctx, b, sizeof(b), 0);
}

static void pool_lock(struct pool *p)
{
	if (p->locks)
		pthread_mutex_lock(&p->mu);
}

static void pool_unlock(struct pool *p)
{
	if (p->locks)
		pthread_mutex_unlock(&p->mu);
}

/* Every thread stops at its next look at the pool. */
static void pool_finish(struct pool *p)
{
	p->finished = true;
	if (p->locks)
		pthread_cond_broadcast(&p->cv);
}

/* The first failure, for the caller's thread to return (kx_err's message is
 * per thread). */
static void pool_fail(struct pool *p, int ret)
{
	if (!p->err) {
		p->err = ret;
		snprintf(p->err_msg, sizeof(p->err_msg), "%s", kx_errmsg());
	}
	pool_finish(p);
}

/* Gives chunk c the next pfns (none past the last page) and its seq. Under
 * the lock, by the thread writing (or before any thread starts). */
static void chunk_plan(struct saver *s, struct chunk *c, uint64_t seq)
{
	c->n = take_pfns(s, c->pfn, &s->pool.pfn);
	c->seq = seq;
	c->state = c->n ? CHUNK_READY : CHUNK_FREE;
}

/* The descriptors and data of filled chunk c, at the pool's offsets. All-zero
 * pages share one descriptor whose data, one page of zeros, comes first
 * (makedumpfile's pd_zero), so readers still find them. Outside the lock:
 * only the thread writing is here. */
static int write_chunk(struct saver *s, struct chunk *c)
{
	struct pool *p = &s->pool;
	uint8_t descs[CHUNK_PAGES * KX_PD_STRUCT_SIZE];
	uint64_t t0 = now_ns();
	int ret = 0;

	if (c->err)
		return kx_err(-c->err, MOD, "%s", c->err_msg);
	for (size_t i = 0, at = 0; i < c->n; i++) {
		struct kx_kdump_page_desc d = { .offset = p->data_off0, .size = (uint32_t)s->ps };

		if (c->kind[i] == PAGE_ZERO) {
			s->st->zero_pages++;
		} else {
			d = (struct kx_kdump_page_desc){ .offset = p->data_off + at, .size = c->len[i] };
			if (c->kind[i] == PAGE_COMPRESSED) {
				d.flags = kx_codec_flag(s->o->codec);
				s->st->compressed_pages++;
			}
			s->st->dumped_pages++;
			at += c->len[i];
		}
		kx_kdump_desc_encode(&d, descs + i * KX_PD_STRUCT_SIZE);
	}
	if (c->used)
		ret = s->write(s->wctx, c->out, c->used, p->data_off);
	p->data_off += c->used;
	if (!ret)
		ret = s->write(s->wctx, descs, c->n * KX_PD_STRUCT_SIZE, p->desc_off);
	p->desc_off += c->n * KX_PD_STRUCT_SIZE;
	p->done += c->n;
	s->st->write_ns += now_ns() - t0;
	if (!ret)
		report(s, p->done);
	return ret;
}

/* The work of every thread, the caller's too, until every page is written or
 * one fails: write the head chunk (the next in the dump) once it is filled,
 * unless another thread is writing; else fill the ready chunk that comes
 * first; else wait for one. A written chunk is planned again at once, for
 * the pages nchunks chunks further on. The thread that fills the head chunk
 * goes on to write it, so a thread waits only while another writes or
 * while all the chunks are taken. */
static void pump(struct saver *s, struct worker *w)
{
	struct pool *p = &s->pool;

	pool_lock(p);
	while (!p->finished) {
		struct chunk *h = &p->chunks[p->head % p->nchunks];
		struct chunk *c = NULL;
		uint64_t t0;

		if (h->state == CHUNK_FREE) { /* past the last page */
			pool_finish(p);
			break;
		}
		if (!p->writing && h->state == CHUNK_DONE) {
			int ret;

			p->writing = true;
			pool_unlock(p);
			ret = write_chunk(s, h);
			pool_lock(p);
			p->writing = false;
			if (ret) {
				pool_fail(p, ret);
				break;
			}
			chunk_plan(s, h, h->seq + p->nchunks);
			p->head++;
			if (p->locks && h->state == CHUNK_READY)
				pthread_cond_signal(&p->cv);
			continue;
		}
		for (unsigned i = 0; i < p->nchunks; i++)
			if (p->chunks[i].state == CHUNK_READY && (!c || p->chunks[i].seq < c->seq))
				c = &p->chunks[i];
		if (c) {
			c->state = CHUNK_BUSY;
			pool_unlock(p);
			fill_chunk(s, w, c);
			pool_lock(p);
			c->state = CHUNK_DONE;
			continue;
		}
		if (!p->locks) { /* cannot happen: one thread always has work */
			pool_fail(p, kx_err(EINVAL, MOD, "the page writer has nothing to do"));
			break;
		}
		t0 = now_ns();
		pthread_cond_wait(&p->cv, &p->mu);
		s->st->wait_ns += now_ns() - t0;
	}
	pool_unlock(p);
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

	pump(w->s, w);
	return NULL;
}

/* The chunks (two per thread: four per thread measured the same; one without
 * threads), a codec context and a page buffer per thread.
 * The buffers are touched here, before any thread starts: a guest's first
 * touches of fresh memory from two threads at once are slow under QEMU's
 * TCG. The threads start with the pages (write_kdump_pages). */
static int pool_start(struct saver *s)
{
	struct pool *p = &s->pool;
	unsigned nw = s->o->threads > 1 ? s->o->threads : 1;
	enum kx_page_codec codec = s->o->codec;

	p->nchunks = nw > 1 ? 2 * nw : 1;
	p->chunks = calloc(p->nchunks, sizeof(*p->chunks));
	if (!p->chunks)
		return kx_err(ENOMEM, MOD, "out of memory for %u chunks", p->nchunks);
	for (unsigned i = 0; i < p->nchunks; i++) {
		p->chunks[i].out = malloc(CHUNK_PAGES * s->bound);
		if (!p->chunks[i].out)
			return kx_err(ENOMEM, MOD, "out of memory for page buffers");
		for (size_t off = 0; off < CHUNK_PAGES * s->bound; off += 4096)
			p->chunks[i].out[off] = 0;
	}
	for (unsigned i = 0; i < nw; i++) {
		struct worker *w = &p->w[i];
		int ret;

		*w = (struct worker){ .idx = i, .s = s, .last_load = SIZE_MAX };
		w->page = calloc(1, (size_t)s->ps);
		if (!w->page)
			return kx_err(ENOMEM, MOD, "out of memory for page buffers");
		if (codec != KX_CODEC_NONE && (ret = kx_codec_new(codec, &w->cc)))
			return ret;
	}
	return 0;
}

static void pool_stop(struct saver *s)
{
	struct pool *p = &s->pool;

	if (p->locks) {
		pthread_mutex_destroy(&p->mu);
		pthread_mutex_destroy(&p->read_mu);
		pthread_cond_destroy(&p->cv);
	}
	for (unsigned i = 0; i < KX_SAVE_MAX_THREADS; i++) {
		s->st->fill_ns += p->w[i].fill_ns;
		kx_codec_free(p->w[i].cc);
		free(p->w[i].page);
	}
	for (unsigned i = 0; p->chunks && i < p->nchunks; i++)
		free(p->chunks[i].out);
	free(p->chunks);
	memset(p, 0, sizeof(*p));
}

/* Descriptors and data of every page of the 2nd bitmap, in pfn order, by the
 * caller and the threads (pump). */
static int write_kdump_pages(struct saver *s, uint64_t desc_off, uint64_t data_off)
{
	struct pool *p = &s->pool;
	unsigned want = s->o->threads > 1 ? s->o->threads : 0;
	int ret = 0;

	p->data_off0 = data_off;
	if (s->level & KX_DL_ZERO) {
		memset(p->w[0].page, 0, (size_t)s->ps);
		ret = s->write(s->wctx, p->w[0].page, (size_t)s->ps, data_off);
		if (ret)
			return ret;
		data_off += s->ps;
	}
	p->data_off = data_off;
	p->desc_off = desc_off;
	for (unsigned i = 0; i < p->nchunks; i++)
		chunk_plan(s, &p->chunks[i], i);
	if (want) {
		pthread_mutex_init(&p->mu, NULL);
		pthread_mutex_init(&p->read_mu, NULL);
		pthread_cond_init(&p->cv, NULL);
		p->locks = true;
	}
	for (unsigned i = 1; i < want; i++) {
		int err = pthread_create(&p->w[i].th, NULL, thread_main, &p->w[i]);

		if (err) {
			pool_lock(p);
			pool_fail(p, kx_err(err, MOD, "cannot start thread %u: %s", i + 1,
					    strerror(err)));
			pool_unlock(p);
			break;
		}
		p->nthreads = i;
	}
	pump(s, &p->w[0]);
	for (unsigned i = 1; i <= p->nthreads; i++)
		pthread_join(p->w[i].th, NULL);
	s->st->out_size = p->data_off;
	if (p->err) {
		kx_err_restore(p->err_msg);
		return p->err;
	}
	return 0;
}

static int save_kdump(struct saver *s)
{
	const struct kx_vmcore *vc = s->vc;
	struct kx_kdump_header h;
	uint64_t sub_blocks = (KX_KSH_SIZE + vc->notes_len + s->ps - 1) / s->ps;
	uint64_t bitmap_off = (1 + sub_blocks) * s->ps;
	uint64_t desc_off = bitmap_off + 2 * s->bitmap_len;
	uint64_t t0 = now_ns();
	uint8_t *sub;
	int ret;

	if (2 * s->bitmap_len / s->ps > UINT32_MAX || sub_blocks > INT32_MAX)
		return kx_err(EINVAL, MOD, "the dump's bitmaps or notes do not fit the "
			      "kdump-compressed header's 32-bit block counts");
	fill_header(s, &h, sub_blocks);
	ret = write_kdump_header(s, &h);
	if (ret)
		return ret;
	sub = calloc(1, KX_KSH_SIZE + vc->notes_len);
	if (!sub)
		return kx_err(ENOMEM, MOD, "out of memory for the sub header");
	kx_kdump_sub_header_encode(&h, sub);
	memcpy(sub + KX_KSH_SIZE, vc->notes, vc->notes_len);
	ret = s->write(s->wctx, sub, KX_KSH_SIZE + vc->notes_len, s->ps);
	free(sub);
	if (!ret)
		ret = s->write(s->wctx, s->bitmap1, (size_t)s->bitmap_len, bitmap_off);
	if (!ret)
		ret = s->write(s->wctx, s->bitmap2, (size_t)s->bitmap_len,
			       bitmap_off + s->bitmap_len);
	s->st->head_ns = now_ns() - t0;
	if (!ret)
		ret = write_kdump_pages(s, desc_off, desc_off + s->ndumpable * KX_PD_STRUCT_SIZE);
	if (ret)
		return ret;
	h.status &= ~(uint32_t)KX_KDUMP_INCOMPLETE;
	return write_kdump_header(s, &h);
}

/* An ELF dump lists its ranges before the data, so zero pages are found in a
 * first pass over memory (makedumpfile reads them twice too). */
static int exclude_zero_pages(struct saver *s)
{
	struct page_run *c = &s->run;
	uint64_t pfn = 0, done = 0;
	int ret;

	while (!(ret = next_run(s, c, &pfn)) && c->n) {
		for (size_t i = 0; i < c->n; i++) {
			if (kx_page_is_zero(c->in + i * s->ps, (size_t)s->ps)) {
				s->bitmap2[c->pfn[i] >> 3] &= (uint8_t)~(1u << (c->pfn[i] & 7));
				s->st->zero_pages++;
			}
		}
		done += c->n;
		report(s, done / 2);
	}
	return ret;
}

/* One PT_LOAD of the ELF dump: [start, file_end) has bytes in the file,
 * [file_end, mem_end) reads as zeros (ELF's p_memsz past p_filesz). */
struct elf_segment {
	const struct kx_vmcore_load *l;
	uint64_t start, file_end, mem_end;
};

static struct kx_core_phdr segment_phdr(const struct elf_segment *g)
{
	const struct kx_vmcore_load *l = g->l;

	return (struct kx_core_phdr){ .type = KX_PT_LOAD, .flags = KX_PF_R | KX_PF_W | KX_PF_X,
				      .vaddr = l->vaddr ? l->vaddr + (g->start - l->paddr) : 0,
				      .paddr = g->start, .filesz = g->file_end - g->start,
				      .memsz = g->mem_end - g->start };
}

/* The ELF dump's segments, makedumpfile's way (its write_elf_pages): each
 * PT_LOAD of the vmcore is covered whole, so that a page left out reads as
 * zeros, not as a hole readers stumble on (crash reads the kernel image's
 * zero pages). A run of at least ELF_GAP_PAGES left-out pages ends a segment
 * as its p_memsz-only tail; shorter runs stay inside one, written as zeros,
 * which keeps the program headers few. Fills gs when given; returns how
 * many. */
#define ELF_GAP_PAGES 256u
static size_t collect_segments(const struct saver *s, struct elf_segment *gs)
{
	size_t n = 0;

	for (size_t i = 0; i < s->vc->nloads; i++) {
		const struct kx_vmcore_load *l = &s->vc->loads[i];
		uint64_t end = l->paddr + l->memsz, gap = 0;
		struct elf_segment g = { l, l->paddr, l->paddr, l->paddr };

		for (uint64_t pfn = l->paddr / s->ps; pfn <= (end - 1) / s->ps; pfn++) {
			uint64_t a = pfn * s->ps < l->paddr ? l->paddr : pfn * s->ps;
			uint64_t b = (pfn + 1) * s->ps > end ? end : (pfn + 1) * s->ps;

			if (!kx_bitmap_test(s->bitmap2, pfn)) {
				gap++;
				g.mem_end = b;
				continue;
			}
			if (gap >= ELF_GAP_PAGES) {
				if (gs)
					gs[n] = g;
				n++;
				g = (struct elf_segment){ l, a, a, a };
			}
			gap = 0;
			g.file_end = g.mem_end = b;
		}
		if (gs)
			gs[n] = g;
		n++;
	}
	return n;
}

/* A segment's file bytes: memory, with the pages left out as zeros. */
static int write_elf_data(struct saver *s, const struct kx_core_phdr *h)
{
	uint64_t at = 0;
	int ret = 0;

	while (!ret && at < h->filesz) {
		size_t n = h->filesz - at < OUT_BUF_SIZE ? (size_t)(h->filesz - at) : OUT_BUF_SIZE;
		uint64_t pa = h->paddr + at;

		ret = read_phys(s->vc, pa, s->obuf, n);
		for (uint64_t p = pa; !ret && p < pa + n; p = (p / s->ps + 1) * s->ps) {
			uint64_t next = (p / s->ps + 1) * s->ps;

			if (!kx_bitmap_test(s->bitmap2, p / s->ps))
				memset(s->obuf + (p - pa), 0,
				       (size_t)((next < pa + n ? next : pa + n) - p));
		}
		if (!ret)
			ret = s->write(s->wctx, s->obuf, n, h->offset + at);
		at += n;
	}
	return ret;
}

static int save_elf(struct saver *s)
{
	const struct kx_vmcore *vc = s->vc;
	struct elf_segment *gs = NULL;
	struct kx_core_phdr *hs = NULL;
	uint8_t *hdr = NULL;
	size_t nsegs, hdr_len;
	uint64_t off, done = 0;
	int ret = 0;

	if (s->level & KX_DL_ZERO)
		ret = exclude_zero_pages(s);
	if (ret)
		return ret;
	nsegs = collect_segments(s, NULL);
	if (nsegs + 1 > ELF_MAX_PHNUM)
		return kx_err(E2BIG, MOD, "%zu memory ranges are kept: more than an ELF dump "
			      "can list; save in the kdump-compressed format instead", nsegs);
	hdr_len = KX_ELF64_EHDR_SIZE + (nsegs + 1) * KX_ELF64_PHDR_SIZE + vc->notes_len;
	gs = calloc(nsegs ? nsegs : 1, sizeof(*gs));
	hs = calloc(nsegs + 1, sizeof(*hs));
	hdr = calloc(1, hdr_len);
	if (!gs || !hs || !hdr) {
		ret = kx_err(ENOMEM, MOD, "out of memory for %zu program headers", nsegs + 1);
		goto out;
	}
	collect_segments(s, gs);
	hs[0] = (struct kx_core_phdr){ .type = KX_PT_NOTE,
				       .offset = hdr_len - vc->notes_len,
				       .filesz = vc->notes_len, .memsz = vc->notes_len };
	off = (hdr_len + s->ps - 1) / s->ps * s->ps;
	for (size_t i = 1; i <= nsegs; i++) {
		hs[i] = segment_phdr(&gs[i - 1]);
		/* A segment with no file bytes has no file offset (makedumpfile). */
		hs[i].offset = hs[i].filesz ? off : 0;
		off += hs[i].filesz;
	}
	for (uint64_t pfn = 0; pfn < s->max_mapnr; pfn++)
		s->st->dumped_pages += kx_bitmap_test(s->bitmap2, pfn);
	off = kx_corehdr_write_ehdr(hdr, (uint16_t)(nsegs + 1), KX_COREHDR_ELF64);
	for (size_t i = 0; i <= nsegs; i++)
		off += kx_corehdr_write_phdr(hdr + off, &hs[i], KX_COREHDR_ELF64);
	memcpy(hdr + off, vc->notes, vc->notes_len);
	ret = s->write(s->wctx, hdr, hdr_len, 0);
	s->st->out_size = hdr_len;
	for (size_t i = 1; !ret && i <= nsegs; i++) {
		ret = write_elf_data(s, &hs[i]);
		done += hs[i].filesz / s->ps;
		report(s, s->ndumpable / 2 + done / 2);
		if (hs[i].filesz)
			s->st->out_size = hs[i].offset + hs[i].filesz;
	}
out:
	free(gs);
	free(hs);
	free(hdr);
	return ret;
}

int kx_save(const struct kx_vmcore *vc, const struct kx_save_opts *o, kx_write_at_fn write,
	    void *wctx, struct kx_save_stats *st)
{
	struct saver s = { .vc = vc, .o = o, .write = write, .wctx = wctx, .st = st };
	uint64_t t0;
	int ret;

	memset(st, 0, sizeof(*st));
	s.ps = kx_save_page_size(vc);
	if (s.ps < DEFAULT_PAGE_SIZE || s.ps > MAX_PAGE_SIZE || (s.ps & (s.ps - 1)))
		return kx_err(EINVAL, MOD, "VMCOREINFO PAGESIZE=%" PRIu64 " is not a page size",
			      s.ps);
	if (o->dump_level > KX_DL_MAX)
		return kx_err(EINVAL, MOD, "dump level %u: the levels are 0 to %d", o->dump_level,
			      KX_DL_MAX);
	if (o->format == KX_DUMP_ELF && o->codec != KX_CODEC_NONE)
		return kx_err(EINVAL, MOD, "an ELF dump is not compressed: drop -c, -l, -p or -z");
	if (o->threads > KX_SAVE_MAX_THREADS)
		return kx_err(EINVAL, MOD, "%u threads: at most %u", o->threads,
			      KX_SAVE_MAX_THREADS);
	if (o->source && !o->source->read)
		return kx_err(EINVAL, MOD, "a page source without a read function");
	s.level = o->dump_level;
	s.bound = kx_codec_bound((size_t)s.ps);
	if (o->format == KX_DUMP_ELF) {
		s.run.in = malloc(CHUNK_PAGES * (size_t)s.ps);
		s.obuf = malloc(OUT_BUF_SIZE);
		if (!s.run.in || !s.obuf) {
			ret = kx_err(ENOMEM, MOD, "out of memory for page buffers");
			goto out;
		}
	}
	t0 = now_ns();
	ret = plan_bitmaps(&s);
	st->bitmaps_ns = now_ns() - t0;
	if (!ret && s.level) {
		t0 = now_ns();
		filter_pages(&s);
		st->filter_ns = now_ns() - t0;
	}
	st->level = s.level;
	t0 = now_ns();
	if (!ret && o->format == KX_DUMP_KDUMP)
		ret = pool_start(&s);
	st->start_ns = now_ns() - t0;
	if (!ret)
		ret = o->format == KX_DUMP_ELF ? save_elf(&s) : save_kdump(&s);
out:
	pool_stop(&s);
	free(s.run.in);
	free(s.obuf);
	free(s.bitmap1);
	free(s.bitmap2);
	return ret;
}
