/* SPDX-License-Identifier: MIT */
/*
 * The kdump-compressed dump format that makedumpfile writes and crash reads
 * (makedumpfile's diskdump_mod.h and IMPLEMENTATION, header_version 6), and
 * makedumpfile's flattened stream of it (-F, rebuilt by -R).
 *
 * kdump-compressed file, in blocks of block_size (= the page size):
 *   block 0               struct disk_dump_header, signature "KDUMP   "
 *   block 1..sub_hdr_size struct kdump_sub_header, then a copy of the ELF
 *                         notes (VMCOREINFO inside them)
 *   bitmap_blocks         1st bitmap (pfns that are RAM), then the 2nd
 *                         (pfns dumped), each half of bitmap_blocks; bit
 *                         pfn % 8 of byte pfn / 8
 *   page_desc table       one per set bit of the 2nd bitmap, in pfn order
 *   page data             each page compressed, or raw when that is not
 *                         smaller (flags 0, size = block_size)
 *
 * The layouts are those of x86_64 (LP64, 8-byte off_t and struct timeval).
 *
 * Flattened stream: a 4096-byte header (signature "makedumpfile", type 1,
 * version 1), then records of {int64 offset, int64 size} and size bytes to
 * put at offset in the rebuilt file, ended by offset = size = -1. The 64-bit
 * numbers are big-endian whatever the machine (makedumpfile's
 * write_start_flat_header and write_buffer).
 */
#ifndef KX_CRASH_KDUMP_H
#define KX_CRASH_KDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crash/vmcore.h"

#define KX_KDUMP_SIGNATURE "KDUMP   "
#define KX_KDUMP_SIGNATURE_LEN 8
#define KX_KDUMP_HEADER_VERSION 6
#define KX_KDUMP_UTS_FIELDS 6 /* struct new_utsname: sysname .. domainname */
#define KX_KDUMP_UTS_LEN 65

/* struct disk_dump_header on x86_64: offsets of its fields. */
enum {
	KX_DDH_SIGNATURE = 0,
	KX_DDH_HEADER_VERSION = 8,
	KX_DDH_UTSNAME = 12, /* 6 x 65 bytes, then padding to 8 */
	KX_DDH_TIMESTAMP = 408, /* tv_sec, tv_usec: 8 bytes each */
	KX_DDH_STATUS = 424,
	KX_DDH_BLOCK_SIZE = 428,
	KX_DDH_SUB_HDR_SIZE = 432,
	KX_DDH_BITMAP_BLOCKS = 436,
	KX_DDH_MAX_MAPNR = 440,
	KX_DDH_TOTAL_RAM_BLOCKS = 444,
	KX_DDH_DEVICE_BLOCKS = 448,
	KX_DDH_WRITTEN_BLOCKS = 452,
	KX_DDH_CURRENT_CPU = 456,
	KX_DDH_NR_CPUS = 460,
	KX_DDH_SIZE = 464,
};
_Static_assert(KX_DDH_UTSNAME + KX_KDUMP_UTS_FIELDS * KX_KDUMP_UTS_LEN <= KX_DDH_TIMESTAMP,
	       "utsname ends before the 8-aligned timestamp");

/* struct kdump_sub_header on x86_64 (at block 1). */
enum {
	KX_KSH_PHYS_BASE = 0,
	KX_KSH_DUMP_LEVEL = 8,
	KX_KSH_SPLIT = 12,
	KX_KSH_START_PFN = 16,
	KX_KSH_END_PFN = 24,
	KX_KSH_OFFSET_VMCOREINFO = 32,
	KX_KSH_SIZE_VMCOREINFO = 40,
	KX_KSH_OFFSET_NOTE = 48,
	KX_KSH_SIZE_NOTE = 56,
	KX_KSH_OFFSET_ERASEINFO = 64,
	KX_KSH_SIZE_ERASEINFO = 72,
	KX_KSH_START_PFN_64 = 80,
	KX_KSH_END_PFN_64 = 88,
	KX_KSH_MAX_MAPNR_64 = 96,
	KX_KSH_SIZE = 104,
};

/* struct page_desc. */
enum {
	KX_PD_OFFSET = 0,
	KX_PD_SIZE = 8,
	KX_PD_FLAGS = 12,
	KX_PD_PAGE_FLAGS = 16,
	KX_PD_STRUCT_SIZE = 24,
};

/* diskdump_mod.h: a page_desc's flags name its codec; the header's status
 * carries the codec of the dump and whether it is complete. */
enum kx_kdump_flag {
	KX_KDUMP_ZLIB = 0x1,
	KX_KDUMP_LZO = 0x2,
	KX_KDUMP_SNAPPY = 0x4,
	KX_KDUMP_INCOMPLETE = 0x8,
	KX_KDUMP_EXCLUDED_VMEMMAP = 0x10,
	KX_KDUMP_ZSTD = 0x20,
};

struct kx_kdump_header {
	int32_t header_version;
	char utsname[KX_KDUMP_UTS_FIELDS][KX_KDUMP_UTS_LEN];
	int64_t tv_sec, tv_usec;
	uint32_t status;
	int32_t block_size;
	int32_t sub_hdr_size; /* blocks */
	uint32_t bitmap_blocks;
	uint32_t max_mapnr; /* truncated to 32 bits; max_mapnr_64 is the truth */
	uint32_t total_ram_blocks, device_blocks, written_blocks, current_cpu;
	int32_t nr_cpus;
	/* kdump_sub_header */
	uint64_t phys_base;
	int32_t dump_level, split;
	uint64_t start_pfn, end_pfn;
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
	uint64_t offset_eraseinfo, size_eraseinfo;
	uint64_t start_pfn_64, end_pfn_64, max_mapnr_64;
};

struct kx_kdump_page_desc {
	uint64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};

void kx_kdump_header_encode(const struct kx_kdump_header *h, uint8_t out[KX_DDH_SIZE]);
void kx_kdump_sub_header_encode(const struct kx_kdump_header *h, uint8_t out[KX_KSH_SIZE]);
void kx_kdump_desc_encode(const struct kx_kdump_page_desc *d, uint8_t out[KX_PD_STRUCT_SIZE]);

static inline bool kx_bitmap_test(const uint8_t *map, uint64_t bit)
{
	return map[bit >> 3] >> (bit & 7) & 1;
}

static inline void kx_bitmap_set(uint8_t *map, uint64_t bit)
{
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

/* Caps on what a dump's header may make the reader allocate or copy. */
#define KX_KDUMP_MAX_BLOCK_SIZE (1u << 20)
#define KX_KDUMP_MAX_NOTES ((uint64_t)64 << 20)

/* A kdump-compressed file opened for reading; every offset the header or a
 * page_desc gives is checked against the file size. */
struct kx_kdump {
	kx_vmcore_read_fn read;
	void *ctx;
	uint64_t file_size;
	struct kx_kdump_header h;
	uint64_t max_mapnr;   /* max_mapnr_64, capped to what the bitmaps hold */
	uint64_t bitmap_len;  /* bytes of each bitmap */
	uint8_t *bitmap1, *bitmap2;
	uint64_t *rank;       /* dumped pages before each 64-pfn word of bitmap2 */
	uint64_t ndumped;
	uint64_t desc_offset; /* file offset of the page_desc table */
	uint8_t *notes;       /* the copy of the ELF notes (size_note bytes) */
	uint8_t *cbuf;        /* one compressed page */
};

/* Reads the headers and both bitmaps. Errors: "not a kdump-compressed file",
 * "header version 5: need 6 or later", "truncated: ...". */
int kx_kdump_open(struct kx_kdump *kd, kx_vmcore_read_fn read, void *ctx, uint64_t file_size);
void kx_kdump_close(struct kx_kdump *kd);
bool kx_kdump_is_ram(const struct kx_kdump *kd, uint64_t pfn);
bool kx_kdump_is_dumped(const struct kx_kdump *kd, uint64_t pfn);
/* The page_desc of a dumped pfn; -ENOENT (with a message) when it is not. */
int kx_kdump_page_desc(const struct kx_kdump *kd, uint64_t pfn, struct kx_kdump_page_desc *d);
/* A dumped page's block_size bytes, decompressed. */
int kx_kdump_read_page(struct kx_kdump *kd, uint64_t pfn, uint8_t *page);

/* --- the flattened stream --- */
#define KX_FLAT_SIGNATURE "makedumpfile"
#define KX_FLAT_HEADER_SIZE 4096
#define KX_FLAT_TYPE 1
#define KX_FLAT_VERSION 1
#define KX_FLAT_RECORD_SIZE 16
#define KX_FLAT_END UINT64_MAX /* offset and size -1 */

void kx_flat_header_encode(uint8_t out[KX_FLAT_HEADER_SIZE]);
void kx_flat_record_encode(uint8_t out[KX_FLAT_RECORD_SIZE], uint64_t offset, uint64_t size);

/* Reads up to len bytes of a stream; *got < len only at its end. */
typedef int (*kx_stream_read_fn)(void *ctx, void *buf, size_t len, size_t *got);
/* Writes len bytes at off of the output. */
typedef int (*kx_write_at_fn)(void *ctx, const void *buf, size_t len, uint64_t off);

/* Rebuilds the file a flattened stream describes (makedumpfile -R): checks the
 * header, then puts each record's bytes at its offset, up to the end record.
 * A record past max_size, a negative size or a stream that stops before
 * the end record is an error ("truncated: no end record"). */
int kx_flat_rebuild(kx_stream_read_fn read, void *rctx, kx_write_at_fn write, void *wctx,
		    uint64_t max_size);

#endif
