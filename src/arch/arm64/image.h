/* SPDX-License-Identifier: MIT */
/* The arm64 Image format (booting.rst): probe and placement. */
#ifndef KX_ARM64_IMAGE_H
#define KX_ARM64_IMAGE_H

#include "arch/arm64/image_header.h"
#include "core/format.h"

/* The kernel's placement request: a 2 MiB-aligned base, lowest first
 * (booting.rst: as close as possible to the start of DRAM unless flags bit 3
 * allows anywhere; lowest is right in both cases). *memsz covers
 * text_offset + image_size from the base. */
void kx_arm64_image_place_req(const struct kx_arm64_image *im, struct kx_place_req *req,
			      uint64_t *memsz);

/* After the kernel (ending at kernel_end): the initrd, the DTB built for
 * the next kernel (dtb.h), x0 and purgatory's console and reset. Shared by
 * the Image and ELF vmlinux. */
int kx_arm64_plan_boot_info(struct kx_plan *p, const struct kx_load_opts *o,
			    const struct kx_facts *f, uint64_t kernel_end);

/* The Image format's plan for a buffer the plan takes over (freed with it,
 * also on failure): an Image kx made (vmlinux.c). */
int kx_arm64_image_plan_owned(uint8_t *img, size_t len, const struct kx_load_opts *o,
			      const struct kx_facts *f, struct kx_plan *p);

extern const struct kx_format kx_format_arm64_image;

#endif
