/* SPDX-License-Identifier: MIT */
/* Multiboot2 header and tag parsing on arbitrary bytes: never reads outside
 * the input; a found header is 8-byte aligned, within 32 KiB and the file. */
#include <stdint.h>
#include <stdlib.h>

#include "arch/x86_64/multiboot2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_header h;

	if (mb2_find_header(data, size, &h) != 0)
		return 0;
	if (h.offset % MB2_HEADER_ALIGN || h.offset >= MB2_SEARCH_END || h.length > size - h.offset)
		abort();
	return 0;
}
