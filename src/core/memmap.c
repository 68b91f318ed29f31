/* SPDX-License-Identifier: MIT */
#include "core/memmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define MEMMAP_MIN_CAP 16

/* Spelled as the kernel's e820_type_to_string() spells them in
 * /sys/firmware/memmap/N/type and /proc/iomem. */
static const struct {
	enum kx_mem_type type;
	const char *name;
} mem_type_names[] = {
	{ KX_MEM_RAM, "System RAM" },
	{ KX_MEM_RESERVED, "Reserved" },
	{ KX_MEM_ACPI, "ACPI Tables" },
	{ KX_MEM_NVS, "ACPI Non-volatile Storage" },
	{ KX_MEM_UNUSABLE, "Unusable memory" },
	{ KX_MEM_PRAM, "Persistent Memory (legacy)" },
	{ KX_MEM_PMEM, "Persistent Memory" },
	{ KX_MEM_SOFT_RESERVED, "Soft Reserved" },
	{ KX_MEM_CRASH, "Crash kernel" },
};

void kx_memmap_free(struct kx_memmap *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
	m->cap = 0;
}

static int memmap_reserve(struct kx_memmap *m, size_t extra)
{
	size_t need, cap;
	struct kx_mem_region *v;

	if (extra > SIZE_MAX - m->n)
		return kx_err(ENOMEM, "memmap", "too many regions");
	need = m->n + extra;
	if (need <= m->cap)
		return 0;
	cap = m->cap ? m->cap : MEMMAP_MIN_CAP;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 / sizeof(*v))
			return kx_err(ENOMEM, "memmap", "too many regions");
		cap *= 2;
	}
	v = realloc(m->v, cap * sizeof(*v));
	if (!v)
		return kx_err(ENOMEM, "memmap", "out of memory for %zu regions", cap);
	m->v = v;
	m->cap = cap;
	return 0;
}

int kx_memmap_add(struct kx_memmap *m, uint64_t start, uint64_t end, enum kx_mem_type type)
{
	int ret;

	if (start >= end)
		return kx_err(EINVAL, "memmap", "empty region [%#llx, %#llx)",
			      (unsigned long long)start, (unsigned long long)end);
	ret = memmap_reserve(m, 1);
	if (ret)
		return ret;
	m->v[m->n++] = (struct kx_mem_region){ .start = start, .end = end, .type = type };
	return 0;
}

static int region_cmp(const void *a, const void *b)
{
	const struct kx_mem_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return 0;
}

void kx_memmap_normalize(struct kx_memmap *m)
{
	size_t i, out = 0;

	if (m->n == 0)
		return;
	qsort(m->v, m->n, sizeof(m->v[0]), region_cmp);
	/* Overlapping regions of different types are kept as they are: which one
	 * is right is the caller's decision, not a sort's. */
	for (i = 1; i < m->n; i++) {
		struct kx_mem_region *last = &m->v[out];

		if (m->v[i].type == last->type && m->v[i].start <= last->end) {
			if (m->v[i].end > last->end)
				last->end = m->v[i].end;
			continue;
		}
		m->v[++out] = m->v[i];
	}
	m->n = out + 1;
}

int kx_memmap_remove(struct kx_memmap *m, uint64_t start, uint64_t end)
{
	size_t i;
	int ret;

	if (start > end)
		return kx_err(EINVAL, "memmap", "cannot remove inverted range [%#llx, %#llx)",
			      (unsigned long long)start, (unsigned long long)end);
	if (start == end)
		return 0;
	for (i = 0; i < m->n; i++) {
		struct kx_mem_region *r = &m->v[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* The cut is inside: split in two, the tail goes right after. */
			struct kx_mem_region tail = { end, r->end, r->type };

			ret = memmap_reserve(m, 1);
			if (ret)
				return ret;
			r = &m->v[i];
			r->end = start;
			memmove(&m->v[i + 2], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
			m->v[i + 1] = tail;
			m->n++;
			i++;
		} else if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
			m->n--;
			i--;
		}
	}
	return 0;
}

const char *kx_mem_type_name(enum kx_mem_type t)
{
	size_t i;

	for (i = 0; i < sizeof(mem_type_names) / sizeof(mem_type_names[0]); i++)
		if (mem_type_names[i].type == t)
			return mem_type_names[i].name;
	return "Unknown";
}

bool kx_mem_type_parse(const char *name, enum kx_mem_type *out)
{
	size_t i;

	/* Some kernels print e820 reserved ranges in /proc/iomem as "reserved". */
	if (strcmp(name, "reserved") == 0) {
		*out = KX_MEM_RESERVED;
		return true;
	}
	for (i = 0; i < sizeof(mem_type_names) / sizeof(mem_type_names[0]); i++) {
		if (strcmp(mem_type_names[i].name, name) == 0) {
			*out = mem_type_names[i].type;
			return true;
		}
	}
	return false;
}
