/* SPDX-License-Identifier: MIT */
#include "core/purgatory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

#define MOD "purgatory"

/* The header is read field by field from bytes, never cast: the blob given
 * may be anything (the fuzzer feeds it). */
static void parse_header(const uint8_t *b, struct kx_purg_header *h)
{
	h->magic = kx_le32(b + offsetof(struct kx_purg_header, magic));
	h->version = kx_le16(b + offsetof(struct kx_purg_header, version));
	h->header_size = kx_le16(b + offsetof(struct kx_purg_header, header_size));
	h->entry_offset = kx_le32(b + offsetof(struct kx_purg_header, entry_offset));
	h->params_offset = kx_le32(b + offsetof(struct kx_purg_header, params_offset));
	h->params_size = kx_le32(b + offsetof(struct kx_purg_header, params_size));
	h->image_size = kx_le32(b + offsetof(struct kx_purg_header, image_size));
	h->mem_size = kx_le32(b + offsetof(struct kx_purg_header, mem_size));
	h->reserved = kx_le32(b + offsetof(struct kx_purg_header, reserved));
}

static int check_header(const struct kx_purg_header *h, size_t len)
{
	if (h->magic != KX_PURG_MAGIC)
		return kx_err(EINVAL, MOD, "bad magic 0x%08x (expected 0x%08x): not a kx purgatory blob",
			      h->magic, KX_PURG_MAGIC);
	if (h->version != KX_PURG_VERSION)
		return kx_err(EINVAL, MOD, "blob has ABI version %u, this loader speaks %u: rebuild kx",
			      h->version, KX_PURG_VERSION);
	if (h->header_size != sizeof(struct kx_purg_header))
		return kx_err(EINVAL, MOD, "header size %u, expected %zu", h->header_size,
			      sizeof(struct kx_purg_header));
	if (h->params_size != sizeof(struct kx_purg_params))
		return kx_err(EINVAL, MOD, "parameter block size %u, expected %zu", h->params_size,
			      sizeof(struct kx_purg_params));
	if (h->image_size != len)
		return kx_err(EINVAL, MOD, "header says %u image bytes, blob has %zu",
			      h->image_size, len);
	if (h->mem_size < h->image_size)
		return kx_err(EINVAL, MOD, "memory size %u smaller than image size %u",
			      h->mem_size, h->image_size);
	if (h->params_offset < h->header_size ||
	    (uint64_t)h->params_offset + h->params_size > h->image_size)
		return kx_err(EINVAL, MOD, "parameter block [%u, +%u) outside the image (%u bytes)",
			      h->params_offset, h->params_size, h->image_size);
	if (h->params_offset % _Alignof(struct kx_purg_params))
		return kx_err(EINVAL, MOD, "parameter block offset %u not %zu-byte aligned",
			      h->params_offset, _Alignof(struct kx_purg_params));
	if (h->entry_offset < h->header_size || h->entry_offset >= h->image_size)
		return kx_err(EINVAL, MOD, "entry offset %u outside the code (image %u bytes)",
			      h->entry_offset, h->image_size);
	if (h->entry_offset >= h->params_offset &&
	    h->entry_offset < h->params_offset + h->params_size)
		return kx_err(EINVAL, MOD, "entry offset %u inside the parameter block",
			      h->entry_offset);
	return 0;
}

int kx_purgatory_open(const uint8_t *blob, size_t len, struct kx_purgatory *out)
{
	struct kx_purg_header h;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!blob || len < sizeof(struct kx_purg_header))
		return kx_err(EINVAL, MOD, "blob too short for a header (%zu < %zu bytes)", len,
			      sizeof(struct kx_purg_header));
	parse_header(blob, &h);
	ret = check_header(&h, len);
	if (ret)
		return ret;

	/* malloc aligns for any object, so params_offset % 8 == 0 makes the
	 * parameter block in the copy a properly aligned struct. */
	out->image = malloc(h.image_size);
	if (!out->image)
		return kx_err(ENOMEM, MOD, "cannot allocate %u bytes for the blob", h.image_size);
	memcpy(out->image, blob, h.image_size);
	out->image_size = h.image_size;
	out->mem_size = h.mem_size;
	out->entry_offset = h.entry_offset;
	out->params = (struct kx_purg_params *)(void *)(out->image + h.params_offset);
	memset(out->params, 0, sizeof(*out->params));
	return 0;
}

void kx_purgatory_close(struct kx_purgatory *pg)
{
	free(pg->image);
	memset(pg, 0, sizeof(*pg));
}

int kx_purgatory_add_region(struct kx_purgatory *pg, uint64_t start, uint64_t len,
			    const uint8_t sha256[32])
{
	struct kx_purg_params *p = pg->params;
	struct kx_purg_region *r;

	if (p->nr_regions >= KX_PURG_MAX_REGIONS)
		return kx_err(ENOSPC, MOD, "too many segments to verify (at most %d)",
			      KX_PURG_MAX_REGIONS);
	if (len && start + (len - 1) < start)
		return kx_err(EINVAL, MOD, "region 0x%llx + 0x%llx wraps around the address space",
			      (unsigned long long)start, (unsigned long long)len);
	r = &p->regions[p->nr_regions++];
	r->start = start;
	r->len = len;
	memcpy(r->sha256, sha256, sizeof(r->sha256));
	return 0;
}

uint64_t kx_purgatory_entry(const struct kx_purgatory *pg, uint64_t load_addr)
{
	return load_addr + pg->entry_offset;
}
