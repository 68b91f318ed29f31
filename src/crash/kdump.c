/* SPDX-License-Identifier: MIT */
#include "crash/kdump.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "crash/pagecodec.h"

#define MOD "kdump"
#define FLAT_MOD "flattened"
/* The first header version with the 64-bit pfn fields (max_mapnr_64). */
#define KDUMP_VERSION_PFN64 6
/* The first with the copy of the ELF notes (offset_note, size_note). */
#define KDUMP_VERSION_NOTES 4
#define FLAT_SIGNATURE_FIELD 16 /* "makedumpfile" padded to 8 bytes */
#define FLAT_COPY_CHUNK ((size_t)1 << 20)

/* The scalar fields of both headers: where each sits in the file (from the
 * start of its header), its width, and its place in struct kx_kdump_header.
 * One table serves the writer and the reader. */
struct field {
	uint16_t at;
	uint8_t width;
	uint16_t member;
};

#define F(at, name) { at, sizeof(((struct kx_kdump_header *)0)->name), \
			    offsetof(struct kx_kdump_header, name) }
static const struct field header_fields[] = {
	F(KX_DDH_HEADER_VERSION, header_version),
	F(KX_DDH_TIMESTAMP, tv_sec),
	F(KX_DDH_TIMESTAMP + 8, tv_usec),
	F(KX_DDH_STATUS, status),
	F(KX_DDH_BLOCK_SIZE, block_size),
	F(KX_DDH_SUB_HDR_SIZE, sub_hdr_size),
	F(KX_DDH_BITMAP_BLOCKS, bitmap_blocks),
	F(KX_DDH_MAX_MAPNR, max_mapnr),
	F(KX_DDH_TOTAL_RAM_BLOCKS, total_ram_blocks),
	F(KX_DDH_DEVICE_BLOCKS, device_blocks),
	F(KX_DDH_WRITTEN_BLOCKS, written_blocks),
	F(KX_DDH_CURRENT_CPU, current_cpu),
	F(KX_DDH_NR_CPUS, nr_cpus),
};
static const struct field sub_header_fields[] = {
	F(KX_KSH_PHYS_BASE, phys_base),
	F(KX_KSH_DUMP_LEVEL, dump_level),
	F(KX_KSH_SPLIT, split),
	F(KX_KSH_START_PFN, start_pfn),
	F(KX_KSH_END_PFN, end_pfn),
	F(KX_KSH_OFFSET_VMCOREINFO, offset_vmcoreinfo),
	F(KX_KSH_SIZE_VMCOREINFO, size_vmcoreinfo),
	F(KX_KSH_OFFSET_NOTE, offset_note),
	F(KX_KSH_SIZE_NOTE, size_note),
	F(KX_KSH_OFFSET_ERASEINFO, offset_eraseinfo),
	F(KX_KSH_SIZE_ERASEINFO, size_eraseinfo),
	F(KX_KSH_START_PFN_64, start_pfn_64),
	F(KX_KSH_END_PFN_64, end_pfn_64),
	F(KX_KSH_MAX_MAPNR_64, max_mapnr_64),
};
#undef F

/* Little-endian in the file, native in the struct (4- or 8-byte fields). */
static void put_fields(const struct field *f, size_t n, const struct kx_kdump_header *h,
		       uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *src = (const uint8_t *)h + f[i].member;
		uint32_t v32;
		uint64_t v64;

		if (f[i].width == 4) {
			memcpy(&v32, src, 4);
			kx_put32(out + f[i].at, v32);
		} else {
			memcpy(&v64, src, 8);
			kx_put64(out + f[i].at, v64);
		}
	}
}

static void get_fields(const struct field *f, size_t n, const uint8_t *in,
		       struct kx_kdump_header *h)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *dst = (uint8_t *)h + f[i].member;
		uint32_t v32 = kx_le32(in + f[i].at);
		uint64_t v64;

		if (f[i].width == 4) {
			memcpy(dst, &v32, 4);
		} else {
			v64 = kx_le64(in + f[i].at);
			memcpy(dst, &v64, 8);
		}
	}
}

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

void kx_kdump_header_encode(const struct kx_kdump_header *h, uint8_t out[KX_DDH_SIZE])
{
	memset(out, 0, KX_DDH_SIZE);
	memcpy(out + KX_DDH_SIGNATURE, KX_KDUMP_SIGNATURE, KX_KDUMP_SIGNATURE_LEN);
	memcpy(out + KX_DDH_UTSNAME, h->utsname, sizeof(h->utsname));
	put_fields(header_fields, NFIELDS(header_fields), h, out);
}

void kx_kdump_sub_header_encode(const struct kx_kdump_header *h, uint8_t out[KX_KSH_SIZE])
{
	put_fields(sub_header_fields, NFIELDS(sub_header_fields), h, out);
}

void kx_kdump_desc_encode(const struct kx_kdump_page_desc *d, uint8_t out[KX_PD_STRUCT_SIZE])
{
	kx_put64(out + KX_PD_OFFSET, d->offset);
	kx_put32(out + KX_PD_SIZE, d->size);
	kx_put32(out + KX_PD_FLAGS, d->flags);
	kx_put64(out + KX_PD_PAGE_FLAGS, d->page_flags);
}

static void decode_header(const uint8_t *b, struct kx_kdump_header *h)
{
	memcpy(h->utsname, b + KX_DDH_UTSNAME, sizeof(h->utsname));
	get_fields(header_fields, NFIELDS(header_fields), b, h);
}

static void decode_sub_header(const uint8_t *b, struct kx_kdump_header *h)
{
	get_fields(sub_header_fields, NFIELDS(sub_header_fields), b, h);
}

/* Reads [off, off+len) after checking it lies inside the file. */
static int kdump_read(const struct kx_kdump *kd, void *buf, uint64_t len, uint64_t off,
		      const char *what)
{
	if (off > kd->file_size || len > kd->file_size - off)
		return kx_err(EINVAL, MOD, "truncated: %s (%" PRIu64 " bytes at offset %" PRIu64
			      ") goes past the end (file size %" PRIu64 ")", what, len, off,
			      kd->file_size);
	return len ? kd->read(kd->ctx, buf, (size_t)len, off) : 0;
}

static int check_geometry(struct kx_kdump *kd)
{
	const struct kx_kdump_header *h = &kd->h;
	uint64_t bs = (uint64_t)(uint32_t)h->block_size;

	if (h->header_version < 1)
		return kx_err(EINVAL, MOD, "header version %d: not a dump makedumpfile wrote",
			      h->header_version);
	if (h->block_size < KX_DDH_SIZE || (uint32_t)h->block_size > KX_KDUMP_MAX_BLOCK_SIZE ||
	    (h->block_size & (h->block_size - 1)))
		return kx_err(EINVAL, MOD, "block size %d: need a power of two from %d to %u",
			      h->block_size, KX_DDH_SIZE, KX_KDUMP_MAX_BLOCK_SIZE);
	if (h->sub_hdr_size < 1)
		return kx_err(EINVAL, MOD, "sub header of %d blocks", h->sub_hdr_size);
	if (h->bitmap_blocks == 0 || h->bitmap_blocks % 2)
		return kx_err(EINVAL, MOD, "%u bitmap blocks: need an even number, two bitmaps",
			      h->bitmap_blocks);
	kd->bitmap_len = h->bitmap_blocks / 2 * bs;
	/* Block counts are 32-bit, so these products fit in 64 bits. */
	kd->desc_offset = (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) * bs;
	if (kd->desc_offset > kd->file_size)
		return kx_err(EINVAL, MOD, "truncated: the bitmaps end at offset %" PRIu64
			      ", past the end (file size %" PRIu64 ")", kd->desc_offset,
			      kd->file_size);
	return 0;
}

/* After the sub header: from version 6 on, max_mapnr is its 64-bit field. */
static int check_max_mapnr(struct kx_kdump *kd)
{
	const struct kx_kdump_header *h = &kd->h;

	kd->max_mapnr = h->header_version >= KDUMP_VERSION_PFN64 ? h->max_mapnr_64 : h->max_mapnr;
	if (kd->max_mapnr > kd->bitmap_len * 8)
		return kx_err(EINVAL, MOD, "max_mapnr %" PRIu64 " does not fit the bitmaps "
			      "(%" PRIu64 " bits)", kd->max_mapnr, kd->bitmap_len * 8);
	return 0;
}

/* rank[w] = dumped pages below pfn 64 * w, so a page_desc is found in O(1). */
static int count_dumped(struct kx_kdump *kd)
{
	uint64_t words = (kd->max_mapnr + 63) / 64, n = 0, w;

	kd->rank = malloc((words + 1) * sizeof(*kd->rank));
	if (!kd->rank)
		return kx_err(ENOMEM, MOD, "out of memory for the page index");
	for (w = 0; w < words; w++) {
		uint64_t bits = 0;

		kd->rank[w] = n;
		for (unsigned i = 0; i < 8 && w * 8 + i < kd->bitmap_len; i++)
			bits |= (uint64_t)kd->bitmap2[w * 8 + i] << (8 * i);
		if (kd->max_mapnr - w * 64 < 64)
			bits &= (UINT64_C(1) << (kd->max_mapnr - w * 64)) - 1;
		n += (uint64_t)__builtin_popcountll(bits);
	}
	kd->rank[words] = n;
	kd->ndumped = n;
	if (n > (kd->file_size - kd->desc_offset) / KX_PD_STRUCT_SIZE)
		return kx_err(EINVAL, MOD, "truncated: %" PRIu64 " page descriptors at offset %"
			      PRIu64 " go past the end (file size %" PRIu64 ")", n,
			      kd->desc_offset, kd->file_size);
	return 0;
}

int kx_kdump_open(struct kx_kdump *kd, kx_vmcore_read_fn read, void *ctx, uint64_t file_size)
{
	uint8_t hdr[KX_DDH_SIZE], sub[KX_KSH_SIZE];
	int ret;

	memset(kd, 0, sizeof(*kd));
	kd->read = read;
	kd->ctx = ctx;
	kd->file_size = file_size;
	if (file_size < KX_DDH_SIZE)
		return kx_err(EINVAL, MOD, "not a kdump-compressed file (%" PRIu64 " bytes)",
			      file_size);
	ret = kdump_read(kd, hdr, sizeof(hdr), 0, "header");
	if (ret)
		return ret;
	if (memcmp(hdr, KX_KDUMP_SIGNATURE, KX_KDUMP_SIGNATURE_LEN) != 0)
		return kx_err(EINVAL, MOD, "not a kdump-compressed file (no \"KDUMP   \" signature)");
	decode_header(hdr, &kd->h);
	ret = check_geometry(kd);
	if (ret)
		return ret;
	ret = kdump_read(kd, sub, sizeof(sub), (uint64_t)kd->h.block_size, "sub header");
	if (ret)
		return ret;
	decode_sub_header(sub, &kd->h);
	ret = check_max_mapnr(kd);
	if (ret)
		return ret;
	kd->bitmap1 = malloc(kd->bitmap_len);
	kd->bitmap2 = malloc(kd->bitmap_len);
	kd->cbuf = malloc((size_t)kd->h.block_size);
	if (!kd->bitmap1 || !kd->bitmap2 || !kd->cbuf) {
		ret = kx_err(ENOMEM, MOD, "out of memory for bitmaps of %" PRIu64 " bytes",
			     kd->bitmap_len);
		goto out;
	}
	ret = kdump_read(kd, kd->bitmap1, kd->bitmap_len,
			 (1 + (uint64_t)kd->h.sub_hdr_size) * (uint64_t)kd->h.block_size,
			 "1st bitmap");
	if (!ret)
		ret = kdump_read(kd, kd->bitmap2, kd->bitmap_len,
				 (1 + (uint64_t)kd->h.sub_hdr_size) * (uint64_t)kd->h.block_size +
				 kd->bitmap_len, "2nd bitmap");
	if (!ret)
		ret = count_dumped(kd);
	if (!ret && kd->h.header_version >= KDUMP_VERSION_NOTES && kd->h.size_note) {
		if (kd->h.size_note > KX_KDUMP_MAX_NOTES) {
			ret = kx_err(E2BIG, MOD, "%" PRIu64 " bytes of notes: more than the %" PRIu64
				     " we accept", kd->h.size_note, KX_KDUMP_MAX_NOTES);
			goto out;
		}
		kd->notes = malloc(kd->h.size_note);
		ret = kd->notes ? kdump_read(kd, kd->notes, kd->h.size_note, kd->h.offset_note,
					     "the ELF notes")
				: kx_err(ENOMEM, MOD, "out of memory for the notes");
	}
out:
	if (ret)
		kx_kdump_close(kd);
	return ret;
}

void kx_kdump_close(struct kx_kdump *kd)
{
	free(kd->bitmap1);
	free(kd->bitmap2);
	free(kd->rank);
	free(kd->notes);
	free(kd->cbuf);
	kd->bitmap1 = kd->bitmap2 = kd->notes = kd->cbuf = NULL;
	kd->rank = NULL;
}

bool kx_kdump_is_ram(const struct kx_kdump *kd, uint64_t pfn)
{
	return pfn < kd->max_mapnr && kx_bitmap_test(kd->bitmap1, pfn);
}

bool kx_kdump_is_dumped(const struct kx_kdump *kd, uint64_t pfn)
{
	return pfn < kd->max_mapnr && kx_bitmap_test(kd->bitmap2, pfn);
}

int kx_kdump_page_desc(const struct kx_kdump *kd, uint64_t pfn, struct kx_kdump_page_desc *d)
{
	uint8_t b[KX_PD_STRUCT_SIZE];
	uint64_t index, i;
	int ret;

	if (!kx_kdump_is_dumped(kd, pfn))
		return kx_err(ENOENT, MOD, "pfn 0x%" PRIx64 " is not in the dump", pfn);
	index = kd->rank[pfn / 64];
	for (i = pfn & ~UINT64_C(63); i < pfn; i++)
		index += kx_bitmap_test(kd->bitmap2, i);
	ret = kdump_read(kd, b, sizeof(b), kd->desc_offset + index * KX_PD_STRUCT_SIZE,
			 "page descriptor");
	if (ret)
		return ret;
	d->offset = kx_le64(b + KX_PD_OFFSET);
	d->size = kx_le32(b + KX_PD_SIZE);
	d->flags = kx_le32(b + KX_PD_FLAGS);
	d->page_flags = kx_le64(b + KX_PD_PAGE_FLAGS);
	return 0;
}

int kx_kdump_read_page(struct kx_kdump *kd, uint64_t pfn, uint8_t *page)
{
	struct kx_kdump_page_desc d;
	int ret = kx_kdump_page_desc(kd, pfn, &d);

	if (ret)
		return ret;
	if (d.size == 0 || d.size > (uint32_t)kd->h.block_size)
		return kx_err(EINVAL, MOD, "pfn 0x%" PRIx64 ": page of %u bytes (block size %d)",
			      pfn, d.size, kd->h.block_size);
	ret = kdump_read(kd, kd->cbuf, d.size, d.offset, "page data");
	if (!ret)
		ret = kx_page_decompress(d.flags, kd->cbuf, d.size, page,
					 (size_t)kd->h.block_size);
	if (ret)
		return kx_err_prefix(ret, "pfn 0x%" PRIx64, pfn);
	return 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void kx_flat_header_encode(uint8_t out[KX_FLAT_HEADER_SIZE])
{
	memset(out, 0, KX_FLAT_HEADER_SIZE);
	memcpy(out, KX_FLAT_SIGNATURE, sizeof(KX_FLAT_SIGNATURE) - 1);
	put_be64(out + FLAT_SIGNATURE_FIELD, KX_FLAT_TYPE);
	put_be64(out + FLAT_SIGNATURE_FIELD + 8, KX_FLAT_VERSION);
}

void kx_flat_record_encode(uint8_t out[KX_FLAT_RECORD_SIZE], uint64_t offset, uint64_t size)
{
	put_be64(out, offset);
	put_be64(out + 8, size);
}

/* Reads exactly len bytes of the stream, or fails naming what was cut. */
static int stream_read_all(kx_stream_read_fn read, void *ctx, void *buf, size_t len,
			   const char *what)
{
	size_t got = 0;
	int ret = read(ctx, buf, len, &got);

	if (ret)
		return ret;
	if (got != len)
		return kx_err(EINVAL, FLAT_MOD, "truncated: the stream ends inside %s "
			      "(%zu of %zu bytes): no end record", what, got, len);
	return 0;
}

int kx_flat_rebuild(kx_stream_read_fn read, void *rctx, kx_write_at_fn write, void *wctx,
		    uint64_t max_size)
{
	uint8_t hdr[KX_FLAT_HEADER_SIZE], rec[KX_FLAT_RECORD_SIZE];
	uint8_t *buf = NULL;
	uint64_t nrec = 0;
	int ret;

	ret = stream_read_all(read, rctx, hdr, sizeof(hdr), "the header");
	if (ret)
		return ret;
	if (memcmp(hdr, KX_FLAT_SIGNATURE, sizeof(KX_FLAT_SIGNATURE)) != 0 ||
	    get_be64(hdr + FLAT_SIGNATURE_FIELD) != KX_FLAT_TYPE)
		return kx_err(EINVAL, FLAT_MOD, "not a flattened dump (no \"makedumpfile\" "
			      "signature of type 1)");
	if (get_be64(hdr + FLAT_SIGNATURE_FIELD + 8) != KX_FLAT_VERSION)
		return kx_err(EINVAL, FLAT_MOD, "flattened format version %" PRIu64 ", need 1",
			      get_be64(hdr + FLAT_SIGNATURE_FIELD + 8));
	buf = malloc(FLAT_COPY_CHUNK);
	if (!buf)
		return kx_err(ENOMEM, FLAT_MOD, "out of memory");
	for (;; nrec++) {
		uint64_t off, size;

		ret = stream_read_all(read, rctx, rec, sizeof(rec), "a record header");
		if (ret)
			goto out;
		off = get_be64(rec);
		size = get_be64(rec + 8);
		if (off == KX_FLAT_END && size == KX_FLAT_END)
			break;
		if (off > INT64_MAX || size == 0 || size > INT64_MAX || size > max_size ||
		    off > max_size - size) {
			ret = kx_err(EINVAL, FLAT_MOD, "record %" PRIu64 ": %" PRIu64 " bytes at "
				     "offset %" PRIu64 " are not a valid part of a dump of at most "
				     "%" PRIu64 " bytes", nrec, size, off, max_size);
			goto out;
		}
		while (size) {
			size_t n = size < FLAT_COPY_CHUNK ? (size_t)size : FLAT_COPY_CHUNK;

			ret = stream_read_all(read, rctx, buf, n, "a record's data");
			if (!ret)
				ret = write(wctx, buf, n, off);
			if (ret)
				goto out;
			off += n;
			size -= n;
		}
	}
out:
	free(buf);
	return ret;
}
