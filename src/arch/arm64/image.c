/* SPDX-License-Identifier: MIT */
/*
 * The arm64 Image: the kernel goes text_offset bytes above a 2 MiB-aligned
 * base in RAM, with image_size bytes (BSS included) free from there
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image"); then the
 * initrd and the DTB (kx_arm64_plan_boot_info), and x0 = the DTB.
 */
#include "arch/arm64/image.h"

#include <errno.h>
#include <stdlib.h>

#include "arch/arm64/dtb.h"
#include "core/err.h"

void kx_arm64_image_place_req(const struct kx_arm64_image *im, struct kx_place_req *req,
			      uint64_t *memsz)
{
	*req = (struct kx_place_req){ .align = KX_ARM64_BASE_ALIGN, .pref = KX_NO_PREF };
	*memsz = im->text_offset + im->image_size;
}

/* The tree the next kernel starts from: --dtb, else the running kernel's. */
static int base_tree(const struct kx_load_opts *o, const struct kx_facts *f,
		     struct kx_arm64_dtb_req *r)
{
	if (o->dtb) {
		r->base = o->dtb;
		r->base_len = o->dtb_len;
		r->base_name = "--dtb";
		return 0;
	}
	if (f->arch.fdt) {
		r->base = f->arch.fdt;
		r->base_len = f->arch.fdt_len;
		r->base_name = "/sys/firmware/fdt";
		return 0;
	}
	return kx_err(ENOENT, "dtb", "no device tree for the next kernel: /sys/firmware/fdt is "
		      "missing or unreadable (run as root); pass one with --dtb=FILE");
}

int kx_arm64_plan_boot_info(struct kx_plan *p, const struct kx_load_opts *o,
			    const struct kx_facts *f, uint64_t kernel_end)
{
	/* booting.rst: the initrd within the 32 GiB window that covers the
	 * kernel, the DTB 8-byte aligned and not across a 2 MiB boundary; both
	 * just above the kernel, the DTB 2 MiB aligned since it is at most
	 * 2 MiB. */
	struct kx_place_req ireq = { .align = KX_PAGE_SIZE, .min = kernel_end,
				     .pref = KX_NO_PREF };
	struct kx_place_req dreq = { .align = KX_ARM64_BASE_ALIGN, .min = kernel_end,
				     .pref = KX_NO_PREF };
	struct kx_arm64_dtb_req r = { .cmdline = o->cmdline };
	struct kx_arm64_platform plat;
	uint8_t *dtb;
	size_t dtb_len;
	int i, ret;

	ret = base_tree(o, f, &r);
	if (ret < 0)
		return ret;
	if (o->initrd && o->initrd_len) {
		i = kx_plan_add_placed(p, KX_ROLE_INITRD, o->initrd, o->initrd_len, o->initrd_len,
				       &ireq, NULL);
		if (i < 0)
			return kx_err_prefix(i, "initrd of %zu bytes", o->initrd_len);
		r.initrd = true;
		r.initrd_start = p->seg[i].mem;
		r.initrd_end = p->seg[i].mem + o->initrd_len;
	}
	if (f->arch.have_seed) {
		r.kaslr_seed = f->arch.kaslr_seed;
		r.rng_seed = f->arch.rng_seed;
	}
	if (p->capture.active) {
		r.crash = true;
		r.elfcorehdr = p->capture.elfcorehdr;
		r.elfcorehdr_size = p->capture.elfcorehdr_size;
		r.usable = &f->crash;
	}
	ret = kx_arm64_dtb_build(&r, &dtb, &dtb_len);
	if (ret < 0)
		return ret;
	i = kx_plan_add_placed(p, KX_ROLE_BOOT_INFO, dtb, dtb_len, dtb_len, &dreq, dtb);
	if (i < 0)
		return kx_err_prefix(i, "device tree of %zu bytes", dtb_len);
	p->handoff.mode = KX_ENTRY_LINUX_ARM64;
	p->handoff.x0 = p->seg[i].mem;
	/* Purgatory's console and reset: the running system's, also with
	 * --dtb (the tree for the next kernel may describe another board). */
	kx_arm64_platform_from_fdt(f->arch.fdt, f->arch.fdt_len, &plat);
	kx_arm64_platform_from_acpi(f->arch.spcr, f->arch.spcr_len, f->arch.fadt,
				    f->arch.fadt_len, &plat);
	p->handoff.uart_type = plat.uart_type;
	p->handoff.uart_base = plat.uart_base;
	p->handoff.psci = plat.psci;
	return 0;
}

static int image_probe(const uint8_t *img, size_t len)
{
	struct kx_arm64_image im;

	return kx_arm64_image_parse(img, len, &im);
}

/* The plan for img; `owned` (img itself or NULL) is freed with the plan,
 * also on failure. */
static int plan_image(const uint8_t *img, size_t len, uint8_t *owned,
		      const struct kx_load_opts *o, const struct kx_facts *f, struct kx_plan *p)
{
	struct kx_arm64_image im;
	struct kx_place_req req;
	struct kx_segment *s;
	uint64_t memsz;
	int ret;

	ret = kx_arm64_image_parse(img, len, &im);
	if (ret < 0) {
		free(owned);
		return ret;
	}
	kx_arm64_image_place_req(&im, &req, &memsz);
	ret = kx_plan_add_placed(p, KX_ROLE_KERNEL, img, len, memsz, &req, owned);
	if (ret < 0)
		return kx_err_prefix(ret, "Image: no 2 MiB-aligned room for %llu bytes",
				     (unsigned long long)memsz);
	/* The base is reserved with the segment; the file's bytes start
	 * text_offset above it, and the kernel is entered there. */
	s = &p->seg[ret];
	s->mem += im.text_offset;
	s->memsz -= im.text_offset;
	p->handoff.mode = KX_ENTRY_LINUX_ARM64;
	p->handoff.pc = s->mem;
	p->handoff.x0 = 0;
	return kx_arm64_plan_boot_info(p, o, f, s->mem + s->memsz);
}

static int image_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		      const struct kx_facts *f, struct kx_plan *p)
{
	return plan_image(img, len, NULL, o, f, p);
}

int kx_arm64_image_plan_owned(uint8_t *img, size_t len, const struct kx_load_opts *o,
			      const struct kx_facts *f, struct kx_plan *p)
{
	return plan_image(img, len, img, o, f, p);
}

/* arm64's kexec_file_load takes an Image (arch/arm64/kernel/kexec_image.c);
 * kx hands it the unpacked one when the file was compressed or zboot. */
const struct kx_format kx_format_arm64_image = {
	.name = "Image",
	.kernel_file_load = true,
	/* -p: the DTB carries linux,elfcorehdr and linux,usable-memory-range. */
	.capture = true,
	.probe = image_probe,
	.plan = image_plan,
};
