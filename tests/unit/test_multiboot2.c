/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "arch/x86_64/mbinfo.h"
#include "arch/x86_64/multiboot2.h"
#include "mb_fixture.h"

#define IMG_SIZE 0x9000
#define LINK 0x200000u
#define ELF_OFF 0x1000

/* An image under construction: ELF32 with one PT_LOAD at LINK, and an MB2
 * header at hdr_off whose tags are appended with add_tag. */
struct img {
	uint8_t *b;
	size_t hdr_off, pos;
};

static void img_init(struct img *im, size_t hdr_off)
{
	uint8_t *b = calloc(1, IMG_SIZE);

	memcpy(b, "\177ELF\1\1\1", 7);
	put16(b + 16, 2);
	put16(b + 18, 3);
	put32(b + 24, LINK + 0x20); /* e_entry */
	put32(b + 28, 52);
	put16(b + 42, 32);
	put16(b + 44, 1);
	put32(b + 52, 1);
	put32(b + 56, ELF_OFF);
	put32(b + 64, LINK);
	put32(b + 68, 0x100);
	put32(b + 72, 0x3000);
	memset(b + ELF_OFF, 0x5a, 0x100);
	im->b = b;
	im->hdr_off = hdr_off;
	im->pos = hdr_off + MB2_HEADER_FIXED;
}

static void add_tag(struct img *im, uint16_t type, uint16_t flags, const uint32_t *v, size_t n)
{
	uint8_t *t = im->b + im->pos;

	put16(t, type);
	put16(t + 2, flags);
	put32(t + 4, (uint32_t)(8 + 4 * n));
	for (size_t i = 0; i < n; i++)
		put32(t + 8 + 4 * i, v[i]);
	im->pos += (8 + 4 * n + 7) & ~(size_t)7;
}

static void img_finish(struct img *im, uint32_t checksum_delta)
{
	uint32_t len;

	add_tag(im, MB2_HT_END, 0, NULL, 0);
	len = (uint32_t)(im->pos - im->hdr_off);
	put32(im->b + im->hdr_off, MB2_HEADER_MAGIC);
	put32(im->b + im->hdr_off + 4, MB2_ARCH_I386);
	put32(im->b + im->hdr_off + 8, len);
	put32(im->b + im->hdr_off + 12, (uint32_t)(0u - MB2_HEADER_MAGIC - len) + checksum_delta);
}

struct find_row {
	const char *name;
	size_t off;
	uint16_t tag, flags;    /* one extra tag (0: none) */
	uint32_t arg;
	uint32_t checksum_delta;
	int want;
};

static void test_find_header(void **state)
{
	static const struct find_row rows[] = {
		{ "at 0x80", 0x80, 0, 0, 0, 0, 0 },
		{ "at 8", 8, 0, 0, 0, 0, 0 },
		{ "last 8-byte slot before 32 KiB", 32768 - 24, 0, 0, 0, 0, 0 },
		{ "past 32 KiB", 32768, 0, 0, 0, 0, -ENOEXEC },
		{ "4-aligned only", 0x84, 0, 0, 0, 0, -ENOEXEC },
		{ "bad checksum", 0x80, 0, 0, 0, 1, -ENOEXEC },
		{ "unknown optional tag skipped", 0x80, 77, MB2_HT_OPTIONAL, 1, 0, 0 },
		{ "unknown required tag refused", 0x80, 77, 0, 1, 0, -EINVAL },
		{ "EFI boot services required", 0x80, MB2_HT_EFI_BS, 0, 0, 0, -EINVAL },
		{ "EFI boot services optional", 0x80, MB2_HT_EFI_BS, MB2_HT_OPTIONAL, 0, 0, 0 },
		{ "EFI amd64 entry required", 0x80, MB2_HT_ENTRY_ADDRESS_EFI64, 0, LINK, 0, -EINVAL },
		{ "EFI amd64 entry optional", 0x80, MB2_HT_ENTRY_ADDRESS_EFI64, MB2_HT_OPTIONAL, LINK, 0, 0 },
		{ "requires APM info", 0x80, MB2_HT_INFORMATION_REQUEST, 0, MB2_TAG_APM, 0, -EINVAL },
		{ "wants APM info", 0x80, MB2_HT_INFORMATION_REQUEST, MB2_HT_OPTIONAL, MB2_TAG_APM, 0, 0 },
		{ "requires mmap", 0x80, MB2_HT_INFORMATION_REQUEST, 0, MB2_TAG_MMAP, 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct img im;
		struct mb2_header h;
		int ret;

		img_init(&im, rows[i].off);
		if (rows[i].tag)
			add_tag(&im, rows[i].tag, rows[i].flags, &rows[i].arg, 1);
		img_finish(&im, rows[i].checksum_delta);
		ret = mb2_find_header(im.b, IMG_SIZE, &h);
		if (ret != rows[i].want)
			fail_msg("%s: got %d, want %d (%s)", rows[i].name, ret, rows[i].want,
				 kx_errmsg());
		if (!ret)
			assert_int_equal(h.offset, rows[i].off);
		free(im.b);
	}
}

static void test_tag_past_header(void **state)
{
	struct img im;
	struct mb2_header h;

	(void)state;
	img_init(&im, 0x80);
	img_finish(&im, 0);
	put32(im.b + 0x80 + 16 + 4, 0x1000); /* the end tag claims 4 KiB */
	put16(im.b + 0x80 + 16, 77);
	assert_int_equal(mb2_find_header(im.b, IMG_SIZE, &h), -EINVAL);
	free(im.b);
}

struct reloc_row {
	const char *name;
	uint32_t min, max, align, pref;
	int want;
	uint64_t want_base;
};

static void test_relocatable(void **state)
{
	static const struct reloc_row rows[] = {
		{ "high below 4 GiB, 2 MiB aligned", 0x200000, 0xffffffff, 0x200000, MB2_RELOC_HIGH, 0,
		  (RAM_TOP - 0x3000) & ~0x1fffffull },
		{ "low from 16 MiB", 0x1000000, 0xffffffff, 0x1000, MB2_RELOC_LOW, 0, 0x1000000 },
		{ "none, min 0: never below 1 MiB", 0, 0xffffffff, 0x1000, MB2_RELOC_NONE, 0, KX_MIB },
		{ "none, 2 MiB aligned", 0, 0xffffffff, 0x200000, MB2_RELOC_NONE, 0, 0x200000 },
		{ "high under a 64 MiB max", 0, 0x3ffffff, 0x1000, MB2_RELOC_HIGH, 0, 0x4000000 - 0x3000 },
		{ "window too small", 0x7fff0000, 0x7fff1000, 0x1000, MB2_RELOC_LOW, -ENOMEM, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const uint32_t reloc[] = { rows[i].min, rows[i].max, rows[i].align, rows[i].pref };
		struct kx_load_opts o = { .cmdline = "" };
		struct kx_facts f;
		struct kx_plan p;
		struct img im;
		int ret;

		fixture_facts(&f);
		img_init(&im, 0x80);
		add_tag(&im, MB2_HT_RELOCATABLE, MB2_HT_OPTIONAL, reloc, 4);
		img_finish(&im, 0);
		assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
		ret = kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p);
		if (ret != rows[i].want)
			fail_msg("%s: got %d, want %d (%s)", rows[i].name, ret, rows[i].want,
				 kx_errmsg());
		if (!ret) {
			const struct kx_segment *k = seg_of(&p, KX_ROLE_KERNEL);

			if (k->mem != rows[i].want_base)
				fail_msg("%s: base 0x%llx, want 0x%llx", rows[i].name,
					 (unsigned long long)k->mem,
					 (unsigned long long)rows[i].want_base);
			assert_int_equal(p.handoff.regs32.eip, k->mem + 0x20);
		}
		kx_plan_free(&p);
		kx_facts_free(&f);
		free(im.b);
	}
}

/* Finds info tag `type` (the n-th of that type) in the boot information. */
static const uint8_t *find_tag(const uint8_t *mbi, uint32_t type, int nth)
{
	uint32_t total = get32(mbi);

	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = mbi + off;

		if (get32(t) == type && nth-- == 0)
			return t;
		if (get32(t) == MB2_TAG_END)
			return NULL;
		off += (get32(t + 4) + 7) & ~7u;
	}
	return NULL;
}

static void test_info(void **state)
{
	static const uint8_t mod1[] = "dom0 kernel bytes";
	static const uint8_t mod2[] = { 9, 8, 7 };
	const struct kx_module mods[] = {
		{ mod1, sizeof(mod1), "/boot/vmlinuz console=hvc0" },
		{ mod2, sizeof(mod2), "/boot/initrd" },
	};
	const uint32_t reloc[] = { 0x200000, 0xffffffff, 0x200000, MB2_RELOC_HIGH };
	const uint32_t req[] = { MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP };
	struct kx_load_opts o = { .cmdline = "console=com1", .image_name = "/boot/xen.gz",
				  .modules = mods, .n_modules = 2 };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;
	const struct kx_segment *info, *k;
	const uint8_t *mbi, *t;

	(void)state;
	fixture_facts(&f);
	/* A revision 2 RSDP; EFI facts present but not requested by the image. */
	memcpy(f.rsdp, "RSD PTR ", 8);
	f.rsdp[15] = 2;
	f.rsdp_len = 36;
	f.efi.present = true;
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, 0, req, 2);
	add_tag(&im, MB2_HT_RELOCATABLE, MB2_HT_OPTIONAL, reloc, 4);
	img_finish(&im, 0);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), 0);
	info = seg_of(&p, KX_ROLE_BOOT_INFO);
	k = seg_of(&p, KX_ROLE_KERNEL);
	assert_int_equal(p.handoff.regs32.eax, MB2_BOOTLOADER_MAGIC);
	assert_int_equal(p.handoff.regs32.ebx, info->mem);
	assert_int_equal(info->mem % 8, 0);
	mbi = info->buf;
	assert_int_equal(get32(mbi), info->bufsz);

	t = find_tag(mbi, MB2_TAG_CMDLINE, 0);
	assert_string_equal((const char *)t + 8, "/boot/xen.gz console=com1");
	t = find_tag(mbi, MB2_TAG_BOOT_LOADER_NAME, 0);
	assert_string_equal((const char *)t + 8, "kx");
	for (int i = 0; i < 2; i++) {
		uint32_t start, end;

		t = find_tag(mbi, MB2_TAG_MODULE, i);
		assert_non_null(t);
		start = get32(t + 8);
		end = get32(t + 12);
		assert_int_equal(start % KX_PAGE_SIZE, 0);
		assert_int_equal(end - start, mods[i].len);
		assert_memory_equal(at_phys(&p, start, mods[i].len), mods[i].data, mods[i].len);
		assert_string_equal((const char *)t + 16, mods[i].string);
	}
	assert_null(find_tag(mbi, MB2_TAG_MODULE, 2));
	t = find_tag(mbi, MB2_TAG_BASIC_MEMINFO, 0);
	assert_int_equal(get32(t + 8), 0x9fc00 / 1024);
	assert_int_equal(get32(t + 12), (RAM_TOP - KX_MIB) / 1024);
	t = find_tag(mbi, MB2_TAG_MMAP, 0);
	assert_int_equal(get32(t + 4), 16 + 5 * 24);
	assert_int_equal(get32(t + 8), 24);
	for (size_t i = 0; i < 5; i++) {
		const uint8_t *e = t + 16 + 24 * i;

		assert_int_equal(get64(e), f.firmware_map.v[i].start);
		assert_int_equal(get64(e + 8), f.firmware_map.v[i].end - f.firmware_map.v[i].start);
		assert_int_equal(get32(e + 16), (uint32_t)f.firmware_map.v[i].type);
	}
	t = find_tag(mbi, MB2_TAG_LOAD_BASE_ADDR, 0);
	assert_int_equal(get32(t + 8), k->mem);
	t = find_tag(mbi, MB2_TAG_ACPI_OLD, 0);
	assert_int_equal(get32(t + 4), 8 + 20);
	assert_memory_equal(t + 8, "RSD PTR ", 8);
	t = find_tag(mbi, MB2_TAG_ACPI_NEW, 0);
	assert_int_equal(get32(t + 4), 8 + 36);
	/* Not requested: no EFI tags (Xen's i386 entry stops on them). */
	assert_null(find_tag(mbi, MB2_TAG_EFI64, 0));
	assert_null(find_tag(mbi, MB2_TAG_EFI_MMAP, 0));
	assert_null(find_tag(mbi, MB2_TAG_EFI_BS, 0));
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(im.b);
}

/* The page-0 request (kx_place_req.firmware_low): the only way a segment
 * reaches memory the running kernel keeps out of its free RAM. */
struct low_row {
	const char *name;
	bool ram_from_zero;      /* page 0 is free RAM too (it is not on Linux) */
	uint64_t mem_min;
	uint64_t pref, memsz;
	bool fixed, firmware_low;
	bool occupy_page0;       /* a firmware_low segment already sits at 0 */
	int want;
};

static const struct low_row low_rows[] = {
	{ "page 0, reserved by the kernel", false, 0, 0, 0x1000, true, true, false, 0 },
	{ "page 0 without the flag is refused", false, 0, 0, 0x1000, true, false, false,
	  -EADDRNOTAVAIL },
	{ "up to exactly 1 MiB", false, 0, 0xff000, 0x1000, true, true, false, 0 },
	{ "across 1 MiB", false, 0, 0xff000, 0x2000, true, true, false, -EINVAL },
	{ "not fixed", false, 0, 0, 0x1000, false, true, false, -EINVAL },
	{ "unaligned", false, 0, 0x800, 0x1000, true, true, false, -EINVAL },
	{ "below --mem-min", false, 0x1000, 0, 0x1000, true, true, false, -EADDRNOTAVAIL },
	{ "over another segment", false, 0, 0, 0x1000, true, true, true, -EADDRNOTAVAIL },
	{ "page 0 that is free RAM", true, 0, 0, 0x1000, true, true, false, 0 },
};

static void test_firmware_low_request(void **state)
{
	static uint8_t page[0x2000];

	(void)state;
	for (size_t i = 0; i < sizeof(low_rows) / sizeof(low_rows[0]); i++) {
		const struct low_row *r = &low_rows[i];
		struct kx_place_req req = { .align = KX_PAGE_SIZE, .max = KX_MIB, .pref = r->pref,
					    .fixed = r->fixed, .firmware_low = r->firmware_low };
		struct kx_place_req any = { .align = KX_PAGE_SIZE, .pref = KX_NO_PREF };
		struct kx_memmap ram = { 0 };
		struct kx_plan p;
		int got, other;

		kx_memmap_add(&ram, r->ram_from_zero ? 0 : 0x1000, 0x9f000, KX_MEM_RAM);
		kx_memmap_add(&ram, 0x100000, RAM_TOP, KX_MEM_RAM);
		assert_int_equal(kx_plan_init(&p, &ram, r->mem_min, 0), 0);
		if (r->occupy_page0) {
			struct kx_place_req z = { .align = KX_PAGE_SIZE, .max = KX_MIB, .pref = 0,
						  .fixed = true, .firmware_low = true };

			assert_true(kx_plan_add_placed(&p, KX_ROLE_OTHER, page, 0x1000, 0x1000, &z,
						       NULL) >= 0);
		}
		got = kx_plan_add_placed(&p, KX_ROLE_OTHER, page, (size_t)r->memsz, r->memsz, &req,
					 NULL);
		if ((got >= 0) != (r->want == 0) || (got < 0 && got != r->want))
			fail_msg("row '%s': got %d, want %d (%s)", r->name, got, r->want,
				 kx_errmsg());
		if (got >= 0) {
			assert_int_equal(p.seg[got].mem, r->pref);
			assert_true(p.seg[got].verify);
			/* A later bottom-up request must not land on it. */
			other = kx_plan_add_placed(&p, KX_ROLE_MODULE, page, 0x1000, 0x1000, &any,
						   NULL);
			assert_true(other >= 0);
			assert_true(p.seg[other].mem >= r->pref + r->memsz ||
				    p.seg[other].mem + 0x1000 <= r->pref);
		}
		kx_plan_free(&p);
		kx_memmap_free(&ram);
	}
}

static uint8_t sum_bytes(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* UEFI with the RSDP unreadable (IO_STRICT_DEVMEM): the low pages get a
 * revision 2 RSDP at 0x800, an XSDT at 0x840 and copies of the tables it
 * lists, all with valid checksums, and the MB2 ACPI tags carry that RSDP. */
static void test_uefi_bda_made_rsdp(const struct img *im)
{
	static const struct { const char *sig; size_t len; } tabs[] = { { "FACP", 116 },
									 { "APIC", 0x80 },
									 { "SSDT", 4000 } };
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	const struct kx_segment *bda = NULL, *info;
	const uint8_t *r, *x, *t;
	uint8_t *all = calloc(1, 116 + 0x80 + 4000);
	size_t off = 0;
	uint64_t at_end = 0;

	fixture_facts(&f);
	for (size_t i = 0; i < 3; i++) {
		uint8_t *h = all + off;

		memcpy(h, tabs[i].sig, 4);
		put32(h + 4, (uint32_t)tabs[i].len);
		memcpy(h + 10, "BOCHS ", 6);
		for (size_t j = 36; j < tabs[i].len; j++)
			h[j] = (uint8_t)(j * 13 + i);
		h[9] = (uint8_t)(0u - sum_bytes(h, tabs[i].len));
		off += tabs[i].len;
	}
	f.acpi_tables = all;
	f.acpi_tables_len = off;
	f.efi.present = true;
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im->b, IMG_SIZE, &o, &f, &p), 0);
	for (size_t i = 0; i < p.n; i++)
		if (p.seg[i].mem == 0)
			bda = &p.seg[i];
	assert_non_null(bda);
	assert_true(bda->verify);
	assert_int_equal(bda->memsz, 2 * KX_PAGE_SIZE); /* the SSDT crosses into page 1 */
	r = bda->buf + 0x800;
	assert_int_equal(bda->buf[0x40e] | bda->buf[0x40f] << 8, 0x80);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_memory_equal(r + 9, "BOCHS ", 6);
	assert_int_equal(r[15], 2);
	assert_int_equal(get32(r + 20), 36);
	assert_int_equal(get64(r + 24), MB_UEFI_ROOT_ADDR);
	assert_int_equal(sum_bytes(r, 20), 0);
	assert_int_equal(sum_bytes(r, 36), 0);
	x = bda->buf + MB_UEFI_ROOT_ADDR;
	assert_memory_equal(x, "XSDT", 4);
	assert_int_equal(get32(x + 4), 36 + 3 * 8);
	assert_int_equal(sum_bytes(x, 36 + 3 * 8), 0);
	off = 0;
	for (size_t i = 0; i < 3; i++) {
		uint64_t at = get64(x + 36 + 8 * i);

		assert_int_equal(at % 16, 0);
		assert_true(at + tabs[i].len <= bda->memsz);
		assert_memory_equal(bda->buf + at, all + off, tabs[i].len);
		off += tabs[i].len;
		at_end = at + tabs[i].len;
	}
	assert_int_equal(at_end, 0x980 + 4000); /* XSDT 0x840+60, FACP 0x880+116, APIC 0x900+0x80 */
	info = seg_of(&p, KX_ROLE_BOOT_INFO);
	t = find_tag(info->buf, MB2_TAG_ACPI_NEW, 0);
	assert_non_null(t);
	assert_memory_equal(t + 8, r, 36);
	/* Regression: the memory map called those tables usable RAM. Exactly
	 * [RSDP, end of the SSDT copy) is ACPI reclaimable; the rest of the
	 * firmware's first RAM region stays RAM. */
	t = find_tag(info->buf, MB2_TAG_MMAP, 0);
	assert_non_null(t);
	assert_int_equal(get32(t + 4), 16 + (f.firmware_map.n + 2) * 24);
	for (size_t i = 0; i < 3; i++) {
		const uint64_t want[3][3] = { { 0, 0x800, KX_MEM_RAM },
					      { 0x800, at_end, KX_MEM_ACPI },
					      { at_end, 0x9fc00, KX_MEM_RAM } };
		const uint8_t *e = t + 16 + 24 * i;

		assert_int_equal(get64(e), want[i][0]);
		assert_int_equal(get64(e + 8), want[i][1] - want[i][0]);
		assert_int_equal(get32(e + 16), want[i][2]);
	}
	for (size_t i = 1; i < f.firmware_map.n; i++) {
		const uint8_t *e = t + 16 + 24 * (i + 2);

		assert_int_equal(get64(e), f.firmware_map.v[i].start);
		assert_int_equal(get32(e + 16), (uint32_t)f.firmware_map.v[i].type);
	}
	kx_plan_free(&p);
	kx_facts_free(&f);
}

/* On UEFI the plan carries page 0 with a stand-in BDA (base memory, an EBDA
 * at 0x800 holding the RSDP), verified like any segment; on BIOS it does not
 * touch page 0. */
static void test_uefi_bda(void **state)
{
	const uint32_t req[] = { MB2_TAG_BASIC_MEMINFO };
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;
	const struct kx_segment *bda = NULL;

	(void)state;
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, 0, req, 1);
	img_finish(&im, 0);
	test_uefi_bda_made_rsdp(&im);
	for (int uefi = 0; uefi < 2; uefi++) {
		fixture_facts(&f);
		memcpy(f.rsdp, "RSD PTR ", 8);
		f.rsdp[8] = (uint8_t)(0u - (uint8_t)('R' + 'S' + 'D' + ' ' + 'P' + 'T' + 'R' + ' '));
		f.rsdp_len = 20;
		f.efi.present = uefi;
		assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
		assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), 0);
		bda = NULL;
		for (size_t i = 0; i < p.n; i++)
			if (p.seg[i].mem == 0)
				bda = &p.seg[i];
		if (!uefi) {
			assert_null(bda);
		} else {
			assert_non_null(bda);
			assert_true(bda->verify);
			assert_int_equal(bda->memsz, KX_PAGE_SIZE);
			assert_int_equal(bda->buf[0x413] | bda->buf[0x414] << 8, 0x9fc00 / 1024);
			assert_int_equal(bda->buf[0x40e] | bda->buf[0x40f] << 8, 0x80);
			assert_memory_equal(bda->buf + 0x800, f.rsdp, 20);
		}
		kx_plan_free(&p);
		kx_facts_free(&f);
	}
	free(im.b);
}

/* The EFI64 tag carries efi_systab | efi_systab_hi << 32 of the running
 * kernel's boot_params (efi_info at 0x1c0: systab 0x1c4, systab_hi 0x1d8,
 * memmap_hi 0x1dc). Regression: the high half was read from efi_memmap_hi
 * (found by the mb_plan fuzz target). */
static void test_efi64_systab(void **state)
{
	const uint32_t req[] = { MB2_TAG_EFI64 };
	struct kx_efi_map_entry rt = { .type = 5, .phys_addr = 0x7f000000, .num_pages = 1 };
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;
	const uint8_t *t;
	uint8_t *bp;

	(void)state;
	fixture_facts(&f);
	f.efi.present = true;
	f.efi.map = malloc(sizeof(rt));
	memcpy(f.efi.map, &rt, sizeof(rt));
	f.efi.map_n = 1;
	bp = calloc(1, 4096);
	bp[0x1c4] = 0x18;
	bp[0x1c5] = 0xe0;
	bp[0x1d8] = 0x01;       /* efi_systab_hi: the table is at 0x1_0000_e018 */
	bp[0x1dc] = 0x02;       /* efi_memmap_hi: not part of it */
	f.arch.boot_params = bp;
	f.arch.boot_params_len = 4096;
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, MB2_HT_OPTIONAL, req, 1);
	img_finish(&im, 0);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), 0);
	t = find_tag(seg_of(&p, KX_ROLE_BOOT_INFO)->buf, MB2_TAG_EFI64, 0);
	assert_non_null(t);
	assert_int_equal(get32(t + 4), 16);
	assert_int_equal(get64(t + 8), 0x10000e018ull);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(im.b);
}

static void test_required_info_unavailable(void **state)
{
	const uint32_t req[] = { MB2_TAG_ACPI_NEW };
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	struct img im;

	(void)state;
	fixture_facts(&f); /* no RSDP known */
	img_init(&im, 0x80);
	add_tag(&im, MB2_HT_INFORMATION_REQUEST, 0, req, 1);
	img_finish(&im, 0);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot2.plan(im.b, IMG_SIZE, &o, &f, &p), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "tag 15"));
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(im.b);
}

static void test_probe_order_prefers_mb2(void **state)
{
	const struct kx_format *fmt = NULL;
	struct img im;

	(void)state;
	img_init(&im, 0x88);
	img_finish(&im, 0);
	/* A v1 header too, before the v2 one (as in xen.gz). */
	put32(im.b + 0x40, 0x1BADB002u);
	put32(im.b + 0x44, 0x3);
	put32(im.b + 0x48, (uint32_t)(0u - 0x1BADB002u - 3u));
	assert_int_equal(kx_format_detect(im.b, IMG_SIZE, NULL, &fmt), 0);
	assert_string_equal(fmt->name, "multiboot2");
	assert_int_equal(kx_format_detect(im.b, IMG_SIZE, "multiboot", &fmt), 0);
	assert_string_equal(fmt->name, "multiboot");
	free(im.b);
}

/* Xen (an image that parses no-real-mode and prints "Xen version") from a
 * UEFI boot gets no-real-mode unless the user gave it; nothing else does. */
static void test_xen_needs_no_real_mode(void **state)
{
	static const uint8_t xen[] = "....no-real-mode\0....Xen version %d.%d%s\0..";
	static const uint8_t other[] = "....no-real-mode\0....GRUB\0..";
	struct kx_facts f;
	const char *why = NULL, *add;

	memset(&f, 0, sizeof(f));
	f.efi.present = true;
	add = mb_xen_cmdline_needs(xen, sizeof(xen), &f, "console=com1", &why);
	assert_non_null(add);
	assert_string_equal(add, "no-real-mode");
	assert_non_null(strstr(why, "UEFI"));
	assert_null(mb_xen_cmdline_needs(xen, sizeof(xen), &f, "no-real-mode=0 x", &why));
	assert_null(mb_xen_cmdline_needs(other, sizeof(other), &f, "", &why));
	f.efi.present = false;
	assert_null(mb_xen_cmdline_needs(xen, sizeof(xen), &f, "", &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_needs_no_real_mode),
		cmocka_unit_test(test_find_header),
		cmocka_unit_test(test_tag_past_header),
		cmocka_unit_test(test_relocatable),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_required_info_unavailable),
		cmocka_unit_test(test_efi64_systab),
		cmocka_unit_test(test_firmware_low_request),
		cmocka_unit_test(test_uefi_bda),
		cmocka_unit_test(test_probe_order_prefers_mb2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
