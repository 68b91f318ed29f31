/* SPDX-License-Identifier: MIT */
#include "crash/vmcore.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

#define MOD "vmcore"

/* ELF-64 Object File Format 1.5, "File header" and "Program header": the byte
 * offsets we parse, checked against the system's struct layouts. */
#define EHDR_SIZE 64
#define EHDR_E_TYPE 16
#define EHDR_E_MACHINE 18
#define EHDR_E_VERSION 20
#define EHDR_E_PHOFF 32
#define EHDR_E_PHENTSIZE 54
#define EHDR_E_PHNUM 56
#define PHDR_SIZE 56
#define PHDR_P_TYPE 0
#define PHDR_P_OFFSET 8
#define PHDR_P_VADDR 16
#define PHDR_P_PADDR 24
#define PHDR_P_FILESZ 32
#define PHDR_P_MEMSZ 40
_Static_assert(sizeof(Elf64_Ehdr) == EHDR_SIZE, "Elf64_Ehdr size");
_Static_assert(offsetof(Elf64_Ehdr, e_type) == EHDR_E_TYPE, "e_type");
_Static_assert(offsetof(Elf64_Ehdr, e_machine) == EHDR_E_MACHINE, "e_machine");
_Static_assert(offsetof(Elf64_Ehdr, e_version) == EHDR_E_VERSION, "e_version");
_Static_assert(offsetof(Elf64_Ehdr, e_phoff) == EHDR_E_PHOFF, "e_phoff");
_Static_assert(offsetof(Elf64_Ehdr, e_phentsize) == EHDR_E_PHENTSIZE, "e_phentsize");
_Static_assert(offsetof(Elf64_Ehdr, e_phnum) == EHDR_E_PHNUM, "e_phnum");
_Static_assert(sizeof(Elf64_Phdr) == PHDR_SIZE, "Elf64_Phdr size");
_Static_assert(offsetof(Elf64_Phdr, p_type) == PHDR_P_TYPE, "p_type");
_Static_assert(offsetof(Elf64_Phdr, p_offset) == PHDR_P_OFFSET, "p_offset");
_Static_assert(offsetof(Elf64_Phdr, p_vaddr) == PHDR_P_VADDR, "p_vaddr");
_Static_assert(offsetof(Elf64_Phdr, p_paddr) == PHDR_P_PADDR, "p_paddr");
_Static_assert(offsetof(Elf64_Phdr, p_filesz) == PHDR_P_FILESZ, "p_filesz");
_Static_assert(offsetof(Elf64_Phdr, p_memsz) == PHDR_P_MEMSZ, "p_memsz");

/* ELF note: namesz, descsz, type (4 bytes each), then name and desc, each
 * padded to 4 bytes (ELF-64 spec "Note Sections"; the kernel uses 4 for 64-bit
 * cores too, include/linux/elfcore.h). */
#define NOTE_HDR_SIZE 12
#define NOTE_ALIGN 4
/* kernel/crash_core.c: VMCOREINFO_NOTE_NAME, note type 0. */
#define VMCOREINFO_NOTE_NAME "VMCOREINFO"
#define VMCOREINFO_NOTE_TYPE 0

/* arch/x86/include/asm/page_64_types.h: the kernel image is mapped at
 * __START_KERNEL_map + (physical address - phys_base), KERNEL_IMAGE_SIZE at most
 * 1 GiB. */
#define X86_64_START_KERNEL_MAP 0xffffffff80000000ull
#define X86_64_KERNEL_IMAGE_SIZE (1ull << 30)
/* Documentation/arch/x86/x86_64/mm.rst: the direct map starts at or above the
 * bottom of the kernel half (5-level paging: 0xff11000000000000). */
#define X86_64_KERNEL_HALF 0xff00000000000000ull

int kx_vmcore_mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct kx_vmcore_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		return kx_err(EIO, MOD, "read of %zu bytes at offset %" PRIu64
			      " past the end (file size %zu)", len, off, m->len);
	memcpy(buf, m->data + off, len);
	return 0;
}

/* Reads [off, off+len) of the file after checking it is inside it. */
static int file_read(const struct kx_vmcore *vc, void *buf, size_t len, uint64_t off)
{
	if (off > vc->file_size || len > vc->file_size - off)
		return kx_err(EIO, MOD, "read of %zu bytes at offset %" PRIu64
			      " past the end (file size %" PRIu64 ")", len, off, vc->file_size);
	return vc->read(vc->ctx, buf, len, off);
}

static int check_ehdr(const uint8_t *e)
{
	if (memcmp(e, ELFMAG, SELFMAG) != 0)
		return kx_err(EINVAL, MOD, "not an ELF core file");
	if (e[EI_CLASS] != ELFCLASS64)
		return kx_err(EINVAL, MOD, "not an ELF core file: class %u, need 64-bit (ELFCLASS64)",
			      e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB)
		return kx_err(EINVAL, MOD, "not an ELF core file: not little-endian");
	if (kx_le16(e + EHDR_E_TYPE) != ET_CORE)
		return kx_err(EINVAL, MOD, "not an ELF core file: e_type %u, need ET_CORE (4)",
			      kx_le16(e + EHDR_E_TYPE));
	if (kx_le16(e + EHDR_E_MACHINE) != EM_X86_64)
		return kx_err(EINVAL, MOD, "not an x86_64 core file: e_machine %u",
			      kx_le16(e + EHDR_E_MACHINE));
	if (kx_le16(e + EHDR_E_PHENTSIZE) != PHDR_SIZE)
		return kx_err(EINVAL, MOD, "bad program header size %u (need %u)",
			      kx_le16(e + EHDR_E_PHENTSIZE), PHDR_SIZE);
	return 0;
}

/* Finds the VMCOREINFO note in one PT_NOTE segment's bytes. */
static void find_vmcoreinfo(struct kx_vmcore *vc, const char *seg, size_t len)
{
	size_t pos = 0;

	while (len - pos >= NOTE_HDR_SIZE) {
		const uint8_t *h = (const uint8_t *)seg + pos;
		uint64_t namesz = kx_le32(h), descsz = kx_le32(h + 4), type = kx_le32(h + 8);
		uint64_t name_pad = (namesz + NOTE_ALIGN - 1) & ~(uint64_t)(NOTE_ALIGN - 1);
		uint64_t desc_pad = (descsz + NOTE_ALIGN - 1) & ~(uint64_t)(NOTE_ALIGN - 1);
		uint64_t room = len - pos - NOTE_HDR_SIZE;

		if (name_pad > room || descsz > room - name_pad)
			return;
		if (namesz == sizeof(VMCOREINFO_NOTE_NAME) && type == VMCOREINFO_NOTE_TYPE &&
		    memcmp(h + NOTE_HDR_SIZE, VMCOREINFO_NOTE_NAME, namesz) == 0 && !vc->info.text) {
			vc->info.text = (const char *)h + NOTE_HDR_SIZE + name_pad;
			vc->info.len = descsz;
		}
		if (desc_pad > room - name_pad)
			return;
		pos += NOTE_HDR_SIZE + name_pad + desc_pad;
		/* The kernel ends the merged notes with an empty header. */
		if (namesz == 0 && descsz == 0)
			return;
	}
}

/* The bytes of every PT_NOTE, concatenated. Each p_filesz is at most the file
 * size, but a sparse file may claim 2^62 bytes and there may be 65535 notes:
 * the sum is checked at every step, else it wraps to a small buffer that
 * the reads below overflow. */
static int read_notes(struct kx_vmcore *vc, const uint8_t *ph, uint16_t phnum)
{
	uint64_t total = 0;
	size_t i, at = 0;
	int ret;

	for (i = 0; i < phnum; i++) {
		const uint8_t *p = ph + i * PHDR_SIZE;
		uint64_t sz = kx_le64(p + PHDR_P_FILESZ);

		if (kx_le32(p + PHDR_P_TYPE) != PT_NOTE)
			continue;
		if (__builtin_add_overflow(total, sz, &total) || total > KX_VMCORE_MAX_NOTES)
			return kx_err(E2BIG, MOD, "PT_NOTE sizes add up to more than the %zu bytes "
				      "we accept (program header %zu, p_filesz %" PRIu64 "): "
				      "corrupt core header", KX_VMCORE_MAX_NOTES, i, sz);
	}
	vc->notes = malloc(total ? total : 1);
	if (!vc->notes)
		return kx_err(ENOMEM, MOD, "out of memory for %" PRIu64 " bytes of notes", total);
	vc->notes_len = total;
	for (i = 0; i < phnum; i++) {
		const uint8_t *p = ph + i * PHDR_SIZE;
		uint64_t sz = kx_le64(p + PHDR_P_FILESZ);

		if (kx_le32(p + PHDR_P_TYPE) != PT_NOTE)
			continue;
		if (sz > vc->notes_len - at)
			return kx_err(EOVERFLOW, MOD, "program header %zu: note bytes past the "
				      "%zu measured", i, vc->notes_len);
		ret = file_read(vc, vc->notes + at, sz, kx_le64(p + PHDR_P_OFFSET));
		if (ret)
			return ret;
		find_vmcoreinfo(vc, vc->notes + at, sz);
		at += sz;
	}
	return 0;
}

/* Where the direct map starts: VMCOREINFO's NUMBER(page_offset_base) if a
 * kernel exports it, else what a PT_LOAD of the direct map shows (kexec-tools
 * and the kernel's own core header give RAM ranges p_vaddr = __va(p_paddr)). */
static void find_page_offset(struct kx_vmcore *vc)
{
	int64_t n;
	size_t i;

	if (kx_vmcoreinfo_number(&vc->info, "page_offset_base", &n) == 0) {
		vc->page_offset = (uint64_t)n;
		return;
	}
	kx_err_clear();
	for (i = 0; i < vc->nloads; i++) {
		const struct kx_vmcore_load *l = &vc->loads[i];

		if (l->vaddr >= X86_64_KERNEL_HALF && l->vaddr < X86_64_START_KERNEL_MAP &&
		    l->vaddr > l->paddr) {
			vc->page_offset = l->vaddr - l->paddr;
			return;
		}
	}
}

int kx_vmcore_open(struct kx_vmcore *vc, kx_vmcore_read_fn read, void *ctx, uint64_t file_size)
{
	uint8_t ehdr[EHDR_SIZE];
	uint8_t *ph = NULL;
	uint64_t phoff, phsize;
	uint16_t phnum;
	int64_t n;
	size_t i;
	int ret;

	memset(vc, 0, sizeof(*vc));
	vc->read = read;
	vc->ctx = ctx;
	vc->file_size = file_size;
	if (file_size < EHDR_SIZE) {
		if (file_size >= SELFMAG && file_read(vc, ehdr, SELFMAG, 0) == 0 &&
		    memcmp(ehdr, ELFMAG, SELFMAG) == 0)
			return kx_err(EINVAL, MOD, "truncated: %" PRIu64
				      " bytes, shorter than an ELF header", file_size);
		return kx_err(EINVAL, MOD, "not an ELF core file");
	}
	ret = file_read(vc, ehdr, EHDR_SIZE, 0);
	if (ret)
		return ret;
	ret = check_ehdr(ehdr);
	if (ret)
		return ret;
	phoff = kx_le64(ehdr + EHDR_E_PHOFF);
	phnum = kx_le16(ehdr + EHDR_E_PHNUM);
	if (phnum == 0)
		return kx_err(EINVAL, MOD, "no program headers");
	if (__builtin_mul_overflow((uint64_t)phnum, PHDR_SIZE, &phsize) || phoff > file_size ||
	    phsize > file_size - phoff)
		return kx_err(EINVAL, MOD, "truncated: %u program headers at offset %" PRIu64
			      " go past the end (file size %" PRIu64 ")", phnum, phoff, file_size);
	ph = malloc(phsize);
	vc->loads = calloc(phnum, sizeof(*vc->loads));
	if (!ph || !vc->loads) {
		ret = kx_err(ENOMEM, MOD, "out of memory for %u program headers", phnum);
		goto out;
	}
	ret = file_read(vc, ph, phsize, phoff);
	if (ret)
		goto out;
	for (i = 0; i < phnum; i++) {
		const uint8_t *p = ph + i * PHDR_SIZE;
		uint32_t type = kx_le32(p + PHDR_P_TYPE);
		uint64_t last;
		struct kx_vmcore_load l = {
			.offset = kx_le64(p + PHDR_P_OFFSET),
			.vaddr = kx_le64(p + PHDR_P_VADDR),
			.paddr = kx_le64(p + PHDR_P_PADDR),
			.filesz = kx_le64(p + PHDR_P_FILESZ),
			.memsz = kx_le64(p + PHDR_P_MEMSZ),
		};

		if (type != PT_LOAD && type != PT_NOTE)
			continue;
		if (l.offset > file_size || l.filesz > file_size - l.offset) {
			ret = kx_err(EINVAL, MOD, "truncated: program header %zu points past the end "
				     "(offset %" PRIu64 ", size %" PRIu64 ", file size %" PRIu64 ")",
				     i, l.offset, l.filesz, file_size);
			goto out;
		}
		if (type != PT_LOAD)
			continue;
		/* A PT_LOAD of no bytes is legal ELF (and skipped below); any other
		 * must end, at its last byte, without wrapping. */
		if (l.filesz > l.memsz ||
		    (l.memsz && (__builtin_add_overflow(l.vaddr, l.memsz - 1, &last) ||
				 __builtin_add_overflow(l.paddr, l.memsz - 1, &last)))) {
			ret = kx_err(EINVAL, MOD, "program header %zu: bad sizes (p_filesz %" PRIu64
				     ", p_memsz %" PRIu64 ")", i, l.filesz, l.memsz);
			goto out;
		}
		if (l.memsz)
			vc->loads[vc->nloads++] = l;
	}
	ret = read_notes(vc, ph, phnum);
	if (ret)
		goto out;
	if (!vc->info.text) {
		ret = kx_err(ENOENT, MOD, "no VMCOREINFO note");
		goto out;
	}
	if (kx_vmcoreinfo_number(&vc->info, "phys_base", &n) == 0) {
		vc->phys_base = (uint64_t)n;
		vc->has_phys_base = 1;
	}
	find_page_offset(vc);
	kx_err_clear();
out:
	free(ph);
	if (ret)
		kx_vmcore_close(vc);
	return ret;
}

void kx_vmcore_close(struct kx_vmcore *vc)
{
	free(vc->loads);
	free(vc->notes);
	vc->loads = NULL;
	vc->notes = NULL;
	vc->nloads = 0;
	vc->info.text = NULL;
}

/* The PT_LOAD holding addr (by p_vaddr or p_paddr) and how far into it. */
static const struct kx_vmcore_load *find_load(const struct kx_vmcore *vc, uint64_t addr,
					      bool virt, uint64_t *off)
{
	size_t i;

	for (i = 0; i < vc->nloads; i++) {
		const struct kx_vmcore_load *l = &vc->loads[i];
		uint64_t base = virt ? l->vaddr : l->paddr;

		if (addr >= base && addr - base < l->memsz) {
			*off = addr - base;
			return l;
		}
	}
	return NULL;
}

/* Reads from the one PT_LOAD holding addr; returns how many bytes it gave, 0
 * when none holds it, or a negative errno. */
static int64_t read_some(const struct kx_vmcore *vc, uint64_t addr, bool virt, uint8_t *buf,
			 size_t len)
{
	const struct kx_vmcore_load *l;
	uint64_t off, n, infile;
	int ret;

	l = find_load(vc, addr, virt, &off);
	if (!l && virt) {
		uint64_t phys;

		if (vc->has_phys_base && addr >= X86_64_START_KERNEL_MAP &&
		    addr - X86_64_START_KERNEL_MAP < X86_64_KERNEL_IMAGE_SIZE)
			phys = addr - X86_64_START_KERNEL_MAP + vc->phys_base;
		else if (vc->page_offset && addr >= vc->page_offset &&
			 addr < X86_64_START_KERNEL_MAP)
			phys = addr - vc->page_offset;
		else
			return 0;
		l = find_load(vc, phys, false, &off);
	}
	if (!l)
		return 0;
	n = l->memsz - off;
	if (n > len)
		n = len;
	if (n > INT64_MAX)
		n = INT64_MAX;
	infile = off < l->filesz ? l->filesz - off : 0;
	if (infile > n)
		infile = n;
	if (infile) {
		ret = file_read(vc, buf, infile, l->offset + off);
		if (ret)
			return ret;
	}
	memset(buf + infile, 0, n - infile);
	return (int64_t)n;
}

static int read_addr(const struct kx_vmcore *vc, uint64_t addr, bool virt, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (len && len - 1 > UINT64_MAX - addr)
		return kx_err(EFAULT, MOD, "%zu bytes at 0x%" PRIx64 " wrap around", len, addr);
	while (len) {
		int64_t n = read_some(vc, addr, virt, p, len);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return kx_err(EFAULT, MOD, "%s address 0x%" PRIx64 " is not in any PT_LOAD",
				      virt ? "virtual" : "physical", addr);
		p += n;
		addr += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int kx_vmcore_read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, void *buf, size_t len)
{
	return read_addr(vc, vaddr, true, buf, len);
}

int kx_vmcore_read_paddr(const struct kx_vmcore *vc, uint64_t paddr, void *buf, size_t len)
{
	return read_addr(vc, paddr, false, buf, len);
}

int kx_vmcore_read_u16(const struct kx_vmcore *vc, uint64_t vaddr, uint16_t *out)
{
	uint8_t b[2];
	int ret = kx_vmcore_read_vaddr(vc, vaddr, b, sizeof(b));

	if (!ret)
		*out = kx_le16(b);
	return ret;
}

int kx_vmcore_read_u32(const struct kx_vmcore *vc, uint64_t vaddr, uint32_t *out)
{
	uint8_t b[4];
	int ret = kx_vmcore_read_vaddr(vc, vaddr, b, sizeof(b));

	if (!ret)
		*out = kx_le32(b);
	return ret;
}

int kx_vmcore_read_u64(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *out)
{
	uint8_t b[8];
	int ret = kx_vmcore_read_vaddr(vc, vaddr, b, sizeof(b));

	if (!ret)
		*out = kx_le64(b);
	return ret;
}
