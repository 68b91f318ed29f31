/* SPDX-License-Identifier: MIT */
#include "core/bytes.h"

#include <string.h>

void kx_wputbytes(struct kx_writer *w, size_t off, const void *src, size_t n)
{
	if (off > w->size || n > w->size - off) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + off, src, n);
}

void kx_wput8(struct kx_writer *w, size_t off, uint8_t v)
{
	kx_wputbytes(w, off, &v, 1);
}

void kx_wput16(struct kx_writer *w, size_t off, uint16_t v)
{
	uint8_t b[2];

	kx_put16(b, v);
	kx_wputbytes(w, off, b, sizeof(b));
}

void kx_wput32(struct kx_writer *w, size_t off, uint32_t v)
{
	uint8_t b[4];

	kx_put32(b, v);
	kx_wputbytes(w, off, b, sizeof(b));
}

void kx_wput64(struct kx_writer *w, size_t off, uint64_t v)
{
	uint8_t b[8];

	kx_put64(b, v);
	kx_wputbytes(w, off, b, sizeof(b));
}
