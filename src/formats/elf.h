/* SPDX-License-Identifier: MIT */
/*
 * ELF executables (System V gABI, "ELF-64 Object File Format", and the arch's
 * psABI through arch_elf.h): ELF64 and ELF32, ET_EXEC (segments at their
 * physical addresses) and ET_DYN (position independent: placed as one block,
 * RELATIVE relocations applied). A Linux vmlinux is recognised by its ELF
 * notes and booted through the arch's Linux boot protocol.
 */
#ifndef KX_ELF_H
#define KX_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/elf.h"
#include "core/format.h"

/* More program headers than this is not an image anyone boots. */
#define KX_ELF_MAX_PHDRS 128

struct kx_elf_info {
	bool is64;             /* ELFCLASS64 */
	uint16_t e_type;       /* ET_EXEC or ET_DYN */
	uint16_t e_machine;    /* one the arch accepts (kx_arch_elf_check_machine) */
	uint64_t e_entry;
	size_t phnum;
	struct kx_elf_phdr ph[KX_ELF_MAX_PHDRS];
	bool is_linux;         /* a "Linux" note, or Xen's GUEST_OS note saying "linux" */
};

/* Parses and checks the ELF header, program headers and notes. 0, -ENOEXEC
 * when not ELF at all, -EINVAL (with a message) when ELF but unusable. */
int kx_elf_parse(const uint8_t *img, size_t len, struct kx_elf_info *out);

extern const struct kx_format kx_format_elf;

#endif
