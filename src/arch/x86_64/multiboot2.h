/* SPDX-License-Identifier: MIT */
#ifndef KX_MULTIBOOT2_H
#define KX_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "arch/x86_64/mbinfo.h"

/* Multiboot2 Specification 2.0, 3.1.1: the header lies 64-bit aligned within
 * the first 32768 bytes of the image. */
#define MB2_HEADER_MAGIC 0xE85250D6u
#define MB2_SEARCH_END 32768
#define MB2_HEADER_ALIGN 8
#define MB2_ARCH_I386 0
#define MB2_HEADER_FIXED 16
#define MB2_TAG_ALIGN 8
/* 3.3: eax on entry. */
#define MB2_BOOTLOADER_MAGIC 0x36D76289u

/* 3.1.3: header tag types; flags bit 0 = optional. */
enum mb2_header_tag {
	MB2_HT_END = 0,
	MB2_HT_INFORMATION_REQUEST = 1,
	MB2_HT_ADDRESS = 2,
	MB2_HT_ENTRY_ADDRESS = 3,
	MB2_HT_CONSOLE_FLAGS = 4,
	MB2_HT_FRAMEBUFFER = 5,
	MB2_HT_MODULE_ALIGN = 6,
	MB2_HT_EFI_BS = 7,
	MB2_HT_ENTRY_ADDRESS_EFI32 = 8,
	MB2_HT_ENTRY_ADDRESS_EFI64 = 9,
	MB2_HT_RELOCATABLE = 10,
};
#define MB2_HT_OPTIONAL 1u

/* 3.6: boot information tag types. */
enum mb2_info_tag {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_BOOT_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ELF_SECTIONS = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_NETWORK = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE_ADDR = 21,
};
#define MB2_MMAP_ENTRY_SIZE 24
#define MB2_EFI_DESC_SIZE 40   /* UEFI spec, EFI_MEMORY_DESCRIPTOR (with padding) */
#define MB2_EFI_DESC_VERSION 1
#define MB2_RSDP_V1_SIZE 20    /* ACPI 5.2.5.3: the revision 0 part */

enum mb2_reloc_pref {
	MB2_RELOC_NONE = 0,
	MB2_RELOC_LOW = 1,
	MB2_RELOC_HIGH = 2,
};

struct mb2_header {
	size_t offset;
	uint32_t length;
	bool has_addr;
	struct mb_addr_fields addr;
	bool has_entry;
	uint32_t entry_addr;
	bool has_reloc;
	uint32_t min_addr, max_addr, align;
	enum mb2_reloc_pref preference;
	/* Information request tags: bit n = info tag type n was asked for;
	 * `required` when the request tag was not optional. */
	uint64_t info_wanted, info_required;
	bool has_fb;
	bool fb_required;
	uint32_t fb_width, fb_height, fb_depth;
	uint32_t console_flags;
	bool efi_bs_requested;
};

/* Finds the header and parses its tags: unknown optional tags are skipped,
 * unknown required tags and requirements kx cannot meet are refused.
 * -ENOEXEC when there is no header. */
int mb2_find_header(const uint8_t *img, size_t len, struct mb2_header *out);

extern const struct kx_format kx_format_multiboot2;

#endif
