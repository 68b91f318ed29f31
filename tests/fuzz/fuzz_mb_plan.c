/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot v1 and v2 plans and their info writers (multiboot.c,
 * multiboot2.c, mbinfo.c) on a fuzzed image AND fuzzed facts: memory map,
 * EFI presence and runtime map, framebuffer in boot_params, ACPI RSDP or
 * table copies, plus modules and a command line from the input.
 *
 * Input: facts (fuzz_facts.h), then u8 option flags (bit 0 multiboot2, bit 1
 * a --mem-min/--mem-max window, bit 2 no image name, bit 3 hash the
 * segments), the command line (u8 length, bytes), u8 modules [14], each a
 * string and u16 length + bytes, u64 mem_min, u64 mem_max; the rest is the
 * image.
 *
 * On success: every segment is placed in the facts' RAM (the UEFI page-0
 * BDA below 1 MiB), none overlap; the info structure's declared sizes and
 * pointers stay inside its segment and say what the facts and options say
 * (command line, modules at their segments, the handed-over memory map);
 * purgatory enters the image at its entry with the info in ebx.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "lib/build.h"
#include "arch/x86_64/bootparams.h"
#include "arch/x86_64/mbinfo.h"
#include "arch/x86_64/multiboot.h"
#include "arch/x86_64/multiboot2.h"
#include "fuzz_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MODULES 14
#define IMAGE_NAME "xen.gz"
/* Hash (kx_plan_digest) only plans this small: a 1 GiB bss is legal, and
 * the meson run of 500000 inputs must stay within its timeout. */
#define HASH_MAX (1ull << 20)

struct info {
	const uint8_t *buf;
	size_t size;
	uint64_t base;
};

/* [addr, addr + len) inside the info segment's bytes. */
static bool in_info(const struct info *in, uint64_t addr, uint64_t len)
{
	return addr >= in->base && addr - in->base <= in->size &&
	       len <= in->size - (addr - in->base);
}

/* The NUL-terminated string `want` sits at addr, inside the segment. */
static void check_string(const struct info *in, uint64_t addr, const char *want)
{
	size_t n = strlen(want) + 1;

	if (!in_info(in, addr, n) || memcmp(in->buf + (addr - in->base), want, n))
		abort();
}

static char *expected_cmdline(const struct kx_load_opts *o)
{
	char *s = mb_image_cmdline(o);

	if (!s)
		abort();
	return s;
}

static void check_mmap_entry(const struct kx_mem_region *r, uint64_t base, uint64_t len,
			     uint32_t type)
{
	if (base != r->start || len != r->end - r->start || type != mb_mmap_type(r->type))
		abort();
}

static void check_mb1(const struct kx_plan *p, const struct info *in, const struct kx_load_opts *o,
		      const struct kx_facts *f, const struct kx_memmap *map)
{
	const uint8_t *b = in->buf;
	uint32_t flags, mmap_len, mmap_addr, mods_addr;
	struct mb_framebuffer fb;
	char *cmdline = expected_cmdline(o);
	int mod = -1;

	if (in->size < MB1_INFO_SIZE)
		abort();
	flags = kx_le32(b);
	if ((flags & (MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MEM_MAP |
		      MB1_INFO_BOOT_LOADER_NAME)) !=
	    (MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME))
		abort();
	check_string(in, kx_le32(b + 16), cmdline);
	free(cmdline);
	check_string(in, kx_le32(b + 64), "kx");
	if (kx_le32(b + 20) != o->n_modules || !(flags & MB1_INFO_MODS) != !o->n_modules)
		abort();
	mods_addr = kx_le32(b + 24);
	if (o->n_modules && !in_info(in, mods_addr, o->n_modules * (uint64_t)MB1_MOD_SIZE))
		abort();
	for (size_t i = 0; i < o->n_modules; i++) {
		const uint8_t *m = b + (mods_addr - in->base) + i * MB1_MOD_SIZE;

		mod = fuzz_find_role(p, KX_ROLE_MODULE, (size_t)(mod + 1));
		if (mod < 0 || kx_le32(m) != p->seg[mod].mem ||
		    kx_le32(m + 4) != p->seg[mod].mem + o->modules[i].len)
			abort();
		check_string(in, kx_le32(m + 8), o->modules[i].string);
	}
	mmap_len = kx_le32(b + 44);
	mmap_addr = kx_le32(b + 48);
	if (mmap_len != map->n * MB1_MMAP_ENTRY_SIZE || !in_info(in, mmap_addr, mmap_len))
		abort();
	for (size_t i = 0; i < map->n; i++) {
		const uint8_t *e = b + (mmap_addr - in->base) + i * MB1_MMAP_ENTRY_SIZE;

		if (kx_le32(e) != MB1_MMAP_SIZE_FIELD)
			abort();
		check_mmap_entry(&map->v[i], kx_le64(e + 4), kx_le64(e + 12), kx_le32(e + 20));
	}
	if (!(flags & MB1_INFO_FRAMEBUFFER) !=
	    !mb_framebuffer_from_boot_params(f->arch.boot_params, f->arch.boot_params_len, &fb))
		abort();
	if ((flags & MB1_INFO_FRAMEBUFFER) && kx_le64(b + 88) != fb.addr)
		abort();
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* One MB2 tag (spec 3.6) against what the plan was given. */
static void check_mb2_tag(const struct kx_plan *p, const struct info *in, const uint8_t *t,
			  uint32_t type, uint32_t tsize, const struct kx_load_opts *o,
			  const struct kx_facts *f, const struct kx_memmap *map, int *mod,
			  size_t *nmod)
{
	char *cmdline;

	switch (type) {
	case MB2_TAG_CMDLINE:
		cmdline = expected_cmdline(o);
		if (tsize != 8 + strlen(cmdline) + 1 || memcmp(t + 8, cmdline, tsize - 8))
			abort();
		free(cmdline);
		break;
	case MB2_TAG_MODULE:
		*mod = fuzz_find_role(p, KX_ROLE_MODULE, (size_t)(*mod + 1));
		if (*mod < 0 || *nmod >= o->n_modules || tsize < 16 ||
		    kx_le32(t + 8) != p->seg[*mod].mem ||
		    kx_le32(t + 12) != p->seg[*mod].mem + o->modules[*nmod].len ||
		    tsize != 16 + strlen(o->modules[*nmod].string) + 1 ||
		    memcmp(t + 16, o->modules[*nmod].string, tsize - 16))
			abort();
		(*nmod)++;
		break;
	case MB2_TAG_MMAP:
		if (tsize < 16 || kx_le32(t + 8) != MB2_MMAP_ENTRY_SIZE ||
		    tsize - 16 != map->n * MB2_MMAP_ENTRY_SIZE)
			abort();
		for (size_t i = 0; i < map->n; i++) {
			const uint8_t *e = t + 16 + i * MB2_MMAP_ENTRY_SIZE;

			check_mmap_entry(&map->v[i], kx_le64(e), kx_le64(e + 8), kx_le32(e + 16));
		}
		break;
	case MB2_TAG_EFI_MMAP:
		if (!f->efi.present || tsize < 16 || kx_le32(t + 8) != MB2_EFI_DESC_SIZE ||
		    tsize - 16 != f->efi.map_n * MB2_EFI_DESC_SIZE)
			abort();
		break;
	case MB2_TAG_EFI64: {
		/* The running kernel's efi_systab and efi_systab_hi (zero-page.rst). */
		const uint8_t *bp = f->arch.boot_params;
		size_t lo = offsetof(struct boot_params, efi_info.efi_systab);
		size_t hi = offsetof(struct boot_params, efi_info.efi_systab_hi);

		if (!f->efi.present || tsize != 16 || !bp || f->arch.boot_params_len < hi + 4 ||
		    kx_le64(t + 8) != (kx_le32(bp + lo) | (uint64_t)kx_le32(bp + hi) << 32))
			abort();
		break;
	}
	case MB2_TAG_ACPI_OLD:
		if (tsize != 8 + MB2_RSDP_V1_SIZE)
			abort();
		break;
	case MB2_TAG_ACPI_NEW:
		if (f->rsdp_len ? tsize != 8 + f->rsdp_len ||
					       memcmp(t + 8, f->rsdp, f->rsdp_len)
				     : tsize != 8 + 36 || sum8(t + 8, 20) || sum8(t + 8, 36))
			abort();
		break;
	case MB2_TAG_LOAD_BASE_ADDR:
		if (tsize != 12 || kx_le32(t + 8) != p->seg[fuzz_find_role(p, KX_ROLE_KERNEL, 0)].mem)
			abort();
		break;
	default:
		break;
	}
	(void)in;
}

static void check_mb2(const struct kx_plan *p, const struct info *in, const struct kx_load_opts *o,
		      const struct kx_facts *f, const struct kx_memmap *map)
{
	uint64_t seen = 0;
	size_t off = 8, nmod = 0;
	int mod = -1;

	if (in->size < 16 || kx_le32(in->buf) != in->size || in->size % 8)
		abort();
	for (;;) {
		const uint8_t *t = in->buf + off;
		uint32_t type, tsize;

		if (off + 8 > in->size)
			abort(); /* no end tag */
		type = kx_le32(t);
		tsize = kx_le32(t + 4);
		if (tsize < 8 || tsize > in->size - off)
			abort();
		if (type == MB2_TAG_END) {
			if (tsize != 8 || off + 8 != in->size)
				abort();
			break;
		}
		if (type < 64)
			seen |= 1ull << type;
		check_mb2_tag(p, in, t, type, tsize, o, f, map, &mod, &nmod);
		off += (tsize + 7) & ~7u;
	}
	if (nmod != o->n_modules)
		abort();
	seen |= 1ull << MB2_TAG_MODULE;
	for (int t = MB2_TAG_CMDLINE; t <= MB2_TAG_MMAP; t++)
		if (t != MB2_TAG_BOOTDEV && !(seen & (1ull << t)))
			abort();
}

static void check_plan(const struct kx_plan *p, const struct kx_load_opts *o,
		       const struct kx_facts *f, bool v2)
{
	int kern = fuzz_find_role(p, KX_ROLE_KERNEL, 0), bi = fuzz_find_role(p, KX_ROLE_BOOT_INFO, 0);
	struct kx_memmap map;
	struct info in;

	fuzz_check_placement(p, &f->ram, o->mem_min, o->mem_max);
	if (kern < 0 || bi < 0 || p->handoff.mode != KX_ENTRY_PM32)
		abort();
	if (p->handoff.regs32.ebx != p->seg[bi].mem ||
	    p->handoff.regs32.eip < p->seg[kern].mem ||
	    p->handoff.regs32.eip - p->seg[kern].mem >= p->seg[kern].memsz ||
	    p->handoff.regs32.eax != (v2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC))
		abort();
	/* The info, the image and the modules are reachable from 32-bit code. */
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role != KX_ROLE_PURGATORY && p->seg[i].mem + p->seg[i].memsz > KX_4G)
			abort();
	/* UEFI: page 0 holds the stand-in BDA, through the planner. */
	if (f->efi.present != (fuzz_find_role(p, KX_ROLE_OTHER, 0) >= 0))
		abort();
	in = (struct info){ p->seg[bi].buf, p->seg[bi].bufsz, p->seg[bi].mem };
	if (mb_handover_map(f, &map))
		abort();
	if (v2)
		check_mb2(p, &in, o, f, &map);
	else
		check_mb1(p, &in, o, f, &map);
	kx_memmap_free(&map);
}

static uint64_t plan_bytes(const struct kx_plan *p)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->seg[i].memsz;
	return n;
}

/* Digests: purgatory verifies every segment but itself, at its place. */
static void check_digests(struct kx_plan *p)
{
	const struct kx_purg_params *pp;
	size_t r = 0;

	kx_plan_digest(p, NULL);
	pp = p->purg_params;
	for (size_t i = 0; i < p->n; i++) {
		if (!p->seg[i].verify)
			continue;
		if (r >= pp->nr_regions || pp->regions[r].start != p->seg[i].mem ||
		    pp->regions[r].len != p->seg[i].memsz ||
		    memcmp(pp->regions[r].sha256, p->seg[i].sha256, sizeof(p->seg[i].sha256)))
			abort();
		r++;
	}
	if (r != pp->nr_regions)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct kx_module mods[MAX_MODULES];
	char *strings[MAX_MODULES] = { 0 };
	struct kx_load_opts o = { .defer_digests = true, .image_name = IMAGE_NAME };
	struct kx_facts f;
	struct kx_plan p;
	char *cmdline = NULL;
	unsigned flags;
	int ret;

	if (!fuzz_facts_take(&in, &f))
		return 0;
	flags = fz_u8(&in);
	o.type = flags & 1 ? "multiboot2" : "multiboot";
	if (flags & 4)
		o.image_name = NULL;
	cmdline = fuzz_take_string(&in);
	if (!cmdline)
		goto out;
	o.cmdline = cmdline;
	o.n_modules = fz_u8(&in) % (MAX_MODULES + 1);
	for (size_t n = 0; n < o.n_modules; n++) {
		size_t got;

		strings[n] = fuzz_take_string(&in);
		if (!strings[n])
			goto out;
		mods[n].string = strings[n];
		mods[n].data = fz_bytes(&in, fz_u16(&in), &got);
		mods[n].len = got;
	}
	o.modules = mods;
	o.mem_min = fz_u64(&in);
	o.mem_max = fz_u64(&in);
	if (!(flags & 2))
		o.mem_min = o.mem_max = 0;

	kx_err_clear();
	ret = kx_build_plan(in.p, in.n, &o, &f, &p);
	if (ret > 0 || (ret < 0 && !kx_errmsg()[0]))
		abort(); /* a failure says why */
	if (ret == 0) {
		check_plan(&p, &o, &f, flags & 1);
		if ((flags & 8) && plan_bytes(&p) <= HASH_MAX)
			check_digests(&p);
		kx_plan_free(&p);
	}
out:
	for (size_t i = 0; i < MAX_MODULES; i++)
		free(strings[i]);
	free(cmdline);
	kx_facts_free(&f);
	return 0;
}
