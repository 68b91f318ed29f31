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

extern const struct kx_format kx_format_arm64_image;

#endif
