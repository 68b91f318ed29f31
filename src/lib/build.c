/* SPDX-License-Identifier: MIT */
/*
 * image + options + facts -> plan. The format adds its segments; then
 * purgatory is placed, told how to enter the image and given the SHA-256 of
 * every other segment as it will sit in memory.
 */
#include "lib/build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "arch_defs.h"
#include "core/purgatory.h"
#include "crash/corehdr.h"
#include "formats/decompress.h"
#include "formats/zboot.h"

/* Fills purgatory's parameter block from the plan and adds it as a segment. */
static int plan_add_purgatory(struct kx_plan *p, const struct kx_load_opts *o,
			      const struct kx_facts *f)
{
	struct kx_purgatory pg;
	struct kx_purg_params *pp;
	/* Below 4 GiB when there is room, as for any load; higher only for a
	 * hand-off that never leaves long mode, when a capture kernel's whole
	 * region lies above 4 GiB (crash_load_area). */
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = KX_MIB,
				    .max = kx_handoff_purgatory_max(&p->handoff),
				    .pref_max = KX_4G, .pref = KX_NO_PREF };
	int ret, i;

	ret = kx_purgatory_open(kx_purgatory_blob, kx_purgatory_blob_size, &pg);
	if (ret < 0)
		return ret;
	pp = pg.params;
	kx_handoff_fill_params(&p->handoff, o, f, pp);
	for (size_t s = 0; s < p->n; s++) {
		/* -i: purgatory gets no regions, and the plan must not claim it
		 * checks any (the digests are still computed and printed). */
		if (o->no_checks)
			p->seg[s].verify = false;
		if (!p->seg[s].verify)
			continue;
		ret = kx_purgatory_add_region(&pg, p->seg[s].mem, p->seg[s].memsz, p->seg[s].sha256);
		if (ret < 0)
			goto out;
		p->purg_region_seg[pp->nr_regions - 1] = (uint8_t)s;
	}
	p->bad_digest = o->test_bad_digest;
	/* The image copy becomes the segment's buffer and is freed with the plan. */
	i = kx_plan_add_placed(p, KX_ROLE_PURGATORY, pg.image, pg.image_size, pg.mem_size, &req,
			       pg.image);
	pg.image = NULL;
	if (i < 0) {
		ret = i;
		goto out;
	}
	p->seg[i].verify = false;
	p->purg_params = pp;
	p->purg_seg = (size_t)i;
	p->entry = p->seg[i].mem + pg.entry_offset;
	ret = 0;
out:
	kx_purgatory_close(&pg);
	return ret;
}

/* A capture kernel (-p) learns where the crashed kernel's memory, notes and
 * VMCOREINFO are from the ELF core header, placed like any other segment inside
 * the crash region (ELF_CORE_HEADER_ALIGN, include/linux/crash_core.h) and
 * verified by purgatory. Its place is recorded in the plan (p->capture); the
 * arch tells the capture kernel (elfcorehdr= on x86). */
static int plan_add_elfcorehdr(struct kx_plan *p, const struct kx_load_opts *o,
			       const struct kx_facts *f)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = 0, .max = 0,
				    .pref = KX_NO_PREF };
	uint8_t *hdr;
	size_t len;
	uint64_t memsz;
	int ret;

	if (f->kdump.no_kcore) {
		p->file_load_only = "there is no /proc/kcore (CONFIG_PROC_KCORE), which kexec_load "
				    "needs for the kernel's mappings in the core header kx "
				    "writes; with kexec_file_load the kernel writes it";
		return 0;
	}
	ret = kx_corehdr_build(&f->kdump, &f->ram, &f->crash,
			       o->elf32_core_headers ? KX_COREHDR_ELF32 : KX_COREHDR_ELF64, &hdr,
			       &len);
	if (ret < 0)
		return ret;
	/* With crash hotplug the kernel writes its own, larger header over ours
	 * after a CPU or memory change: the segment gets the room the kernel
	 * asks for, and purgatory cannot know its final bytes. */
	memsz = len;
	if (o->hotplug && f->kdump.hotplug_hdr_size > memsz)
		memsz = f->kdump.hotplug_hdr_size;
	ret = kx_plan_add_placed(p, KX_ROLE_ELFCOREHDR, hdr, len, memsz, &req, hdr);
	if (ret < 0)
		return kx_err_prefix(ret, "ELF core header of %zu bytes", (size_t)memsz);
	if (o->hotplug)
		p->seg[ret].verify = false;
	p->capture = (struct kx_capture){ .active = true, .elfcorehdr = p->seg[ret].mem,
					  .elfcorehdr_size = p->seg[ret].memsz,
					  .hotplug = o->hotplug };
	return 0;
}

/* Where a capture kernel's segments may go: the crash region. With
 * crashkernel=X,high (or a large crashkernel=X the kernel had to put above
 * 4 GiB) there are two "Crash kernel" ranges: crashk_res above 4 GiB and
 * crashk_low_res below, kept for the capture kernel's DMA and swiotlb. Both
 * syscalls load into crashk_res only: kexec_load refuses a segment or an
 * entry point outside it (kernel/kexec_core.c sanity_check_segment_list,
 * kernel/kexec.c kimage_alloc_init) and kexec_file_load searches only there
 * (kexec_walk_resources). So when a range lies above 4 GiB, the ranges below
 * are the low part: left out here, still given to the capture kernel as RAM
 * (kx_bp_crash_e820 reads every range). */
static int crash_load_area(const struct kx_memmap *crash, struct kx_memmap *out)
{
	bool high = false;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < crash->n; i++)
		high |= crash->v[i].end > KX_4G;
	for (size_t i = 0; i < crash->n && !ret; i++)
		if (!high || crash->v[i].end > KX_4G)
			ret = kx_memmap_add(out, crash->v[i].start, crash->v[i].end, crash->v[i].type);
	if (ret)
		kx_memmap_free(out);
	return ret;
}

int kx_unwrap_image(const uint8_t *img, size_t len, const char *type, struct kx_unwrapped *u)
{
	enum kx_compression comp;
	int ret;

	*u = (struct kx_unwrapped){ .img = img, .len = len };
	/* A UKI is a PE file carrying the kernel in .linux: what the formats
	 * see is that section (which may itself be compressed, below). */
	ret = kx_uki_parse(img, len, kx_uki_type_is(type), &u->uki);
	if (ret == 0) {
		u->is_uki = true;
		u->img = u->uki.part[KX_UKI_LINUX].data;
		u->len = u->uki.part[KX_UKI_LINUX].size;
	} else if (ret != -ENOEXEC || kx_uki_type_is(type)) {
		return ret;
	} else {
		kx_err_clear(); /* not a UKI: the formats will say what it is */
	}
	/* An EFI zboot image (a PE whose payload is a compressed kernel): what
	 * the formats see is the payload, unpacked. */
	if (kx_zboot_is(u->img, u->len)) {
		ret = kx_zboot_unwrap(u->img, u->len, kx_decompress_cap(u->len), &u->owned, &u->len);
		if (ret < 0)
			return kx_err_prefix(ret, u->is_uki ? "the UKI's .linux" : "kernel image");
		u->img = u->owned;
		u->compression = "zboot";
		return 0;
	}
	comp = kx_compression_detect(u->img, u->len);
	/* A compressed file (vmlinux.gz, ...) is unpacked first and every format
	 * probes the plain bytes. A bzImage never matches here: its compressed
	 * payload sits inside, behind the setup sectors, and the kernel's own
	 * decompressor unpacks it. Initrds are passed on as they are. */
	if (comp == KX_COMP_NONE)
		return 0;
	ret = kx_decompress(u->img, u->len, kx_decompress_cap(u->len), &u->owned, &u->len);
	if (ret < 0)
		return kx_err_prefix(ret, u->is_uki ? "the UKI's .linux" : "kernel image");
	u->img = u->owned;
	u->compression = kx_compression_name(comp);
	return 0;
}

const char *kx_unwrapped_type(const char *type)
{
	return kx_uki_type_is(type) ? NULL : type;
}

void kx_unwrapped_free(struct kx_unwrapped *u)
{
	free(u->owned);
	*u = (struct kx_unwrapped){ 0 };
}

int kx_build_plan_format(const struct kx_format *fmt, struct kx_unwrapped *u,
			 const struct kx_load_opts *o, const struct kx_facts *f,
			 struct kx_plan *p)
{
	struct kx_memmap crash_area = { 0 };
	int ret;

	memset(p, 0, sizeof(*p));
	ret = kx_format_check_panic(fmt, o->panic);
	if (ret < 0) {
		kx_unwrapped_free(u);
		return ret;
	}
	if (o->panic && !f->crash.n) {
		kx_unwrapped_free(u);
		return kx_err(ENOMEM, "kexec",
			      "no crash kernel memory reserved: boot with crashkernel=256M (or more)");
	}
	if (o->panic)
		ret = crash_load_area(&f->crash, &crash_area);
	if (!ret)
		ret = kx_plan_init(p, o->panic ? &crash_area : &f->ram, o->mem_min, o->mem_max);
	kx_memmap_free(&crash_area);
	if (ret < 0) {
		kx_unwrapped_free(u);
		return ret;
	}
	p->image_owned = u->owned;
	p->compression = u->compression;
	u->owned = NULL;
	p->format = fmt->name;
	if (o->panic) {
		ret = plan_add_elfcorehdr(p, o, f);
		if (ret < 0)
			goto fail;
	}
	ret = fmt->plan(u->img, u->len, o, f, p);
	if (ret < 0)
		goto fail;
	ret = plan_add_purgatory(p, o, f);
	if (ret < 0)
		goto fail;
	if (!o->defer_digests)
		kx_plan_digest(p, NULL);
	return 0;
fail:
	kx_plan_free(p);
	return ret;
}

int kx_build_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		  const struct kx_facts *f, struct kx_plan *p)
{
	const struct kx_format *fmt = NULL;
	struct kx_unwrapped u;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = kx_unwrap_image(img, len, o->type, &u);
	if (ret < 0)
		return ret;
	ret = kx_format_detect(u.img, u.len, kx_unwrapped_type(o->type), &fmt);
	if (ret < 0) {
		kx_unwrapped_free(&u);
		return ret;
	}
	return kx_build_plan_format(fmt, &u, o, f, p);
}
