/* SPDX-License-Identifier: MIT */
/*
 * An arm64 ELF vmlinux. Its program headers carry kernel virtual addresses
 * (p_paddr too), so it cannot be loaded where it was linked; but its
 * PT_LOADs, laid out by address from the lowest, are byte for byte the
 * Image (arch/arm64/boot/Makefile builds Image with objcopy -O binary), and
 * the first one starts with the Image header. So kx flattens them and boots
 * the result as an Image: same placement, same entry (the Image's first
 * byte), same hand-off.
 */
#include "arch/arm64/vmlinux.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arm64/image.h"
#include "core/elf.h"
#include "core/err.h"

#define MOD "vmlinux"
#define EM_AARCH64 183
/* Far above any arm64 kernel's _text.._edata (tens of MiB); a gap between
 * PT_LOADs this large is a damaged or foreign file. */
#define VMLINUX_MAX_SPAN ((uint64_t)512 << 20)

/* The file bytes of one PT_LOAD, by virtual address: [lo, hi). */
struct load_span {
	uint64_t lo, hi;
	size_t index;
};

static int span_cmp(const void *a, const void *b)
{
	const struct load_span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* PT_LOADs whose file bytes share an address: flattening would write one
 * over the other (the Image header included), so such a file is refused. */
static int check_no_overlap(const struct kx_elf_hdr *h)
{
	struct load_span *v = calloc(h->e_phnum ? h->e_phnum : 1, sizeof(*v));
	struct kx_elf_phdr ph;
	size_t n = 0;
	int ret = 0;

	if (!v)
		return kx_err(ENOMEM, MOD, "out of memory");
	for (size_t i = 0; i < h->e_phnum; i++) {
		kx_elf_get_phdr(h, i, &ph);
		if (ph.p_type == KX_PT_LOAD && ph.p_filesz)
			v[n++] = (struct load_span){ ph.p_vaddr, ph.p_vaddr + ph.p_filesz, i };
	}
	qsort(v, n, sizeof(*v), span_cmp);
	for (size_t i = 1; i < n && !ret; i++)
		if (v[i].lo < v[i - 1].hi)
			ret = kx_err(EINVAL, MOD, "PT_LOAD %zu (0x%llx..0x%llx) overlaps PT_LOAD %zu "
				     "(0x%llx..0x%llx): a damaged file, not a Linux vmlinux",
				     v[i].index, (unsigned long long)v[i].lo,
				     (unsigned long long)v[i].hi, v[i - 1].index,
				     (unsigned long long)v[i - 1].lo, (unsigned long long)v[i - 1].hi);
	free(v);
	return ret;
}

/* The extent [lo, hi) of the PT_LOADs' file bytes, by virtual address; the
 * index of the lowest. */
static int load_extent(const uint8_t *img, size_t len, const struct kx_elf_hdr *h,
		       uint64_t *lo, uint64_t *hi, size_t *first)
{
	struct kx_elf_phdr ph;
	bool any = false;

	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < h->e_phnum; i++) {
		kx_elf_get_phdr(h, i, &ph);
		if (ph.p_type != KX_PT_LOAD || !ph.p_filesz)
			continue;
		if (!kx_elf_segment_in_file(&ph, len))
			return kx_err(EINVAL, MOD, "PT_LOAD %zu (offset 0x%llx, 0x%llx bytes) lies "
				      "outside the file (%zu bytes): it is truncated", i,
				      (unsigned long long)ph.p_offset,
				      (unsigned long long)ph.p_filesz, len);
		if (ph.p_vaddr + ph.p_filesz < ph.p_vaddr)
			return kx_err(EINVAL, MOD, "PT_LOAD %zu wraps around the address space", i);
		if (ph.p_vaddr < *lo) {
			*lo = ph.p_vaddr;
			*first = i;
		}
		if (ph.p_vaddr + ph.p_filesz > *hi)
			*hi = ph.p_vaddr + ph.p_filesz;
		any = true;
	}
	if (!any)
		return kx_err(ENOEXEC, MOD, "no PT_LOAD with file bytes");
	if (*hi - *lo > VMLINUX_MAX_SPAN)
		return kx_err(EINVAL, MOD, "PT_LOADs span 0x%llx bytes, more than an arm64 kernel "
			      "(at most 0x%llx)", (unsigned long long)(*hi - *lo),
			      (unsigned long long)VMLINUX_MAX_SPAN);
	return check_no_overlap(h);
}

/* Whether img is an arm64 vmlinux: ELF64 EM_AARCH64 whose lowest PT_LOAD
 * starts with the Image header. Sets no message on -ENOEXEC from a foreign
 * ELF beyond what the checks say. */
static int vmlinux_check(const uint8_t *img, size_t len, struct kx_elf_hdr *h, uint64_t *lo,
			 uint64_t *hi)
{
	struct kx_elf_phdr ph;
	size_t first = 0;
	int ret;

	ret = kx_elf_parse_headers(img, len, MOD, h);
	if (ret < 0)
		return ret;
	if (!h->is64 || h->e_machine != EM_AARCH64)
		return kx_err(ENOEXEC, MOD, "not an arm64 ELF (ELFCLASS64, EM_AARCH64)");
	ret = load_extent(img, len, h, lo, hi, &first);
	if (ret < 0)
		return ret;
	kx_elf_get_phdr(h, first, &ph);
	if (!kx_arm64_image_is(img + ph.p_offset, (size_t)ph.p_filesz))
		return kx_err(ENOEXEC, MOD, "the first PT_LOAD does not start with an arm64 Image "
			      "header: not a Linux vmlinux");
	return 0;
}

int kx_arm64_vmlinux_flatten(const uint8_t *img, size_t len, uint8_t **out, size_t *out_len)
{
	struct kx_elf_hdr h;
	struct kx_elf_phdr ph;
	uint64_t lo, hi;
	uint8_t *buf;
	int ret;

	*out = NULL;
	*out_len = 0;
	ret = vmlinux_check(img, len, &h, &lo, &hi);
	if (ret < 0)
		return ret;
	buf = calloc(1, (size_t)(hi - lo));
	if (!buf)
		return kx_err(ENOMEM, MOD, "out of memory for a %llu-byte Image",
			      (unsigned long long)(hi - lo));
	for (size_t i = 0; i < h.e_phnum; i++) {
		kx_elf_get_phdr(&h, i, &ph);
		if (ph.p_type == KX_PT_LOAD && ph.p_filesz)
			memcpy(buf + (ph.p_vaddr - lo), img + ph.p_offset, (size_t)ph.p_filesz);
	}
	*out = buf;
	*out_len = (size_t)(hi - lo);
	return 0;
}

static int vmlinux_probe(const uint8_t *img, size_t len)
{
	struct kx_elf_hdr h;
	uint64_t lo, hi;

	return vmlinux_check(img, len, &h, &lo, &hi);
}

static int vmlinux_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
			const struct kx_facts *f, struct kx_plan *p)
{
	uint8_t *flat;
	size_t flat_len;
	int ret;

	ret = kx_arm64_vmlinux_flatten(img, len, &flat, &flat_len);
	if (ret < 0)
		return ret;
	return kx_arm64_image_plan_owned(flat, flat_len, o, f, p);
}

const struct kx_format kx_format_arm64_vmlinux = {
	.name = "vmlinux",
	.capture = true,
	.probe = vmlinux_probe,
	.plan = vmlinux_plan,
};
