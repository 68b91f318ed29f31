/* SPDX-License-Identifier: MIT */
/*
 * Reading structured values out of a fuzz input: little-endian numbers and
 * byte runs taken from the front, zeros once the input is used up, so every
 * input decodes to something and a short one to mostly zeros.
 */
#ifndef KX_FUZZ_INPUT_H
#define KX_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fz_le(struct fz *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)in->p[0] << (8 * i);
	return v;
}

static inline uint8_t fz_u8(struct fz *in) { return (uint8_t)fz_le(in, 1); }
static inline uint16_t fz_u16(struct fz *in) { return (uint16_t)fz_le(in, 2); }
static inline uint32_t fz_u32(struct fz *in) { return (uint32_t)fz_le(in, 4); }
static inline uint64_t fz_u64(struct fz *in) { return fz_le(in, 8); }

/* Up to `want` bytes from the front (fewer when the input is shorter). */
static inline const uint8_t *fz_bytes(struct fz *in, size_t want, size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

#endif
