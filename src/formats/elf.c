/* SPDX-License-Identifier: MIT */
/*
 * See elf.h. Every field is read from the file bytes with explicit bounds and
 * overflow checks; nothing in the file is trusted until checked.
 *
 * Hand-off conventions (README's support table); the arch supplies the
 * machine check, the relocation types and the registers (arch_elf.h):
 *   Linux (vmlinux, or --args-linux): the arch's Linux boot protocol. The
 *     only convention that can make a capture kernel (-p): a Linux kernel is
 *     told where the core header is and which memory it may use.
 *   --args-elf (default for a non-Linux ELF): three arguments in the arch's
 *     C calling convention: the physical address of the NUL-terminated
 *     command line (0: none), the initrd's address and its size, so a C entry
 *     `void start(const char *cmdline, void *initrd, size_t size)` works.
 *     Nothing else is set up, not even a stack.
 *   --args-none: only the entry point.
 */
#include "formats/elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/arch_elf.h"
#include "core/bytes.h"
#include "core/elf.h"
#include "core/err.h"

#define MOD "elf"

/* d_tag (gABI "Dynamic Section"; DT_RELR: gABI 2022 addition). */
#define DT_NULL 0
#define DT_PLTRELSZ 2
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_RELSZ 18
#define DT_RELENT 19
#define DT_PLTREL 20
#define DT_JMPREL 23
#define DT_RELRSZ 35
#define DT_RELR 36
#define RELA64_SIZE 24
#define REL64_SIZE 16
#define RELA32_SIZE 12
#define REL32_SIZE 8
/* Notes: the kernel's LINUX_ELFNOTE uses the name "Linux"; a Xen-capable
 * kernel also carries XEN_ELFNOTE_GUEST_OS = 6 with "linux" (xen/include/
 * public/elfnote.h). */
#define XEN_ELFNOTE_GUEST_OS 6

/* A position-independent image larger than this is not a boot payload. */
#define PIE_MAX_EXTENT (1ull << 30)

/* A word of the file's class: 8 bytes for ELF64, 4 for ELF32. */
static uint64_t rdword(const uint8_t *p, bool is64)
{
	return is64 ? kx_le64(p) : kx_le32(p);
}

static bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t page_down(uint64_t v)
{
	return v & ~(KX_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t v)
{
	return (v + KX_PAGE_SIZE - 1) & ~(KX_PAGE_SIZE - 1);
}

static int check_load(const struct kx_elf_phdr *ph, size_t i, size_t len, bool is64)
{
	uint64_t end;

	if (!kx_elf_segment_in_file(ph, len))
		return kx_err(EINVAL, MOD,
			      "PT_LOAD segment %zu: file bytes 0x%llx+0x%llx lie outside the file "
			      "(%zu bytes): truncated image?", i, (unsigned long long)ph->p_offset,
			      (unsigned long long)ph->p_filesz, len);
	if (ph->p_filesz > ph->p_memsz)
		return kx_err(EINVAL, MOD, "PT_LOAD segment %zu: p_filesz 0x%llx > p_memsz 0x%llx",
			      i, (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (add_overflows(ph->p_paddr, ph->p_memsz, &end) ||
	    add_overflows(ph->p_vaddr, ph->p_memsz, &end) || end > UINT64_MAX - KX_PAGE_SIZE ||
	    (!is64 && (ph->p_paddr + ph->p_memsz > (1ull << 32) ||
		       ph->p_vaddr + ph->p_memsz > (1ull << 32))))
		return kx_err(EINVAL, MOD, "PT_LOAD segment %zu: address + p_memsz overflows", i);
	if (ph->p_align > 1 && !is_pow2(ph->p_align))
		return kx_err(EINVAL, MOD, "PT_LOAD segment %zu: p_align 0x%llx is not a power of two",
			      i, (unsigned long long)ph->p_align);
	return 0;
}

/* A vmlinux says it is Linux in its notes. */
static bool notes_say_linux(const uint8_t *seg, uint64_t len, uint64_t align)
{
	struct kx_elf_note_iter it;
	struct kx_elf_note n;

	kx_elf_notes_begin(&it, seg, len, align);
	while (kx_elf_notes_next(&it, &n)) {
		if (kx_elf_note_named(&n, "Linux"))
			return true;
		if (kx_elf_note_named(&n, "Xen") && n.n_type == XEN_ELFNOTE_GUEST_OS &&
		    n.n_descsz >= 5 && !memcmp(n.desc, "linux", 5))
			return true;
	}
	return false;
}

int kx_elf_parse(const uint8_t *img, size_t len, struct kx_elf_info *o)
{
	struct kx_elf_hdr h;
	size_t nload = 0;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = kx_elf_parse_ehdr(img, len, MOD, &h);
	if (ret < 0)
		return ret;
	o->is64 = h.is64;
	o->e_type = h.e_type;
	o->e_machine = h.e_machine;
	o->e_entry = h.e_entry;
	o->phnum = h.e_phnum;
	if (h.e_type == KX_ET_REL)
		return kx_err(EINVAL, MOD, "a relocatable object (.o), not an executable: link it");
	if (h.e_type == KX_ET_CORE)
		return kx_err(EINVAL, MOD, "a core dump, not an executable");
	if (h.e_type != KX_ET_EXEC && h.e_type != KX_ET_DYN)
		return kx_err(EINVAL, MOD, "e_type %u is not an executable (ET_EXEC or ET_DYN)",
			      h.e_type);
	ret = kx_arch_elf_check_machine(h.is64, h.e_machine);
	if (ret < 0)
		return ret;
	if (!h.e_phnum)
		return kx_err(EINVAL, MOD, "no program headers: nothing to load");
	if (h.e_phnum == KX_PN_XNUM || h.e_phnum > KX_ELF_MAX_PHDRS)
		return kx_err(EINVAL, MOD, "%zu program headers: more than the %d kx accepts",
			      o->phnum, KX_ELF_MAX_PHDRS);
	ret = kx_elf_parse_headers(img, len, MOD, &h);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < o->phnum; i++) {
		struct kx_elf_phdr *ph = &o->ph[i];

		kx_elf_get_phdr(&h, i, ph);
		if (ph->p_type == KX_PT_INTERP)
			return kx_err(EINVAL, MOD,
				      "needs a dynamic linker (PT_INTERP): link it static (-static-pie)");
		if (ph->p_type == KX_PT_NOTE && kx_elf_segment_in_file(ph, len) &&
		    notes_say_linux(img + ph->p_offset, ph->p_filesz, ph->p_align))
			o->is_linux = true;
		if (ph->p_type != KX_PT_LOAD)
			continue;
		ret = check_load(ph, i, len, o->is64);
		if (ret < 0)
			return ret;
		if (ph->p_memsz)
			nload++;
	}
	if (!nload)
		return kx_err(EINVAL, MOD, "no PT_LOAD segment with memory: nothing to load");
	return 0;
}

static int elf_probe(const uint8_t *img, size_t len)
{
	struct kx_elf_info *e = malloc(sizeof(*e));
	int ret;

	if (!e)
		return kx_err(ENOMEM, MOD, "out of memory");
	ret = kx_elf_parse(img, len, e);
	free(e);
	return ret;
}

/* Indices of the PT_LOAD segments with memory, sorted by `by_paddr ? p_paddr
 * : p_vaddr`; then checks that no two overlap. Returns the count. */
static int sorted_loads(const struct kx_elf_info *e, bool by_paddr, size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < e->phnum; i++) {
		uint64_t a;
		size_t k;

		if (e->ph[i].p_type != KX_PT_LOAD || !e->ph[i].p_memsz)
			continue;
		a = by_paddr ? e->ph[i].p_paddr : e->ph[i].p_vaddr;
		for (k = n; k > 0; k--) {
			const struct kx_elf_phdr *q = &e->ph[idx[k - 1]];

			if ((by_paddr ? q->p_paddr : q->p_vaddr) <= a)
				break;
			idx[k] = idx[k - 1];
		}
		idx[k] = i;
		n++;
	}
	for (size_t k = 1; k < n; k++) {
		const struct kx_elf_phdr *a = &e->ph[idx[k - 1]], *b = &e->ph[idx[k]];
		uint64_t as = by_paddr ? a->p_paddr : a->p_vaddr;
		uint64_t bs = by_paddr ? b->p_paddr : b->p_vaddr;

		if (as + a->p_memsz > bs)
			return kx_err(EINVAL, MOD,
				      "PT_LOAD segments %zu (0x%llx-0x%llx) and %zu (0x%llx-0x%llx) "
				      "overlap", idx[k - 1], (unsigned long long)as,
				      (unsigned long long)(as + a->p_memsz), idx[k],
				      (unsigned long long)bs, (unsigned long long)(bs + b->p_memsz));
	}
	return (int)n;
}

/* Copies the file bytes of segments idx[first..last] into a new buffer that
 * starts at `base` (a physical or virtual address, as `by_paddr` says). */
static uint8_t *gather(const uint8_t *img, const struct kx_elf_info *e, const size_t *idx,
		       size_t first, size_t last, bool by_paddr, uint64_t base, size_t size)
{
	uint8_t *buf = calloc(1, size ? size : 1);

	if (!buf)
		return NULL;
	for (size_t k = first; k <= last; k++) {
		const struct kx_elf_phdr *ph = &e->ph[idx[k]];
		uint64_t at = (by_paddr ? ph->p_paddr : ph->p_vaddr) - base;

		if (ph->p_filesz && at < size)
			memcpy(buf + at, img + ph->p_offset,
			       ph->p_filesz < size - at ? ph->p_filesz : size - at);
	}
	return buf;
}

/* ET_EXEC: every PT_LOAD at its p_paddr. Segments that share a page become
 * one plan segment (the kernel loads whole pages); a page-aligned segment
 * alone in its pages is loaded straight from the file, without a copy. */
static int load_fixed(const uint8_t *img, const struct kx_elf_info *e, struct kx_plan *p)
{
	size_t idx[KX_ELF_MAX_PHDRS];
	int n = sorted_loads(e, true, idx);

	if (n < 0)
		return n;
	for (size_t k = 0; k < (size_t)n;) {
		const struct kx_elf_phdr *ph = &e->ph[idx[k]];
		uint64_t start = page_down(ph->p_paddr);
		uint64_t end = page_up(ph->p_paddr + ph->p_memsz);
		uint64_t file_end = ph->p_paddr + ph->p_filesz;
		size_t last = k;
		struct kx_place_req req = { .align = KX_PAGE_SIZE, .pref = start, .fixed = true };
		const uint8_t *buf;
		uint8_t *owned = NULL;
		int i;

		while (last + 1 < (size_t)n && page_down(e->ph[idx[last + 1]].p_paddr) < end) {
			const struct kx_elf_phdr *q = &e->ph[idx[++last]];

			if (page_up(q->p_paddr + q->p_memsz) > end)
				end = page_up(q->p_paddr + q->p_memsz);
			if (q->p_filesz && q->p_paddr + q->p_filesz > file_end)
				file_end = q->p_paddr + q->p_filesz;
		}
		if (file_end < start)
			file_end = start;
		if (last == k && start == ph->p_paddr) {
			buf = img + ph->p_offset;
		} else {
			owned = gather(img, e, idx, k, last, true, start, file_end - start);
			if (!owned)
				return kx_err(ENOMEM, MOD, "out of memory");
			buf = owned;
		}
		i = kx_plan_add_placed(p, KX_ROLE_KERNEL, buf, file_end - start, end - start, &req,
				       owned);
		if (i < 0)
			return kx_err_prefix(i, "elf: PT_LOAD segment %zu (0x%llx-0x%llx)", idx[k],
					     (unsigned long long)ph->p_paddr,
					     (unsigned long long)(ph->p_paddr + ph->p_memsz));
		k = last + 1;
	}
	return 0;
}

/* A Linux kernel moved into the crash region as one block: every PT_LOAD at
 * its place relative to the lowest, placed by the planner at an
 * `align`-aligned address (the granule by which the arch's kernel may move,
 * kx_arch_elf_linux_move_align). One segment, so nothing else lands between
 * two PT_LOADs: the kernel takes _text.._end as its own, gaps included.
 * *moved: how far the segments now lie above their p_paddr (modulo 2^64). */
static int load_moved(const uint8_t *img, const struct kx_elf_info *e, uint64_t align,
		      struct kx_plan *p, uint64_t *moved)
{
	size_t idx[KX_ELF_MAX_PHDRS];
	int n = sorted_loads(e, true, idx), i;
	uint64_t lo, hi = 0, file_end, extent;
	struct kx_place_req req;
	uint8_t *buf;

	if (n < 0)
		return n;
	lo = e->ph[idx[0]].p_paddr;
	file_end = lo;
	for (size_t k = 0; k < (size_t)n; k++) {
		const struct kx_elf_phdr *ph = &e->ph[idx[k]];

		if (ph->p_paddr + ph->p_memsz > hi)
			hi = ph->p_paddr + ph->p_memsz;
		if (ph->p_filesz && ph->p_paddr + ph->p_filesz > file_end)
			file_end = ph->p_paddr + ph->p_filesz;
	}
	if (lo & (align - 1))
		return kx_err(EINVAL, MOD,
			      "the kernel's lowest PT_LOAD is at 0x%llx, not on a 0x%llx boundary, "
			      "so it cannot be moved into the crash region (-p); load its bzImage",
			      (unsigned long long)lo, (unsigned long long)align);
	extent = page_up(hi) - lo;
	if (extent > PIE_MAX_EXTENT)
		return kx_err(EINVAL, MOD, "the kernel spans 0x%llx bytes (max 1 GiB)",
			      (unsigned long long)extent);
	buf = gather(img, e, idx, 0, (size_t)n - 1, true, lo, file_end - lo);
	if (!buf)
		return kx_err(ENOMEM, MOD, "out of memory");
	req = (struct kx_place_req){ .align = align, .min = KX_MIB, .pref = KX_NO_PREF };
	i = kx_plan_add_placed(p, KX_ROLE_KERNEL, buf, file_end - lo, extent, &req, buf);
	if (i < 0)
		return kx_err_prefix(i, "elf: the kernel (0x%llx bytes from 0x%llx, moved by a "
				     "multiple of 0x%llx)", (unsigned long long)extent,
				     (unsigned long long)lo, (unsigned long long)align);
	*moved = p->seg[i].mem - lo;
	return 0;
}

/* The file offset of `size` bytes at virtual address `va`, from the PT_LOAD
 * whose file bytes hold them. */
static int vaddr_to_offset(const struct kx_elf_info *e, uint64_t va, uint64_t size,
			   uint64_t *off, const char *what)
{
	for (size_t i = 0; i < e->phnum; i++) {
		const struct kx_elf_phdr *ph = &e->ph[i];

		if (ph->p_type == KX_PT_LOAD && va >= ph->p_vaddr && size <= ph->p_filesz &&
		    va - ph->p_vaddr <= ph->p_filesz - size) {
			*off = ph->p_offset + (va - ph->p_vaddr);
			return 0;
		}
	}
	return kx_err(EINVAL, MOD, "%s at 0x%llx (+0x%llx) is not inside any PT_LOAD's file bytes",
		      what, (unsigned long long)va, (unsigned long long)size);
}

struct reloc_table {
	uint64_t addr, size, ent;
	bool rela;
};

static int apply_relocs(const uint8_t *img, const struct kx_elf_info *e,
			const struct reloc_table *t, uint8_t *buf, uint64_t base, uint64_t extent,
			uint64_t bias)
{
	size_t word = e->is64 ? 8 : 4;
	size_t want = e->is64 ? (t->rela ? RELA64_SIZE : REL64_SIZE)
			      : (t->rela ? RELA32_SIZE : REL32_SIZE);
	struct kx_arch_elf_relocs rel = kx_arch_elf_relocs(e->is64);
	uint64_t off = 0;
	int ret;

	if (!t->size)
		return 0;
	if (t->ent != want)
		return kx_err(EINVAL, MOD, "relocation entries of %llu bytes, expected %zu",
			      (unsigned long long)t->ent, want);
	if (t->size % want)
		return kx_err(EINVAL, MOD, "relocation table size %llu is not a multiple of %zu",
			      (unsigned long long)t->size, want);
	ret = vaddr_to_offset(e, t->addr, t->size, &off, "relocation table");
	if (ret < 0)
		return ret;
	for (uint64_t r = 0; r < t->size / want; r++) {
		const uint8_t *q = img + off + r * want;
		uint64_t r_offset = rdword(q, e->is64);
		uint64_t info = rdword(q + word, e->is64);
		uint32_t type = e->is64 ? (uint32_t)info : (uint32_t)(info & 0xff);
		uint64_t at;

		if (type == rel.none)
			continue;
		if (type != rel.relative)
			return kx_err(EINVAL, MOD,
				      "relocation %llu has type %u; a position-independent image may "
				      "only use %s (link with -static-pie)", (unsigned long long)r,
				      type, rel.relative_name);
		if (r_offset < base || r_offset - base > extent - word)
			return kx_err(EINVAL, MOD,
				      "relocation %llu patches 0x%llx, outside the image", 
				      (unsigned long long)r, (unsigned long long)r_offset);
		at = r_offset - base;
		if (e->is64) {
			uint64_t addend = t->rela ? rdword(q + 2 * word, true) : kx_le64(buf + at);

			kx_put64(buf + at, addend + bias);
		} else {
			uint32_t addend = t->rela ? (uint32_t)rdword(q + 2 * word, false)
						  : kx_le32(buf + at);

			kx_put32(buf + at, (uint32_t)(addend + bias));
		}
	}
	return 0;
}

/* Reads DT_RELA / DT_REL (and DT_JMPREL) from PT_LOAD's dynamic section. */
static int find_relocs(const uint8_t *img, size_t len, const struct kx_elf_info *e,
		       struct reloc_table t[3])
{
	size_t dsz = e->is64 ? 16 : 8, word = e->is64 ? 8 : 4;
	uint64_t pltrel = 0;

	memset(t, 0, 3 * sizeof(*t));
	t[0].rela = true;
	for (size_t i = 0; i < e->phnum; i++) {
		const struct kx_elf_phdr *ph = &e->ph[i];

		if (ph->p_type != KX_PT_DYNAMIC)
			continue;
		if (!kx_elf_segment_in_file(ph, len))
			return kx_err(EINVAL, MOD, "PT_DYNAMIC lies outside the file: truncated image?");
		for (uint64_t d = 0; d + dsz <= ph->p_filesz; d += dsz) {
			uint64_t tag = rdword(img + ph->p_offset + d, e->is64);
			uint64_t val = rdword(img + ph->p_offset + d + word, e->is64);

			if (tag == DT_NULL)
				break;
			switch (tag) {
			case DT_RELA: t[0].addr = val; break;
			case DT_RELASZ: t[0].size = val; break;
			case DT_RELAENT: t[0].ent = val; break;
			case DT_REL: t[1].addr = val; break;
			case DT_RELSZ: t[1].size = val; break;
			case DT_RELENT: t[1].ent = val; break;
			case DT_JMPREL: t[2].addr = val; break;
			case DT_PLTRELSZ: t[2].size = val; break;
			case DT_PLTREL: pltrel = val; break;
			case DT_RELR:
			case DT_RELRSZ:
				if (val && tag == DT_RELRSZ)
					return kx_err(EINVAL, MOD,
						      "packed relocations (DT_RELR) are not supported: "
						      "link without -z pack-relative-relocs");
				break;
			default: break;
			}
		}
	}
	if (t[2].size) {
		t[2].rela = pltrel == DT_RELA;
		t[2].ent = e->is64 ? (t[2].rela ? RELA64_SIZE : REL64_SIZE)
				   : (t[2].rela ? RELA32_SIZE : REL32_SIZE);
	}
	return 0;
}

/* ET_DYN: one block from the lowest to the highest PT_LOAD, placed by the
 * planner with the largest p_align, then relocated. Returns the load bias. */
static int load_pie(const uint8_t *img, size_t len, const struct kx_elf_info *e,
		    struct kx_plan *p, uint64_t *bias)
{
	size_t idx[KX_ELF_MAX_PHDRS];
	struct reloc_table t[3];
	int n = sorted_loads(e, false, idx), ret, i;
	uint64_t align = KX_PAGE_SIZE, base, hi = 0, extent;
	struct kx_place_req req;
	uint8_t *buf;

	if (n < 0)
		return n;
	for (size_t k = 0; k < (size_t)n; k++) {
		const struct kx_elf_phdr *ph = &e->ph[idx[k]];

		if (ph->p_align > align)
			align = ph->p_align;
		if (ph->p_vaddr + ph->p_memsz > hi)
			hi = ph->p_vaddr + ph->p_memsz;
	}
	if (align > KX_GIB)
		return kx_err(EINVAL, MOD, "p_align 0x%llx is more than 1 GiB",
			      (unsigned long long)align);
	base = e->ph[idx[0]].p_vaddr & ~(align - 1);
	extent = page_up(hi - base);
	if (extent > PIE_MAX_EXTENT)
		return kx_err(EINVAL, MOD, "position-independent image spans 0x%llx bytes (max 1 GiB)",
			      (unsigned long long)extent);
	ret = find_relocs(img, len, e, t);
	if (ret < 0)
		return ret;
	buf = gather(img, e, idx, 0, (size_t)n - 1, false, base, extent);
	if (!buf)
		return kx_err(ENOMEM, MOD, "out of memory");
	/* Below 4 GiB: 32-bit images need it, and 64-bit ones get addresses that
	 * any entry convention can carry. */
	req = (struct kx_place_req){ .align = align, .min = KX_MIB, .max = KX_4G,
				     .pref = KX_NO_PREF };
	i = kx_plan_add_placed(p, KX_ROLE_KERNEL, buf, extent, extent, &req, buf);
	if (i < 0)
		return kx_err_prefix(i, "elf: position-independent image of 0x%llx bytes",
				     (unsigned long long)extent);
	*bias = p->seg[i].mem - base;
	for (int k = 0; k < 3; k++) {
		ret = apply_relocs(img, e, &t[k], buf, base, extent, *bias);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The physical address of e_entry: ET_EXEC entries are normally physical
 * (vmlinux: phys_startup_64), but a virtual one is translated through the
 * segment that holds it. */
static int entry_address(const struct kx_elf_info *e, uint64_t bias, uint64_t *out)
{
	for (size_t i = 0; i < e->phnum; i++) {
		const struct kx_elf_phdr *ph = &e->ph[i];

		if (ph->p_type != KX_PT_LOAD)
			continue;
		if (e->e_type == KX_ET_DYN) {
			if (e->e_entry >= ph->p_vaddr && e->e_entry - ph->p_vaddr < ph->p_memsz) {
				*out = e->e_entry + bias;
				return 0;
			}
		} else if (e->e_entry >= ph->p_paddr && e->e_entry - ph->p_paddr < ph->p_memsz) {
			*out = e->e_entry;
			return 0;
		}
	}
	for (size_t i = 0; i < e->phnum && e->e_type == KX_ET_EXEC; i++) {
		const struct kx_elf_phdr *ph = &e->ph[i];

		if (ph->p_type == KX_PT_LOAD && e->e_entry >= ph->p_vaddr &&
		    e->e_entry - ph->p_vaddr < ph->p_memsz) {
			*out = ph->p_paddr + (e->e_entry - ph->p_vaddr);
			return 0;
		}
	}
	return kx_err(EINVAL, MOD, "entry point 0x%llx is outside every PT_LOAD segment",
		      (unsigned long long)e->e_entry);
}

static int plan_elf_args(const struct kx_elf_info *e, uint64_t entry,
			 const struct kx_load_opts *o, struct kx_plan *p)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = KX_MIB, .max = KX_4G,
				    .pref = KX_NO_PREF };
	uint64_t cmd = 0, initrd = 0, initrd_len = 0;
	size_t cmdlen = o->cmdline ? strlen(o->cmdline) : 0;
	int ret;

	if (cmdlen) {
		char *copy = strdup(o->cmdline);
		int i;

		if (!copy)
			return kx_err(ENOMEM, MOD, "out of memory");
		i = kx_plan_add_placed(p, KX_ROLE_CMDLINE, copy, cmdlen + 1, cmdlen + 1, &req, copy);
		if (i < 0)
			return i;
		cmd = p->seg[i].mem;
	}
	ret = kx_plan_add_initrd(p, o, KX_4G, false, &initrd);
	if (ret < 0)
		return ret;
	if (initrd)
		initrd_len = o->initrd_len;
	kx_arch_elf_enter(p, e->is64, entry, cmd, initrd, initrd_len);
	return 0;
}

/* A capture kernel (-p) sits in the crash region: a kernel that can move
 * (the arch says by how much) goes there as one block; one that cannot keeps
 * its link address, which must then lie in the region. */
static int load_capture_linux(const uint8_t *img, const struct kx_elf_info *e,
			      struct kx_plan *p, uint64_t *moved)
{
	uint64_t align = kx_arch_elf_linux_move_align(e);
	int ret;

	if (align)
		return load_moved(img, e, align, p, moved);
	ret = load_fixed(img, e, p);
	if (ret < 0)
		return kx_err_prefix(ret, "elf: this kernel runs only at its link address, which "
				     "must then lie in the crash region (-p): build it with "
				     "CONFIG_PHYSICAL_START there, or load its bzImage");
	return 0;
}

static int elf_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		    const struct kx_facts *f, struct kx_plan *p)
{
	struct kx_elf_info *e = malloc(sizeof(*e));
	enum kx_image_args args = o->args;
	uint64_t bias = 0, entry = 0, moved = 0;
	int ret;

	if (!e)
		return kx_err(ENOMEM, MOD, "out of memory");
	ret = kx_elf_parse(img, len, e);
	if (ret < 0)
		goto out;
	if (args == KX_ARGS_AUTO)
		args = e->is_linux ? KX_ARGS_LINUX : KX_ARGS_ELF;
	if (args == KX_ARGS_NONE && o->initrd) {
		ret = kx_err(EINVAL, MOD, "--args-none passes nothing to the image: drop --initrd "
			     "or use --args-elf");
		goto out;
	}
	/* kx_format_check_panic lets every ELF image through: only here is the
	 * hand-off known. */
	if (o->panic && args != KX_ARGS_LINUX) {
		ret = kx_err(EINVAL, MOD,
			     "an ELF image entered %s cannot be a capture kernel (-p): only a "
			     "Linux kernel is told where the core header is (elfcorehdr=) and "
			     "which memory it may use; %s",
			     args == KX_ARGS_NONE ? "with no arguments (--args-none)"
						  : "with register arguments (--args-elf)",
			     e->is_linux ? "drop --args-elf/--args-none"
					 : "load a Linux kernel (a vmlinux or bzImage) with -p");
		goto out;
	}
	if (e->e_type == KX_ET_DYN)
		ret = load_pie(img, len, e, p, &bias);
	else if (o->panic)
		ret = load_capture_linux(img, e, p, &moved);
	else
		ret = load_fixed(img, e, p);
	if (ret < 0)
		goto out;
	ret = entry_address(e, bias, &entry);
	if (ret < 0)
		goto out;
	entry += moved;
	if (!e->is64 && entry >= KX_4G) {
		ret = kx_err(EINVAL, MOD, "ELF32 entry point 0x%llx is above 4 GiB",
			     (unsigned long long)entry);
		goto out;
	}
	switch (args) {
	case KX_ARGS_LINUX:
		p->format = "elf-linux";
		ret = kx_arch_elf_plan_linux(e, entry, moved, o, f, p);
		break;
	case KX_ARGS_NONE:
		kx_arch_elf_enter(p, e->is64, entry, 0, 0, 0);
		ret = 0;
		break;
	default:
		ret = plan_elf_args(e, entry, o, p);
		break;
	}
out:
	free(e);
	return ret;
}

const struct kx_format kx_format_elf = {
	.name = "elf",
	/* Only with the Linux hand-off: elf_plan refuses the others. */
	.capture = true,
	.aliases = kx_arch_elf_aliases,
	.probe = elf_probe,
	.plan = elf_plan,
};
