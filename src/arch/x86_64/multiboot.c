/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (Multiboot Specification 0.6.96): the image is loaded at the
 * physical addresses it names (address fields or ELF program headers), every
 * module gets its own page-aligned segment, and one boot-info segment holds
 * multiboot_info, the memory map, the module list and the strings. Purgatory
 * enters it in 32-bit protected mode, paging off, eax = 0x2BADB002,
 * ebx = multiboot_info (3.2).
 */
#include "arch/x86_64/multiboot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define MOD "multiboot"
#define LOADER_NAME "kx"
#define MB1_HDR_BASE_SIZE 12
#define MB1_HDR_ADDR_SIZE 32
#define MB1_HDR_VIDEO_SIZE 48

int mb1_find_header(const uint8_t *img, size_t len, struct mb1_header *out)
{
	size_t end = len < MB1_SEARCH_END ? len : MB1_SEARCH_END;

	memset(out, 0, sizeof(*out));
	for (size_t off = 0; off + MB1_HDR_BASE_SIZE <= end; off += MB1_HEADER_ALIGN) {
		const uint8_t *h = img + off;
		uint32_t flags;

		if (kx_le32(h) != MB1_HEADER_MAGIC)
			continue;
		flags = kx_le32(h + 4);
		/* 3.1.2: magic + flags + checksum is zero modulo 2^32. */
		if ((uint32_t)(MB1_HEADER_MAGIC + flags + kx_le32(h + 8)) != 0)
			continue;
		out->offset = off;
		out->flags = flags;
		if ((flags & MB1_F_REQUIRED_MASK) & ~MB1_F_SUPPORTED)
			return kx_err(EINVAL, MOD,
				      "the image requires features kx does not know (flags 0x%x, "
				      "unknown required bits 0x%x)", flags,
				      (flags & MB1_F_REQUIRED_MASK) & ~MB1_F_SUPPORTED);
		out->has_addr = flags & MB1_F_ADDRESS;
		out->has_video = flags & MB1_F_VIDEO_MODE;
		if (out->has_addr) {
			if (len - off < MB1_HDR_ADDR_SIZE)
				return kx_err(EINVAL, MOD, "header at 0x%zx truncated in its address fields",
					      off);
			out->addr.header_addr = kx_le32(h + 12);
			out->addr.load_addr = kx_le32(h + 16);
			out->addr.load_end_addr = kx_le32(h + 20);
			out->addr.bss_end_addr = kx_le32(h + 24);
			out->entry_addr = kx_le32(h + 28);
		}
		if (out->has_video && len - off >= MB1_HDR_VIDEO_SIZE) {
			out->mode_type = kx_le32(h + 32);
			out->width = kx_le32(h + 36);
			out->height = kx_le32(h + 40);
			out->depth = kx_le32(h + 44);
		}
		return 0;
	}
	return kx_err(ENOEXEC, MOD, "no Multiboot header in the first %d bytes", MB1_SEARCH_END);
}

static int mb1_probe(const uint8_t *img, size_t len)
{
	struct mb1_header h;

	return mb1_find_header(img, len, &h);
}

/* Offsets inside the boot-info segment, measured before it is filled. */
struct mb1_layout {
	size_t mmap_off, mmap_n;
	size_t mods_off;
	size_t cmdline_off;
	size_t name_off;
	size_t modstr_off;
	size_t size;
};

static void mb1_measure(const struct kx_load_opts *o, const struct kx_memmap *map,
			const char *cmdline, struct mb1_layout *l)
{
	size_t off = MB1_INFO_SIZE;

	off = (off + 7) & ~(size_t)7;
	l->mmap_off = off;
	l->mmap_n = map->n;
	off += l->mmap_n * MB1_MMAP_ENTRY_SIZE;
	l->mods_off = off;
	off += o->n_modules * MB1_MOD_SIZE;
	l->cmdline_off = off;
	off += strlen(cmdline) + 1;
	l->name_off = off;
	off += sizeof(LOADER_NAME);
	l->modstr_off = off;
	for (size_t i = 0; i < o->n_modules; i++)
		off += strlen(o->modules[i].string) + 1;
	l->size = off;
}

static int mb1_fill_info(struct kx_writer *w, const struct mb1_layout *l, uint64_t base,
			 const struct kx_load_opts *o, const struct kx_facts *f,
			 const struct kx_memmap *map, const char *cmdline, const uint64_t *mod_addr)
{
	uint32_t flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MEM_MAP |
			 MB1_INFO_BOOT_LOADER_NAME;
	uint32_t mem_lower, mem_upper;
	struct mb_framebuffer fb;
	size_t off, str = l->modstr_off;

	mb_mem_summary(&f->firmware_map, &mem_lower, &mem_upper);
	kx_wput32(w, 4, mem_lower);
	kx_wput32(w, 8, mem_upper);
	kx_wput32(w, 16, (uint32_t)(base + l->cmdline_off));
	kx_wputbytes(w, l->cmdline_off, cmdline, strlen(cmdline) + 1);
	if (o->n_modules)
		flags |= MB1_INFO_MODS;
	kx_wput32(w, 20, (uint32_t)o->n_modules);
	kx_wput32(w, 24, o->n_modules ? (uint32_t)(base + l->mods_off) : 0);
	for (size_t i = 0; i < o->n_modules; i++) {
		const struct kx_module *m = &o->modules[i];
		size_t n = strlen(m->string) + 1;

		off = l->mods_off + i * MB1_MOD_SIZE;
		kx_wput32(w, off, (uint32_t)mod_addr[i]);
		/* mod_end is exclusive (3.3: "the end address of the module"). */
		kx_wput32(w, off + 4, (uint32_t)(mod_addr[i] + m->len));
		kx_wput32(w, off + 8, (uint32_t)(base + str));
		kx_wputbytes(w, str, m->string, n);
		str += n;
	}
	for (size_t e = 0; e < map->n; e++) {
		const struct kx_mem_region *r = &map->v[e];

		off = l->mmap_off + e * MB1_MMAP_ENTRY_SIZE;
		kx_wput32(w, off, MB1_MMAP_SIZE_FIELD);
		kx_wput64(w, off + 4, r->start);
		kx_wput64(w, off + 12, r->end - r->start);
		kx_wput32(w, off + 20, mb_mmap_type(r->type));
	}
	kx_wput32(w, 44, (uint32_t)(l->mmap_n * MB1_MMAP_ENTRY_SIZE));
	kx_wput32(w, 48, (uint32_t)(base + l->mmap_off));
	kx_wput32(w, 64, (uint32_t)(base + l->name_off));
	kx_wputbytes(w, l->name_off, LOADER_NAME, sizeof(LOADER_NAME));
	if (mb_framebuffer_from_boot_params(f->arch.boot_params, f->arch.boot_params_len, &fb)) {
		flags |= MB1_INFO_FRAMEBUFFER;
		kx_wput64(w, 88, fb.addr);
		kx_wput32(w, 96, fb.pitch);
		kx_wput32(w, 100, fb.width);
		kx_wput32(w, 104, fb.height);
		kx_wput8(w, 108, fb.bpp);
		kx_wput8(w, 109, MB1_FB_TYPE_RGB);
		kx_wput8(w, 110, fb.red_pos);
		kx_wput8(w, 111, fb.red_size);
		kx_wput8(w, 112, fb.green_pos);
		kx_wput8(w, 113, fb.green_size);
		kx_wput8(w, 114, fb.blue_pos);
		kx_wput8(w, 115, fb.blue_size);
	}
	kx_wput32(w, 0, flags);
	if (w->overflow || str != l->size)
		return kx_err(EFAULT, MOD, "internal error: boot information outgrew its measure");
	return 0;
}

static int mb1_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		    const struct kx_facts *f, struct kx_plan *p)
{
	struct mb1_header h;
	struct mb_load_image li;
	struct mb1_layout lay;
	struct kx_place_req req;
	struct kx_writer w = { 0 };
	struct kx_memmap map = { 0 };
	uint64_t *mod_addr = NULL;
	char *cmdline = NULL;
	int ret, kern, info;

	ret = mb1_find_header(img, len, &h);
	if (ret < 0)
		return ret;
	if (o->initrd)
		return kx_err(EINVAL, MOD, "multiboot images take modules, not an initrd: use "
			      "--module FILE instead of --initrd");
	if (h.has_addr)
		ret = mb_image_from_addr(img, len, h.offset, &h.addr, h.entry_addr, MOD, &li);
	else
		ret = mb_image_from_elf(img, len, MOD, &li);
	if (ret < 0)
		return ret;
	if (li.link_base + li.memsz > KX_4G) {
		free(li.owned);
		return kx_err(EINVAL, MOD, "the image ends above 4 GiB; a 32-bit entry cannot reach it");
	}
	/* The image names its physical address; v1 has no relocation. The
	 * planner still refuses it when that is not free RAM. */
	req = (struct kx_place_req){ .align = KX_PAGE_SIZE, .min = 0, .max = KX_4G,
				     .pref = li.link_base & ~(KX_PAGE_SIZE - 1), .fixed = true };
	if (li.link_base & (KX_PAGE_SIZE - 1)) {
		free(li.owned);
		return kx_err(EINVAL, MOD, "load address 0x%llx is not page aligned; kx loads whole pages",
			      (unsigned long long)li.link_base);
	}
	kern = kx_plan_add_placed(p, KX_ROLE_KERNEL, li.buf, li.bufsz, li.memsz, &req, li.owned);
	if (kern < 0)
		return kx_err_prefix(kern, "%s", MOD);

	mod_addr = calloc(o->n_modules ? o->n_modules : 1, sizeof(*mod_addr));
	cmdline = mb_image_cmdline(o);
	if (!mod_addr || !cmdline) {
		ret = kx_err(ENOMEM, MOD, "out of memory");
		goto out;
	}
	ret = mb_place_modules(o, p, mod_addr);
	if (ret < 0)
		goto out;

	ret = mb_handover_map(f, &map);
	if (ret < 0)
		goto out;
	mb1_measure(o, &map, cmdline, &lay);
	w.size = lay.size;
	w.buf = calloc(1, w.size);
	if (!w.buf) {
		ret = kx_err(ENOMEM, MOD, "out of memory");
		goto out;
	}
	req = (struct kx_place_req){ .align = KX_PAGE_SIZE, .min = KX_MIB, .max = KX_4G,
				     .pref = KX_NO_PREF };
	info = kx_plan_add_placed(p, KX_ROLE_BOOT_INFO, w.buf, w.size, w.size, &req, w.buf);
	if (info < 0) {
		ret = info;
		goto out;
	}
	ret = mb1_fill_info(&w, &lay, p->seg[info].mem, o, f, &map, cmdline, mod_addr);
	if (ret < 0)
		goto out;

	ret = mb_add_uefi_bda(f, p);
	if (ret < 0)
		goto out;
	p->handoff.mode = KX_ENTRY_PM32;
	memset(&p->handoff.regs32, 0, sizeof(p->handoff.regs32));
	p->handoff.regs32.eax = MB1_BOOTLOADER_MAGIC;
	p->handoff.regs32.ebx = (uint32_t)p->seg[info].mem;
	p->handoff.regs32.eip = (uint32_t)(p->seg[kern].mem + (li.entry - li.link_base));
out:
	kx_memmap_free(&map);
	free(cmdline);
	free(mod_addr);
	return ret;
}

static const char *const mb1_aliases[] = { "multiboot-x86", "multiboot1", "mb1", NULL };

const struct kx_format kx_format_multiboot = {
	.name = "multiboot",
	.needs = KX_NEEDS_ACPI,
	.aliases = mb1_aliases,
	.probe = mb1_probe,
	.cmdline_needs = mb_xen_cmdline_needs,
	.plan = mb1_plan,
};
