/* SPDX-License-Identifier: MIT */
/*
 * The arm64 Image: the kernel goes text_offset bytes above a 2 MiB-aligned
 * base in RAM, with image_size bytes (BSS included) free from there
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image"). The
 * hand-off (x0 = DTB) and purgatory are not written yet: the plan has the
 * kernel only, and loading stops at purgatory (src/lib/build.c).
 */
#include "arch/arm64/image.h"

#include "core/err.h"

void kx_arm64_image_place_req(const struct kx_arm64_image *im, struct kx_place_req *req,
			      uint64_t *memsz)
{
	*req = (struct kx_place_req){ .align = KX_ARM64_BASE_ALIGN, .pref = KX_NO_PREF };
	*memsz = im->text_offset + im->image_size;
}

static int image_probe(const uint8_t *img, size_t len)
{
	struct kx_arm64_image im;

	return kx_arm64_image_parse(img, len, &im);
}

static int image_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		      const struct kx_facts *f, struct kx_plan *p)
{
	struct kx_arm64_image im;
	struct kx_place_req req;
	struct kx_segment *s;
	uint64_t memsz;
	int ret;

	ret = kx_arm64_image_parse(img, len, &im);
	if (ret < 0)
		return ret;
	kx_arm64_image_place_req(&im, &req, &memsz);
	ret = kx_plan_add_placed(p, KX_ROLE_KERNEL, img, len, memsz, &req, NULL);
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
	return 0;
}

const struct kx_format kx_format_arm64_image = {
	.name = "Image",
	.probe = image_probe,
	.plan = image_plan,
};
