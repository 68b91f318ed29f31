/* SPDX-License-Identifier: MIT */
#include "crash/corehdr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arch_defs.h"
#include "core/bytes.h"
#include "core/elf.h"
#include "core/err.h"

#define MOD "corehdr"

/* ELF64 (core/elf.h), with the values Linux checks in fs/proc/vmcore.c
 * (parse_crash_elf64_headers: ELFMAG, ELFCLASS64, ET_CORE, EM_X86_64,
 * EV_CURRENT, e_phentsize == sizeof(Elf64_Phdr)). */
/* e_phnum is 16 bits; 0xffff (PN_XNUM) means extended numbering, which
 * vmcore.c does not read. */
#define ELF_PHNUM_MAX 0xfffeu

/* ELF32 and ELF64 differ in field widths and in where p_flags sits (ELF
 * spec, "Program Header"); the writers take the class. */
static size_t ehdr_size(enum kx_corehdr_class c)
{
	return c == KX_COREHDR_ELF32 ? KX_ELF32_EHDR_SIZE : KX_ELF64_EHDR_SIZE;
}

static size_t phdr_size(enum kx_corehdr_class c)
{
	return c == KX_COREHDR_ELF32 ? KX_ELF32_PHDR_SIZE : KX_ELF64_PHDR_SIZE;
}

size_t kx_corehdr_write_ehdr(uint8_t *p, uint16_t phnum, enum kx_corehdr_class c)
{
	const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F',
				    c == KX_COREHDR_ELF32 ? KX_ELFCLASS32 : KX_ELFCLASS64,
				    KX_ELFDATA2LSB, KX_EV_CURRENT, KX_ELFOSABI_NONE };
	uint16_t eh = (uint16_t)ehdr_size(c);
	size_t tail; /* e_ehsize and the five 16-bit fields after it */

	memcpy(p, ident, sizeof(ident));
	kx_put16(p + 16, KX_ET_CORE);         /* e_type */
	kx_put16(p + 18, KX_ARCH_ELF_MACHINE); /* e_machine */
	kx_put32(p + 20, KX_EV_CURRENT);      /* e_version */
	if (c == KX_COREHDR_ELF32) {
		kx_put32(p + 24, 0);          /* e_entry */
		kx_put32(p + 28, eh);         /* e_phoff: right after this header */
		kx_put32(p + 32, 0);          /* e_shoff */
		kx_put32(p + 36, 0);          /* e_flags */
		tail = 40;
	} else {
		kx_put64(p + 24, 0);          /* e_entry */
		kx_put64(p + 32, eh);         /* e_phoff: right after this header */
		kx_put64(p + 40, 0);          /* e_shoff */
		kx_put32(p + 48, 0);          /* e_flags */
		tail = 52;
	}
	kx_put16(p + tail, eh);                         /* e_ehsize */
	kx_put16(p + tail + 2, (uint16_t)phdr_size(c)); /* e_phentsize */
	kx_put16(p + tail + 4, phnum);                  /* e_phnum */
	kx_put16(p + tail + 6, 0);                      /* e_shentsize */
	kx_put16(p + tail + 8, 0);                      /* e_shnum */
	kx_put16(p + tail + 10, 0);                     /* e_shstrndx */
	return eh;
}

/* ELF32: p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags,
 * p_align, 32 bits each; ELF64 moves p_flags second and widens the rest. The
 * caller has checked that an ELF32 header's values fit (phdr_fits_32). */
size_t kx_corehdr_write_phdr(uint8_t *p, const struct kx_core_phdr *h, enum kx_corehdr_class c)
{
	if (c == KX_COREHDR_ELF32) {
		kx_put32(p + 0, h->type);
		kx_put32(p + 4, (uint32_t)h->offset);
		kx_put32(p + 8, (uint32_t)h->vaddr);
		kx_put32(p + 12, (uint32_t)h->paddr);
		kx_put32(p + 16, (uint32_t)h->filesz);
		kx_put32(p + 20, (uint32_t)h->memsz);
		kx_put32(p + 24, h->flags);
		kx_put32(p + 28, (uint32_t)h->align);
		return KX_ELF32_PHDR_SIZE;
	}
	kx_put32(p + 0, h->type);
	kx_put32(p + 4, h->flags);
	kx_put64(p + 8, h->offset);
	kx_put64(p + 16, h->vaddr);
	kx_put64(p + 24, h->paddr);
	kx_put64(p + 32, h->filesz);
	kx_put64(p + 40, h->memsz);
	kx_put64(p + 48, h->align);
	return KX_ELF64_PHDR_SIZE;
}

/* Every value of h fits an ELF32 field, the last byte it covers included
 * (vmcore.c reads [p_offset, p_offset + p_memsz) of old memory). */
static bool phdr_fits_32(const struct kx_core_phdr *h)
{
	uint64_t last = h->memsz ? h->memsz - 1 : 0;

	return h->offset <= UINT32_MAX && h->filesz <= UINT32_MAX && h->memsz <= UINT32_MAX &&
	       h->align <= UINT32_MAX && h->paddr <= UINT32_MAX - last &&
	       h->vaddr <= UINT32_MAX - last;
}

/* A note lives in the crashed kernel's memory: vmcore.c reads it from
 * p_offset (an old-memory physical address) and takes p_memsz as the most it
 * may read, walking the real notes inside (merge_note_headers_elf64). */
static struct kx_core_phdr note_phdr(uint64_t addr, uint64_t size)
{
	return (struct kx_core_phdr){ .type = KX_PT_NOTE, .offset = addr, .paddr = addr,
				      .filesz = size, .memsz = size };
}

/* RAM as the capture kernel sees it: p_offset is the physical address, which
 * vmcore.c turns into a file offset (process_ptload_program_headers_elf64). */
static struct kx_core_phdr load_phdr(uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	return (struct kx_core_phdr){ .type = KX_PT_LOAD,
				      .flags = KX_PF_R | KX_PF_W | KX_PF_X,
				      .offset = paddr, .vaddr = vaddr, .paddr = paddr,
				      .filesz = size, .memsz = size };
}

static int check_facts(const struct kx_crash_facts *k)
{
	if (!k->present)
		return kx_err(EINVAL, MOD, "the crash facts were not read");
	if (!k->vmcoreinfo_addr || !k->vmcoreinfo_size)
		return kx_err(ENOENT, MOD, "no VMCOREINFO note (/sys/kernel/vmcoreinfo): "
			      "the capture kernel could not make sense of the dump");
	if (k->vmcoreinfo_addr > UINT64_MAX - k->vmcoreinfo_size)
		return kx_err(EINVAL, MOD, "VMCOREINFO note of %#llx bytes at %#llx wraps",
			      (unsigned long long)k->vmcoreinfo_size,
			      (unsigned long long)k->vmcoreinfo_addr);
	if (!k->notes_n)
		return kx_err(ENOENT, MOD, "no CPU crash notes");
	if (!k->kernel_size || k->kernel_vaddr > UINT64_MAX - k->kernel_size ||
	    k->kernel_paddr > UINT64_MAX - k->kernel_size)
		return kx_err(EINVAL, MOD, "kernel mapping of %#llx bytes at %#llx (phys %#llx) "
			      "wraps", (unsigned long long)k->kernel_size,
			      (unsigned long long)k->kernel_vaddr,
			      (unsigned long long)k->kernel_paddr);
	for (size_t i = 0; i < k->notes_n; i++)
		if (!k->notes[i].size || k->notes[i].addr > UINT64_MAX - k->notes[i].size)
			return kx_err(EINVAL, MOD, "CPU %u: crash note of %#llx bytes at %#llx",
				      k->notes[i].cpu, (unsigned long long)k->notes[i].size,
				      (unsigned long long)k->notes[i].addr);
	return 0;
}

/* The RAM to dump: `ram` minus the first MiB and the crash regions. */
static int dump_ranges(const struct kx_memmap *ram, const struct kx_memmap *crash,
		       struct kx_memmap *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ram->n && !ret; i++)
		if (ram->v[i].type == KX_MEM_RAM && ram->v[i].end > ram->v[i].start)
			ret = kx_memmap_add(out, ram->v[i].start, ram->v[i].end, KX_MEM_RAM);
	if (!ret) {
		kx_memmap_normalize(out);
		ret = kx_memmap_remove(out, 0, KX_COREHDR_LOW_EXCLUDE);
	}
	for (size_t i = 0; i < crash->n && !ret; i++)
		ret = kx_memmap_remove(out, crash->v[i].start, crash->v[i].end);
	if (ret)
		kx_memmap_free(out);
	return ret;
}

/* The program headers in order: CPU notes, VMCOREINFO, the kernel mapping,
 * then the RAM to dump. hs has room for notes_n + 2 + dump->n. */
static size_t collect_phdrs(const struct kx_crash_facts *k, const struct kx_memmap *dump,
			    struct kx_core_phdr *hs)
{
	size_t n = 0;

	for (size_t i = 0; i < k->notes_n; i++)
		hs[n++] = note_phdr(k->notes[i].addr, k->notes[i].size);
	hs[n++] = note_phdr(k->vmcoreinfo_addr, k->vmcoreinfo_size);
	hs[n++] = load_phdr(k->kernel_vaddr, k->kernel_paddr, k->kernel_size);
	for (size_t i = 0; i < dump->n; i++) {
		const struct kx_mem_region *r = &dump->v[i];

		hs[n++] = load_phdr(k->page_offset + r->start, r->start, r->end - r->start);
	}
	return n;
}

/* An ELF32 header (kexec-tools' --elf32-core-headers) holds 32-bit values
 * only; kx refuses rather than truncate an address into another one. */
static int check_fits_32(const struct kx_core_phdr *hs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!phdr_fits_32(&hs[i]))
			return kx_err(ERANGE, MOD, "an ELF32 core header cannot describe %#llx "
				      "bytes at physical %#llx, virtual %#llx (beyond 4 GiB): "
				      "leave out --elf32-core-headers (ELF64 is the default, and "
				      "what a 64-bit kernel needs)",
				      (unsigned long long)hs[i].memsz,
				      (unsigned long long)hs[i].paddr,
				      (unsigned long long)hs[i].vaddr);
	}
	return 0;
}

int kx_corehdr_build(const struct kx_crash_facts *k, const struct kx_memmap *ram,
		     const struct kx_memmap *crash, enum kx_corehdr_class c, uint8_t **out,
		     size_t *len)
{
	struct kx_memmap dump;
	struct kx_core_phdr *hs = NULL;
	size_t phnum, size, at = 0;
	uint8_t *buf = NULL;
	int ret;

	*out = NULL;
	*len = 0;
	ret = check_facts(k);
	if (ret)
		return ret;
	ret = dump_ranges(ram, crash, &dump);
	if (ret)
		return ret;
	if (!dump.n) {
		ret = kx_err(EINVAL, MOD, "no System RAM outside the crash region to dump");
		goto out;
	}
	for (size_t i = 0; i < dump.n; i++) {
		if (dump.v[i].end - 1 > UINT64_MAX - k->page_offset) {
			ret = kx_err(ERANGE, MOD, "RAM at %#llx is beyond the direct map at %#llx",
				     (unsigned long long)dump.v[i].start,
				     (unsigned long long)k->page_offset);
			goto out;
		}
	}

	/* Measure. */
	phnum = k->notes_n + 1 /* VMCOREINFO */ + 1 /* kernel image */ + dump.n;
	if (phnum > ELF_PHNUM_MAX) {
		ret = kx_err(E2BIG, MOD, "%zu program headers, ELF allows %u", phnum,
			     ELF_PHNUM_MAX);
		goto out;
	}
	size = ehdr_size(c) + phnum * phdr_size(c);
	hs = calloc(phnum, sizeof(*hs));
	buf = calloc(1, size);
	if (!hs || !buf) {
		ret = kx_err(ENOMEM, MOD, "out of memory for %zu bytes", size);
		goto out;
	}
	if (collect_phdrs(k, &dump, hs) != phnum) {
		ret = kx_err(EFAULT, MOD, "internal error: program headers miscounted");
		goto out;
	}
	if (c == KX_COREHDR_ELF32) {
		ret = check_fits_32(hs, phnum);
		if (ret)
			goto out;
	}

	/* Fill. */
	at += kx_corehdr_write_ehdr(buf, (uint16_t)phnum, c);
	for (size_t i = 0; i < phnum; i++)
		at += kx_corehdr_write_phdr(buf + at, &hs[i], c);

	/* Assert: what was written is what was measured. */
	if (at != size) {
		ret = kx_err(EFAULT, MOD, "internal error: wrote %zu of %zu bytes", at, size);
		goto out;
	}
	*out = buf;
	*len = size;
	buf = NULL;
out:
	kx_memmap_free(&dump);
	free(hs);
	free(buf);
	return ret;
}
