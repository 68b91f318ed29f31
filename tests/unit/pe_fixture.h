/* SPDX-License-Identifier: MIT */
/* Generated PE32+ images (UKIs and their damaged forms): an MS-DOS header,
 * the PE signature, a COFF header, a PE32+ optional header and a section
 * table, section data at 512-byte file alignment. */
#ifndef KX_TEST_PE_FIXTURE_H
#define KX_TEST_PE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/pe.h"

#define PEFIX_LFANEW 0x40
#define PEFIX_OPT_SIZE 240 /* PE32+ with 16 data directories */
#define PEFIX_FILE_ALIGN 0x200

struct pefix_sec {
	const char *name;
	const void *data;
	size_t len;
	uint32_t vsize;      /* VirtualSize; 0: len */
	bool vsize_zero;     /* VirtualSize 0 */
	uint32_t raw_size;   /* SizeOfRawData; 0: len rounded up to 512 */
	uint32_t raw_off;    /* PointerToRawData; 0: the next free aligned offset */
};

/* A section of len bytes of data, every other field automatic. */
#define PEFIX_SEC(n, d, l) { .name = (n), .data = (d), .len = (l) }

static inline size_t pefix_align(size_t v)
{
	return (v + PEFIX_FILE_ALIGN - 1) & ~(size_t)(PEFIX_FILE_ALIGN - 1);
}

/* A malloc'd image of *len bytes holding sections s[0..n). */
static inline uint8_t *pefix_make(const struct pefix_sec *s, size_t n, size_t *len)
{
	size_t table = PEFIX_LFANEW + 4 + KX_PE_COFF_HDR_SIZE + PEFIX_OPT_SIZE;
	size_t off = pefix_align(table + n * KX_PE_SECTION_HDR_SIZE), end = off;
	uint8_t *b;

	for (size_t i = 0; i < n; i++) {
		size_t at = s[i].raw_off ? s[i].raw_off : off;
		size_t raw = s[i].raw_size ? s[i].raw_size : pefix_align(s[i].len);

		if (!s[i].raw_off)
			off += pefix_align(s[i].len);
		if (at + (s[i].len < raw ? s[i].len : raw) > end)
			end = at + (s[i].len < raw ? s[i].len : raw);
	}
	end = pefix_align(end);
	b = calloc(1, end);
	memcpy(b, "MZ", 2);
	kx_put32(b + KX_PE_LFANEW_OFFSET, PEFIX_LFANEW);
	memcpy(b + PEFIX_LFANEW, "PE\0\0", 4);
	kx_put16(b + PEFIX_LFANEW + 4, KX_PE_MACHINE_AMD64);
	kx_put16(b + PEFIX_LFANEW + 6, (uint16_t)n);
	kx_put16(b + PEFIX_LFANEW + 20, PEFIX_OPT_SIZE);
	kx_put16(b + PEFIX_LFANEW + 24, KX_PE_OPT_MAGIC_PE32PLUS);
	off = pefix_align(table + n * KX_PE_SECTION_HDR_SIZE);
	for (size_t i = 0; i < n; i++) {
		uint8_t *h = b + table + i * KX_PE_SECTION_HDR_SIZE;
		size_t at = s[i].raw_off ? s[i].raw_off : off;
		size_t raw = s[i].raw_size ? s[i].raw_size : pefix_align(s[i].len);

		memcpy(h, s[i].name, strnlen(s[i].name, KX_PE_SECTION_NAME_SIZE));
		kx_put32(h + 8, s[i].vsize_zero ? 0 : s[i].vsize ? s[i].vsize : (uint32_t)s[i].len);
		kx_put32(h + 12, (uint32_t)(0x10000 * (i + 1)));
		kx_put32(h + 16, (uint32_t)raw);
		kx_put32(h + 20, (uint32_t)at);
		if (s[i].data)
			memcpy(b + at, s[i].data, s[i].len < raw ? s[i].len : raw);
		if (!s[i].raw_off)
			off += pefix_align(s[i].len);
	}
	*len = end;
	return b;
}

#endif
