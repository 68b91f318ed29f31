/* SPDX-License-Identifier: MIT */
#include "core/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static const char *const role_names[] = {
	[KX_ROLE_KERNEL] = "kernel",
	[KX_ROLE_INITRD] = "initrd",
	[KX_ROLE_BOOT_PARAMS] = "boot-params",
	[KX_ROLE_CMDLINE] = "cmdline",
	[KX_ROLE_PURGATORY] = "purgatory",
	[KX_ROLE_SETUP_DATA] = "setup-data",
	[KX_ROLE_MODULE] = "module",
	[KX_ROLE_ELFCOREHDR] = "elfcorehdr",
	[KX_ROLE_BACKUP] = "backup",
	[KX_ROLE_BOOT_INFO] = "boot-info",
	[KX_ROLE_OTHER] = "other",
};

const char *kx_role_name(enum kx_seg_role role)
{
	if ((size_t)role < sizeof(role_names) / sizeof(role_names[0]) && role_names[role])
		return role_names[role];
	return "?";
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t align_up(uint64_t v, uint64_t a, bool *overflow)
{
	uint64_t r = (v + a - 1) & ~(a - 1);

	if (r < v)
		*overflow = true;
	return r;
}

int kx_plan_init(struct kx_plan *p, const struct kx_memmap *ram, uint64_t mem_min, uint64_t mem_max)
{
	uint64_t hi = mem_max ? mem_max : UINT64_MAX;
	int ret;

	memset(p, 0, sizeof(*p));
	if (mem_max && mem_max <= mem_min)
		return kx_err(EINVAL, "plan", "--mem-max (0x%llx) must be above --mem-min (0x%llx)",
			      (unsigned long long)mem_max, (unsigned long long)mem_min);
	for (size_t i = 0; i < ram->n; i++) {
		const struct kx_mem_region *r = &ram->v[i];
		uint64_t s = r->start > mem_min ? r->start : mem_min;
		uint64_t e = r->end < hi ? r->end : hi;

		if (r->type != KX_MEM_RAM && r->type != KX_MEM_CRASH)
			continue;
		/* Whole pages only: the kernel copies segments page by page. */
		s = (s + KX_PAGE_SIZE - 1) & ~(KX_PAGE_SIZE - 1);
		if (s < r->start)
			continue;
		e &= ~(KX_PAGE_SIZE - 1);
		if (e <= s)
			continue;
		ret = kx_memmap_add(&p->free, s, e, KX_MEM_RAM);
		if (ret < 0)
			return ret;
	}
	kx_memmap_normalize(&p->free);
	p->mem_min = mem_min;
	p->mem_max = mem_max;
	if (!p->free.n)
		return kx_err(ENOMEM, "plan",
			      "no usable RAM between --mem-min 0x%llx and --mem-max 0x%llx",
			      (unsigned long long)mem_min, (unsigned long long)mem_max);
	return 0;
}

void kx_plan_free(struct kx_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->seg[i].owned);
	free(p->image_owned);
	kx_memmap_free(&p->free);
	memset(p, 0, sizeof(*p));
}

int kx_plan_add(struct kx_plan *p, enum kx_seg_role role, const void *buf, size_t bufsz,
		uint64_t memsz, const struct kx_place_req *req, void *owned)
{
	struct kx_segment *s;
	bool ovf = false;

	if (p->n >= KX_MAX_SEGMENTS) {
		free(owned);
		return kx_err(E2BIG, "plan", "more than %d segments (the kernel's limit)",
			      KX_MAX_SEGMENTS);
	}
	if (!is_pow2(req->align) || req->align < KX_PAGE_SIZE) {
		free(owned);
		return kx_err(EINVAL, "plan", "%s: alignment 0x%llx is not a power of two >= 4 KiB",
			      kx_role_name(role), (unsigned long long)req->align);
	}
	if (memsz < bufsz)
		memsz = bufsz;
	memsz = align_up(memsz, KX_PAGE_SIZE, &ovf);
	if (ovf || memsz == 0) {
		free(owned);
		return kx_err(EINVAL, "plan", "%s: size 0x%llx is not loadable", kx_role_name(role),
			      (unsigned long long)memsz);
	}
	s = &p->seg[p->n];
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->buf = buf;
	s->bufsz = bufsz;
	s->memsz = memsz;
	s->owned = owned;
	s->req = *req;
	s->verify = true;
	return (int)p->n++;
}

/* Does [start, start+size) fit inside one free region? */
static bool fits_free(const struct kx_memmap *free_map, uint64_t start, uint64_t size)
{
	for (size_t i = 0; i < free_map->n; i++) {
		const struct kx_mem_region *r = &free_map->v[i];

		if (start >= r->start && start - r->start <= r->end - r->start &&
		    size <= r->end - start)
			return true;
	}
	return false;
}

bool kx_find_hole(const struct kx_memmap *free_map, uint64_t size, uint64_t align, uint64_t lo,
		  uint64_t hi, bool top_down, uint64_t *out)
{
	bool found = false;

	if (!size || hi <= lo || hi - lo < size)
		return false;
	for (size_t i = 0; i < free_map->n; i++) {
		const struct kx_mem_region *r = &free_map->v[i];
		uint64_t s = r->start > lo ? r->start : lo;
		uint64_t e = r->end < hi ? r->end : hi;
		uint64_t cand;
		bool ovf = false;

		if (e <= s || e - s < size)
			continue;
		if (top_down) {
			cand = (e - size) & ~(align - 1);
			if (cand < s)
				continue;
			if (!found || cand > *out)
				*out = cand;
			found = true;
		} else {
			cand = align_up(s, align, &ovf);
			if (ovf || cand >= e || e - cand < size)
				continue;
			if (!found || cand < *out)
				*out = cand;
			found = true;
		}
	}
	return found;
}

/* The checks for a fixed request over firmware-kept low memory, which the
 * free map does not list: below 1 MiB, inside the window, no overlap with a
 * placed segment. */
static int place_firmware_low(struct kx_plan *p, struct kx_segment *s)
{
	const struct kx_place_req *q = &s->req;
	uint64_t end = q->pref + s->memsz;
	uint64_t hi = p->mem_max ? p->mem_max : UINT64_MAX;

	if (!q->fixed || q->pref == KX_NO_PREF || (q->pref & (q->align - 1)) || end < q->pref ||
	    end > KX_MIB)
		return kx_err(EINVAL, "plan",
			      "%s: a firmware low-memory request must be fixed, aligned and end "
			      "at or below 1 MiB", kx_role_name(s->role));
	if (q->pref < q->min || (q->max && end > q->max) || q->pref < p->mem_min || end > hi)
		return kx_err(EADDRNOTAVAIL, "plan",
			      "%s must be loaded at 0x%llx-0x%llx, outside --mem-min/--mem-max "
			      "(0x%llx-0x%llx)", kx_role_name(s->role),
			      (unsigned long long)q->pref, (unsigned long long)end,
			      (unsigned long long)p->mem_min, (unsigned long long)hi);
	for (size_t j = 0; j < p->n; j++) {
		const struct kx_segment *o = &p->seg[j];

		if (o == s || !o->placed || o->mem >= end || q->pref >= o->mem + o->memsz)
			continue;
		return kx_err(EADDRNOTAVAIL, "plan", "%s at 0x%llx-0x%llx overlaps the %s at 0x%llx",
			      kx_role_name(s->role), (unsigned long long)q->pref,
			      (unsigned long long)end, kx_role_name(o->role),
			      (unsigned long long)o->mem);
	}
	s->mem = q->pref;
	s->placed = true;
	/* Nothing else may land there later either. */
	return kx_memmap_remove(&p->free, s->mem, end);
}

int kx_plan_place(struct kx_plan *p, size_t i)
{
	struct kx_segment *s = &p->seg[i];
	const struct kx_place_req *q = &s->req;
	uint64_t addr = 0;
	bool ok = false;

	if (s->placed)
		return 0;
	if (q->firmware_low)
		return place_firmware_low(p, s);
	if (q->max && q->max <= q->min)
		return kx_err(EINVAL, "plan", "%s: empty address window [0x%llx, 0x%llx)",
			      kx_role_name(s->role), (unsigned long long)q->min,
			      (unsigned long long)q->max);
	if (q->pref != KX_NO_PREF) {
		uint64_t end = q->pref + s->memsz;

		ok = !(q->pref & (q->align - 1)) && end > q->pref && q->pref >= q->min &&
		     (!q->max || end <= q->max) && fits_free(&p->free, q->pref, s->memsz);
		if (ok)
			addr = q->pref;
		else if (q->fixed)
			return kx_err(EADDRNOTAVAIL, "plan",
				      "%s must be loaded at 0x%llx-0x%llx, which is not free RAM "
				      "(or outside --mem-min/--mem-max)",
				      kx_role_name(s->role), (unsigned long long)q->pref,
				      (unsigned long long)end);
	}
	if (!ok && q->pref_max && (!q->max || q->pref_max < q->max))
		ok = kx_find_hole(&p->free, s->memsz, q->align, q->min, q->pref_max, q->top_down,
				  &addr);
	if (!ok)
		ok = kx_find_hole(&p->free, s->memsz, q->align, q->min, q->max ? q->max : UINT64_MAX,
				  q->top_down, &addr);
	if (!ok && (p->mem_min || p->mem_max))
		return kx_err(ENOMEM, "plan",
			      "the %s (0x%llx bytes, align 0x%llx) does not fit in free RAM between "
			      "--mem-min 0x%llx and --mem-max 0x%llx; widen the window",
			      kx_role_name(s->role), (unsigned long long)s->memsz,
			      (unsigned long long)q->align, (unsigned long long)p->mem_min,
			      (unsigned long long)(p->mem_max ? p->mem_max : UINT64_MAX));
	if (!ok)
		return kx_err(ENOMEM, "plan",
			      "no free RAM for the %s (0x%llx bytes, align 0x%llx) between 0x%llx "
			      "and 0x%llx",
			      kx_role_name(s->role), (unsigned long long)s->memsz,
			      (unsigned long long)q->align, (unsigned long long)q->min,
			      (unsigned long long)(q->max ? q->max : UINT64_MAX));
	s->mem = addr;
	s->placed = true;
	return kx_memmap_remove(&p->free, addr, addr + s->memsz);
}

int kx_plan_add_placed(struct kx_plan *p, enum kx_seg_role role, const void *buf, size_t bufsz,
		       uint64_t memsz, const struct kx_place_req *req, void *owned)
{
	int i = kx_plan_add(p, role, buf, bufsz, memsz, req, owned);
	int ret;

	if (i < 0)
		return i;
	ret = kx_plan_place(p, (size_t)i);
	return ret < 0 ? ret : i;
}

/* Pages are handed back in stretches this long: big enough that the hook's
 * syscall costs nothing next to hashing them, small next to an initrd. */
#define HASH_RELEASE_CHUNK (2ull << 20)

void kx_segment_hash_release(struct kx_segment *s, const struct kx_release_hook *rel)
{
	struct kx_sha256 c;
	size_t off = 0;

	kx_sha256_init(&c, KX_SHA256_AUTO);
	while (off < s->bufsz) {
		size_t n = s->bufsz - off < HASH_RELEASE_CHUNK ? s->bufsz - off : HASH_RELEASE_CHUNK;

		kx_sha256_update(&c, s->buf + off, n);
		if (rel && rel->release)
			rel->release(rel->ctx, s->buf + off, n);
		off += n;
	}
	kx_sha256_update_zeros(&c, s->memsz - s->bufsz);
	kx_sha256_final(&c, s->sha256);
}

void kx_segment_hash(struct kx_segment *s)
{
	kx_segment_hash_release(s, NULL);
}

void kx_plan_hash(struct kx_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		kx_segment_hash(&p->seg[i]);
}

bool kx_plan_digest_needs(const struct kx_plan *p, size_t i)
{
	return !p->digested && i < p->n && !(p->purg_params && i == p->purg_seg);
}

void kx_plan_digest(struct kx_plan *p, const struct kx_release_hook *rel)
{
	for (size_t i = 0; i < p->n; i++) {
		if (kx_plan_digest_needs(p, i))
			kx_segment_hash_release(&p->seg[i], rel);
	}
	kx_plan_digest_seal(p);
}

void kx_plan_digest_seal(struct kx_plan *p)
{
	struct kx_purg_params *pp = p->purg_params;

	if (p->digested)
		return;
	if (pp) {
		for (uint32_t r = 0; r < pp->nr_regions && r < KX_PURG_MAX_REGIONS; r++)
			memcpy(pp->regions[r].sha256, p->seg[p->purg_region_seg[r]].sha256,
			       sizeof(pp->regions[r].sha256));
		if (p->bad_digest && pp->nr_regions)
			pp->regions[0].sha256[0] ^= 0xff;
		kx_segment_hash(&p->seg[p->purg_seg]);
	}
	p->digested = true;
}
