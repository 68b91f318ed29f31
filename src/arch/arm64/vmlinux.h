/* SPDX-License-Identifier: MIT */
/* An arm64 ELF vmlinux, booted as the Image its PT_LOADs make up. */
#ifndef KX_ARM64_VMLINUX_H
#define KX_ARM64_VMLINUX_H

#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

/* The Image inside an arm64 vmlinux: its PT_LOADs' file bytes at their
 * offsets from the lowest virtual address, gaps zeroed (*out malloc'ed).
 * -ENOEXEC: not an arm64 vmlinux; -EINVAL: damaged or truncated. */
int kx_arm64_vmlinux_flatten(const uint8_t *img, size_t len, uint8_t **out, size_t *out_len);

extern const struct kx_format kx_format_arm64_vmlinux;

#endif
