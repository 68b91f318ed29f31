/* SPDX-License-Identifier: MIT */
/*
 * What Multiboot v1 and Multiboot2 share: finding the image to load (address
 * fields or ELF program headers), the memory summary and map taken from the
 * firmware map, module placement, and a bounds-checked little-endian writer
 * for the info blocks. The two protocol files only differ in their headers
 * and in the layout of the information they hand over.
 */
#ifndef KX_MBINFO_H
#define KX_MBINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/format.h"

/* Address fields of a Multiboot v1 header (spec 3.1.3) or an MB2 address tag
 * (spec 3.1.5): all physical, 32-bit. */
struct mb_addr_fields {
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr; /* 0: load to the end of the file */
	uint32_t bss_end_addr;  /* 0: no bss */
};

/* The bytes to load as one contiguous span: [link_base, link_base + memsz),
 * the first bufsz bytes from buf, the rest zero. */
struct mb_load_image {
	uint64_t link_base;   /* where the image was linked to sit */
	const uint8_t *buf;
	size_t bufsz;
	uint64_t memsz;
	uint8_t *owned;       /* buf when it had to be assembled from several ELF segments */
	uint64_t entry;       /* linked entry point (absolute) */
};

/* Address form: the header at file offset hdr_off describes where the file
 * goes. */
int mb_image_from_addr(const uint8_t *img, size_t len, size_t hdr_off,
		       const struct mb_addr_fields *a, uint32_t entry, const char *mod,
		       struct mb_load_image *out);
/* ELF form: the PT_LOAD program headers (ELF32 or ELF64) at their p_paddr,
 * gathered into one span. */
int mb_image_from_elf(const uint8_t *img, size_t len, const char *mod, struct mb_load_image *out);

/* KiB of RAM from 0 (at most 640) and from 1 MiB, contiguous (spec 3.3,
 * mem_lower / mem_upper). */
void mb_mem_summary(const struct kx_memmap *fw, uint32_t *mem_lower, uint32_t *mem_upper);
/* The memory map type handed over: E820 values the specs name (1 available,
 * 3 ACPI, 4 preserve, 5 defective) and persistent memory keep theirs; any
 * other becomes 2 (reserved). */
uint32_t mb_mmap_type(enum kx_mem_type t);
/* The memory map handed over (MB1 mmap, MB2 tag 6): the firmware's without
 * crash regions (not firmware), and on UEFI with the ACPI tables that
 * mb_add_uefi_bda recreates in page 0 marked ACPI reclaimable instead of
 * RAM. The caller frees out with kx_memmap_free. */
int mb_handover_map(const struct kx_facts *f, struct kx_memmap *out);

/* Places every module as its own page-aligned segment between 1 MiB and 4 GiB
 * and stores its address in addr[i]. */
int mb_place_modules(const struct kx_load_opts *o, struct kx_plan *p, uint64_t *addr);

/* The command line handed to the image: "IMAGE ARGS", the image's name as the
 * first word like GRUB legacy and kexec-tools do (Xen strips the first word
 * from every loader whose name is not "GRUB 2.x"). malloc'ed. */
char *mb_image_cmdline(const struct kx_load_opts *o);
/* kx_format.cmdline_needs of both Multiboot formats: Xen (an image that
 * parses "no-real-mode" and prints "Xen version") started from a UEFI boot
 * needs no-real-mode, or it calls a BIOS that is not there and hangs. */
const char *mb_xen_cmdline_needs(const uint8_t *img, size_t len, const struct kx_facts *f,
				 const char *cmdline, const char **why);

/* A linear framebuffer the running kernel was handed (its screen_info), in
 * the terms both specs use (Multiboot 0.6.96 3.3 framebuffer_*, Multiboot2
 * 3.6.12); only direct RGB is described. */
struct mb_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* From the running kernel's boot_params (screen_info at offset 0): true when
 * it describes a VESA or EFI linear framebuffer. */
bool mb_framebuffer_from_boot_params(const uint8_t *bp, size_t len, struct mb_framebuffer *fb);

/* On a UEFI machine there is no BIOS data area, yet Xen's head.S sizes low
 * memory from it (BDA 0x413, base memory KiB; 0x40E, EBDA segment) and its
 * ACPI code, on the i386 entry, finds the RSDP only by scanning the EBDA and
 * 0xE0000-0xFFFFF (it ignores the Multiboot2 ACPI tags there). So on UEFI we
 * load page 0 with a minimal BDA: base memory = mem_lower and an "EBDA" at
 * 0x800 that holds a copy of the firmware's RSDP. When the RSDP is unreadable
 * (f->acpi_tables instead), the RSDP there is made for an XSDT at
 * MB_UEFI_ROOT_ADDR listing copies of the tables that follow it, within the
 * first 64 KiB. Linux keeps that memory out of free RAM, so it goes through
 * the planner as a firmware_low request, and purgatory verifies it like any
 * segment. Does nothing on BIOS machines, whose BDA is real. */
int mb_add_uefi_bda(const struct kx_facts *f, struct kx_plan *p);
#define MB_UEFI_ROOT_ADDR 0x840
/* The RSDP mb_add_uefi_bda makes when it recreates the tables (36 bytes to
 * out), for the Multiboot2 ACPI tags; returns 0 when it makes none. */
size_t mb_uefi_made_rsdp(const struct kx_facts *f, uint8_t *out);

#endif
