/* SPDX-License-Identifier: MIT */
/* Generated ELF images for the unit tests and the fuzz seeds: written field by
 * field, little-endian, with exactly the layout the caller asks for. */
#ifndef KX_TEST_ELF_FIXTURE_H
#define KX_TEST_ELF_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FX_MAX_PH 8
#define FX_MAX_REL 8

struct fx_ph {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct fx_rel {
	uint64_t offset;
	uint32_t type;
	uint64_t addend;
};

struct fx_elf {
	bool is64;
	uint16_t type, machine;
	uint64_t entry;
	size_t nph;
	struct fx_ph ph[FX_MAX_PH];
	size_t size;            /* file size */
	/* Optional dynamic section (PT_DYNAMIC must be among ph) at dyn_off,
	 * pointing at a relocation table at rel_off (vaddr == offset). */
	uint64_t dyn_off, rel_off;
	size_t nrel;
	struct fx_rel rel[FX_MAX_REL];
	bool rela;              /* RELA (addend in the entry) or REL (in place) */
	const char *note_name;  /* a PT_NOTE at note_off with this name, or NULL */
	uint64_t note_off;
};

static inline void fx_put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Writes the image; bytes of loadable data are their offset's low byte. */
static inline uint8_t *fx_build(const struct fx_elf *e)
{
	uint8_t *b = calloc(1, e->size);
	int w = e->is64 ? 8 : 4;
	size_t ph0 = e->is64 ? 64 : 52, phsz = e->is64 ? 56 : 32;

	for (size_t i = 0x100; i < e->size; i++)
		b[i] = (uint8_t)i;
	memcpy(b, "\177ELF", 4);
	b[4] = e->is64 ? 2 : 1;
	b[5] = 1;
	b[6] = 1;
	fx_put(b + 16, e->type, 2);
	fx_put(b + 18, e->machine, 2);
	fx_put(b + 20, 1, 4);
	fx_put(b + 24, e->entry, w);
	fx_put(b + 24 + w, ph0, w);                 /* e_phoff */
	fx_put(b + (e->is64 ? 52 : 40), ph0, 2);    /* e_ehsize */
	fx_put(b + (e->is64 ? 54 : 42), phsz, 2);
	fx_put(b + (e->is64 ? 56 : 44), e->nph, 2);
	for (size_t i = 0; i < e->nph; i++) {
		uint8_t *q = b + ph0 + i * phsz;
		const struct fx_ph *p = &e->ph[i];

		if (e->is64) {
			fx_put(q, p->type, 4);
			fx_put(q + 4, 7, 4);
			fx_put(q + 8, p->offset, 8);
			fx_put(q + 16, p->vaddr, 8);
			fx_put(q + 24, p->paddr, 8);
			fx_put(q + 32, p->filesz, 8);
			fx_put(q + 40, p->memsz, 8);
			fx_put(q + 48, p->align, 8);
		} else {
			fx_put(q, p->type, 4);
			fx_put(q + 4, p->offset, 4);
			fx_put(q + 8, p->vaddr, 4);
			fx_put(q + 12, p->paddr, 4);
			fx_put(q + 16, p->filesz, 4);
			fx_put(q + 20, p->memsz, 4);
			fx_put(q + 24, 7, 4);
			fx_put(q + 28, p->align, 4);
		}
	}
	if (e->dyn_off) {
		size_t ent = e->is64 ? (e->rela ? 24 : 16) : (e->rela ? 12 : 8);
		uint8_t *d = b + e->dyn_off;
		uint64_t tags[] = { e->rela ? 7 : 17, e->rel_off, e->rela ? 8 : 18, e->nrel * ent,
				    e->rela ? 9 : 19, ent, 0, 0 };

		for (size_t i = 0; i < 8; i++)
			fx_put(d + i * w, tags[i], w);
		for (size_t i = 0; i < e->nrel; i++) {
			uint8_t *r = b + e->rel_off + i * ent;

			fx_put(r, e->rel[i].offset, w);
			fx_put(r + w, e->rel[i].type, w);
			if (e->rela)
				fx_put(r + 2 * w, e->rel[i].addend, w);
			else
				fx_put(b + e->rel[i].offset, e->rel[i].addend, w);
		}
	}
	if (e->note_name) {
		uint8_t *n = b + e->note_off;
		size_t nl = strlen(e->note_name) + 1;

		fx_put(n, nl, 4);
		fx_put(n + 4, 4, 4);
		fx_put(n + 8, 0x100, 4);
		memset(n + 12, 0, (nl + 3) & ~3u);
		memcpy(n + 12, e->note_name, nl);
	}
	return b;
}

/* An ELF64 ET_EXEC with two PT_LOADs at 16 MiB (text) and 16 MiB + 64 KiB
 * (data with a bss tail). */
static inline struct fx_elf fx_exec64(void)
{
	struct fx_elf e = {
		.is64 = true, .type = 2, .machine = 62, .entry = 0x1000000, .nph = 2,
		.size = 0x3000,
		.ph = {
			{ 1, 0x1000, 0xffffffff81000000ull, 0x1000000, 0x1000, 0x1000, 0x1000 },
			{ 1, 0x2000, 0xffffffff81010000ull, 0x1010000, 0x800, 0x3000, 0x1000 },
		},
	};
	return e;
}

/* An ELF32 ET_EXEC at 32 MiB. */
static inline struct fx_elf fx_exec32(void)
{
	struct fx_elf e = {
		.is64 = false, .type = 2, .machine = 3, .entry = 0x2000010, .nph = 1,
		.size = 0x2000,
		.ph = { { 1, 0x1000, 0x2000000, 0x2000000, 0x1000, 0x2000, 0x1000 } },
	};
	return e;
}

/* A PIE: one PT_LOAD from vaddr 0 covering the file, .dynamic at 0x2000,
 * relocations at 0x2800 patching words at 0x1800 and 0x1808 (0x1804 for 32). */
static inline struct fx_elf fx_pie(bool is64)
{
	struct fx_elf e = {
		.is64 = is64, .type = 3, .machine = is64 ? 62 : 3, .entry = 0x1000, .nph = 2,
		.size = 0x3000,
		.ph = {
			{ 1, 0, 0, 0, 0x3000, 0x4000, 0x200000 },
			{ 2, 0x2000, 0x2000, 0x2000, 0x100, 0x100, 8 },
		},
		.dyn_off = 0x2000, .rel_off = 0x2800, .nrel = 2, .rela = is64,
		.rel = { { 0x1800, 8, 0x1000 }, { is64 ? 0x1808 : 0x1804, 8, 0x2345 } },
	};
	return e;
}

#endif
