/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 (Multiboot2 Specification 2.0). Like v1, but the header is a tag
 * list and so is the boot information; the relocatable tag lets the planner
 * choose where the image goes. We always enter through the i386 entry: after
 * kexec there are no EFI boot services, so the EFI entry tags are never used
 * and EFI boot services are never claimed to be alive (no tag 18).
 */
#include "arch/x86_64/multiboot2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define MOD "multiboot2"
#define LOADER_NAME "kx"
#define BIT(n) (1ull << (n))
/* Information we can always give, and what depends on the running system. */
#define MB2_INFO_ALWAYS                                                                       \
	(BIT(MB2_TAG_CMDLINE) | BIT(MB2_TAG_BOOT_LOADER_NAME) | BIT(MB2_TAG_MODULE) |          \
	 BIT(MB2_TAG_BASIC_MEMINFO) | BIT(MB2_TAG_MMAP) | BIT(MB2_TAG_LOAD_BASE_ADDR))
#define MB2_INFO_IF_KNOWN                                                                     \
	(BIT(MB2_TAG_FRAMEBUFFER) | BIT(MB2_TAG_EFI64) | BIT(MB2_TAG_ACPI_OLD) |               \
	 BIT(MB2_TAG_ACPI_NEW) | BIT(MB2_TAG_EFI_MMAP))

static int mb2_parse_tag(const uint8_t *t, uint16_t type, bool optional, uint32_t size,
			 struct mb2_header *h)
{
	switch (type) {
	case MB2_HT_INFORMATION_REQUEST:
		for (uint32_t o = 8; o + 4 <= size; o += 4) {
			uint32_t want = kx_le32(t + o);

			if (want >= 64) {
				if (!optional)
					return kx_err(EINVAL, MOD,
						      "the image requires boot information tag %u, "
						      "which kx does not know", want);
				continue;
			}
			h->info_wanted |= BIT(want);
			if (!optional)
				h->info_required |= BIT(want);
		}
		if (h->info_required & ~(MB2_INFO_ALWAYS | MB2_INFO_IF_KNOWN)) {
			uint64_t bad = h->info_required & ~(MB2_INFO_ALWAYS | MB2_INFO_IF_KNOWN);

			return kx_err(EINVAL, MOD,
				      "the image requires boot information kx cannot give (tag %d; "
				      "BIOS drive, VBE, ELF sections, APM, SMBIOS, network and EFI "
				      "boot services are not available after kexec)",
				      __builtin_ctzll(bad));
		}
		return 0;
	case MB2_HT_ADDRESS:
		if (size < 24)
			return kx_err(EINVAL, MOD, "address tag too short (%u bytes)", size);
		h->has_addr = true;
		h->addr.header_addr = kx_le32(t + 8);
		h->addr.load_addr = kx_le32(t + 12);
		h->addr.load_end_addr = kx_le32(t + 16);
		h->addr.bss_end_addr = kx_le32(t + 20);
		return 0;
	case MB2_HT_ENTRY_ADDRESS:
		if (size < 12)
			return kx_err(EINVAL, MOD, "entry address tag too short (%u bytes)", size);
		h->has_entry = true;
		h->entry_addr = kx_le32(t + 8);
		return 0;
	case MB2_HT_CONSOLE_FLAGS:
		/* A console we cannot describe: the image uses what the firmware
		 * left (serial, EGA text); nothing to refuse. */
		if (size >= 12)
			h->console_flags = kx_le32(t + 8);
		return 0;
	case MB2_HT_FRAMEBUFFER:
		if (size < 20)
			return kx_err(EINVAL, MOD, "framebuffer tag too short (%u bytes)", size);
		/* We cannot set a video mode after kexec; the running kernel's
		 * framebuffer is passed on when there is one (checked in plan). */
		h->has_fb = true;
		h->fb_required = !optional;
		h->fb_width = kx_le32(t + 8);
		h->fb_height = kx_le32(t + 12);
		h->fb_depth = kx_le32(t + 16);
		return 0;
	case MB2_HT_MODULE_ALIGN:
		return 0; /* every module is its own page-aligned segment anyway */
	case MB2_HT_EFI_BS:
		h->efi_bs_requested = true;
		if (!optional)
			return kx_err(EINVAL, MOD, "the image requires EFI boot services, which do not "
				      "survive kexec");
		return 0;
	case MB2_HT_ENTRY_ADDRESS_EFI32:
	case MB2_HT_ENTRY_ADDRESS_EFI64:
		if (!optional)
			return kx_err(EINVAL, MOD, "the image requires its EFI entry point (needs EFI "
				      "boot services, which do not survive kexec)");
		return 0;
	case MB2_HT_RELOCATABLE:
		if (size < 24)
			return kx_err(EINVAL, MOD, "relocatable tag too short (%u bytes)", size);
		h->has_reloc = true;
		h->min_addr = kx_le32(t + 8);
		h->max_addr = kx_le32(t + 12);
		h->align = kx_le32(t + 16);
		h->preference = (enum mb2_reloc_pref)kx_le32(t + 20);
		if (h->align & (h->align - 1))
			return kx_err(EINVAL, MOD, "relocatable tag: alignment 0x%x is not a power of two",
				      h->align);
		if (h->max_addr < h->min_addr)
			return kx_err(EINVAL, MOD, "relocatable tag: max_addr 0x%x is below min_addr 0x%x",
				      h->max_addr, h->min_addr);
		if (h->preference > MB2_RELOC_HIGH)
			h->preference = MB2_RELOC_NONE;
		return 0;
	default:
		if (!optional)
			return kx_err(EINVAL, MOD, "the image requires header tag %u, which kx does not "
				      "know", type);
		return 0;
	}
}

static int mb2_parse_tags(const uint8_t *img, size_t off, struct mb2_header *h)
{
	size_t pos = MB2_HEADER_FIXED;

	while (pos + 8 <= h->length) {
		const uint8_t *t = img + off + pos;
		uint16_t type = kx_le16(t), flags = kx_le16(t + 2);
		uint32_t size = kx_le32(t + 4);
		int ret;

		if (type == MB2_HT_END)
			return 0;
		if (size < 8 || size > h->length - pos)
			return kx_err(EINVAL, MOD, "header tag %u at +0x%zx has size %u, outside the "
				      "header's %u bytes", type, pos, size, h->length);
		ret = mb2_parse_tag(t, type, flags & MB2_HT_OPTIONAL, size, h);
		if (ret < 0)
			return ret;
		pos += ((size_t)size + MB2_TAG_ALIGN - 1) & ~(size_t)(MB2_TAG_ALIGN - 1);
	}
	return kx_err(EINVAL, MOD, "header tags have no end tag within header_length %u", h->length);
}

int mb2_find_header(const uint8_t *img, size_t len, struct mb2_header *out)
{
	size_t end = len < MB2_SEARCH_END ? len : MB2_SEARCH_END;

	memset(out, 0, sizeof(*out));
	for (size_t off = 0; off + MB2_HEADER_FIXED <= end; off += MB2_HEADER_ALIGN) {
		const uint8_t *h = img + off;
		uint32_t arch, hlen;

		if (kx_le32(h) != MB2_HEADER_MAGIC)
			continue;
		arch = kx_le32(h + 4);
		hlen = kx_le32(h + 8);
		/* 3.1.2: magic + architecture + header_length + checksum == 0 mod 2^32. */
		if ((uint32_t)(MB2_HEADER_MAGIC + arch + hlen + kx_le32(h + 12)) != 0)
			continue;
		if (arch != MB2_ARCH_I386)
			return kx_err(EINVAL, MOD, "header architecture %u is not i386 (0)", arch);
		if (hlen < MB2_HEADER_FIXED || hlen > len - off)
			return kx_err(EINVAL, MOD, "header_length %u at 0x%zx runs past the file (%zu bytes)",
				      hlen, off, len);
		out->offset = off;
		out->length = hlen;
		return mb2_parse_tags(img, off, out);
	}
	return kx_err(ENOEXEC, MOD, "no Multiboot2 header in the first %d bytes", MB2_SEARCH_END);
}

static int mb2_probe(const uint8_t *img, size_t len)
{
	struct mb2_header h;

	return mb2_find_header(img, len, &h);
}

/* What goes into the boot information, decided before measuring. */
struct mb2_info_plan {
	const char *cmdline;
	bool fb;
	struct mb_framebuffer fbi;
	bool rsdp_old, rsdp_new;
	uint8_t rsdp[36];       /* the firmware's, or one made for the page-0 root copy */
	size_t rsdp_len;
	bool efi64, efi_mmap;
	uint64_t efi_systab;
	bool load_base;
	uint64_t load_base_addr;
	const uint64_t *mod_addr;
	struct kx_memmap map;   /* mb_handover_map */
};

/* The EFI system table the running kernel was given: boot_params.efi_info
 * efi_systab (0x1c4) and efi_systab_hi (0x1d8); 0x1dc is efi_memmap_hi
 * (Documentation/arch/x86/zero-page.rst, struct efi_info). */
#define BP_EFI_SYSTAB 0x1c4
#define BP_EFI_SYSTAB_HI 0x1d8

static uint64_t efi_systab_of(const struct kx_facts *f)
{
	if (!f->arch.boot_params || f->arch.boot_params_len < BP_EFI_SYSTAB_HI + 4)
		return 0;
	return kx_le32(f->arch.boot_params + BP_EFI_SYSTAB) |
	       (uint64_t)kx_le32(f->arch.boot_params + BP_EFI_SYSTAB_HI) << 32;
}

static size_t tag_size(size_t payload)
{
	return (8 + payload + MB2_TAG_ALIGN - 1) & ~(size_t)(MB2_TAG_ALIGN - 1);
}

/* Writes one tag header; returns the offset of the next tag. */
static size_t put_tag(struct kx_writer *w, size_t off, uint32_t type, size_t payload)
{
	kx_wput32(w, off, type);
	kx_wput32(w, off + 4, (uint32_t)(8 + payload));
	return off + tag_size(payload);
}

/* With w->buf NULL only measures (every put is skipped by the size check). */
static size_t mb2_write_info(struct kx_writer *w, uint64_t base, const struct mb2_info_plan *ip,
			     const struct kx_load_opts *o, const struct kx_facts *f)
{
	size_t off = 8, n, next;
	uint32_t lower, upper;

	n = strlen(ip->cmdline) + 1;
	kx_wputbytes(w, off + 8, ip->cmdline, n);
	off = put_tag(w, off, MB2_TAG_CMDLINE, n);
	kx_wputbytes(w, off + 8, LOADER_NAME, sizeof(LOADER_NAME));
	off = put_tag(w, off, MB2_TAG_BOOT_LOADER_NAME, sizeof(LOADER_NAME));
	for (size_t i = 0; i < o->n_modules; i++) {
		const struct kx_module *m = &o->modules[i];

		n = strlen(m->string) + 1;
		kx_wput32(w, off + 8, (uint32_t)ip->mod_addr[i]);
		kx_wput32(w, off + 12, (uint32_t)(ip->mod_addr[i] + m->len));
		kx_wputbytes(w, off + 16, m->string, n);
		off = put_tag(w, off, MB2_TAG_MODULE, 8 + n);
	}
	mb_mem_summary(&f->firmware_map, &lower, &upper);
	kx_wput32(w, off + 8, lower);
	kx_wput32(w, off + 12, upper);
	off = put_tag(w, off, MB2_TAG_BASIC_MEMINFO, 8);

	kx_wput32(w, off + 8, MB2_MMAP_ENTRY_SIZE);
	kx_wput32(w, off + 12, 0); /* entry_version */
	for (size_t i = 0; i < ip->map.n; i++) {
		const struct kx_mem_region *r = &ip->map.v[i];
		size_t e = off + 16 + i * MB2_MMAP_ENTRY_SIZE;

		kx_wput64(w, e, r->start);
		kx_wput64(w, e + 8, r->end - r->start);
		kx_wput32(w, e + 16, mb_mmap_type(r->type));
		kx_wput32(w, e + 20, 0);
	}
	off = put_tag(w, off, MB2_TAG_MMAP, 8 + ip->map.n * MB2_MMAP_ENTRY_SIZE);

	if (ip->fb) {
		const struct mb_framebuffer *fb = &ip->fbi;

		kx_wput64(w, off + 8, fb->addr);
		kx_wput32(w, off + 16, fb->pitch);
		kx_wput32(w, off + 20, fb->width);
		kx_wput32(w, off + 24, fb->height);
		kx_wput8(w, off + 28, fb->bpp);
		kx_wput8(w, off + 29, 1); /* direct RGB */
		kx_wput16(w, off + 30, 0);
		kx_wput8(w, off + 32, fb->red_pos);
		kx_wput8(w, off + 33, fb->red_size);
		kx_wput8(w, off + 34, fb->green_pos);
		kx_wput8(w, off + 35, fb->green_size);
		kx_wput8(w, off + 36, fb->blue_pos);
		kx_wput8(w, off + 37, fb->blue_size);
		off = put_tag(w, off, MB2_TAG_FRAMEBUFFER, 30);
	}
	if (ip->efi64) {
		kx_wput64(w, off + 8, ip->efi_systab);
		off = put_tag(w, off, MB2_TAG_EFI64, 8);
	}
	if (ip->rsdp_old) {
		kx_wputbytes(w, off + 8, ip->rsdp, MB2_RSDP_V1_SIZE);
		off = put_tag(w, off, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_SIZE);
	}
	if (ip->rsdp_new) {
		kx_wputbytes(w, off + 8, ip->rsdp, ip->rsdp_len);
		off = put_tag(w, off, MB2_TAG_ACPI_NEW, ip->rsdp_len);
	}
	if (ip->efi_mmap) {
		/* Only the runtime regions are known after boot
		 * (/sys/firmware/efi/runtime-map); the e820 map above is complete. */
		kx_wput32(w, off + 8, MB2_EFI_DESC_SIZE);
		kx_wput32(w, off + 12, MB2_EFI_DESC_VERSION);
		for (size_t i = 0; i < f->efi.map_n; i++) {
			const struct kx_efi_map_entry *d = &f->efi.map[i];
			size_t e = off + 16 + i * MB2_EFI_DESC_SIZE;

			kx_wput32(w, e, d->type);
			kx_wput32(w, e + 4, 0);
			kx_wput64(w, e + 8, d->phys_addr);
			kx_wput64(w, e + 16, d->virt_addr);
			kx_wput64(w, e + 24, d->num_pages);
			kx_wput64(w, e + 32, d->attribute);
		}
		off = put_tag(w, off, MB2_TAG_EFI_MMAP, 8 + f->efi.map_n * MB2_EFI_DESC_SIZE);
	}
	if (ip->load_base) {
		kx_wput32(w, off + 8, (uint32_t)ip->load_base_addr);
		off = put_tag(w, off, MB2_TAG_LOAD_BASE_ADDR, 4);
	}
	next = put_tag(w, off, MB2_TAG_END, 0);
	kx_wput32(w, 0, (uint32_t)next); /* total_size */
	kx_wput32(w, 4, 0);
	(void)base;
	return next;
}

static int mb2_load_image(const uint8_t *img, size_t len, const struct mb2_header *h,
			  struct mb_load_image *li)
{
	int ret;

	if (h->has_addr) {
		if (!h->has_entry)
			return kx_err(EINVAL, MOD, "the header has an address tag but no entry address tag");
		return mb_image_from_addr(img, len, h->offset, &h->addr, h->entry_addr, MOD, li);
	}
	ret = mb_image_from_elf(img, len, MOD, li);
	if (ret < 0)
		return ret;
	if (h->has_entry) {
		if (h->entry_addr < li->link_base || h->entry_addr >= li->link_base + li->memsz) {
			free(li->owned);
			li->owned = NULL;
			return kx_err(EINVAL, MOD, "entry address 0x%x is outside the loaded image",
				      h->entry_addr);
		}
		li->entry = h->entry_addr;
	}
	return 0;
}

/* Where the image may go: its linked address, or anywhere the relocatable
 * tag allows (3.1.11), but never below 1 MiB: address 0 holds the real-mode
 * IVT and the BIOS data area, which Xen reads. */
static struct kx_place_req mb2_image_req(const struct mb2_header *h, const struct mb_load_image *li)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .max = KX_4G, .pref = li->link_base,
				    .fixed = true };

	if (!h->has_reloc)
		return req;
	req.fixed = false;
	req.pref = KX_NO_PREF;
	req.align = h->align > KX_PAGE_SIZE ? h->align : KX_PAGE_SIZE;
	req.min = h->min_addr > KX_MIB ? h->min_addr : KX_MIB;
	req.max = (uint64_t)h->max_addr + 1 < KX_4G ? (uint64_t)h->max_addr + 1 : KX_4G;
	req.top_down = h->preference == MB2_RELOC_HIGH;
	return req;
}

static int mb2_decide_info(const struct mb2_header *h, const struct kx_facts *f,
			   struct mb2_info_plan *ip)
{
	uint64_t have = MB2_INFO_ALWAYS, missing;

	ip->fb = mb_framebuffer_from_boot_params(f->arch.boot_params, f->arch.boot_params_len, &ip->fbi);
	if (ip->fb)
		have |= BIT(MB2_TAG_FRAMEBUFFER);
	if (h->fb_required && !ip->fb)
		return kx_err(EINVAL, MOD, "the image requires a framebuffer and the running kernel "
			      "has no linear framebuffer to pass on (kx cannot set a video mode)");
	if (f->rsdp_len) {
		memcpy(ip->rsdp, f->rsdp, f->rsdp_len);
		ip->rsdp_len = f->rsdp_len;
	} else if (f->efi.present) {
		/* The RSDP that mb_add_uefi_bda recreates in page 0. */
		ip->rsdp_len = mb_uefi_made_rsdp(f, ip->rsdp);
	}
	if (ip->rsdp_len >= MB2_RSDP_V1_SIZE) {
		ip->rsdp_old = true;
		ip->rsdp_new = ip->rsdp_len > MB2_RSDP_V1_SIZE;
		have |= BIT(MB2_TAG_ACPI_OLD) | (ip->rsdp_new ? BIT(MB2_TAG_ACPI_NEW) : 0);
	}
	/* EFI tags only on request: an image that finds the EFI system table
	 * tag at its i386 entry may take it for a loader that shut boot
	 * services down and stop (Xen does: "Bootloader shutdown EFI x64 boot
	 * services!"). */
	ip->efi_systab = efi_systab_of(f);
	if (f->efi.present && ip->efi_systab && (h->info_wanted & BIT(MB2_TAG_EFI64))) {
		ip->efi64 = true;
		have |= BIT(MB2_TAG_EFI64);
	}
	if (f->efi.present && f->efi.map_n && (h->info_wanted & BIT(MB2_TAG_EFI_MMAP))) {
		ip->efi_mmap = true;
		have |= BIT(MB2_TAG_EFI_MMAP);
	}
	missing = h->info_required & ~have;
	if (missing)
		return kx_err(EINVAL, MOD, "the image requires boot information tag %d, which this "
			      "system cannot give (ACPI RSDP unreadable, no EFI, or no framebuffer)",
			      __builtin_ctzll(missing));
	return 0;
}

static int mb2_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		    const struct kx_facts *f, struct kx_plan *p)
{
	struct mb2_header h;
	struct mb_load_image li;
	struct mb2_info_plan ip;
	struct kx_place_req req;
	struct kx_writer w = { 0 };
	uint64_t *mod_addr = NULL;
	char *cmdline = NULL;
	size_t size;
	int ret, kern, info;

	memset(&ip, 0, sizeof(ip));
	ret = mb2_find_header(img, len, &h);
	if (ret < 0)
		return ret;
	if (o->initrd)
		return kx_err(EINVAL, MOD, "multiboot images take modules, not an initrd: use "
			      "--module FILE instead of --initrd");
	ret = mb2_decide_info(&h, f, &ip);
	if (ret < 0)
		return ret;
	ret = mb2_load_image(img, len, &h, &li);
	if (ret < 0)
		return ret;
	if (li.link_base & (KX_PAGE_SIZE - 1)) {
		free(li.owned);
		return kx_err(EINVAL, MOD, "load address 0x%llx is not page aligned; kx loads whole pages",
			      (unsigned long long)li.link_base);
	}
	req = mb2_image_req(&h, &li);
	kern = kx_plan_add_placed(p, KX_ROLE_KERNEL, li.buf, li.bufsz, li.memsz, &req, li.owned);
	if (kern < 0)
		return kx_err_prefix(kern, "%s", MOD);
	ip.load_base = h.has_reloc;
	ip.load_base_addr = p->seg[kern].mem;

	mod_addr = calloc(o->n_modules ? o->n_modules : 1, sizeof(*mod_addr));
	cmdline = mb_image_cmdline(o);
	if (!mod_addr || !cmdline) {
		ret = kx_err(ENOMEM, MOD, "out of memory");
		goto out;
	}
	ret = mb_place_modules(o, p, mod_addr);
	if (ret < 0)
		goto out;
	ip.cmdline = cmdline;
	ip.mod_addr = mod_addr;
	ret = mb_handover_map(f, &ip.map);
	if (ret < 0)
		goto out;

	size = mb2_write_info(&w, 0, &ip, o, f);
	w = (struct kx_writer){ .buf = calloc(1, size), .size = size };
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
	if (mb2_write_info(&w, p->seg[info].mem, &ip, o, f) != size || w.overflow) {
		ret = kx_err(EFAULT, MOD, "internal error: boot information outgrew its measure");
		goto out;
	}

	ret = mb_add_uefi_bda(f, p);
	if (ret < 0)
		goto out;
	p->handoff.mode = KX_ENTRY_PM32;
	memset(&p->handoff.regs32, 0, sizeof(p->handoff.regs32));
	p->handoff.regs32.eax = MB2_BOOTLOADER_MAGIC;
	p->handoff.regs32.ebx = (uint32_t)p->seg[info].mem;
	p->handoff.regs32.eip = (uint32_t)(p->seg[kern].mem + (li.entry - li.link_base));
	ret = 0;
out:
	kx_memmap_free(&ip.map);
	free(cmdline);
	free(mod_addr);
	return ret;
}

static const char *const mb2_aliases[] = { "mb2", NULL };

const struct kx_format kx_format_multiboot2 = {
	.name = "multiboot2",
	.needs = KX_NEEDS_ACPI,
	.aliases = mb2_aliases,
	.probe = mb2_probe,
	.cmdline_needs = mb_xen_cmdline_needs,
	.plan = mb2_plan,
};
