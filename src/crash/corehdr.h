/* SPDX-License-Identifier: MIT */
/*
 * The ELF core header a capture kernel exports as /proc/vmcore (passed as
 * elfcorehdr=). Pure: built from the crash facts and the memory maps, as the
 * kernel's own kexec_file_load does (kernel/crash_core.c
 * crash_prepare_elf64_headers, arch/x86/kernel/crash.c).
 */
#ifndef KX_COREHDR_H
#define KX_COREHDR_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/memmap.h"

/* Low memory the capture kernel runs in and the first kernel never used for
 * data: since Linux 5.13 the first kernel reserves the whole first MiB, so it
 * holds nothing to dump (arch/x86/kernel/crash.c elf_header_exclude_ranges). */
#define KX_COREHDR_LOW_EXCLUDE (1ull << 20)

/* The header's ELF class: ELF64 unless asked (kexec-tools'
 * --elf32-core-headers, for 32-bit capture kernels). */
enum kx_corehdr_class {
	KX_COREHDR_ELF64 = 0,
	KX_COREHDR_ELF32 = 1,
};

/* One program header in native form; written out field by field. */
struct kx_core_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Write an ELF header (e_phoff right after it, phnum program headers) and
 * one program header of the class into p; return the bytes written. */
size_t kx_corehdr_write_ehdr(uint8_t *p, uint16_t phnum, enum kx_corehdr_class c);
size_t kx_corehdr_write_phdr(uint8_t *p, const struct kx_core_phdr *h, enum kx_corehdr_class c);

/* Builds the header: one PT_NOTE per CPU crash note, one for VMCOREINFO, one
 * PT_LOAD for the kernel image mapping and one per System RAM range of `ram`
 * (KX_MEM_RAM regions) minus the first MiB and minus every region of `crash`.
 * An ELF32 header is refused (-ERANGE) when a value does not fit 32 bits.
 * *out is malloc'ed, *len bytes. */
int kx_corehdr_build(const struct kx_crash_facts *k, const struct kx_memmap *ram,
		     const struct kx_memmap *crash, enum kx_corehdr_class c, uint8_t **out,
		     size_t *len);

#endif
