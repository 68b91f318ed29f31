/* SPDX-License-Identifier: MIT */
/*
 * What the Multiboot v1 and Multiboot2 probes report the same way: modules
 * (with an FNV-1a 32 of their bytes the host recomputes from the module
 * file) and memory map entries, each as an object keyed by its index (the
 * JSON writer has no arrays). Static inline, so each probe is one C file;
 * no pointer initialisers, so the MB2 probe stays position independent.
 */
#ifndef KX_PROBE_MB_COMMON_H
#define KX_PROBE_MB_COMMON_H

#include "common/probe.h"

/* The probes never read more of a string than this, nor report more
 * modules, map entries or tags (keeps a corrupt list from looping). */
#define PROBE_STR_MAX 4096
#define PROBE_MAX_ITEMS 64
/* FNV-1a 32-bit (draft-eastlake-fnv, section 2). */
#define FNV32_OFFSET 0x811c9dc5u
#define FNV32_PRIME 16777619u

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static inline uint32_t fnv1a32(const uint8_t *p, uint32_t len)
{
	uint32_t h = FNV32_OFFSET;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV32_PRIME;
	return h;
}

/* "0".."63": the key of item i. */
static inline const char *item_key(char buf[4], uint32_t i)
{
	if (i >= 10) {
		buf[0] = (char)('0' + i / 10);
		buf[1] = (char)('0' + i % 10);
		buf[2] = 0;
	} else {
		buf[0] = (char)('0' + i);
		buf[1] = 0;
	}
	return buf;
}

static inline void report_module(struct probe_json *j, uint32_t i, uint32_t start, uint32_t end,
				 const char *string)
{
	char key[4];

	probe_obj_begin(j, item_key(key, i));
	probe_u64(j, "start", start);
	probe_u64(j, "end", end);
	probe_strn(j, "string", string, PROBE_STR_MAX);
	if (end >= start)
		probe_u64(j, "fnv1a", fnv1a32((const uint8_t *)(uintptr_t)start, end - start));
	probe_obj_end(j);
}

static inline void report_mmap_entry(struct probe_json *j, uint32_t i, uint64_t addr, uint64_t len,
				     uint32_t type)
{
	char key[4];

	probe_obj_begin(j, item_key(key, i));
	probe_u64(j, "addr", addr);
	probe_u64(j, "len", len);
	probe_u64(j, "type", type);
	probe_obj_end(j);
}

#endif
