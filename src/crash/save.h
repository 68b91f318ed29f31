/* SPDX-License-Identifier: MIT */
/*
 * The dump saver behind vmcore-save: copies the crashed kernel's memory from
 * a vmcore (struct kx_vmcore) into a kdump-compressed file or an ELF core,
 * leaving out the pages the dump level excludes.
 *
 * Pure apart from the reads of the vmcore: all output goes through a
 * write-at callback, so the tool writes a file with pwrite or a flattened
 * stream to stdout, and tests write to memory.
 *
 * Dump levels (makedumpfile's -d): a bitmask of page kinds to leave out.
 * KX_DL_ZERO from the pages' bytes; the others from the crashed kernel's
 * struct page array (pagefilter.h). When VMCOREINFO does not describe what a
 * level needs, its pages are kept (a correct dump, just larger) and the
 * level recorded in the dump is the one applied.
 */
#ifndef KX_CRASH_SAVE_H
#define KX_CRASH_SAVE_H

#include <stdint.h>

#include "crash/kdump.h"
#include "crash/pagecodec.h"
#include "crash/pagefilter.h"
#include "crash/vmcore.h"

enum kx_dump_format {
	KX_DUMP_KDUMP, /* kdump-compressed */
	KX_DUMP_ELF,
};

/* makedumpfile's dump level bits. */
enum kx_dump_level {
	KX_DL_ZERO = 1,
	KX_DL_CACHE = 2,
	KX_DL_CACHE_PRIVATE = 4,
	KX_DL_USER = 8,
	KX_DL_FREE = 16,
};
#define KX_DL_MAX 31
/* The levels read from struct pages. */
#define KX_DL_STRUCT_PAGE (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE)
/* The most threads compressing pages. */
#define KX_SAVE_MAX_THREADS 64

/* Where the threads read the struct page array and the pages of a
 * kdump-compressed dump: a reader of the vmcore file that each thread may
 * call at the same time as the others, with its own context (ctx[thread]).
 * Without one, the walk runs in the caller and the pages are read through
 * the vmcore's reader, one thread at a time. */
struct kx_save_source {
	kx_vmcore_read_fn read;
	/* Optional: len bytes at file offset off mapped in place, valid until
	 * the next read or map with the same ctx; NULL to have them read. */
	kx_vmcore_map_fn map;
	void *ctx[KX_SAVE_MAX_THREADS];
};

/* Called after each batch of pages: done of total pages handled so far. */
typedef void (*kx_save_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct kx_save_opts {
	enum kx_dump_format format;
	enum kx_page_codec codec; /* KX_DUMP_KDUMP only */
	unsigned dump_level;      /* 0..KX_DL_MAX */
	unsigned threads;         /* threads reading, compressing, writing; 0 or 1: the caller */
	const struct kx_save_source *source; /* NULL: the vmcore's reader */
	kx_save_progress_fn progress;
	void *progress_ctx;
};

struct kx_save_stats {
	uint64_t ram_pages;    /* pfns of RAM in the vmcore */
	uint64_t zero_pages;   /* all-zero pages left out (KX_DL_ZERO) */
	uint64_t free_pages;   /* free pages left out (KX_DL_FREE) */
	struct kx_filter_counts filtered; /* every kind the struct pages left out */
	unsigned level;        /* the dump level applied */
	char level_note[256];  /* why a requested, implemented bit was not applied */
	uint64_t dumped_pages; /* pages whose data is in the dump */
	uint64_t compressed_pages;
	uint64_t out_size;     /* bytes of the output file */
	/* Where the time went (CLOCK_MONOTONIC): classifying pages; reading,
	 * checking and compressing the pages kept, the threads waiting for a
	 * chunk to fill, and writing (each summed over the threads). Before
	 * those: building the bitmaps, and the threads' buffers and codecs; the
	 * headers and bitmaps written before the pages. */
	uint64_t filter_ns, fill_ns, wait_ns, write_ns;
	uint64_t bitmaps_ns, start_ns, head_ns;
};

/* Writes the dump. In the kdump-compressed format the header's status has
 * KX_KDUMP_INCOMPLETE until the last page is written, then is rewritten
 * without it: a dump cut short by a failed write says so. */
int kx_save(const struct kx_vmcore *vc, const struct kx_save_opts *o, kx_write_at_fn write,
	    void *wctx, struct kx_save_stats *st);

/* The page size of the crashed kernel (VMCOREINFO PAGESIZE, else 4096). */
uint64_t kx_save_page_size(const struct kx_vmcore *vc);

#endif
