/* SPDX-License-Identifier: MIT */
/* Shared fixtures of test_multiboot.c and test_multiboot2.c: a PC memory map
 * as QEMU's SeaBIOS reports it, and little-endian helpers. */
#ifndef KX_TEST_MB_FIXTURE_H
#define KX_TEST_MB_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "core/facts.h"
#include "core/plan.h"

#define RAM_TOP 0x7ffe0000ull

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static inline void fixture_facts(struct kx_facts *f)
{
	memset(f, 0, sizeof(*f));
	kx_memmap_add(&f->firmware_map, 0, 0x9fc00, KX_MEM_RAM);
	kx_memmap_add(&f->firmware_map, 0x9fc00, 0xa0000, KX_MEM_RESERVED);
	kx_memmap_add(&f->firmware_map, 0xf0000, 0x100000, KX_MEM_RESERVED);
	kx_memmap_add(&f->firmware_map, 0x100000, RAM_TOP, KX_MEM_RAM);
	kx_memmap_add(&f->firmware_map, RAM_TOP, 0x80000000, KX_MEM_RESERVED);
	kx_memmap_add(&f->ram, 0x1000, 0x9f000, KX_MEM_RAM);
	kx_memmap_add(&f->ram, 0x100000, RAM_TOP, KX_MEM_RAM);
}

/* The segment of a role (the first one), or NULL. */
static inline const struct kx_segment *seg_of(const struct kx_plan *p, enum kx_seg_role role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role == role)
			return &p->seg[i];
	return NULL;
}

/* Bytes at a physical address inside one of the plan's segments. */
static inline const uint8_t *at_phys(const struct kx_plan *p, uint64_t addr, size_t n)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct kx_segment *s = &p->seg[i];

		if (addr >= s->mem && addr + n <= s->mem + s->bufsz)
			return s->buf + (addr - s->mem);
	}
	return NULL;
}

#endif
