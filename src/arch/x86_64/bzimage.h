/* SPDX-License-Identifier: MIT */
#ifndef KX_BZIMAGE_H
#define KX_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

/* The setup header fields the loader uses, parsed with bounds checks. */
struct bzimage_info {
	uint16_t version;          /* boot protocol version, e.g. 0x020f */
	size_t setup_size;         /* real-mode part: (setup_sects + 1) * 512 */
	size_t hdr_len;            /* bytes of setup header present, from 0x1f1 */
	size_t kernel_off;         /* = setup_size */
	size_t kernel_len;         /* protected-mode part in the file */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t cmdline_size;     /* maximum command line length without the NUL */
	uint32_t initrd_addr_max;  /* highest address the initrd's last byte may have */
};

int bzimage_parse_header(const uint8_t *img, size_t len, struct bzimage_info *out);

extern const struct kx_format kx_format_bzimage;

#endif
