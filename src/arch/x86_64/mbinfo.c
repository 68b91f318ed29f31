/* SPDX-License-Identifier: MIT */
#include "arch/x86_64/mbinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/elf.h"
#include "core/err.h"

/* A span of program headers wider than this is not a boot image we can load
 * as one piece (and would not fit below 4 GiB anyway). */
#define MB_MAX_SPAN (1ull << 30)
#define MB_LOWMEM_END 0xa0000ull /* conventional memory ends at 640 KiB */

int mb_image_from_addr(const uint8_t *img, size_t len, size_t hdr_off,
		       const struct mb_addr_fields *a, uint32_t entry, const char *mod,
		       struct mb_load_image *out)
{
	uint64_t file_start, load_len, memsz;

	memset(out, 0, sizeof(*out));
	/* header_addr is where the header itself lands: it ties file offsets to
	 * addresses (Multiboot 0.6.96, 3.1.3). */
	if (a->header_addr < a->load_addr || a->header_addr - a->load_addr > hdr_off)
		return kx_err(EINVAL, mod,
			      "header_addr 0x%x and load_addr 0x%x do not match the header's file "
			      "offset 0x%zx", a->header_addr, a->load_addr, hdr_off);
	file_start = hdr_off - (a->header_addr - a->load_addr);
	if (a->load_end_addr) {
		if (a->load_end_addr <= a->load_addr)
			return kx_err(EINVAL, mod, "load_end_addr 0x%x is not above load_addr 0x%x",
				      a->load_end_addr, a->load_addr);
		load_len = a->load_end_addr - a->load_addr;
		if (load_len > len - file_start)
			return kx_err(EINVAL, mod,
				      "image truncated: the header asks for 0x%llx bytes from offset "
				      "0x%llx, the file has 0x%zx", (unsigned long long)load_len,
				      (unsigned long long)file_start, len);
	} else {
		load_len = len - file_start;
	}
	memsz = load_len;
	if (a->bss_end_addr) {
		if (a->bss_end_addr < a->load_addr + load_len)
			return kx_err(EINVAL, mod, "bss_end_addr 0x%x is below the loaded data's end 0x%llx",
				      a->bss_end_addr, (unsigned long long)(a->load_addr + load_len));
		memsz = a->bss_end_addr - a->load_addr;
	}
	if (!load_len)
		return kx_err(EINVAL, mod, "the address fields describe an empty image");
	if (entry < a->load_addr || entry >= a->load_addr + memsz)
		return kx_err(EINVAL, mod, "entry_addr 0x%x is outside the loaded image 0x%x-0x%llx",
			      entry, a->load_addr, (unsigned long long)(a->load_addr + memsz));
	out->link_base = a->load_addr;
	out->buf = img + file_start;
	out->bufsz = (size_t)load_len;
	out->memsz = memsz;
	out->entry = entry;
	return 0;
}

/* The span of the PT_LOAD segments of h (parsed from a snapshot of the
 * headers) in a file of file_len bytes. */
static int mb_elf_layout(const uint8_t *snap, size_t snap_len, size_t file_len, const char *mod,
			 struct kx_elf_hdr *h, struct mb_load_image *out)
{
	uint64_t lo = UINT64_MAX, hi = 0, filehi = 0;
	struct kx_elf_phdr ph;
	size_t nload = 0;
	int ret;

	ret = kx_elf_parse_headers(snap, snap_len, mod, h);
	if (ret < 0)
		return ret;
	out->entry = h->e_entry;
	for (size_t i = 0; i < h->e_phnum; i++) {
		kx_elf_get_phdr(h, i, &ph);
		if (ph.p_type != KX_PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || !kx_elf_segment_in_file(&ph, file_len))
			return kx_err(EINVAL, mod,
				      "ELF segment %zu (offset 0x%llx, 0x%llx bytes) lies outside the "
				      "file or exceeds its memory size", i,
				      (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr || ph.p_paddr + ph.p_memsz > KX_4G)
			return kx_err(EINVAL, mod,
				      "ELF segment %zu at 0x%llx+0x%llx is not below 4 GiB, where a "
				      "32-bit protected mode entry can reach it", i,
				      (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
		if (ph.p_paddr < lo)
			lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > hi)
			hi = ph.p_paddr + ph.p_memsz;
		if (ph.p_filesz && ph.p_paddr + ph.p_filesz > filehi)
			filehi = ph.p_paddr + ph.p_filesz;
		nload++;
	}
	if (!nload)
		return kx_err(EINVAL, mod, "the ELF file has no loadable segment");
	if (hi - lo > MB_MAX_SPAN)
		return kx_err(EINVAL, mod, "the ELF segments span 0x%llx bytes (more than 1 GiB)",
			      (unsigned long long)(hi - lo));
	out->link_base = lo;
	out->memsz = hi - lo;
	out->bufsz = filehi > lo ? (size_t)(filehi - lo) : 0;
	return 0;
}

/* Copies the file bytes of every PT_LOAD segment into one buffer, by the
 * snapshot's program headers, and checks the entry. */
static int mb_elf_copy(const uint8_t *img, const struct kx_elf_hdr *h, struct mb_load_image *out,
		       const char *mod)
{
	uint64_t lo = out->link_base, hi = out->link_base + out->memsz;
	struct kx_elf_phdr ph;

	if (out->bufsz) {
		out->owned = calloc(1, out->bufsz);
		if (!out->owned)
			return kx_err(ENOMEM, mod, "out of memory");
		for (size_t i = 0; i < h->e_phnum; i++) {
			kx_elf_get_phdr(h, i, &ph);
			if (ph.p_type == KX_PT_LOAD && ph.p_memsz && ph.p_filesz)
				memcpy(out->owned + (ph.p_paddr - lo), img + ph.p_offset, ph.p_filesz);
		}
		out->buf = out->owned;
	}
	/* p_paddr is where the bytes go; e_entry is a virtual address that is
	 * physical for the images that use this form (Xen links .text at its
	 * physical address), so it must fall inside the loaded span. */
	if (out->entry < lo || out->entry >= hi) {
		free(out->owned);
		out->owned = NULL;
		return kx_err(EINVAL, mod, "ELF entry 0x%llx is outside the loaded span 0x%llx-0x%llx",
			      (unsigned long long)out->entry, (unsigned long long)lo,
			      (unsigned long long)hi);
	}
	return 0;
}

int mb_image_from_elf(const uint8_t *img, size_t len, const char *mod, struct mb_load_image *out)
{
	struct kx_elf_hdr h;
	uint64_t need;
	uint8_t *snap;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kx_elf_parse_ehdr(img, len, mod, &h);
	if (ret == -ENOEXEC)
		return kx_err(ENOEXEC, mod,
			      "no address fields in the header (flag bit 16) and not an ELF file");
	if (ret < 0)
		return ret;
	ret = kx_elf_headers_size(&h, mod, &need);
	if (ret < 0)
		return ret;
	if (need > len)
		return kx_err(EINVAL, mod, "ELF program headers end at 0x%llx, past the end of the "
			      "file (%zu bytes)", (unsigned long long)need, len);
	/* One copy of the headers, validated and then used: the file is mapped
	 * and another process may change it while it is read (a size checked
	 * in one read and used from another would overflow the copy below). */
	snap = malloc(need);
	if (!snap)
		return kx_err(ENOMEM, mod, "out of memory");
	memcpy(snap, img, need);
	ret = mb_elf_layout(snap, need, len, mod, &h, out);
	if (ret < 0)
		goto out;
	ret = mb_elf_copy(img, &h, out, mod);
out:
	free(snap);
	return ret;
}

void mb_mem_summary(const struct kx_memmap *fw, uint32_t *mem_lower, uint32_t *mem_upper)
{
	uint64_t low_end = 0, up_end = KX_MIB;
	bool grew = true;

	/* Regions may come split at arbitrary points: grow each contiguous run
	 * of RAM until it stops. */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < fw->n; i++) {
			const struct kx_mem_region *r = &fw->v[i];

			if (r->type != KX_MEM_RAM)
				continue;
			if (r->start <= low_end && r->end > low_end) {
				low_end = r->end;
				grew = true;
			}
			if (r->start <= up_end && r->end > up_end) {
				up_end = r->end;
				grew = true;
			}
		}
	}
	if (low_end > MB_LOWMEM_END)
		low_end = MB_LOWMEM_END;
	if (up_end > KX_4G)
		up_end = KX_4G;
	*mem_lower = (uint32_t)(low_end / 1024);
	*mem_upper = (uint32_t)((up_end - KX_MIB) / 1024);
}

uint32_t mb_mmap_type(enum kx_mem_type t)
{
	switch (t) {
	case KX_MEM_RAM:
	case KX_MEM_ACPI:
	case KX_MEM_NVS:
	case KX_MEM_UNUSABLE:
	case KX_MEM_PMEM:
		return (uint32_t)t;
	default:
		return KX_MEM_RESERVED;
	}
}

int mb_place_modules(const struct kx_load_opts *o, struct kx_plan *p, uint64_t *addr)
{
	/* Above the first MiB (the BIOS data area and real-mode IVT stay intact,
	 * Xen reads the BDA) and below 4 GiB: mod_start is 32-bit in both specs. */
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = KX_MIB, .max = KX_4G,
				    .pref = KX_NO_PREF };

	for (size_t i = 0; i < o->n_modules; i++) {
		const struct kx_module *m = &o->modules[i];
		int idx;

		/* An empty module still gets a page, so it has an address. */
		idx = kx_plan_add_placed(p, KX_ROLE_MODULE, m->data, m->len,
					 m->len ? m->len : KX_PAGE_SIZE, &req, NULL);
		if (idx < 0)
			return kx_err_prefix(idx, "module %zu (%s, %zu bytes)", i + 1, m->string,
					     m->len);
		addr[i] = p->seg[idx].mem;
	}
	return 0;
}

char *mb_image_cmdline(const struct kx_load_opts *o)
{
	const char *name = o->image_name ? o->image_name : "kernel";
	const char *args = o->cmdline ? o->cmdline : "";
	size_t n = strlen(name) + 1 + strlen(args) + 1;
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (*args)
		snprintf(s, n, "%s %s", name, args);
	else
		snprintf(s, n, "%s", name);
	return s;
}

/* struct screen_info (include/uapi/linux/screen_info.h). */
#define SI_ISVGA 0x0f
#define SI_LFB_WIDTH 0x12
#define SI_LFB_HEIGHT 0x14
#define SI_LFB_DEPTH 0x16
#define SI_LFB_BASE 0x18
#define SI_LFB_LINELENGTH 0x24
#define SI_RED_SIZE 0x26
#define SI_CAPABILITIES 0x36
#define SI_EXT_LFB_BASE 0x3a
#define SI_SIZE 0x40
#define VIDEO_TYPE_VLFB 0x23
#define VIDEO_TYPE_EFI 0x70
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)

bool mb_framebuffer_from_boot_params(const uint8_t *bp, size_t len, struct mb_framebuffer *fb)
{
	memset(fb, 0, sizeof(*fb));
	if (!bp || len < SI_SIZE)
		return false;
	if (bp[SI_ISVGA] != VIDEO_TYPE_VLFB && bp[SI_ISVGA] != VIDEO_TYPE_EFI)
		return false;
	fb->addr = kx_le32(bp + SI_LFB_BASE);
	if (kx_le32(bp + SI_CAPABILITIES) & VIDEO_CAPABILITY_64BIT_BASE)
		fb->addr |= (uint64_t)kx_le32(bp + SI_EXT_LFB_BASE) << 32;
	fb->width = kx_le16(bp + SI_LFB_WIDTH);
	fb->height = kx_le16(bp + SI_LFB_HEIGHT);
	fb->bpp = (uint8_t)kx_le16(bp + SI_LFB_DEPTH);
	fb->pitch = kx_le16(bp + SI_LFB_LINELENGTH);
	fb->red_size = bp[SI_RED_SIZE];
	fb->red_pos = bp[SI_RED_SIZE + 1];
	fb->green_size = bp[SI_RED_SIZE + 2];
	fb->green_pos = bp[SI_RED_SIZE + 3];
	fb->blue_size = bp[SI_RED_SIZE + 4];
	fb->blue_pos = bp[SI_RED_SIZE + 5];
	return fb->addr && fb->width && fb->height && fb->bpp && fb->pitch;
}

/* BIOS data area fields (IBM PC/AT BIOS data area at 0x400; ACPI 6.5
 * 5.2.5.1 for the EBDA pointer at 0x40E that OS RSDP scans read). */
#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_MEM_KB 0x413
/* The stand-in EBDA: above the IVT and BDA (0x000-0x4ff) in the same page.
 * ACPICA's scan only looks at an EBDA above 0x400 and searches its first
 * KiB on 16-byte boundaries, so 0x800 with the RSDP at its start is found. */
#define SHIM_EBDA 0x800
_Static_assert(MB_UEFI_ROOT_ADDR >= SHIM_EBDA + 36, "the XSDT follows the RSDP");
/* How far the recreated tables may reach: Linux keeps the first 64 KiB for
 * the firmware (X86_RESERVE_LOW's default), so nothing of the running
 * kernel lives there and no OS expects more than the BIOS left. */
#define UEFI_LOW_MAX 0x10000u
#define ACPI_TABLE_ALIGN 16

/* RSDP fields (ACPI 6.5, 5.2.5.3, table 5.3) and the table header (5.2.6). */
#define RSDP_CHECKSUM 8
#define RSDP_OEMID 9
#define RSDP_REVISION 15
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_EXT_CHECKSUM 32
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define SDT_LENGTH 4
#define SDT_REVISION 8
#define SDT_CHECKSUM 9
#define SDT_OEMID 10
#define SDT_HEADER_LEN 36
#define XSDT_REVISION 1

static uint8_t checksum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return (uint8_t)(0u - s);
}

/* The length of the table copy at off, 0 at the end (or at a length that
 * does not fit, which src/sys/acpi_read.c never hands over). */
static size_t table_len_at(const struct kx_facts *f, size_t off)
{
	uint32_t len;

	if (off > f->acpi_tables_len || f->acpi_tables_len - off < SDT_HEADER_LEN)
		return 0;
	len = kx_le32(f->acpi_tables + off + SDT_LENGTH);
	return len >= SDT_HEADER_LEN && len <= f->acpi_tables_len - off ? len : 0;
}

/* Walks the table copies: each starts with its header and its length. */
static size_t table_count(const struct kx_facts *f)
{
	size_t n = 0;

	for (size_t off = 0, len; (len = table_len_at(f, off)); n++)
		off += len;
	return n;
}

static uint64_t align16(uint64_t v)
{
	return (v + ACPI_TABLE_ALIGN - 1) & ~(uint64_t)(ACPI_TABLE_ALIGN - 1);
}

/* Bytes from 0 to the end of the last table copy; 0 when there is nothing to
 * recreate or it would not fit below UEFI_LOW_MAX. */
static uint64_t uefi_low_end(const struct kx_facts *f)
{
	uint64_t end = align16(MB_UEFI_ROOT_ADDR + SDT_HEADER_LEN + 8 * (uint64_t)table_count(f));

	if (f->rsdp_len || !table_len_at(f, 0))
		return 0;
	for (size_t off = 0, len; (len = table_len_at(f, off)); off += len)
		end = align16(end) + len;
	return end <= UEFI_LOW_MAX ? end : 0;
}

size_t mb_uefi_made_rsdp(const struct kx_facts *f, uint8_t *out)
{
	memset(out, 0, RSDP_V2_LEN);
	if (!uefi_low_end(f))
		return 0;
	memcpy(out, "RSD PTR ", 8);
	/* The FADT comes first; its OEM ID is the firmware's. */
	memcpy(out + RSDP_OEMID, f->acpi_tables + SDT_OEMID, 6);
	out[RSDP_REVISION] = 2;
	out[RSDP_LENGTH] = RSDP_V2_LEN;
	for (int i = 0; i < 4; i++)
		out[RSDP_XSDT + i] = (uint8_t)(MB_UEFI_ROOT_ADDR >> (8 * i));
	out[RSDP_CHECKSUM] = checksum8(out, RSDP_V1_LEN);
	out[RSDP_EXT_CHECKSUM] = checksum8(out, RSDP_V2_LEN);
	return RSDP_V2_LEN;
}

/* The XSDT at MB_UEFI_ROOT_ADDR listing a 16-byte aligned copy of every
 * table after it. The DSDT and FACS stay where the firmware put them (ACPI
 * memory the e820 map keeps reserved): the FADT copy still points there. */
static void write_made_tables(struct kx_writer *w, const struct kx_facts *f)
{
	size_t n = table_count(f), xlen = SDT_HEADER_LEN + 8 * n, i = 0;
	uint64_t at = align16(MB_UEFI_ROOT_ADDR + xlen);
	uint8_t *x = w->buf + MB_UEFI_ROOT_ADDR;

	kx_wputbytes(w, MB_UEFI_ROOT_ADDR, "XSDT", 4);
	kx_wput32(w, MB_UEFI_ROOT_ADDR + SDT_LENGTH, (uint32_t)xlen);
	kx_wput8(w, MB_UEFI_ROOT_ADDR + SDT_REVISION, XSDT_REVISION);
	/* OEM ID, table ID and revision, creator: the FADT's, as firmware's. */
	kx_wputbytes(w, MB_UEFI_ROOT_ADDR + SDT_OEMID, f->acpi_tables + SDT_OEMID,
		    SDT_HEADER_LEN - SDT_OEMID);
	for (size_t off = 0, len; (len = table_len_at(f, off)); off += len, i++) {
		at = align16(at);
		kx_wputbytes(w, (size_t)at, f->acpi_tables + off, len);
		kx_wput64(w, MB_UEFI_ROOT_ADDR + SDT_HEADER_LEN + 8 * i, at);
		at += len;
	}
	if (!w->overflow)
		x[SDT_CHECKSUM] = checksum8(x, xlen);
}

int mb_add_uefi_bda(const struct kx_facts *f, struct kx_plan *p)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .max = KX_MIB, .pref = 0,
				    .fixed = true, .firmware_low = true };
	uint64_t end = uefi_low_end(f);
	size_t size = (size_t)((end + KX_PAGE_SIZE - 1) & ~(KX_PAGE_SIZE - 1));
	uint8_t rsdp[RSDP_V2_LEN];
	struct kx_writer w;
	uint32_t lower, upper;
	int i;

	if (!f->efi.present)
		return 0;
	if (size < KX_PAGE_SIZE)
		size = KX_PAGE_SIZE;
	w = (struct kx_writer){ .buf = calloc(1, size), .size = size };
	if (!w.buf)
		return kx_err(ENOMEM, "multiboot", "out of memory");
	mb_mem_summary(&f->firmware_map, &lower, &upper);
	kx_wput16(&w, BDA_BASE_MEM_KB, (uint16_t)lower);
	if (f->rsdp_len) {
		kx_wput16(&w, BDA_EBDA_SEGMENT, SHIM_EBDA >> 4);
		kx_wputbytes(&w, SHIM_EBDA, f->rsdp, f->rsdp_len);
	} else if (mb_uefi_made_rsdp(f, rsdp)) {
		kx_wput16(&w, BDA_EBDA_SEGMENT, SHIM_EBDA >> 4);
		kx_wputbytes(&w, SHIM_EBDA, rsdp, RSDP_V2_LEN);
		write_made_tables(&w, f);
	}
	if (w.overflow) {
		free(w.buf);
		return kx_err(EFAULT, "multiboot", "internal error: the BDA pages outgrew their measure");
	}
	i = kx_plan_add_placed(p, KX_ROLE_OTHER, w.buf, size, size, &req, w.buf);
	return i < 0 ? kx_err_prefix(i, "BIOS data area for the image (UEFI machine)") : 0;
}

/* Appends [start, end) when it is not empty. */
static int map_add_nonempty(struct kx_memmap *m, uint64_t start, uint64_t end,
			    enum kx_mem_type type)
{
	return start < end ? kx_memmap_add(m, start, end, type) : 0;
}

int mb_handover_map(const struct kx_facts *f, struct kx_memmap *out)
{
	/* The tables mb_add_uefi_bda recreates, from the RSDP to the last copy:
	 * the firmware map calls that RAM, and an image that takes it for free
	 * memory overwrites its own ACPI tables. ACPI 6.5, chapter 15
	 * (AddressRangeACPI): tables the OS may reclaim once read are type 3. */
	uint64_t lo = SHIM_EBDA, hi = f->efi.present ? uefi_low_end(f) : 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->firmware_map.n && !ret; i++) {
		const struct kx_mem_region *r = &f->firmware_map.v[i];
		uint64_t a, b;

		if (r->type == KX_MEM_CRASH)
			continue;
		if (r->type != KX_MEM_RAM || r->end <= lo || r->start >= hi) {
			ret = kx_memmap_add(out, r->start, r->end, r->type);
			continue;
		}
		a = r->start > lo ? r->start : lo;
		b = r->end < hi ? r->end : hi;
		ret = map_add_nonempty(out, r->start, a, KX_MEM_RAM);
		if (!ret)
			ret = map_add_nonempty(out, a, b, KX_MEM_ACPI);
		if (!ret)
			ret = map_add_nonempty(out, b, r->end, KX_MEM_RAM);
	}
	if (ret < 0) {
		kx_memmap_free(out);
		return kx_err_prefix(ret, "multiboot: memory map for the image");
	}
	return 0;
}

/* Xen's early boot code reads its own command line for no-real-mode
 * (xen/arch/x86/boot/cmdline.c) and then, unless given, drops to real mode
 * to ask the BIOS for video modes and the memory map. On a machine that
 * booted through UEFI there is no BIOS: Xen hangs right after purgatory. */
const char *mb_xen_cmdline_needs(const uint8_t *img, size_t len, const struct kx_facts *f,
				 const char *cmdline, const char **why)
{
	static const char opt[] = "no-real-mode", banner[] = "Xen version ";

	if (!f->efi.present || kx_cmdline_has_param(cmdline, opt))
		return NULL;
	if (!memmem(img, len, opt, sizeof(opt) - 1) || !memmem(img, len, banner, sizeof(banner) - 1))
		return NULL;
	*why = "Xen started from a UEFI boot has no BIOS to call in real mode";
	return opt;
}
