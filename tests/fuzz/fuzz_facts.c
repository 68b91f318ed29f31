/* SPDX-License-Identifier: MIT */
#include "fuzz_facts.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CRASH 5
#define MAX_BP (8192 + 1)
#define RSDP_MAX 36

static const enum kx_mem_type types[] = {
	KX_MEM_RAM, KX_MEM_RESERVED, KX_MEM_ACPI, KX_MEM_NVS, KX_MEM_UNUSABLE,
	KX_MEM_PMEM, KX_MEM_PRAM, KX_MEM_SOFT_RESERVED, KX_MEM_CRASH,
};

/* Adds [start, start + size) when it is a non-empty range that does not wrap. */
static bool add_range(struct kx_memmap *m, uint64_t start, uint64_t size, enum kx_mem_type t)
{
	if (!size || start > UINT64_MAX - size)
		return true;
	return kx_memmap_add(m, start, start + size, t) == 0;
}

static bool take_maps(struct fz *in, struct kx_facts *f)
{
	size_t n = fz_u8(in);

	for (size_t i = 0; i < n; i++) {
		enum kx_mem_type t = types[fz_u8(in) % (sizeof(types) / sizeof(types[0]))];
		uint64_t start = fz_u64(in), size = fz_u64(in);

		if (!add_range(&f->firmware_map, start, size, t))
			return false;
	}
	n = fz_u8(in) % MAX_CRASH;
	for (size_t i = 0; i < n; i++) {
		uint64_t start = fz_u64(in), size = fz_u64(in);

		if (!add_range(&f->crash, start, size, KX_MEM_CRASH))
			return false;
	}
	kx_memmap_normalize(&f->crash);
	for (size_t i = 0; i < f->firmware_map.n; i++) {
		const struct kx_mem_region *r = &f->firmware_map.v[i];

		if (r->type == KX_MEM_RAM && kx_memmap_add(&f->ram, r->start, r->end, KX_MEM_RAM))
			return false;
	}
	kx_memmap_normalize(&f->ram);
	for (size_t i = 0; i < f->crash.n; i++)
		if (kx_memmap_remove(&f->ram, f->crash.v[i].start, f->crash.v[i].end))
			return false;
	return true;
}

static bool take_efi(struct fz *in, struct kx_facts *f, bool present)
{
	struct kx_efi_facts *e = &f->efi;

	e->present = present;
	e->fw_vendor = fz_u64(in);
	e->runtime = fz_u64(in);
	e->config_table = fz_u64(in);
	e->smbios = fz_u64(in);
	e->acpi20 = fz_u64(in);
	e->map_n = fz_u8(in);
	if (!e->map_n)
		return true;
	e->map = calloc(e->map_n, sizeof(*e->map));
	if (!e->map)
		return false;
	for (size_t i = 0; i < e->map_n; i++) {
		e->map[i].type = fz_u32(in);
		e->map[i].phys_addr = fz_u64(in);
		e->map[i].virt_addr = fz_u64(in);
		e->map[i].num_pages = fz_u64(in);
		e->map[i].attribute = fz_u64(in);
	}
	if (!present) {
		free(e->map);
		e->map = NULL;
		e->map_n = 0;
	}
	return true;
}

static bool take_boot_params(struct fz *in, struct kx_facts *f, bool present)
{
	size_t len = fz_u16(in) % MAX_BP, n = fz_u8(in), got;
	uint8_t *bp = calloc(1, len ? len : 1);

	if (!bp)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t off = fz_u16(in);
		const uint8_t *src = fz_bytes(in, fz_u8(in), &got);

		if (off < len)
			memcpy(bp + off, src, got < len - off ? got : len - off);
	}
	if (!present) {
		free(bp);
		return true;
	}
	f->arch.boot_params = bp;
	f->arch.boot_params_len = len;
	return true;
}

static bool take_acpi(struct fz *in, struct kx_facts *f, unsigned flags)
{
	size_t len = fz_u8(in) % (RSDP_MAX + 1), got;
	uint64_t addr = fz_u64(in);
	const uint8_t *rsdp = fz_bytes(in, RSDP_MAX, &got);
	const uint8_t *tables;

	if (flags & FZF_RSDP) {
		f->rsdp_addr = addr;
		memcpy(f->rsdp, rsdp, got);
		f->rsdp_len = len;
	}
	len = fz_u16(in);
	tables = fz_bytes(in, len, &got);
	if (!(flags & FZF_ACPI_TABLES) || !got)
		return true;
	/* Exactly as long as the input gave: a read past it is a bug. */
	f->acpi_tables = malloc(got);
	if (!f->acpi_tables)
		return false;
	memcpy(f->acpi_tables, tables, got);
	f->acpi_tables_len = got;
	return true;
}

static bool take_kdump(struct fz *in, struct kx_facts *f, bool present)
{
	struct kx_crash_facts *k = &f->kdump;

	k->present = present;
	k->notes_n = fz_u8(in);
	if (k->notes_n) {
		k->notes = calloc(k->notes_n, sizeof(*k->notes));
		if (!k->notes)
			return false;
	}
	for (size_t i = 0; i < k->notes_n; i++) {
		k->notes[i].cpu = fz_u32(in);
		k->notes[i].addr = fz_u64(in);
		k->notes[i].size = fz_u64(in);
	}
	k->vmcoreinfo_addr = fz_u64(in);
	k->vmcoreinfo_size = fz_u64(in);
	k->kernel_vaddr = fz_u64(in);
	k->kernel_paddr = fz_u64(in);
	k->kernel_size = fz_u64(in);
	k->page_offset = fz_u64(in);
	return true;
}

bool fuzz_facts_take(struct fz *in, struct kx_facts *f)
{
	unsigned flags = fz_u8(in);

	memset(f, 0, sizeof(*f));
	if (take_maps(in, f) && take_efi(in, f, flags & FZF_EFI) &&
	    take_boot_params(in, f, flags & FZF_BOOT_PARAMS) && take_acpi(in, f, flags) &&
	    take_kdump(in, f, flags & FZF_KDUMP))
		return true;
	kx_facts_free(f);
	return false;
}

char *fuzz_take_string(struct fz *in)
{
	size_t got;
	const uint8_t *b = fz_bytes(in, fz_u8(in), &got);
	char *s = malloc(got + 1);

	if (!s)
		return NULL;
	memcpy(s, b, got);
	s[got] = '\0';
	return s;
}

bool fuzz_range_in(const struct kx_memmap *m, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;

	if (end < start)
		return false;
	/* m is normalized: a range inside a run of touching regions is inside
	 * the one region normalize merged them into. */
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].start <= start && end <= m->v[i].end)
			return true;
	return len == 0;
}

void fuzz_check_placement(const struct kx_plan *p, const struct kx_memmap *where,
			  uint64_t mem_min, uint64_t mem_max)
{
	if (p->n > KX_MAX_SEGMENTS)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		const struct kx_segment *s = &p->seg[i];
		uint64_t end = s->mem + s->memsz;

		if (!s->placed || s->mem % KX_PAGE_SIZE || s->memsz % KX_PAGE_SIZE || !s->memsz ||
		    s->bufsz > s->memsz || end < s->mem)
			abort();
		if (s->mem < mem_min || (mem_max && end > mem_max))
			abort();
		if (s->req.firmware_low ? end > KX_MIB : !fuzz_range_in(where, s->mem, s->memsz))
			abort();
		for (size_t j = i + 1; j < p->n; j++)
			if (s->mem < p->seg[j].mem + p->seg[j].memsz && p->seg[j].mem < end)
				abort();
	}
}

int fuzz_find_role(const struct kx_plan *p, enum kx_seg_role role, size_t from)
{
	for (size_t i = from; i < p->n; i++)
		if (p->seg[i].role == role)
			return (int)i;
	return -1;
}
