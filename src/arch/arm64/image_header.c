/* SPDX-License-Identifier: MIT */
/* See image_header.h. */
#include "arch/arm64/image_header.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/pe.h"

#define MOD "Image"
#define PAGE_4K 4096u

bool kx_arm64_image_is(const uint8_t *buf, size_t len)
{
	return len >= KX_ARM64_HDR_SIZE &&
	       !memcmp(buf + KX_ARM64_HDR_MAGIC, KX_ARM64_MAGIC, KX_ARM64_MAGIC_SIZE);
}

const char *kx_arm64_page_size_name(enum kx_arm64_page_size s)
{
	switch (s) {
	case KX_ARM64_PAGE_4K: return "4K";
	case KX_ARM64_PAGE_16K: return "16K";
	case KX_ARM64_PAGE_64K: return "64K";
	case KX_ARM64_PAGE_UNSPECIFIED: break;
	}
	return "unspecified";
}

/*
 * image_size counts BSS, so it is larger than any whole file and says
 * nothing about truncation. An Image with an EFI stub is also a PE/COFF
 * file ("MZ" in code0, the PE header's offset in res5): its sections'
 * file bytes must all be there. A cut inside the headers is damage too.
 */
static int check_pe_length(const uint8_t *img, size_t len, struct kx_arm64_image *im)
{
	struct kx_pe pe;
	int ret;

	if (!kx_pe_is_mz(img, len))
		return 0;
	ret = kx_pe_parse(img, len, &pe);
	if (ret < 0)
		return kx_err_prefix(-EINVAL, MOD ": the EFI stub's PE header says the Image is "
				     "truncated or damaged (%zu bytes)", len);
	im->has_pe = true;
	for (size_t i = 0; i < pe.n_sections; i++) {
		uint64_t end = pe.sections[i].file_offset + pe.sections[i].file_size;

		if (pe.sections[i].file_size && end > im->file_end)
			im->file_end = end;
	}
	return 0;
}

int kx_arm64_image_parse(const uint8_t *img, size_t len, struct kx_arm64_image *out)
{
	struct kx_arm64_image im = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < KX_ARM64_HDR_SIZE)
		return kx_err(ENOEXEC, MOD, "file of %zu bytes is shorter than the %d-byte arm64 "
			      "Image header", len, KX_ARM64_HDR_SIZE);
	if (!kx_arm64_image_is(img, len))
		return kx_err(ENOEXEC, MOD, "no arm64 Image magic (ARM\\x64 at 0x38)");
	im.text_offset = kx_le64(img + KX_ARM64_HDR_TEXT_OFFSET);
	im.image_size = kx_le64(img + KX_ARM64_HDR_IMAGE_SIZE);
	im.flags = kx_le64(img + KX_ARM64_HDR_FLAGS);
	if (im.image_size == 0) {
		/* Before v3.17 the fields below are unset or of unknown endianness. */
		im.legacy = true;
		im.text_offset = KX_ARM64_LEGACY_TEXT_OFFSET;
		im.image_size = len;
		im.flags = 0;
	}
	if (im.flags & KX_ARM64_FLAG_BE)
		return kx_err(EINVAL, MOD, "a big-endian kernel (flags bit 0): kx boots "
			      "little-endian arm64 kernels only");
	im.page_size = (enum kx_arm64_page_size)((im.flags >> KX_ARM64_FLAG_PAGE_SIZE_SHIFT) &
						 KX_ARM64_FLAG_PAGE_SIZE_MASK);
	im.phys_anywhere = im.flags & KX_ARM64_FLAG_PHYS_BASE;
	if (im.text_offset % PAGE_4K || im.text_offset >= KX_ARM64_BASE_ALIGN)
		return kx_err(EINVAL, MOD, "text_offset 0x%llx is not a page-aligned offset below "
			      "2 MiB: the header is damaged", (unsigned long long)im.text_offset);
	if (im.image_size < len)
		return kx_err(EINVAL, MOD, "image_size 0x%llx is smaller than the file (%zu bytes): "
			      "the header is damaged or this is not an Image",
			      (unsigned long long)im.image_size, len);
	if (im.image_size > UINT64_MAX - KX_ARM64_BASE_ALIGN)
		return kx_err(EINVAL, MOD, "image_size 0x%llx is too large",
			      (unsigned long long)im.image_size);
	ret = check_pe_length(img, len, &im);
	if (ret < 0)
		return ret;
	*out = im;
	return 0;
}
