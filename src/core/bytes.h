/* SPDX-License-Identifier: MIT */
/*
 * Little-endian field access: every parser of outside bytes reads through
 * kx_le*, every builder of boot structures writes through kx_put* or a
 * kx_writer, instead of casting buffers to structs. kx_le* and kx_put* are
 * for bytes whose bounds the caller has checked; kx_writer checks them.
 */
#ifndef KX_BYTES_H
#define KX_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t kx_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t kx_le32(const uint8_t *p)
{
	return (uint32_t)kx_le16(p) | (uint32_t)kx_le16(p + 2) << 16;
}

static inline uint64_t kx_le64(const uint8_t *p)
{
	return (uint64_t)kx_le32(p) | (uint64_t)kx_le32(p + 4) << 32;
}

static inline void kx_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void kx_put32(uint8_t *p, uint32_t v)
{
	kx_put16(p, (uint16_t)v);
	kx_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void kx_put64(uint8_t *p, uint64_t v)
{
	kx_put32(p, (uint32_t)v);
	kx_put32(p + 4, (uint32_t)(v >> 32));
}

/* A writer over a buffer of known size; an out-of-bounds write is a measuring
 * bug, recorded in `overflow` (nothing is written) and asserted by the caller. */
struct kx_writer {
	uint8_t *buf;
	size_t size;
	bool overflow;
};

void kx_wputbytes(struct kx_writer *w, size_t off, const void *src, size_t n);
void kx_wput8(struct kx_writer *w, size_t off, uint8_t v);
void kx_wput16(struct kx_writer *w, size_t off, uint16_t v);
void kx_wput32(struct kx_writer *w, size_t off, uint32_t v);
void kx_wput64(struct kx_writer *w, size_t off, uint64_t v);

#endif
