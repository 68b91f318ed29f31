/* SPDX-License-Identifier: MIT */
/*
 * The memory map model: a list of [start, end) regions with a type. Types carry
 * the E820 values (ACPI spec, "System Address Map Interfaces") so that building
 * an e820 table for the next kernel is a copy.
 */
#ifndef KX_MEMMAP_H
#define KX_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kx_mem_type {
	KX_MEM_RAM = 1,
	KX_MEM_RESERVED = 2,
	KX_MEM_ACPI = 3,          /* ACPI reclaimable tables */
	KX_MEM_NVS = 4,           /* ACPI non-volatile storage */
	KX_MEM_UNUSABLE = 5,
	KX_MEM_PMEM = 7,          /* persistent memory */
	KX_MEM_PRAM = 12,         /* legacy persistent memory (E820_TYPE_PRAM) */
	KX_MEM_SOFT_RESERVED = 0xefffffff, /* E820_TYPE_SOFT_RESERVED */
	KX_MEM_CRASH = 0x1000,    /* not E820: the crash kernel reservation */
};

struct kx_mem_region {
	uint64_t start;
	uint64_t end; /* exclusive */
	enum kx_mem_type type;
};

struct kx_memmap {
	struct kx_mem_region *v;
	size_t n;
	size_t cap;
};

void kx_memmap_free(struct kx_memmap *m);
/* Appends a region; [start, end) must be non-empty. */
int kx_memmap_add(struct kx_memmap *m, uint64_t start, uint64_t end, enum kx_mem_type type);
/* Sorts by start and merges touching regions of the same type. */
void kx_memmap_normalize(struct kx_memmap *m);
/* Removes [start, end) from every region (splitting where needed). */
int kx_memmap_remove(struct kx_memmap *m, uint64_t start, uint64_t end);
/* Name as /sys/firmware/memmap spells it ("System RAM", "ACPI Tables", ...). */
const char *kx_mem_type_name(enum kx_mem_type t);
/* Parses such a name; false when unknown. */
bool kx_mem_type_parse(const char *name, enum kx_mem_type *out);

#endif
