/* SPDX-License-Identifier: MIT */
/*
 * System facts decoded from a fuzz input, for the targets that drive the
 * builders (mb_plan, bootparams, panic_plan), and the placement invariants
 * every plan must keep. The encoding, read front to back (fuzz_input.h;
 * counts are taken modulo the cap in brackets, every field is read whatever
 * the flags say, so a flag flip does not shift the rest):
 *
 *   u8 flags: FZF_EFI, FZF_BOOT_PARAMS, FZF_RSDP, FZF_ACPI_TABLES, FZF_KDUMP
 *   u8 n [256] firmware map entries: u8 type (index into a table of every
 *      kx_mem_type, crash marker included), u64 start, u64 size
 *   u8 n [5] crash regions: u64 start, u64 size
 *   EFI: u64 fw_vendor, runtime, config_table, smbios, acpi20;
 *      u8 n [256] runtime map entries: u32 type, u64 phys, virt, pages, attribute
 *   boot_params: u16 length [8193]; u8 n patches: u16 offset, u8 n, n bytes
 *      (over zeros; the buffer is exactly `length` bytes)
 *   RSDP: u8 length [37], u64 address, 36 bytes
 *   ACPI table copies: u16 length, that many bytes
 *   kdump: u8 n [256] crash notes: u32 cpu, u64 addr, u64 size; u64
 *      vmcoreinfo addr, size, kernel vaddr, paddr, size, page_offset
 *
 * The RAM for placement is the firmware map's RAM without the crash regions,
 * as src/sys/facts_read.c derives it.
 */
#ifndef KX_FUZZ_FACTS_H
#define KX_FUZZ_FACTS_H

#include <stdbool.h>

#include "core/facts.h"
#include "core/plan.h"
#include "fuzz_input.h"

enum {
	FZF_EFI = 1 << 0,
	FZF_BOOT_PARAMS = 1 << 1,
	FZF_RSDP = 1 << 2,
	FZF_ACPI_TABLES = 1 << 3,
	FZF_KDUMP = 1 << 4,
};

/* Decodes facts from `in`; false when out of memory (the harness then skips
 * the input). Free with kx_facts_free. */
bool fuzz_facts_take(struct fz *in, struct kx_facts *f);

/* A NUL-terminated string of up to 255 bytes (u8 length, bytes; cut at the
 * first NUL), malloc'ed; NULL when out of memory. */
char *fuzz_take_string(struct fz *in);

/* True when [start, start + len) lies inside one region of the normalized
 * map `m` (touching regions of one type are merged first). */
bool fuzz_range_in(const struct kx_memmap *m, uint64_t start, uint64_t len);

/* Aborts unless every segment of p is placed, page aligned, bufsz <= memsz,
 * memsz a page multiple, without overlap, inside [mem_min, mem_max) and
 * inside `where` (the segment a firmware_low request placed: below 1 MiB). */
void fuzz_check_placement(const struct kx_plan *p, const struct kx_memmap *where,
			  uint64_t mem_min, uint64_t mem_max);

/* The index of the first segment with `role` at or after `from`, or -1. */
int fuzz_find_role(const struct kx_plan *p, enum kx_seg_role role, size_t from);

#endif
