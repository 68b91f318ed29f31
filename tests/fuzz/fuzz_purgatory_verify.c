/* SPDX-License-Identifier: MIT */
/*
 * Purgatory's checks (purgatory/verify.c, the file the blob runs, built for
 * the host) on fuzzed parameter blocks over a fake memory.
 *
 * Input: u8 flags (bit 0: store the right digest for every region that lies
 * in the fake memory; bit 1: nr_regions modulo 33), u64 base of the fake
 * memory, u16 length of the parameter block + its bytes (over zeros, cut at
 * sizeof(struct kx_purg_params)); the rest is the memory (at most
 * MEM_MAX bytes, so hashing stays cheap), an allocation of exactly that size.
 *
 * Invariants: memory is only reached through the map callback, for one
 * region at a time and only inside the fake memory (ASan sees the end of the
 * allocation); kx_purg_check_params refuses more than KX_PURG_MAX_REGIONS
 * regions, an entry mode that is none of enum kx_purg_entry_mode and a
 * wrapping region; kx_purg_verify gives what a plain model of it gives:
 * status, failing region and bytes hashed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "purgatory/verify.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_MAX 2048

struct fake_mem {
	uint64_t base;
	const uint8_t *buf;
	size_t size;
	const struct kx_purg_params *p;
	uint32_t calls;
};

static bool in_mem(const struct fake_mem *m, uint64_t addr, uint64_t len)
{
	return addr >= m->base && addr - m->base <= m->size && len <= m->size - (addr - m->base);
}

static bool fake_map(void *ctx, uint64_t addr, uint64_t len, const void **out)
{
	struct fake_mem *m = ctx;
	const struct kx_purg_region *r;

	/* Asked in order, once per region with bytes, for exactly the region. */
	while (m->calls < m->p->nr_regions && !m->p->regions[m->calls].len)
		m->calls++;
	if (m->calls >= m->p->nr_regions)
		abort();
	r = &m->p->regions[m->calls++];
	if (addr != r->start || len != r->len || !len)
		abort();
	if (!in_mem(m, addr, len))
		return false;
	*out = m->buf + (addr - m->base);
	return true;
}

static bool mode_known(uint32_t mode)
{
	return mode == KX_ENTRY_LINUX64 || mode == KX_ENTRY_PM32 || mode == KX_ENTRY_REAL16;
}

/* kx_purg_verify as the ABI describes it, written plainly. */
static enum kx_purg_status model(const struct kx_purg_params *p, const struct fake_mem *m,
				 uint32_t *region, uint64_t *bytes)
{
	*region = 0;
	*bytes = 0;
	if (p->nr_regions > KX_PURG_MAX_REGIONS)
		return KX_PURG_TOO_MANY_REGIONS;
	if (!mode_known(p->arch.entry_mode))
		return KX_PURG_BAD_ENTRY_MODE;
	for (uint32_t i = 0; i < p->nr_regions; i++)
		if (p->regions[i].len && p->regions[i].start > UINT64_MAX - (p->regions[i].len - 1))
			return KX_PURG_REGION_WRAPS;
	for (uint32_t i = 0; i < p->nr_regions; i++) {
		const struct kx_purg_region *r = &p->regions[i];
		uint8_t d[KX_SHA256_DIGEST_SIZE];

		*region = i;
		if (r->len && !in_mem(m, r->start, r->len))
			return KX_PURG_REGION_UNMAPPED;
		kx_sha256(r->len ? m->buf + (r->start - m->base) : (const uint8_t *)"", (size_t)r->len, d);
		*bytes += r->len;
		if (memcmp(d, r->sha256, sizeof(d)))
			return KX_PURG_MISMATCH;
	}
	return KX_PURG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct kx_purg_params p;
	struct kx_purg_verify_result res;
	struct fake_mem m = { 0 };
	enum kx_purg_status want, check;
	const uint8_t *pb;
	uint8_t flags, *mem;
	uint32_t region;
	uint64_t bytes;
	size_t got;

	flags = fz_u8(&in);
	m.base = fz_u64(&in);
	pb = fz_bytes(&in, fz_u16(&in), &got);
	memset(&p, 0, sizeof(p));
	memcpy(&p, pb, got < sizeof(p) ? got : sizeof(p));
	if (flags & 2)
		p.nr_regions %= KX_PURG_MAX_REGIONS + 1;
	if (in.n > MEM_MAX)
		in.n = MEM_MAX;
	mem = malloc(in.n ? in.n : 1);
	if (!mem)
		return 0;
	memcpy(mem, in.p, in.n);
	m.buf = mem;
	m.size = in.n;
	m.p = &p;
	if ((flags & 1) && p.nr_regions <= KX_PURG_MAX_REGIONS)
		for (uint32_t i = 0; i < p.nr_regions; i++)
			if (in_mem(&m, p.regions[i].start, p.regions[i].len))
				kx_sha256(p.regions[i].len ? mem + (p.regions[i].start - m.base) : mem,
					  (size_t)p.regions[i].len, p.regions[i].sha256);

	check = kx_purg_check_params(&p);
	want = model(&p, &m, &region, &bytes);
	if (check != KX_PURG_OK && check != want)
		abort();
	if (check == KX_PURG_OK && (want == KX_PURG_TOO_MANY_REGIONS || want == KX_PURG_BAD_ENTRY_MODE ||
				    want == KX_PURG_REGION_WRAPS))
		abort();
	if (kx_purg_verify(&p, fake_map, &m, &res) != want || res.status != want)
		abort();
	if (want != KX_PURG_OK && want >= KX_PURG_REGION_UNMAPPED && res.region != region)
		abort();
	if (res.bytes != bytes)
		abort();
	free(mem);
	return 0;
}
