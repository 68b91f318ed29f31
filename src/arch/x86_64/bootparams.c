/* SPDX-License-Identifier: MIT */
/*
 * Builds the boot-params segment for a 64-bit Linux entry, the way the
 * kernel's own file loader does (arch/x86/kernel/kexec-bzimage64.c): the zero
 * page with the image's setup header, the command line, the e820 map (extra
 * entries as SETUP_E820_EXT), and on UEFI the EFI state: efi_info, the EFI
 * runtime memory map and SETUP_EFI, so the next kernel keeps runtime services.
 */
#include "arch/x86_64/bootparams.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/err.h"

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

#define LOW_1M (1ull << 20)

int kx_bp_crash_e820(const struct kx_facts *f, uint64_t hdr, uint64_t hdr_size,
		     struct kx_memmap *out)
{
	struct kx_memmap crash = { 0 };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->firmware_map.n && !ret; i++) {
		const struct kx_mem_region *r = &f->firmware_map.v[i];

		switch (r->type) {
		case KX_MEM_RAM:
			/* The capture kernel runs its real-mode trampoline there. */
			if (r->start < LOW_1M)
				ret = kx_memmap_add(out, r->start, r->end < LOW_1M ? r->end : LOW_1M,
						    KX_MEM_RAM);
			break;
		case KX_MEM_ACPI:
		case KX_MEM_NVS:
		case KX_MEM_RESERVED:
			ret = kx_memmap_add(out, r->start, r->end, r->type);
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < f->crash.n && !ret; i++)
		ret = kx_memmap_add(&crash, f->crash.v[i].start, f->crash.v[i].end, KX_MEM_RAM);
	if (!ret && hdr_size)
		ret = hdr > UINT64_MAX - hdr_size ? -ERANGE : kx_memmap_remove(&crash, hdr, hdr + hdr_size);
	for (size_t i = 0; i < crash.n && !ret; i++)
		ret = kx_memmap_add(out, crash.v[i].start, crash.v[i].end, KX_MEM_RAM);
	kx_memmap_free(&crash);
	if (ret) {
		kx_memmap_free(out);
		return ret == -ERANGE ? kx_err(ERANGE, "bootparams", "core header at %#llx wraps",
					       (unsigned long long)hdr) : ret;
	}
	kx_memmap_normalize(out);
	return 0;
}

/* The e820 the next kernel gets: the firmware's map (without the crash
 * region marker), or for a capture kernel only what it may use. */
static int bp_e820_map(const struct kx_facts *f, const struct bp_layout *lay,
		       struct kx_memmap *out)
{
	int ret = 0;

	if (lay->crash)
		return kx_bp_crash_e820(f, lay->elfcorehdr, lay->elfcorehdr_size, out);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->firmware_map.n && !ret; i++)
		if (f->firmware_map.v[i].type != KX_MEM_CRASH)
			ret = kx_memmap_add(out, f->firmware_map.v[i].start, f->firmware_map.v[i].end,
					    f->firmware_map.v[i].type);
	if (ret)
		kx_memmap_free(out);
	return ret;
}

/* The running kernel's boot_params, or NULL when not available. */
static const struct boot_params *running_bp(const struct kx_facts *f, struct boot_params *copy)
{
	if (!f->arch.boot_params || f->arch.boot_params_len < sizeof(*copy))
		return NULL;
	memcpy(copy, f->arch.boot_params, sizeof(*copy));
	return copy;
}

static bool efi_usable(const struct kx_facts *f, const struct boot_params *cur)
{
	return f->efi.present && f->efi.map_n && cur && cur->efi_info.efi_loader_signature &&
	       (cur->efi_info.efi_systab || cur->efi_info.efi_systab_hi);
}

struct bp_offsets {
	size_t cmdline, e820_ext, efi_sd, efi_map, dtb_sd, total;
	size_t ext_entries;
};

static void bp_measure(const struct kx_facts *f, const struct bp_layout *lay, size_t n,
		       struct bp_offsets *o)
{
	struct boot_params cur;

	memset(o, 0, sizeof(*o));
	o->cmdline = BP_SIZE;
	o->total = align8(o->cmdline + strlen(lay->cmdline ? lay->cmdline : "") + 1);
	if (n > BP_E820_MAX_ZEROPAGE) {
		o->ext_entries = n - BP_E820_MAX_ZEROPAGE;
		o->e820_ext = o->total;
		o->total = align8(o->total + sizeof(struct bp_setup_data) +
				  o->ext_entries * sizeof(struct bp_e820_entry));
	}
	if (!lay->no_efi && efi_usable(f, running_bp(f, &cur))) {
		o->efi_sd = o->total;
		o->total = align8(o->total + sizeof(struct bp_setup_data) +
				  sizeof(struct bp_efi_setup_data));
		o->efi_map = o->total;
		o->total = align8(o->total + f->efi.map_n * sizeof(struct bp_efi_memdesc));
	}
	if (lay->dtb) {
		o->dtb_sd = o->total;
		o->total = align8(o->total + sizeof(struct bp_setup_data) + lay->dtb_len);
	}
}

size_t kx_bp_segment_size_for(const struct kx_facts *f, const struct bp_layout *lay)
{
	struct kx_memmap e820;
	struct bp_offsets o;

	if (bp_e820_map(f, lay, &e820))
		return 0;
	bp_measure(f, lay, e820.n, &o);
	kx_memmap_free(&e820);
	return o.total;
}

int kx_bp_add_segment(struct kx_plan *p, const struct kx_facts *f, struct bp_layout *lay,
		      uint8_t **buf, size_t *len)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = KX_MIB,
				    .max = lay->high_ok ? 0 : KX_4G,
				    .pref_max = lay->high_ok ? KX_4G : 0, .pref = KX_NO_PREF };
	size_t size = kx_bp_segment_size_for(f, lay);
	uint8_t *bp;
	int i;

	if (!size)
		return -ENOMEM; /* the e820 could not be built: message set */
	bp = calloc(1, size);
	if (!bp)
		return kx_err(ENOMEM, "bootparams", "out of memory");
	i = kx_plan_add_placed(p, KX_ROLE_BOOT_PARAMS, bp, size, size, &req, bp);
	if (i < 0)
		return i;
	lay->base = p->seg[i].mem;
	*buf = bp;
	*len = size;
	return 0;
}

static void put_e820(struct bp_e820_entry *e, const struct kx_mem_region *r)
{
	struct bp_e820_entry v = {
		.addr = r->start,
		.size = r->end - r->start,
		.type = (uint32_t)r->type,
	};

	memcpy(e, &v, sizeof(v));
}

/* Links a setup_data node at segment offset `off` into the list of bp. */
static void link_setup_data(uint8_t *buf, struct boot_params *bp, uint64_t base, size_t off,
			    uint32_t type, uint32_t len)
{
	struct bp_setup_data sd = { .next = bp->hdr.setup_data, .type = type, .len = len };

	memcpy(buf + off, &sd, sizeof(sd));
	bp->hdr.setup_data = base + off;
}

static void fill_efi(uint8_t *buf, struct boot_params *bp, const struct boot_params *cur,
		     const struct bp_layout *lay, const struct kx_facts *f, const struct bp_offsets *o)
{
	struct bp_efi_setup_data esd = {
		.fw_vendor = f->efi.fw_vendor,
		.runtime = f->efi.runtime,
		.tables = f->efi.config_table,
		.smbios = f->efi.smbios,
	};
	uint64_t map = lay->base + o->efi_map;

	bp->secure_boot = cur->secure_boot;
	bp->efi_info.efi_loader_signature = cur->efi_info.efi_loader_signature;
	bp->efi_info.efi_systab = cur->efi_info.efi_systab;
	bp->efi_info.efi_systab_hi = cur->efi_info.efi_systab_hi;
	bp->efi_info.efi_memdesc_version = cur->efi_info.efi_memdesc_version;
	bp->efi_info.efi_memdesc_size = sizeof(struct bp_efi_memdesc);
	bp->efi_info.efi_memmap = (uint32_t)map;
	bp->efi_info.efi_memmap_hi = (uint32_t)(map >> 32);
	bp->efi_info.efi_memmap_size = (uint32_t)(f->efi.map_n * sizeof(struct bp_efi_memdesc));
	for (size_t i = 0; i < f->efi.map_n; i++) {
		const struct kx_efi_map_entry *e = &f->efi.map[i];
		struct bp_efi_memdesc d = {
			.type = e->type,
			.phys_addr = e->phys_addr,
			.virt_addr = e->virt_addr,
			.num_pages = e->num_pages,
			.attribute = e->attribute,
		};

		memcpy(buf + o->efi_map + i * sizeof(d), &d, sizeof(d));
	}
	memcpy(buf + o->efi_sd + sizeof(struct bp_setup_data), &esd, sizeof(esd));
	link_setup_data(buf, bp, lay->base, o->efi_sd, BP_SETUP_EFI, sizeof(esd));
}

int kx_bp_build(uint8_t *buf, size_t len, const uint8_t *setup_hdr, size_t setup_hdr_len,
		const struct bp_layout *lay, const struct kx_facts *f)
{
	struct boot_params bp, cur_copy;
	const struct boot_params *cur = running_bp(f, &cur_copy);
	const char *cmdline = lay->cmdline ? lay->cmdline : "";
	size_t cmdlen = strlen(cmdline);
	struct bp_offsets o;
	struct kx_memmap e820;
	uint64_t cmd_addr = lay->base + BP_SIZE;
	size_t e = 0;
	int ret;

	ret = bp_e820_map(f, lay, &e820);
	if (ret)
		return ret;
	bp_measure(f, lay, e820.n, &o);
	if (len < o.total) {
		kx_memmap_free(&e820);
		return kx_err(EINVAL, "bootparams", "segment too small (%zu < %zu bytes)", len, o.total);
	}
	memset(&bp, 0, sizeof(bp));
	if (setup_hdr_len > sizeof(bp.hdr))
		setup_hdr_len = sizeof(bp.hdr);
	memcpy(&bp.hdr, setup_hdr, setup_hdr_len);

	bp.hdr.type_of_loader = BP_LOADER_TYPE_KEXEC;
	bp.hdr.loadflags = (uint8_t)((bp.hdr.loadflags | BP_LOADED_HIGH) & ~BP_CAN_USE_HEAP);
	bp.hdr.setup_data = 0;
	/* The ext_* fields carry the high halves (zero-page.rst); a 64-bit
	 * kernel always reads them, so they are 0 for anything below 4 GiB. */
	bp.hdr.cmd_line_ptr = (uint32_t)cmd_addr;
	bp.ext_cmd_line_ptr = (uint32_t)(cmd_addr >> 32);
	bp.hdr.ramdisk_image = (uint32_t)lay->initrd_addr;
	bp.ext_ramdisk_image = (uint32_t)(lay->initrd_addr >> 32);
	bp.hdr.ramdisk_size = (uint32_t)lay->initrd_size;
	bp.ext_ramdisk_size = (uint32_t)(lay->initrd_size >> 32);
	memcpy(buf + o.cmdline, cmdline, cmdlen + 1);

	if (cur) {
		/* The console and the platform stay what they are: the next kernel
		 * finds the framebuffer and the subarchitecture the same way. */
		memcpy(bp.screen_info, cur->screen_info, sizeof(bp.screen_info));
		bp.hdr.hardware_subarch = cur->hdr.hardware_subarch;
		bp.hdr.hardware_subarch_data = cur->hdr.hardware_subarch_data;
		bp.acpi_rsdp_addr = cur->acpi_rsdp_addr;
	}
	if (!bp.acpi_rsdp_addr)
		bp.acpi_rsdp_addr = f->efi.acpi20;

	for (size_t i = 0; i < e820.n; i++) {
		const struct kx_mem_region *r = &e820.v[i];

		if (e < BP_E820_MAX_ZEROPAGE) {
			put_e820(&bp.e820_table[e], r);
		} else {
			size_t at = o.e820_ext + sizeof(struct bp_setup_data) +
				    (e - BP_E820_MAX_ZEROPAGE) * sizeof(struct bp_e820_entry);
			put_e820((struct bp_e820_entry *)(buf + at), r);
		}
		e++;
	}
	kx_memmap_free(&e820);
	bp.e820_entries = (uint8_t)(e < BP_E820_MAX_ZEROPAGE ? e : BP_E820_MAX_ZEROPAGE);
	if (o.ext_entries)
		link_setup_data(buf, &bp, lay->base, o.e820_ext, BP_SETUP_E820_EXT,
				(uint32_t)(o.ext_entries * sizeof(struct bp_e820_entry)));
	if (o.efi_map)
		fill_efi(buf, &bp, cur, lay, f, &o);
	/* The kernel takes a DTB from setup_data (arch/x86/kernel/devicetree.c
	 * x86_flattree_get_config), as kexec-tools' --dtb passes it. */
	if (lay->dtb) {
		memcpy(buf + o.dtb_sd + sizeof(struct bp_setup_data), lay->dtb, lay->dtb_len);
		link_setup_data(buf, &bp, lay->base, o.dtb_sd, BP_SETUP_DTB, (uint32_t)lay->dtb_len);
	}
	memcpy(buf, &bp, sizeof(bp));
	return 0;
}

/* kexec-tools leaves out RAM ranges smaller than this: they cost command
 * line room for little memory (crashdump-x86.c cmdline_add_memmap). */
#define MEMMAP_MIN_RAM_KIB 100

int kx_bp_memmap_cmdline(const struct kx_memmap *e820, char **out)
{
	char *s = strdup(" memmap=exactmap");
	int ret = s ? 0 : -ENOMEM;

	for (size_t i = 0; i < e820->n && !ret; i++) {
		const struct kx_mem_region *r = &e820->v[i];
		uint64_t startk = r->start / 1024, endk = r->end / 1024;
		char piece[64], kind;

		if (r->type == KX_MEM_RAM) {
			kind = '@';
			if (endk - startk < MEMMAP_MIN_RAM_KIB)
				continue;
		} else if (r->type == KX_MEM_ACPI || r->type == KX_MEM_NVS) {
			kind = '#';
			endk = (r->end + 1023) / 1024;
		} else {
			continue;
		}
		snprintf(piece, sizeof(piece), "memmap=%lluK%c%lluK",
			 (unsigned long long)(endk - startk), kind, (unsigned long long)startk);
		ret = kx_cmdline_append(&s, piece);
	}
	if (ret) {
		free(s);
		return kx_err(ENOMEM, "bootparams", "out of memory");
	}
	*out = s;
	return 0;
}

/* A capture kernel finds the core header through elfcorehdr= (the kernel
 * parses it with memparse, so hex is fine: kernel/crash_dump.c
 * setup_elfcorehdr) and gets the crash e820 instead of the firmware's. */
int kx_bp_capture_layout(const struct kx_plan *p, const struct kx_load_opts *o,
			 const struct kx_facts *f, const char *cmdline, struct bp_layout *lay,
			 char **owned)
{
	char *memmap = NULL;
	int ret;

	*owned = NULL;
	if (!p->capture.active)
		return 0;
	if (o->pass_memmap_cmdline) {
		struct kx_memmap e820;

		ret = kx_bp_crash_e820(f, p->capture.elfcorehdr, p->capture.elfcorehdr_size,
				       &e820);
		if (ret)
			return ret;
		ret = kx_bp_memmap_cmdline(&e820, &memmap);
		kx_memmap_free(&e820);
		if (ret)
			return ret;
	}
	/* memmap starts with a space, as kexec-tools writes it: none at the start. */
	ret = asprintf(owned, "%s%s%selfcorehdr=%#llx", cmdline ? cmdline : "",
		       memmap ? memmap + !(cmdline && *cmdline) : "",
		       (cmdline && *cmdline) || memmap ? " " : "",
		       (unsigned long long)p->capture.elfcorehdr);
	free(memmap);
	if (ret < 0) {
		*owned = NULL;
		return kx_err(ENOMEM, "bootparams", "out of memory");
	}
	lay->cmdline = *owned;
	lay->crash = true;
	lay->elfcorehdr = p->capture.elfcorehdr;
	lay->elfcorehdr_size = p->capture.elfcorehdr_size;
	return 0;
}

int kx_bp_plan(struct kx_plan *p, const struct kx_load_opts *o, const struct kx_facts *f,
	       uint64_t initrd_max, const uint8_t *hdr, size_t hdr_len, struct bp_layout *lay,
	       uint8_t **bp)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = kx_plan_add_initrd(p, o, initrd_max, lay->high_ok, &lay->initrd_addr);
	if (ret < 0)
		return ret;
	lay->initrd_size = lay->initrd_addr ? o->initrd_len : 0;
	lay->no_efi = o->no_efi;
	lay->dtb = o->dtb;
	lay->dtb_len = o->dtb ? o->dtb_len : 0;
	ret = kx_bp_add_segment(p, f, lay, &buf, &len);
	if (ret < 0)
		return ret;
	ret = kx_bp_build(buf, len, hdr, hdr_len, lay, f);
	if (ret < 0)
		return ret;
	if (bp)
		*bp = buf;
	return 0;
}
