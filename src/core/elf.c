/* SPDX-License-Identifier: MIT */
/*
 * See elf.h. Fields are read at the gABI offsets with kx_le*, never by
 * casting the file's bytes; the offsets are checked against the C library's
 * <elf.h> structures at compile time.
 */
#include "core/elf.h"

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

/* Where a class keeps the header fields that follow e_version, and its
 * program header fields (gABI "ELF Header", "Program Header"). */
struct ehdr_layout {
	size_t size, e_entry, e_phoff, e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum,
		e_shentsize, e_shnum, e_shstrndx;
	size_t phdr_size;
};

/* e_type, e_machine and e_version sit at the same offsets in both classes. */
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20

static const struct ehdr_layout ELF32 = {
	.size = KX_ELF32_EHDR_SIZE, .e_entry = 24, .e_phoff = 28, .e_shoff = 32, .e_flags = 36,
	.e_ehsize = 40, .e_phentsize = 42, .e_phnum = 44, .e_shentsize = 46, .e_shnum = 48,
	.e_shstrndx = 50, .phdr_size = KX_ELF32_PHDR_SIZE,
};
static const struct ehdr_layout ELF64 = {
	.size = KX_ELF64_EHDR_SIZE, .e_entry = 24, .e_phoff = 32, .e_shoff = 40, .e_flags = 48,
	.e_ehsize = 52, .e_phentsize = 54, .e_phnum = 56, .e_shentsize = 58, .e_shnum = 60,
	.e_shstrndx = 62, .phdr_size = KX_ELF64_PHDR_SIZE,
};

/* The same numbers as literals, checked against <elf.h>: a typo above in one
 * offset would read the wrong field of every file. */
#define CHECK_FIELD(T, f, off) _Static_assert(offsetof(T, f) == (off), #T "." #f)
_Static_assert(sizeof(Elf32_Ehdr) == KX_ELF32_EHDR_SIZE, "Elf32_Ehdr size");
_Static_assert(sizeof(Elf64_Ehdr) == KX_ELF64_EHDR_SIZE, "Elf64_Ehdr size");
_Static_assert(sizeof(Elf32_Phdr) == KX_ELF32_PHDR_SIZE, "Elf32_Phdr size");
_Static_assert(sizeof(Elf64_Phdr) == KX_ELF64_PHDR_SIZE, "Elf64_Phdr size");
CHECK_FIELD(Elf32_Ehdr, e_type, E_TYPE);
CHECK_FIELD(Elf32_Ehdr, e_machine, E_MACHINE);
CHECK_FIELD(Elf32_Ehdr, e_version, E_VERSION);
CHECK_FIELD(Elf32_Ehdr, e_entry, 24);
CHECK_FIELD(Elf32_Ehdr, e_phoff, 28);
CHECK_FIELD(Elf32_Ehdr, e_shoff, 32);
CHECK_FIELD(Elf32_Ehdr, e_flags, 36);
CHECK_FIELD(Elf32_Ehdr, e_ehsize, 40);
CHECK_FIELD(Elf32_Ehdr, e_phentsize, 42);
CHECK_FIELD(Elf32_Ehdr, e_phnum, 44);
CHECK_FIELD(Elf32_Ehdr, e_shentsize, 46);
CHECK_FIELD(Elf32_Ehdr, e_shnum, 48);
CHECK_FIELD(Elf32_Ehdr, e_shstrndx, 50);
CHECK_FIELD(Elf64_Ehdr, e_entry, 24);
CHECK_FIELD(Elf64_Ehdr, e_phoff, 32);
CHECK_FIELD(Elf64_Ehdr, e_shoff, 40);
CHECK_FIELD(Elf64_Ehdr, e_flags, 48);
CHECK_FIELD(Elf64_Ehdr, e_ehsize, 52);
CHECK_FIELD(Elf64_Ehdr, e_phentsize, 54);
CHECK_FIELD(Elf64_Ehdr, e_phnum, 56);
CHECK_FIELD(Elf64_Ehdr, e_shentsize, 58);
CHECK_FIELD(Elf64_Ehdr, e_shnum, 60);
CHECK_FIELD(Elf64_Ehdr, e_shstrndx, 62);
/* Program headers: ELF64 moves p_flags up next to p_type. */
CHECK_FIELD(Elf32_Phdr, p_type, 0);
CHECK_FIELD(Elf32_Phdr, p_offset, 4);
CHECK_FIELD(Elf32_Phdr, p_vaddr, 8);
CHECK_FIELD(Elf32_Phdr, p_paddr, 12);
CHECK_FIELD(Elf32_Phdr, p_filesz, 16);
CHECK_FIELD(Elf32_Phdr, p_memsz, 20);
CHECK_FIELD(Elf32_Phdr, p_flags, 24);
CHECK_FIELD(Elf32_Phdr, p_align, 28);
CHECK_FIELD(Elf64_Phdr, p_type, 0);
CHECK_FIELD(Elf64_Phdr, p_flags, 4);
CHECK_FIELD(Elf64_Phdr, p_offset, 8);
CHECK_FIELD(Elf64_Phdr, p_vaddr, 16);
CHECK_FIELD(Elf64_Phdr, p_paddr, 24);
CHECK_FIELD(Elf64_Phdr, p_filesz, 32);
CHECK_FIELD(Elf64_Phdr, p_memsz, 40);
CHECK_FIELD(Elf64_Phdr, p_align, 48);
CHECK_FIELD(Elf64_Nhdr, n_namesz, 0);
CHECK_FIELD(Elf64_Nhdr, n_descsz, 4);
CHECK_FIELD(Elf64_Nhdr, n_type, 8);
_Static_assert(sizeof(Elf64_Nhdr) == KX_ELF_NOTE_HDR_SIZE, "Elf64_Nhdr size");
_Static_assert(sizeof(Elf32_Nhdr) == KX_ELF_NOTE_HDR_SIZE, "Elf32_Nhdr size");

/* A word of the file's class: 8 bytes for ELF64, 4 for ELF32. */
static uint64_t rdword(const uint8_t *p, bool is64)
{
	return is64 ? kx_le64(p) : kx_le32(p);
}

int kx_elf_parse_ehdr(const uint8_t *buf, size_t len, const char *mod, struct kx_elf_hdr *h)
{
	const struct ehdr_layout *l;

	memset(h, 0, sizeof(*h));
	if (len < KX_SELFMAG || memcmp(buf, KX_ELFMAG, KX_SELFMAG))
		return kx_err(ENOEXEC, mod, "not an ELF file (no \\177ELF magic)");
	if (len < KX_EI_NIDENT)
		return kx_err(EINVAL, mod, "file too short for an ELF header (%zu bytes)", len);
	if (buf[KX_EI_CLASS] != KX_ELFCLASS32 && buf[KX_EI_CLASS] != KX_ELFCLASS64)
		return kx_err(EINVAL, mod, "unknown ELF class %u", buf[KX_EI_CLASS]);
	if (buf[KX_EI_DATA] != KX_ELFDATA2LSB)
		return kx_err(EINVAL, mod, "big-endian ELF (EI_DATA %u): only little-endian "
			      "files are read", buf[KX_EI_DATA]);
	if (buf[KX_EI_VERSION] != KX_EV_CURRENT)
		return kx_err(EINVAL, mod, "unknown ELF version %u", buf[KX_EI_VERSION]);
	h->is64 = buf[KX_EI_CLASS] == KX_ELFCLASS64;
	l = h->is64 ? &ELF64 : &ELF32;
	if (len < l->size)
		return kx_err(EINVAL, mod, "file too short for an ELF%d header (%zu < %zu bytes): "
			      "truncated?", h->is64 ? 64 : 32, len, l->size);
	h->ei_osabi = buf[KX_EI_OSABI];
	h->e_type = kx_le16(buf + E_TYPE);
	h->e_machine = kx_le16(buf + E_MACHINE);
	h->e_version = kx_le32(buf + E_VERSION);
	h->e_entry = rdword(buf + l->e_entry, h->is64);
	h->e_phoff = rdword(buf + l->e_phoff, h->is64);
	h->e_shoff = rdword(buf + l->e_shoff, h->is64);
	h->e_flags = kx_le32(buf + l->e_flags);
	h->e_ehsize = kx_le16(buf + l->e_ehsize);
	h->e_phentsize = kx_le16(buf + l->e_phentsize);
	h->e_phnum = kx_le16(buf + l->e_phnum);
	h->e_shentsize = kx_le16(buf + l->e_shentsize);
	h->e_shnum = kx_le16(buf + l->e_shnum);
	h->e_shstrndx = kx_le16(buf + l->e_shstrndx);
	/* The gABI fixes the entry size per class; a table without entries may
	 * leave it 0. */
	if (h->e_phnum && h->e_phentsize != l->phdr_size)
		return kx_err(EINVAL, mod, "e_phentsize %u, expected %zu for ELF%d", h->e_phentsize,
			      l->phdr_size, h->is64 ? 64 : 32);
	return 0;
}

uint64_t kx_elf_phdrs_size(const struct kx_elf_hdr *h)
{
	/* At most 65535 x 65535: no 64-bit overflow. */
	return (uint64_t)h->e_phnum * h->e_phentsize;
}

int kx_elf_headers_size(const struct kx_elf_hdr *h, const char *mod, uint64_t *size)
{
	uint64_t ehsize = h->is64 ? KX_ELF64_EHDR_SIZE : KX_ELF32_EHDR_SIZE, end = 0;

	if (h->e_phnum && __builtin_add_overflow(h->e_phoff, kx_elf_phdrs_size(h), &end))
		return kx_err(EINVAL, mod, "program header table at 0x%llx (%u x %u bytes) wraps "
			      "around the address space", (unsigned long long)h->e_phoff,
			      h->e_phnum, h->e_phentsize);
	*size = end > ehsize ? end : ehsize;
	return 0;
}

int kx_elf_attach_phdrs(struct kx_elf_hdr *h, const uint8_t *table, size_t len,
			const char *mod)
{
	if (len < kx_elf_phdrs_size(h))
		return kx_err(EINVAL, mod, "program header table (%u x %u bytes) is longer than "
			      "the %zu bytes read", h->e_phnum, h->e_phentsize, len);
	h->phdrs = table;
	return 0;
}

int kx_elf_parse_headers(const uint8_t *buf, size_t len, const char *mod, struct kx_elf_hdr *h)
{
	uint64_t end;
	int ret = kx_elf_parse_ehdr(buf, len, mod, h);

	if (ret < 0)
		return ret;
	if (!h->e_phnum) {
		h->phdrs = buf;
		return 0;
	}
	if (__builtin_add_overflow(h->e_phoff, kx_elf_phdrs_size(h), &end) || end > len)
		return kx_err(EINVAL, mod, "program header table (0x%llx + %u x %u bytes) lies "
			      "outside the file (%zu bytes): truncated image?",
			      (unsigned long long)h->e_phoff, h->e_phnum, h->e_phentsize, len);
	h->phdrs = buf + h->e_phoff;
	return 0;
}

void kx_elf_get_phdr(const struct kx_elf_hdr *h, size_t i, struct kx_elf_phdr *ph)
{
	const uint8_t *q = h->phdrs + i * h->e_phentsize;

	if (h->is64) {
		ph->p_type = kx_le32(q + 0);
		ph->p_flags = kx_le32(q + 4);
		ph->p_offset = kx_le64(q + 8);
		ph->p_vaddr = kx_le64(q + 16);
		ph->p_paddr = kx_le64(q + 24);
		ph->p_filesz = kx_le64(q + 32);
		ph->p_memsz = kx_le64(q + 40);
		ph->p_align = kx_le64(q + 48);
	} else {
		ph->p_type = kx_le32(q + 0);
		ph->p_offset = kx_le32(q + 4);
		ph->p_vaddr = kx_le32(q + 8);
		ph->p_paddr = kx_le32(q + 12);
		ph->p_filesz = kx_le32(q + 16);
		ph->p_memsz = kx_le32(q + 20);
		ph->p_flags = kx_le32(q + 24);
		ph->p_align = kx_le32(q + 28);
	}
}

bool kx_elf_segment_in_file(const struct kx_elf_phdr *ph, uint64_t file_size)
{
	uint64_t end;

	return !__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) && end <= file_size;
}

void kx_elf_notes_begin(struct kx_elf_note_iter *it, const uint8_t *seg, size_t len,
			uint64_t p_align)
{
	*it = (struct kx_elf_note_iter){ .seg = seg, .len = len, .align = p_align == 8 ? 8 : 4 };
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Offsets are from the note's start, which is aligned: the desc starts at
 * the header plus the name rounded up, the next note after the desc rounded
 * up (binutils' ELF_NOTE_DESC_OFFSET / ELF_NOTE_NEXT_OFFSET; for 4-byte
 * alignment the same as padding name and desc each). namesz and descsz are
 * 32-bit, so none of this wraps in 64 bits. */
bool kx_elf_notes_next(struct kx_elf_note_iter *it, struct kx_elf_note *n)
{
	const uint8_t *h = it->seg + it->pos;
	uint64_t room = it->len - it->pos, desc, next;

	if (room == 0)
		return false;
	if (room < KX_ELF_NOTE_HDR_SIZE)
		goto truncated;
	n->n_namesz = kx_le32(h);
	n->n_descsz = kx_le32(h + 4);
	n->n_type = kx_le32(h + 8);
	desc = align_up(KX_ELF_NOTE_HDR_SIZE + (uint64_t)n->n_namesz, it->align);
	next = align_up(desc + n->n_descsz, it->align);
	if (desc > room || n->n_descsz > room - desc)
		goto truncated;
	n->name = h + KX_ELF_NOTE_HDR_SIZE;
	n->desc = h + desc;
	/* The last note may lack its desc padding; the walk ends after it. */
	it->pos = next <= room ? it->pos + (size_t)next : it->len;
	return true;
truncated:
	it->truncated = true;
	it->pos = it->len;
	return false;
}

bool kx_elf_note_named(const struct kx_elf_note *n, const char *name)
{
	size_t len = strlen(name) + 1;

	return n->n_namesz == len && !memcmp(n->name, name, len);
}
