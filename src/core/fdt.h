/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree header (Devicetree Specification v0.4, 5.2
 * "Header"): enough to tell that a file handed over as a DTB is one, and how
 * many of its bytes belong to it. The tree itself is the next kernel's to read.
 */
#ifndef KX_FDT_H
#define KX_FDT_H

#include <stddef.h>
#include <stdint.h>

#define KX_FDT_MAGIC 0xd00dfeedu      /* big-endian, at offset 0 */
#define KX_FDT_HEADER_SIZE 40u        /* version 17 header: ten 32-bit fields */
#define KX_FDT_LAST_COMP_VERSION 16u  /* a reader of version 16 reads it (5.2) */

/* 0 when buf[0, len) starts with a DTB whose header is sound: the magic,
 * totalsize between the header size and len, the memory reservation map,
 * structure and strings blocks inside totalsize, a version a version-16/17
 * reader takes. *size = totalsize (the bytes to pass on). Else -EINVAL with a
 * message naming `name`. */
int kx_fdt_check(const uint8_t *buf, size_t len, const char *name, uint32_t *size);

#endif
