/* SPDX-License-Identifier: MIT */
/* A read callback for harnesses of the crash readers over a file in memory:
 * the readers check every range against the file size before reading, so a
 * read past the end is a bug in them, not a bad input, and aborts. */
#ifndef KX_FUZZ_CORE_H
#define KX_FUZZ_CORE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crash/vmcore.h"

static inline int fuzz_strict_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct kx_vmcore_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		abort();
	memcpy(buf, m->data + off, len);
	return 0;
}

#endif
