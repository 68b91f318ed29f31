/* SPDX-License-Identifier: MIT */
/*
 * Little-endian field access for parsers of outside bytes: every format and
 * reader goes through these instead of casting buffers to structs. The caller
 * has checked that the bytes are there.
 */
#ifndef KX_BYTES_H
#define KX_BYTES_H

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

#endif
