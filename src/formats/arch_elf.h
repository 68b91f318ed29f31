/* SPDX-License-Identifier: MIT */
/*
 * What an arch supplies to the generic ELF format (src/formats/elf.c): which
 * machines it runs, the relocation a position-independent image may use, how
 * an image is entered with arguments, and how a vmlinux is booted. Each arch
 * implements it in src/arch/<arch>/elf.c.
 */
#ifndef KX_ARCH_ELF_H
#define KX_ARCH_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "formats/elf.h"

/* Other -t names for ELF images on this arch (kexec-tools'), NULL-terminated. */
extern const char *const kx_arch_elf_aliases[];

/* 0 when an ELF of this class for `machine` runs here, else a message. */
int kx_arch_elf_check_machine(bool is64, uint16_t machine);

struct kx_arch_elf_relocs {
	uint32_t none;             /* R_<arch>_NONE: skipped */
	uint32_t relative;         /* R_<arch>_RELATIVE: the only one applied */
	const char *relative_name; /* for messages */
};
struct kx_arch_elf_relocs kx_arch_elf_relocs(bool is64);

/* Sets the plan's hand-off: enter at `entry` with up to three arguments in
 * the arch's C calling convention (0 for unused ones). */
void kx_arch_elf_enter(struct kx_plan *p, bool is64, uint64_t entry, uint64_t a0, uint64_t a1,
		       uint64_t a2);

/* The granule by which a Linux vmlinux may be moved from its link address
 * (its entry code finds where it runs and adapts), as a capture kernel must
 * be to run inside the crash region; 0 when it runs only where it was linked. */
uint64_t kx_arch_elf_linux_move_align(const struct kx_elf_info *e);

/* Boots a Linux vmlinux whose segments are placed (`moved` bytes above their
 * p_paddr; 0 when at their link address): the arch's boot protocol (boot
 * info, initrd, command line and, for a capture kernel, what it is told of
 * the crash) and hand-off. */
int kx_arch_elf_plan_linux(const struct kx_elf_info *e, uint64_t entry, uint64_t moved,
			   const struct kx_load_opts *o, const struct kx_facts *f, struct kx_plan *p);

#endif
