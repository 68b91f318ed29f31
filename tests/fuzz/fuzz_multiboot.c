/* SPDX-License-Identifier: MIT */
/* Multiboot v1 header search and image extraction on arbitrary bytes: never
 * reads outside the input, and a found header lies 4-byte aligned in 8 KiB. */
#include <stdint.h>
#include <stdlib.h>

#include "arch/x86_64/multiboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb1_header h;
	struct mb_load_image li;

	if (mb1_find_header(data, size, &h) != 0)
		return 0;
	if (h.offset % MB1_HEADER_ALIGN || h.offset + 12 > MB1_SEARCH_END)
		abort();
	if (h.has_addr ? mb_image_from_addr(data, size, h.offset, &h.addr, h.entry_addr, "fuzz", &li)
		       : mb_image_from_elf(data, size, "fuzz", &li))
		return 0;
	if (li.bufsz > li.memsz || (li.owned && li.buf != li.owned))
		abort();
	/* Without a copy of its own the image is a slice of the input. An
	 * image with no file bytes (bss only) has no buffer at all, so buf may
	 * be NULL: compare addresses, not pointers offset from it. */
	if (!li.owned && li.bufsz) {
		uintptr_t b = (uintptr_t)li.buf, d = (uintptr_t)data;

		if (b < d || li.bufsz > size || b - d > size - li.bufsz)
			abort();
	}
	free(li.owned);
	return 0;
}
