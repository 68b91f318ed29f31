/* SPDX-License-Identifier: MIT */
/*
 * image + options + facts -> a complete plan: unwrap, detect, the format's
 * segments, the capture kernel's core header, purgatory. Pure: no syscalls, no
 * file reads; tests call it with generated images and fake facts.
 */
#ifndef KX_LIB_BUILD_H
#define KX_LIB_BUILD_H

#include "core/format.h"
#include "formats/uki.h"

/* The image as the formats see it: a UKI's .linux section when the file
 * was a UKI (is_uki, its sections in `uki`), unpacked when it was compressed
 * (gzip, xz, ...), in which case `owned` holds the bytes and `compression`
 * names the codec. */
struct kx_unwrapped {
	const uint8_t *img;
	size_t len;
	uint8_t *owned;
	const char *compression;
	bool is_uki;
	struct kx_uki uki;
};

/* Unwraps img; `type` is -t (NULL: probe), "uki" requiring a UKI. */
int kx_unwrap_image(const uint8_t *img, size_t len, const char *type, struct kx_unwrapped *u);
/* The type to detect the unwrapped image with: -t, except that -t uki names
 * the wrapper, and what it holds is probed. */
const char *kx_unwrapped_type(const char *type);
void kx_unwrapped_free(struct kx_unwrapped *u);

/* The plan for an unwrapped image of a known format; the unpacked bytes
 * move into the plan (u->owned becomes NULL), also on failure. */
int kx_build_plan_format(const struct kx_format *fmt, struct kx_unwrapped *u,
			 const struct kx_load_opts *o, const struct kx_facts *f,
			 struct kx_plan *p);

/* Builds the whole plan: format segments, purgatory, digests (unless deferred). */
int kx_build_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		  const struct kx_facts *f, struct kx_plan *p);

#endif
