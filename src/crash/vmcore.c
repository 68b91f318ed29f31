/* SPDX-License-Identifier: MIT */
#include "crash/vmcore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/elf.h"
#include "core/err.h"

#define MOD "vmcore"

/* The kernel pads every note of a core file to 4 bytes, whatever the class
 * and p_align (include/linux/elfcore.h, fs/proc/vmcore.c). */
#define VMCORE_NOTE_ALIGN 4
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

/* arch/arm64/include/asm/memory.h (5.4 on): the linear map is
 * [PAGE_OFFSET, PAGE_END) with PAGE_OFFSET = -2^vabits_actual (vabits_actual
 * = 64 - TCR_EL1.T1SZ, or VA_BITS) and PAGE_END = -2^(VA_BITS_MIN - 1),
 * VA_BITS_MIN = min(VA_BITS, 48); the kernel image, modules and vmalloc lie
 * above PAGE_END. */
#define ARM64_VA_BITS_MIN_MAX 48

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

/* Reads and checks the ELF header: a little-endian ELF64 x86_64 or arm64 core
 * file. */
static int read_ehdr(struct kx_vmcore *vc, struct kx_elf_hdr *h)
{
	uint8_t ehdr[KX_ELF64_EHDR_SIZE];
	size_t n = vc->file_size < sizeof(ehdr) ? (size_t)vc->file_size : sizeof(ehdr);
	int ret;

	if (n < KX_SELFMAG)
		return kx_err(EINVAL, MOD, "not an ELF core file");
	ret = file_read(vc, ehdr, n, 0);
	if (ret)
		return ret;
	ret = kx_elf_parse_ehdr(ehdr, n, MOD, h);
	if (ret == -ENOEXEC)
		return kx_err(EINVAL, MOD, "not an ELF core file");
	if (ret)
		return ret;
	if (!h->is64)
		return kx_err(EINVAL, MOD, "not an ELF core file: class %u, need 64-bit (ELFCLASS64)",
			      KX_ELFCLASS32);
	if (h->e_type != KX_ET_CORE)
		return kx_err(EINVAL, MOD, "not an ELF core file: e_type %u, need ET_CORE (4)",
			      h->e_type);
	if (h->e_machine != KX_EM_X86_64 && h->e_machine != KX_EM_AARCH64)
		return kx_err(EINVAL, MOD, "not an x86_64 or arm64 core file: e_machine %u",
			      h->e_machine);
	vc->machine = h->e_machine;
	return 0;
}

/* Finds the VMCOREINFO note in one PT_NOTE segment's bytes. */
static void find_vmcoreinfo(struct kx_vmcore *vc, const char *seg, size_t len)
{
	struct kx_elf_note_iter it;
	struct kx_elf_note n;

	kx_elf_notes_begin(&it, (const uint8_t *)seg, len, VMCORE_NOTE_ALIGN);
	while (kx_elf_notes_next(&it, &n)) {
		if (kx_elf_note_named(&n, VMCOREINFO_NOTE_NAME) && n.n_type == VMCOREINFO_NOTE_TYPE &&
		    !vc->info.text) {
			vc->info.text = (const char *)n.desc;
			vc->info.len = n.n_descsz;
		}
		/* The kernel ends the merged notes with an empty header. */
		if (n.n_namesz == 0 && n.n_descsz == 0)
			return;
	}
}

/* The bytes of every PT_NOTE, concatenated. Each p_filesz is at most the file
 * size, but a sparse file may claim 2^62 bytes and there may be 65535 notes:
 * the sum is checked at every step, else it wraps to a small buffer that
 * the reads below overflow. */
static int read_notes(struct kx_vmcore *vc, const struct kx_elf_hdr *h)
{
	struct kx_elf_phdr ph;
	uint64_t total = 0;
	size_t i, at = 0;
	int ret;

	for (i = 0; i < h->e_phnum; i++) {
		kx_elf_get_phdr(h, i, &ph);
		if (ph.p_type != KX_PT_NOTE)
			continue;
		if (__builtin_add_overflow(total, ph.p_filesz, &total) || total > KX_VMCORE_MAX_NOTES)
			return kx_err(E2BIG, MOD, "PT_NOTE sizes add up to more than the %zu bytes "
				      "we accept (program header %zu, p_filesz %" PRIu64 "): "
				      "corrupt core header", KX_VMCORE_MAX_NOTES, i, ph.p_filesz);
	}
	vc->notes = malloc(total ? total : 1);
	if (!vc->notes)
		return kx_err(ENOMEM, MOD, "out of memory for %" PRIu64 " bytes of notes", total);
	vc->notes_len = total;
	for (i = 0; i < h->e_phnum; i++) {
		kx_elf_get_phdr(h, i, &ph);
		if (ph.p_type != KX_PT_NOTE)
			continue;
		if (ph.p_filesz > vc->notes_len - at)
			return kx_err(EOVERFLOW, MOD, "program header %zu: note bytes past the "
				      "%zu measured", i, vc->notes_len);
		ret = file_read(vc, vc->notes + at, ph.p_filesz, ph.p_offset);
		if (ret)
			return ret;
		find_vmcoreinfo(vc, vc->notes + at, ph.p_filesz);
		at += ph.p_filesz;
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

/* arm64's layout from VMCOREINFO (arch/arm64/kernel/vmcore_info.c): the
 * linear map from VA_BITS (and TCR_EL1.T1SZ, 5.13 on) and PHYS_OFFSET, the
 * image from kimage_voffset. What is missing leaves that translation off:
 * reads there fail with the address named. */
static void arm64_layout(struct kx_vmcore *vc)
{
	uint64_t va_bits, t1sz, actual, min;

	if (kx_vmcoreinfo_number_u64(&vc->info, "kimage_voffset", &vc->kimage_voffset) == 0)
		vc->has_kimage_voffset = 1;
	if (kx_vmcoreinfo_number_u64(&vc->info, "VA_BITS", &va_bits) == 0 && va_bits >= 36 &&
	    va_bits <= 52 &&
	    kx_vmcoreinfo_number_u64(&vc->info, "PHYS_OFFSET", &vc->phys_offset) == 0) {
		actual = va_bits;
		if (kx_vmcoreinfo_number_u64(&vc->info, "tcr_el1_t1sz", &t1sz) == 0 && t1sz >= 12 &&
		    t1sz <= 28)
			actual = 64 - t1sz;
		min = va_bits < ARM64_VA_BITS_MIN_MAX ? va_bits : ARM64_VA_BITS_MIN_MAX;
		vc->page_offset = 0 - (UINT64_C(1) << actual);
		vc->lm_end = 0 - (UINT64_C(1) << (min - 1));
	}
	kx_err_clear();
}

/* The physical address of a virtual one no PT_LOAD names, by the arch's
 * fixed layout; false when the layout does not cover it. */
static bool virt_to_phys(const struct kx_vmcore *vc, uint64_t addr, uint64_t *phys)
{
	if (vc->machine == KX_EM_AARCH64) {
		if (vc->page_offset && addr >= vc->page_offset && addr < vc->lm_end) {
			*phys = addr - vc->page_offset + vc->phys_offset;
			return true;
		}
		/* Above the linear map (the top half when VA_BITS is unknown). */
		if (vc->has_kimage_voffset && (vc->lm_end ? addr >= vc->lm_end : addr >> 63)) {
			*phys = addr - vc->kimage_voffset;
			return true;
		}
		return false;
	}
	if (vc->has_phys_base && addr >= X86_64_START_KERNEL_MAP &&
	    addr - X86_64_START_KERNEL_MAP < X86_64_KERNEL_IMAGE_SIZE) {
		*phys = addr - X86_64_START_KERNEL_MAP + vc->phys_base;
		return true;
	}
	if (vc->page_offset && addr >= vc->page_offset && addr < X86_64_START_KERNEL_MAP) {
		*phys = addr - vc->page_offset;
		return true;
	}
	return false;
}

int kx_vmcore_open(struct kx_vmcore *vc, kx_vmcore_read_fn read, void *ctx, uint64_t file_size)
{
	struct kx_elf_hdr h;
	uint8_t *table = NULL;
	uint64_t end, phsize;
	int64_t n;
	size_t i;
	int ret;

	memset(vc, 0, sizeof(*vc));
	vc->read = read;
	vc->ctx = ctx;
	vc->file_size = file_size;
	ret = read_ehdr(vc, &h);
	if (ret)
		return ret;
	if (h.e_phnum == 0)
		return kx_err(EINVAL, MOD, "no program headers");
	/* Only the table is read (at e_phoff), not the file up to it. */
	phsize = kx_elf_phdrs_size(&h);
	if (kx_elf_headers_size(&h, MOD, &end) < 0 || end > file_size)
		return kx_err(EINVAL, MOD, "truncated: %u program headers at offset %" PRIu64
			      " go past the end (file size %" PRIu64 ")", h.e_phnum, h.e_phoff,
			      file_size);
	table = malloc(phsize);
	vc->loads = calloc(h.e_phnum, sizeof(*vc->loads));
	if (!table || !vc->loads) {
		ret = kx_err(ENOMEM, MOD, "out of memory for %u program headers", h.e_phnum);
		goto out;
	}
	ret = file_read(vc, table, phsize, h.e_phoff);
	if (ret)
		goto out;
	ret = kx_elf_attach_phdrs(&h, table, phsize, MOD);
	if (ret)
		goto out;
	for (i = 0; i < h.e_phnum; i++) {
		struct kx_elf_phdr ph;
		struct kx_vmcore_load l;
		uint64_t last;

		kx_elf_get_phdr(&h, i, &ph);
		if (ph.p_type != KX_PT_LOAD && ph.p_type != KX_PT_NOTE)
			continue;
		if (!kx_elf_segment_in_file(&ph, file_size)) {
			ret = kx_err(EINVAL, MOD, "truncated: program header %zu points past the end "
				     "(offset %" PRIu64 ", size %" PRIu64 ", file size %" PRIu64 ")",
				     i, ph.p_offset, ph.p_filesz, file_size);
			goto out;
		}
		if (ph.p_type != KX_PT_LOAD)
			continue;
		l = (struct kx_vmcore_load){ .offset = ph.p_offset, .vaddr = ph.p_vaddr,
					     .paddr = ph.p_paddr, .filesz = ph.p_filesz,
					     .memsz = ph.p_memsz };
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
	ret = read_notes(vc, &h);
	if (ret)
		goto out;
	if (!vc->info.text) {
		ret = kx_err(ENOENT, MOD, "no VMCOREINFO note");
		goto out;
	}
	if (vc->machine == KX_EM_AARCH64) {
		arm64_layout(vc);
	} else {
		if (kx_vmcoreinfo_number(&vc->info, "phys_base", &n) == 0) {
			vc->phys_base = (uint64_t)n;
			vc->has_phys_base = 1;
		}
		find_page_offset(vc);
	}
	kx_err_clear();
out:
	free(table);
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

		if (!virt_to_phys(vc, addr, &phys))
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

const void *kx_vmcore_map_paddr(const struct kx_vmcore *vc, uint64_t paddr, size_t len)
{
	if (!vc->map || !len)
		return NULL;
	for (size_t i = 0; i < vc->nloads; i++) {
		const struct kx_vmcore_load *l = &vc->loads[i];

		if (paddr >= l->paddr && paddr - l->paddr < l->filesz &&
		    len <= l->filesz - (paddr - l->paddr))
			return vc->map(vc->ctx, l->offset + (paddr - l->paddr), len);
	}
	return NULL;
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
