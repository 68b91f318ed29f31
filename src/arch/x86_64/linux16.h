/* SPDX-License-Identifier: MIT */
#ifndef KX_LINUX16_H
#define KX_LINUX16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

/* The setup header fields a 32-bit or real-mode entry needs, parsed with
 * bounds checks (Documentation/arch/x86/boot.rst). */
struct linux16_info {
	uint16_t version;          /* boot protocol version, e.g. 0x0207 */
	size_t setup_size;         /* real-mode part: (setup_sects + 1) * 512 */
	size_t hdr_len;            /* bytes of setup header present, from 0x1f1 */
	size_t kernel_len;         /* protected-mode part in the file */
	uint8_t loadflags;
	uint16_t xloadflags;       /* 0 before protocol 2.12 */
	uint32_t code32_start;
	bool relocatable;
	uint32_t kernel_alignment;
	uint64_t load_address;     /* where the protected-mode part goes by default */
	uint32_t init_size;        /* 0 before protocol 2.10 */
	uint32_t cmdline_size;     /* maximum command line length without the NUL */
	uint32_t initrd_addr_max;
};

int linux16_parse_header(const uint8_t *img, size_t len, struct linux16_info *out);
/* The entry used when none is forced: see the comment in linux16.c. */
enum kx_linux_entry linux16_auto_entry(const struct linux16_info *info);

extern const struct kx_format kx_format_linux16;

#endif
