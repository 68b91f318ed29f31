/* SPDX-License-Identifier: MIT */
/*
 * The one ELF reader: the ELF header, the program header table and ELF notes
 * of little-endian ELF32 and ELF64 files (System V gABI, "ELF Header",
 * "Program Header", "Note Section"), for the ELF format, the Multiboot ELF
 * form, the vmcore reader and the /proc/kcore reader.
 *
 * Pure: it parses bytes the caller has read. A caller that reads a file
 * through a callback (vmcore, kcore) parses the header first, asks
 * kx_elf_headers_size() how much of the file holds the program headers, reads
 * that, then attaches the table. Every offset and size is bounds- and
 * overflow-checked; errors are a negative errno with a message under the
 * caller's module name.
 *
 * Policy stays with the callers: the reader accepts any e_type and e_machine
 * and leaves e_phnum == PN_XNUM to them; each decides what it can load.
 */
#ifndef KX_CORE_ELF_H
#define KX_CORE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* e_ident (gABI "ELF Identification"). */
#define KX_ELFMAG "\177ELF"
#define KX_SELFMAG 4
#define KX_EI_CLASS 4
#define KX_EI_DATA 5
#define KX_EI_VERSION 6
#define KX_EI_OSABI 7
#define KX_EI_NIDENT 16
#define KX_ELFCLASS32 1
#define KX_ELFCLASS64 2
#define KX_ELFDATA2LSB 1
#define KX_ELFDATA2MSB 2
#define KX_EV_CURRENT 1
#define KX_ELFOSABI_NONE 0
/* e_type */
#define KX_ET_NONE 0
#define KX_ET_REL 1
#define KX_ET_EXEC 2
#define KX_ET_DYN 3
#define KX_ET_CORE 4
/* e_machine values the callers check (gABI "ELF Header" machine table); the
 * reader itself does not judge e_machine. */
#define KX_EM_386 3
#define KX_EM_X86_64 62
#define KX_EM_AARCH64 183
/* Header and program header sizes (gABI). */
#define KX_ELF32_EHDR_SIZE 52
#define KX_ELF64_EHDR_SIZE 64
#define KX_ELF32_PHDR_SIZE 32
#define KX_ELF64_PHDR_SIZE 56
/* e_phnum: the real count is in section header 0 (extended numbering). */
#define KX_PN_XNUM 0xffff
/* p_type */
#define KX_PT_NULL 0
#define KX_PT_LOAD 1
#define KX_PT_DYNAMIC 2
#define KX_PT_INTERP 3
#define KX_PT_NOTE 4
/* p_flags */
#define KX_PF_X 1u
#define KX_PF_W 2u
#define KX_PF_R 4u
/* A note starts with namesz, descsz and type, 4 bytes each. */
#define KX_ELF_NOTE_HDR_SIZE 12

/* The ELF header, with every word widened to 64 bits. */
struct kx_elf_hdr {
	bool is64;            /* EI_CLASS is ELFCLASS64 */
	uint8_t ei_osabi;
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize; /* checked: the class's size whenever e_phnum != 0 */
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
	/* The program header table (e_phnum entries), once attached; NULL before. */
	const uint8_t *phdrs;
};

/* One program header, ELF32 or ELF64. */
struct kx_elf_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

/* Parses the ELF header at the start of buf (len bytes). 0; -ENOEXEC when buf
 * does not start with the ELF magic; -EINVAL when it is ELF but shorter than
 * its header, of an unknown class or version, big-endian, or has an
 * e_phentsize that is not its class's program header size. The message names
 * `mod`; a caller may replace the -ENOEXEC one with what it expected. */
int kx_elf_parse_ehdr(const uint8_t *buf, size_t len, const char *mod, struct kx_elf_hdr *h);

/* Bytes of the program header table: e_phnum * e_phentsize. */
uint64_t kx_elf_phdrs_size(const struct kx_elf_hdr *h);

/* How many bytes from the start of the file hold the ELF header and the
 * program header table (at least the header). -EINVAL when e_phoff + the
 * table's size wraps. */
int kx_elf_headers_size(const struct kx_elf_hdr *h, const char *mod, uint64_t *size);

/* Attaches a program header table read on its own (the bytes at e_phoff):
 * -EINVAL when len is shorter than the table. */
int kx_elf_attach_phdrs(struct kx_elf_hdr *h, const uint8_t *table, size_t len,
			const char *mod);

/* kx_elf_parse_ehdr, then the table at e_phoff of the same buffer: -EINVAL
 * (with a message) when the table does not lie inside the len bytes. */
int kx_elf_parse_headers(const uint8_t *buf, size_t len, const char *mod, struct kx_elf_hdr *h);

/* Program header i (< e_phnum) of an attached table. */
void kx_elf_get_phdr(const struct kx_elf_hdr *h, size_t i, struct kx_elf_phdr *ph);

/* The segment's file bytes [p_offset, p_offset + p_filesz) lie inside a file
 * of file_size bytes, without wrapping. */
bool kx_elf_segment_in_file(const struct kx_elf_phdr *ph, uint64_t file_size);

/* One note of a PT_NOTE segment (gABI "Note Section"). */
struct kx_elf_note {
	uint32_t n_namesz;     /* including the NUL */
	uint32_t n_descsz;
	uint32_t n_type;
	const uint8_t *name;   /* n_namesz bytes */
	const uint8_t *desc;   /* n_descsz bytes */
};

/* Walks the notes of one segment's bytes. */
struct kx_elf_note_iter {
	const uint8_t *seg;
	size_t len;
	size_t pos;
	size_t align;
	bool truncated; /* the walk stopped at bytes that are not a whole note */
};

/* Name and desc are padded to 8 bytes when the segment's p_align is 8 (some
 * ELF64 notes, e.g. NT_GNU_PROPERTY_TYPE_0), else to 4 (what the kernel's
 * notes and core files use whatever the class: include/linux/elfnote.h,
 * include/linux/elfcore.h). */
void kx_elf_notes_begin(struct kx_elf_note_iter *it, const uint8_t *seg, size_t len,
			uint64_t p_align);
/* The next note: true and *n filled; false at the end of the segment, or
 * with it->truncated set when the rest is not a whole note. A last note
 * whose desc padding runs past the segment's end is still given. */
bool kx_elf_notes_next(struct kx_elf_note_iter *it, struct kx_elf_note *n);
/* The note's name is `name` (n_namesz counts its NUL). */
bool kx_elf_note_named(const struct kx_elf_note *n, const char *name);

#endif
