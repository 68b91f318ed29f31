/* SPDX-License-Identifier: MIT */
/* Generated bzImage fixtures: a setup header with chosen fields and a payload. */
#ifndef KX_TEST_BZFIXTURE_H
#define KX_TEST_BZFIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/bootparams.h"

struct bzfix {
	uint8_t setup_sects;   /* 0 means 4 */
	uint16_t version;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	size_t payload;        /* bytes after the setup sectors */
};

static inline void bzfix_put(uint8_t *b, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

#define BZ_OFF(f) offsetof(struct boot_params, hdr.f)

static inline struct bzfix bzfix_default(void)
{
	return (struct bzfix){
		.setup_sects = 1, .version = 0x020f,
		.xloadflags = BP_XLF_KERNEL_64 | BP_XLF_CAN_BE_LOADED_ABOVE_4G,
		.relocatable = 1, .kernel_alignment = 0x200000, .pref_address = 0x1000000,
		.init_size = 0x800000, .cmdline_size = 2047, .initrd_addr_max = 0x7fffffff,
		.payload = 64 * 1024,
	};
}

/* Returns a malloc'd image of *len bytes. */
static inline uint8_t *bzfix_make(const struct bzfix *f, size_t *len)
{
	size_t setup = ((f->setup_sects ? f->setup_sects : 4) + 1) * 512u;
	uint8_t *b = calloc(1, setup + f->payload);

	*len = setup + f->payload;
	for (size_t i = setup; i < *len; i++)
		b[i] = (uint8_t)(i * 7);
	b[BZ_OFF(setup_sects)] = f->setup_sects;
	bzfix_put(b, BZ_OFF(syssize), f->payload / 16, 4);
	bzfix_put(b, BZ_OFF(boot_flag), 0xaa55, 2);
	/* jump: "eb XX" where XX makes 0x202 + XX the end of the header */
	b[0x200] = 0xeb;
	b[0x201] = (uint8_t)(0x26c - 0x202);
	bzfix_put(b, BZ_OFF(header), BP_HDR_MAGIC, 4);
	bzfix_put(b, BZ_OFF(version), f->version, 2);
	b[BZ_OFF(loadflags)] = BP_LOADED_HIGH;
	bzfix_put(b, BZ_OFF(initrd_addr_max), f->initrd_addr_max, 4);
	bzfix_put(b, BZ_OFF(kernel_alignment), f->kernel_alignment, 4);
	b[BZ_OFF(relocatable_kernel)] = f->relocatable;
	bzfix_put(b, BZ_OFF(xloadflags), f->xloadflags, 2);
	bzfix_put(b, BZ_OFF(cmdline_size), f->cmdline_size, 4);
	bzfix_put(b, BZ_OFF(pref_address), f->pref_address, 8);
	bzfix_put(b, BZ_OFF(init_size), f->init_size, 4);
	return b;
}

#endif
