/* SPDX-License-Identifier: MIT */
/* The arm64 Image header (src/arch/arm64/image_header.c): any bytes parse or
 * fail with a message. What parses has the magic, a page-aligned text_offset
 * below 2 MiB, an image_size that covers the whole file, is little-endian,
 * and, with an EFI stub, a PE section table that lies inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arm64/image_header.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_arm64_image im;
	int ret;

	kx_err_clear();
	ret = kx_arm64_image_parse(data, size, &im);
	if (ret < 0) {
		if (!kx_errmsg()[0])
			abort();
		return 0;
	}
	if (!kx_arm64_image_is(data, size) || im.text_offset % 4096 ||
	    im.text_offset >= KX_ARM64_BASE_ALIGN || im.image_size < size ||
	    (im.flags & KX_ARM64_FLAG_BE) || im.page_size > KX_ARM64_PAGE_64K)
		abort();
	if (im.has_pe != (size >= 2 && !memcmp(data, "MZ", 2)) || im.file_end > size)
		abort();
	if (im.legacy && (im.text_offset != KX_ARM64_LEGACY_TEXT_OFFSET || im.image_size != size))
		abort();
	return 0;
}
