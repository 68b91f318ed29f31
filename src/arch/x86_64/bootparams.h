/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86 boot protocol structures (Documentation/arch/x86/boot.rst and
 * Documentation/arch/x86/zero-page.rst), with the spec's field names. We build
 * these in our own memory; image bytes are parsed field by field
 * (bzimage_parse_header), never cast.
 */
#ifndef KX_X86_BOOTPARAM_H
#define KX_X86_BOOTPARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/format.h"
#include "core/memmap.h"
#include "core/plan.h"

#define BP_SIZE 4096
#define BP_SETUP_HEADER_OFF 0x1f1
#define BP_HDR_MAGIC 0x53726448u   /* "HdrS" at 0x202 */
#define BP_BOOT_FLAG 0xaa55        /* at 0x1fe */
#define BP_SECTOR 512
#define BP_DEFAULT_SETUP_SECTS 4   /* setup_sects == 0 means 4 (boot.rst) */
#define BP_ENTRY64_OFFSET 0x200    /* 64-bit entry: load address + 0x200 (boot.rst, 64-bit boot protocol) */
#define BP_E820_MAX_ZEROPAGE 128   /* e820_table entries in the zero page */
#define BP_LOADER_TYPE_KEXEC 0x0d  /* type_of_loader: kexec (boot.rst loader IDs) */

/* loadflags */
#define BP_LOADED_HIGH (1u << 0)
#define BP_CAN_USE_HEAP (1u << 7)
/* xloadflags (protocol 2.12) */
#define BP_XLF_KERNEL_64 (1u << 0)
#define BP_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define BP_XLF_EFI_HANDOVER_32 (1u << 2)
#define BP_XLF_EFI_HANDOVER_64 (1u << 3)
#define BP_XLF_EFI_KEXEC (1u << 4)

/* setup_data types (arch/x86/include/uapi/asm/bootparam.h) */
#define BP_SETUP_E820_EXT 1
#define BP_SETUP_DTB 2
#define BP_SETUP_EFI 4

/* efi_loader_signature values */
#define BP_EFI64_LOADER_SIGNATURE 0x34364c45u /* "EL64" */

struct __attribute__((packed)) bp_setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
};

struct __attribute__((packed)) bp_efi_info {
	uint32_t efi_loader_signature;
	uint32_t efi_systab;
	uint32_t efi_memdesc_size;
	uint32_t efi_memdesc_version;
	uint32_t efi_memmap;
	uint32_t efi_memmap_size;
	uint32_t efi_systab_hi;
	uint32_t efi_memmap_hi;
};

struct __attribute__((packed)) bp_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct __attribute__((packed)) boot_params {
	uint8_t screen_info[0x40];          /* 0x000 */
	uint8_t apm_bios_info[0x14];        /* 0x040 */
	uint8_t _pad2[4];                   /* 0x054 */
	uint64_t tboot_addr;                /* 0x058 */
	uint8_t ist_info[0x10];             /* 0x060 */
	uint64_t acpi_rsdp_addr;            /* 0x070 */
	uint8_t _pad3[8];                   /* 0x078 */
	uint8_t hd0_info[16];               /* 0x080 */
	uint8_t hd1_info[16];               /* 0x090 */
	uint8_t sys_desc_table[0x10];       /* 0x0a0 */
	uint8_t olpc_ofw_header[0x10];      /* 0x0b0 */
	uint32_t ext_ramdisk_image;         /* 0x0c0 */
	uint32_t ext_ramdisk_size;          /* 0x0c4 */
	uint32_t ext_cmd_line_ptr;          /* 0x0c8 */
	uint8_t _pad4[112];                 /* 0x0cc */
	uint32_t cc_blob_address;           /* 0x13c */
	uint8_t edid_info[0x80];            /* 0x140 */
	struct bp_efi_info efi_info;        /* 0x1c0 */
	uint32_t alt_mem_k;                 /* 0x1e0 */
	uint32_t scratch;                   /* 0x1e4 */
	uint8_t e820_entries;               /* 0x1e8 */
	uint8_t eddbuf_entries;             /* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;    /* 0x1ea */
	uint8_t kbd_status;                 /* 0x1eb */
	uint8_t secure_boot;                /* 0x1ec */
	uint8_t _pad5[2];                   /* 0x1ed */
	uint8_t sentinel;                   /* 0x1ef */
	uint8_t _pad6[1];                   /* 0x1f0 */
	struct bp_setup_header hdr;         /* 0x1f1 */
	uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct bp_setup_header)];
	uint32_t edd_mbr_sig_buffer[16];    /* 0x290 */
	struct bp_e820_entry e820_table[BP_E820_MAX_ZEROPAGE]; /* 0x2d0 */
	uint8_t _pad8[48];                  /* 0xcd0 */
	uint8_t eddbuf[6 * 82];             /* 0xd00 */
	uint8_t _pad9[276];                 /* 0xeec */
};

_Static_assert(sizeof(struct bp_setup_header) == 0x26c - 0x1f1, "setup_header layout");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "zero page layout");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0c0, "zero page layout");
_Static_assert(offsetof(struct boot_params, efi_info) == 0x1c0, "zero page layout");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1e8, "zero page layout");
_Static_assert(offsetof(struct boot_params, secure_boot) == 0x1ec, "zero page layout");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "zero page layout");
_Static_assert(offsetof(struct boot_params, hdr.header) == 0x202, "zero page layout");
_Static_assert(offsetof(struct boot_params, hdr.cmd_line_ptr) == 0x228, "zero page layout");
_Static_assert(offsetof(struct boot_params, hdr.pref_address) == 0x258, "zero page layout");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "zero page layout");
_Static_assert(offsetof(struct boot_params, eddbuf) == 0xd00, "zero page layout");
_Static_assert(sizeof(struct boot_params) == BP_SIZE, "zero page layout");

/* setup_data header (boot.rst, "setup_data"). */
struct __attribute__((packed)) bp_setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
};
_Static_assert(sizeof(struct bp_setup_data) == 16, "setup_data layout");

/* SETUP_EFI payload (arch/x86/include/asm/efi.h struct efi_setup_data). */
struct __attribute__((packed)) bp_efi_setup_data {
	uint64_t fw_vendor;
	uint64_t runtime; /* ignored by current kernels, kept for old ones */
	uint64_t tables;
	uint64_t smbios;
	uint64_t reserved[8];
};
_Static_assert(sizeof(struct bp_efi_setup_data) == 96, "efi_setup_data layout");

/* EFI_MEMORY_DESCRIPTOR (UEFI spec 2.x, GetMemoryMap) as we pass it: 40 bytes. */
struct __attribute__((packed)) bp_efi_memdesc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_addr;
	uint64_t virt_addr;
	uint64_t num_pages;
	uint64_t attribute;
};
_Static_assert(sizeof(struct bp_efi_memdesc) == 40, "efi memory descriptor layout");

/* What the boot_params builder needs to know, besides the facts. */
struct bp_layout {
	uint64_t base;          /* physical address of the boot-params segment */
	uint64_t initrd_addr;
	uint64_t initrd_size;
	const char *cmdline;
	/* The kernel takes boot_params, its command line and the initrd above
	 * 4 GiB and reads their high halves from ext_cmd_line_ptr and
	 * ext_ramdisk_image/size (XLF_CAN_BE_LOADED_ABOVE_4G, boot.rst): they go
	 * above initrd_addr_max and 4 GiB when there is no room below. */
	bool high_ok;
	/* A capture kernel (-p): the e820 is kx_bp_crash_e820's, not the firmware's. */
	bool crash;
	uint64_t elfcorehdr;      /* the core header segment, left out of that e820 */
	uint64_t elfcorehdr_size;
	/* --noefi: no efi_info and no SETUP_EFI, as if booted by a BIOS. */
	bool no_efi;
	/* --dtb: a SETUP_DTB entry with these bytes (NULL: none). */
	const uint8_t *dtb;
	size_t dtb_len;
};

/* Size of the boot-params segment for a layout (its base unused; a capture
 * kernel's e820 differs); 0 when the e820 cannot be built (message set). */
size_t kx_bp_segment_size_for(const struct kx_facts *f, const struct bp_layout *lay);
/* The memory map a capture kernel may use, as the kernel's own loader gives
 * it (arch/x86/kernel/crash.c crash_setup_memmap_entries): System RAM below
 * 1 MiB, the firmware's ACPI, NVS and reserved ranges as they are, and the
 * crash regions as RAM except [hdr, hdr + hdr_size), which is left out so the
 * capture kernel neither allocates nor maps it as its own RAM (fs/proc/vmcore.c
 * reads it as old memory). Sorted. */
int kx_bp_crash_e820(const struct kx_facts *f, uint64_t hdr, uint64_t hdr_size,
		     struct kx_memmap *out);
/* For a capture kernel plan (p->capture.active): the command line with
 * elfcorehdr= appended in *owned (malloc'ed; NULL for other plans) and set
 * as lay->cmdline, and lay's crash fields, so that kx_bp_build gives the
 * crash region's e820. With o->pass_memmap_cmdline that e820 also goes on the
 * command line, before elfcorehdr=, as kexec-tools writes it
 * (kx_bp_memmap_cmdline). Any Linux boot-protocol format calls it. */
int kx_bp_capture_layout(const struct kx_plan *p, const struct kx_load_opts *o,
			 const struct kx_facts *f, const char *cmdline, struct bp_layout *lay,
			 char **owned);
/* " memmap=exactmap memmap=SIZEK@STARTK ..." for a capture kernel's e820, in
 * kexec-tools' form (--pass-memmap-cmdline): RAM as K@, ACPI data and NVS as
 * K# (their end rounded up to 1 KiB), reserved ranges left out, RAM ranges
 * under 100 KiB left out. *out is malloc'ed. */
int kx_bp_memmap_cmdline(const struct kx_memmap *e820, char **out);
/* Adds and places the boot-params segment for `lay` (its cmdline, initrd and
 * crash fields set) below 4 GiB, where every consumer can reach cmd_line_ptr
 * and the setup_data list, or with lay->high_ok above when there is no room
 * below; sets lay->base. *buf (zeroed, *len bytes) is owned by the plan and is
 * to be filled with kx_bp_build. */
int kx_bp_add_segment(struct kx_plan *p, const struct kx_facts *f, struct bp_layout *lay,
		      uint8_t **buf, size_t *len);
/* Fills the boot-params segment (buf of kx_bp_segment_size bytes, zeroed):
 * boot_params with the image's setup header, command line, e820, EFI state. */
int kx_bp_build(uint8_t *buf, size_t len, const uint8_t *setup_hdr, size_t setup_hdr_len,
		const struct bp_layout *lay, const struct kx_facts *f);
/* The tail every Linux boot-protocol format shares, once its kernel is
 * placed: the initrd below initrd_max (the setup header's initrd_addr_max +
 * 1; with lay->high_ok higher when there is no room there), then the
 * boot-params segment added, placed and filled from the setup header `hdr`
 * and lay (its cmdline, high_ok and crash fields set). *bp (may be NULL)
 * points at the filled boot_params, for a format that patches a field. */
int kx_bp_plan(struct kx_plan *p, const struct kx_load_opts *o, const struct kx_facts *f,
	       uint64_t initrd_max, const uint8_t *hdr, size_t hdr_len, struct bp_layout *lay,
	       uint8_t **bp);

#endif
