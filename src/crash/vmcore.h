/* SPDX-License-Identifier: MIT */
/*
 * Reader of an ELF64 x86_64 or arm64 core file as the kernel exports it in
 * /proc/vmcore (fs/proc/vmcore.c): one merged PT_NOTE (per-CPU CORE notes and
 * the VMCOREINFO note) and PT_LOADs that map physical ranges (p_paddr) and,
 * for the kernel image and the direct map, their virtual addresses (p_vaddr).
 * A virtual address no PT_LOAD names is translated by the arch's fixed
 * layout, with the values VMCOREINFO gives (x86_64: phys_base and the direct
 * map's base; arm64: kimage_voffset, PHYS_OFFSET and the VA size).
 *
 * Pure: all file access goes through a read callback, so the tool reads
 * /proc/vmcore with pread (it cannot be mmap'ed everywhere) and tests read a
 * buffer. Every range is checked against the file size given at open.
 */
#ifndef KX_CRASH_VMCORE_H
#define KX_CRASH_VMCORE_H

#include <stddef.h>
#include <stdint.h>

#include "crash/vmcoreinfo.h"

/* Reads exactly len bytes at off; 0 or a negative errno (with a message). */
typedef int (*kx_vmcore_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

struct kx_vmcore_load {
	uint64_t offset; /* p_offset */
	uint64_t vaddr;  /* p_vaddr */
	uint64_t paddr;  /* p_paddr */
	uint64_t filesz; /* p_filesz: bytes present in the file */
	uint64_t memsz;  /* p_memsz: the rest, up to memsz, reads as zeros */
};

/* Optional: len bytes at file offset off, mapped in place; valid until the
 * next read or map through ctx. NULL to have them read instead. */
typedef const void *(*kx_vmcore_map_fn)(void *ctx, uint64_t off, size_t len);

struct kx_vmcore {
	kx_vmcore_read_fn read;
	kx_vmcore_map_fn map; /* NULL: every access reads */
	void *ctx;
	uint64_t file_size;
	struct kx_vmcore_load *loads;
	size_t nloads;
	char *notes; /* every PT_NOTE's bytes, concatenated */
	size_t notes_len;
	struct kx_vmcoreinfo info; /* points into notes */
	uint16_t machine; /* e_machine: KX_EM_X86_64 or KX_EM_AARCH64 */
	/* Direct-map base for virtual addresses no PT_LOAD names (0: unknown):
	 * [page_offset, lm_end) maps physical addresses from phys_offset up. */
	uint64_t page_offset;
	uint64_t lm_end;
	uint64_t phys_offset;
	/* The kernel image mapping, when VMCOREINFO tells it. x86_64: phys_base
	 * (physical = virtual - __START_KERNEL_map + phys_base); arm64:
	 * kimage_voffset (physical = virtual - kimage_voffset). */
	uint64_t phys_base;
	int has_phys_base;
	uint64_t kimage_voffset;
	int has_kimage_voffset;
};

/* Caps on what a core header may make us allocate; real ones are far below. */
#define KX_VMCORE_MAX_PHNUM 65535u          /* e_phnum is 16 bits (PN_XNUM aside) */
#define KX_VMCORE_MAX_NOTES ((size_t)64 << 20) /* all notes of thousands of CPUs */

/* Reads the ELF header, program headers and notes, finds VMCOREINFO.
 * Errors: "not an ELF core file", "truncated: program header 3 points past the
 * end (offset ..., file size ...)", "no VMCOREINFO note". */
int kx_vmcore_open(struct kx_vmcore *vc, kx_vmcore_read_fn read, void *ctx,
		   uint64_t file_size);
void kx_vmcore_close(struct kx_vmcore *vc);

/* Reads len bytes of the crashed kernel's memory at a virtual address: through
 * the PT_LOAD whose p_vaddr range holds it, else the kernel image mapping
 * (phys_base) or the direct map (page_offset) to a physical address. A read
 * may span adjacent PT_LOADs. -EFAULT with "address 0x... is not in any
 * PT_LOAD" when some byte is not mapped. */
int kx_vmcore_read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, void *buf, size_t len);
/* The same for a physical address (p_paddr ranges). */
int kx_vmcore_read_paddr(const struct kx_vmcore *vc, uint64_t paddr, void *buf, size_t len);
/* len bytes of physical memory in place, through vc->map: NULL when there is
 * no map function, or they are not all file bytes of one PT_LOAD, or the map
 * declines (read them instead). Valid until the next read or map of vc. */
const void *kx_vmcore_map_paddr(const struct kx_vmcore *vc, uint64_t paddr, size_t len);
/* Little-endian scalars at a virtual address. */
int kx_vmcore_read_u16(const struct kx_vmcore *vc, uint64_t vaddr, uint16_t *out);
int kx_vmcore_read_u32(const struct kx_vmcore *vc, uint64_t vaddr, uint32_t *out);
int kx_vmcore_read_u64(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *out);

/* A read callback over a buffer (tests, fuzzing): ctx is a struct kx_vmcore_mem. */
struct kx_vmcore_mem {
	const uint8_t *data;
	size_t len;
};
int kx_vmcore_mem_read(void *ctx, void *buf, size_t len, uint64_t off);

#endif
