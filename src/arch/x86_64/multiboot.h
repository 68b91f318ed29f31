/* SPDX-License-Identifier: MIT */
#ifndef KX_MULTIBOOT_H
#define KX_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "arch/x86_64/mbinfo.h"

/* Multiboot Specification 0.6.96, 3.1.1: the header lies 32-bit aligned
 * within the first 8192 bytes of the image. */
#define MB1_HEADER_MAGIC 0x1BADB002u
#define MB1_SEARCH_END 8192
#define MB1_HEADER_ALIGN 4
/* 3.2: eax on entry. */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002u
/* 3.1.2 header flags. Bits 0-15 are requirements: an unknown one means we
 * cannot boot the image; bits 16-31 are optional features. */
#define MB1_F_PAGE_ALIGN (1u << 0)
#define MB1_F_MEMORY_INFO (1u << 1)
#define MB1_F_VIDEO_MODE (1u << 2)
#define MB1_F_ADDRESS (1u << 16)
#define MB1_F_REQUIRED_MASK 0xffffu
#define MB1_F_SUPPORTED (MB1_F_PAGE_ALIGN | MB1_F_MEMORY_INFO | MB1_F_VIDEO_MODE)

/* 3.3 boot information flags. */
#define MB1_INFO_MEMORY (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MEM_MAP (1u << 6)
#define MB1_INFO_BOOT_LOADER_NAME (1u << 9)
#define MB1_INFO_FRAMEBUFFER (1u << 12)
/* 3.3 layout: the info structure is 116 bytes up to color_info; a module entry
 * is 16 bytes; an mmap entry is a 4-byte size (20, not counting itself) then
 * base_addr, length, type. */
#define MB1_INFO_SIZE 116
#define MB1_MOD_SIZE 16
#define MB1_MMAP_ENTRY_SIZE 24
#define MB1_MMAP_SIZE_FIELD 20
#define MB1_FB_TYPE_RGB 1

struct mb1_header {
	size_t offset;       /* file offset of the magic */
	uint32_t flags;
	bool has_addr;       /* flag bit 16: the fields below are valid */
	struct mb_addr_fields addr;
	uint32_t entry_addr;
	bool has_video;      /* flag bit 2 */
	uint32_t mode_type, width, height, depth;
};

/* Finds and checks the header. -ENOEXEC when there is none. */
int mb1_find_header(const uint8_t *img, size_t len, struct mb1_header *out);

extern const struct kx_format kx_format_multiboot;

#endif
