/* SPDX-License-Identifier: MIT */
/* bzImage: setup header parsing on generated fixtures, and the complete plan
 * (placement, boot_params, purgatory digests) against fake system facts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/bootparams.h"
#include "bzfixture.h"
#include "core/err.h"
#include "core/format.h"
#include "lib/build.h"
#include "core/purgatory.h"
#include "arch/x86_64/bzimage.h"

enum mutation { M_NONE, M_NO_MAGIC, M_NO_BOOTFLAG, M_OLD_PROTO, M_NO_64, M_TRUNC_SETUP,
		M_TRUNC_PAYLOAD, M_SYSSIZE_ROUNDED, M_SYSSIZE_PARAGRAPH, M_BAD_ALIGN, M_SHORT, M_SECTS0 };

static const struct {
	const char *name;
	enum mutation m;
	int want;
} parse_cases[] = {
	{ "valid", M_NONE, 0 },
	{ "no HdrS", M_NO_MAGIC, -ENOEXEC },
	{ "no 0xaa55", M_NO_BOOTFLAG, -ENOEXEC },
	{ "protocol 2.11", M_OLD_PROTO, -EINVAL },
	{ "no 64-bit entry", M_NO_64, -EINVAL },
	{ "file ends inside setup", M_TRUNC_SETUP, -EINVAL },
	{ "payload shorter than syssize", M_TRUNC_PAYLOAD, -EINVAL },
	/* memtest86+ 6.10 x64: syssize rounded up 8 bytes past the file. */
	{ "syssize 8 bytes past the end", M_SYSSIZE_ROUNDED, 0 },
	{ "syssize 16 bytes past the end", M_SYSSIZE_PARAGRAPH, -EINVAL },
	{ "alignment not a power of two", M_BAD_ALIGN, -EINVAL },
	{ "100 bytes", M_SHORT, -ENOEXEC },
	{ "setup_sects 0 means 4", M_SECTS0, 0 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(parse_cases) / sizeof(parse_cases[0]); c++) {
		struct bzfix f = bzfix_default();
		struct bzimage_info bz;
		size_t len;
		uint8_t *img;

		print_message("case: %s\n", parse_cases[c].name);
		if (parse_cases[c].m == M_OLD_PROTO)
			f.version = 0x020b;
		if (parse_cases[c].m == M_NO_64)
			f.xloadflags = 0;
		if (parse_cases[c].m == M_BAD_ALIGN)
			f.kernel_alignment = 0x300000;
		if (parse_cases[c].m == M_SECTS0)
			f.setup_sects = 0;
		img = bzfix_make(&f, &len);
		if (parse_cases[c].m == M_NO_MAGIC)
			img[0x202] = 'X';
		if (parse_cases[c].m == M_NO_BOOTFLAG)
			img[0x1fe] = 0;
		if (parse_cases[c].m == M_TRUNC_SETUP)
			len = 0x300;
		if (parse_cases[c].m == M_TRUNC_PAYLOAD)
			len -= 4096;
		if (parse_cases[c].m == M_SYSSIZE_ROUNDED)
			len -= 8;
		if (parse_cases[c].m == M_SYSSIZE_PARAGRAPH)
			len -= 16;
		if (parse_cases[c].m == M_SHORT)
			len = 100;
		assert_int_equal(bzimage_parse_header(img, len, &bz), parse_cases[c].want);
		if (!parse_cases[c].want) {
			assert_int_equal(bz.setup_size, ((f.setup_sects ? f.setup_sects : 4) + 1) * 512);
			assert_int_equal(bz.kernel_len, len - bz.setup_size);
			assert_int_equal(bz.init_size, f.init_size);
			assert_int_equal(bz.cmdline_size, f.cmdline_size);
		} else {
			assert_true(strlen(kx_errmsg()) > 10);
		}
		free(img);
	}
}

/* A BIOS-like machine: low RAM, a hole, 2 GiB, ACPI, more RAM above 4 GiB. */
static void fake_facts(struct kx_facts *f, bool efi)
{
	static struct boot_params cur;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0, 0x9fc00, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x9fc00, 0xa0000, KX_MEM_RESERVED), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x100000, 0x7ffe0000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x7ffe0000, 0x80000000, KX_MEM_ACPI), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x100000000ull, 0x180000000ull, KX_MEM_RAM), 0);
	for (size_t i = 0; i < f->firmware_map.n; i++)
		if (f->firmware_map.v[i].type == KX_MEM_RAM)
			assert_int_equal(kx_memmap_add(&f->ram, f->firmware_map.v[i].start,
						       f->firmware_map.v[i].end, KX_MEM_RAM), 0);
	memset(&cur, 0, sizeof(cur));
	cur.hdr.hardware_subarch = 0;
	cur.screen_info[0] = 0x42;
	if (efi) {
		f->efi.present = true;
		f->efi.fw_vendor = 0x7f000000;
		f->efi.runtime = 0x7f001000;
		f->efi.config_table = 0x7f002000;
		f->efi.acpi20 = 0x7fbfa014;
		f->efi.map = calloc(2, sizeof(*f->efi.map));
		f->efi.map_n = 2;
		f->efi.map[0] = (struct kx_efi_map_entry){ 5, 0x7e000000, 0xfffffffeee000000ull, 16, 0x800000000000000full };
		f->efi.map[1] = (struct kx_efi_map_entry){ 6, 0x7e010000, 0xfffffffeee010000ull, 32, 0x800000000000000full };
		cur.efi_info.efi_loader_signature = BP_EFI64_LOADER_SIGNATURE;
		cur.efi_info.efi_systab = 0x7f003000;
		cur.efi_info.efi_memdesc_version = 1;
		cur.efi_info.efi_memmap_size = 48 * 40;
	}
	f->arch.boot_params = malloc(sizeof(cur));
	memcpy(f->arch.boot_params, &cur, sizeof(cur));
	f->arch.boot_params_len = sizeof(cur);
}

static const struct kx_segment *find_role(const struct kx_plan *p, enum kx_seg_role r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role == r)
			return &p->seg[i];
	return NULL;
}

static void check_plan_common(const struct kx_plan *p, const uint8_t *img, size_t len,
			      const uint8_t *initrd, size_t initrd_len, const char *cmdline)
{
	const struct kx_segment *k = find_role(p, KX_ROLE_KERNEL);
	const struct kx_segment *bp = find_role(p, KX_ROLE_BOOT_PARAMS);
	const struct kx_segment *pg = find_role(p, KX_ROLE_PURGATORY);
	const struct kx_segment *rd = find_role(p, KX_ROLE_INITRD);
	struct boot_params b;
	struct kx_purg_params pp;
	struct kx_purg_header ph;

	assert_non_null(k);
	assert_non_null(bp);
	assert_non_null(pg);
	/* kernel at pref_address, bufsz = the protected-mode part */
	assert_int_equal(k->mem, 0x1000000);
	assert_int_equal(k->bufsz, len - 1024);
	assert_ptr_equal(k->buf, img + 1024);
	assert_true(k->memsz >= 0x800000);
	/* nothing in the first MiB, no overlaps, all page aligned */
	for (size_t i = 0; i < p->n; i++) {
		assert_true(p->seg[i].mem >= 0x100000);
		assert_int_equal(p->seg[i].mem & 0xfff, 0);
		assert_int_equal(p->seg[i].memsz & 0xfff, 0);
		for (size_t j = i + 1; j < p->n; j++)
			assert_true(p->seg[i].mem + p->seg[i].memsz <= p->seg[j].mem ||
				    p->seg[j].mem + p->seg[j].memsz <= p->seg[i].mem);
	}
	memcpy(&b, bp->buf, sizeof(b));
	assert_int_equal(b.hdr.cmd_line_ptr, (uint32_t)(bp->mem + 4096));
	assert_string_equal((const char *)bp->buf + 4096, cmdline);
	assert_int_equal(b.hdr.type_of_loader, BP_LOADER_TYPE_KEXEC);
	assert_int_equal(b.e820_entries, 5);
	assert_int_equal(b.e820_table[2].addr, 0x100000);
	assert_int_equal(b.e820_table[2].type, 1);
	assert_int_equal(b.e820_table[3].type, 3);
	assert_int_equal(b.screen_info[0], 0x42);
	if (initrd) {
		assert_non_null(rd);
		assert_int_equal(b.hdr.ramdisk_image, rd->mem);
		assert_int_equal(b.hdr.ramdisk_size, initrd_len);
		assert_true(rd->mem + rd->memsz <= 0x80000000ull);
	} else {
		assert_null(rd);
		assert_int_equal(b.hdr.ramdisk_size, 0);
	}
	/* purgatory: entry, hand-off registers and one digest per other segment */
	memcpy(&ph, pg->buf, sizeof(ph));
	assert_int_equal(p->entry, pg->mem + ph.entry_offset);
	memcpy(&pp, pg->buf + ph.params_offset, sizeof(pp));
	assert_int_equal(pp.arch.entry_mode, KX_ENTRY_LINUX64);
	assert_int_equal(pp.arch.regs64.rip, k->mem + 0x200);
	assert_int_equal(pp.arch.regs64.rsi, bp->mem);
	assert_int_equal(pp.nr_regions, p->n - 1);
	for (size_t i = 0; i < pp.nr_regions; i++) {
		const struct kx_segment *s = &p->seg[i];
		uint8_t want[32];
		uint8_t *mem = calloc(1, s->memsz);

		memcpy(mem, s->buf, s->bufsz);
		kx_sha256(mem, s->memsz, want);
		free(mem);
		assert_int_equal(pp.regions[i].start, s->mem);
		assert_int_equal(pp.regions[i].len, s->memsz);
		assert_memory_equal(pp.regions[i].sha256, want, 32);
	}
}

static void test_plan_bios(void **state)
{
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = bzfix_make(&fx, &len);
	static const uint8_t initrd[5000] = { 1, 2, 3 };
	struct kx_load_opts o = { .cmdline = "console=ttyS0 kx.token=abc", .initrd = initrd,
				  .initrd_len = sizeof(initrd) };
	struct boot_params b;

	(void)state;
	fake_facts(&f, false);
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	check_plan_common(&p, img, len, initrd, sizeof(initrd), o.cmdline);
	memcpy(&b, find_role(&p, KX_ROLE_BOOT_PARAMS)->buf, sizeof(b));
	assert_int_equal(b.efi_info.efi_loader_signature, 0);
	assert_int_equal(b.hdr.setup_data, 0);
	kx_plan_free(&p);

	/* no initrd, empty command line */
	o = (struct kx_load_opts){ .cmdline = "" };
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	check_plan_common(&p, img, len, NULL, 0, "");
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

/* A plan built with deferred digests (what kexec -s and -c do) is, once
 * kx_plan_digest has run, the plan an eager build makes: the same segment
 * digests and the same purgatory parameter block, byte for byte. */
static void test_plan_deferred_digests(void **state)
{
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan eager, lazy;
	size_t len;
	uint8_t *img = bzfix_make(&fx, &len);
	static const uint8_t initrd[70000] = { 9, 8, 7 };
	static const uint8_t zero[32];
	struct kx_load_opts o = { .cmdline = "quiet", .initrd = initrd,
				  .initrd_len = sizeof(initrd) };

	(void)state;
	fake_facts(&f, false);
	assert_int_equal(kx_build_plan(img, len, &o, &f, &eager), 0);
	o.defer_digests = true;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &lazy), 0);
	assert_false(lazy.digested);
	assert_int_equal(lazy.purg_params->nr_regions, eager.purg_params->nr_regions);
	assert_memory_equal(lazy.purg_params->regions[0].sha256, zero, 32);
	kx_plan_digest(&lazy, NULL);
	assert_true(lazy.digested);
	check_plan_common(&lazy, img, len, initrd, sizeof(initrd), o.cmdline);
	assert_int_equal(lazy.n, eager.n);
	for (size_t i = 0; i < lazy.n; i++) {
		assert_int_equal(lazy.seg[i].mem, eager.seg[i].mem);
		assert_memory_equal(lazy.seg[i].sha256, eager.seg[i].sha256, 32);
	}
	assert_memory_equal(lazy.purg_params, eager.purg_params, sizeof(*lazy.purg_params));
	kx_plan_free(&lazy);
	kx_plan_free(&eager);
	kx_facts_free(&f);
	free(img);
}

static void test_plan_efi(void **state)
{
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = bzfix_make(&fx, &len);
	struct kx_load_opts o = { .cmdline = "x" };
	const struct kx_segment *bp;
	struct boot_params b;
	struct bp_setup_data sd;
	struct bp_efi_setup_data esd;
	struct bp_efi_memdesc d;
	uint64_t map;

	(void)state;
	fake_facts(&f, true);
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	check_plan_common(&p, img, len, NULL, 0, "x");
	bp = find_role(&p, KX_ROLE_BOOT_PARAMS);
	memcpy(&b, bp->buf, sizeof(b));
	assert_int_equal(b.efi_info.efi_loader_signature, BP_EFI64_LOADER_SIGNATURE);
	assert_int_equal(b.efi_info.efi_systab, 0x7f003000);
	assert_int_equal(b.efi_info.efi_memdesc_size, 40);
	assert_int_equal(b.efi_info.efi_memmap_size, 80);
	assert_int_equal(b.acpi_rsdp_addr, 0x7fbfa014);
	map = b.efi_info.efi_memmap | (uint64_t)b.efi_info.efi_memmap_hi << 32;
	assert_true(map >= bp->mem && map + 80 <= bp->mem + bp->bufsz);
	memcpy(&d, bp->buf + (map - bp->mem) + 40, sizeof(d));
	assert_int_equal(d.type, 6);
	assert_int_equal(d.virt_addr, 0xfffffffeee010000ull);
	assert_int_equal(d.num_pages, 32);
	/* SETUP_EFI linked from the header */
	assert_true(b.hdr.setup_data >= bp->mem && b.hdr.setup_data < bp->mem + bp->bufsz);
	memcpy(&sd, bp->buf + (b.hdr.setup_data - bp->mem), sizeof(sd));
	assert_int_equal(sd.type, BP_SETUP_EFI);
	assert_int_equal(sd.len, sizeof(esd));
	assert_int_equal(sd.next, 0);
	memcpy(&esd, bp->buf + (b.hdr.setup_data - bp->mem) + sizeof(sd), sizeof(esd));
	assert_int_equal(esd.fw_vendor, 0x7f000000);
	assert_int_equal(esd.tables, 0x7f002000);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

/* --noefi leaves out efi_info and SETUP_EFI; --dtb adds SETUP_DTB with the
 * DTB's bytes, first in the setup_data list (the last linked). */
static void test_plan_noefi_dtb(void **state)
{
	static const uint8_t dtb[48] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 48 };
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = bzfix_make(&fx, &len);
	struct kx_load_opts o = { .cmdline = "x" };
	const struct kx_segment *bp;
	struct boot_params b;
	struct bp_setup_data sd;

	(void)state;
	fake_facts(&f, true);
	for (int dtb_on = 0; dtb_on < 2; dtb_on++) {
		o.no_efi = true;
		o.dtb = dtb_on ? dtb : NULL;
		o.dtb_len = dtb_on ? sizeof(dtb) : 0;
		assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
		check_plan_common(&p, img, len, NULL, 0, "x");
		bp = find_role(&p, KX_ROLE_BOOT_PARAMS);
		memcpy(&b, bp->buf, sizeof(b));
		assert_int_equal(b.efi_info.efi_loader_signature, 0);
		assert_int_equal(b.efi_info.efi_systab, 0);
		assert_int_equal(b.efi_info.efi_memmap, 0);
		/* The RSDP is no EFI state: still passed, as kexec-tools does. */
		assert_int_equal(b.acpi_rsdp_addr, 0x7fbfa014);
		if (!dtb_on) {
			assert_int_equal(b.hdr.setup_data, 0);
		} else {
			assert_true(b.hdr.setup_data >= bp->mem &&
				    b.hdr.setup_data + sizeof(sd) + sizeof(dtb) <= bp->mem + bp->bufsz);
			memcpy(&sd, bp->buf + (b.hdr.setup_data - bp->mem), sizeof(sd));
			assert_int_equal(sd.type, BP_SETUP_DTB);
			assert_int_equal(sd.len, sizeof(dtb));
			assert_int_equal(sd.next, 0);
			assert_memory_equal(bp->buf + (b.hdr.setup_data - bp->mem) + sizeof(sd), dtb,
					    sizeof(dtb));
		}
		kx_plan_free(&p);
	}
	/* With EFI state: the DTB entry comes first and links to SETUP_EFI. */
	o.no_efi = false;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	bp = find_role(&p, KX_ROLE_BOOT_PARAMS);
	memcpy(&b, bp->buf, sizeof(b));
	assert_int_equal(b.efi_info.efi_loader_signature, BP_EFI64_LOADER_SIGNATURE);
	memcpy(&sd, bp->buf + (b.hdr.setup_data - bp->mem), sizeof(sd));
	assert_int_equal(sd.type, BP_SETUP_DTB);
	assert_true(sd.next >= bp->mem && sd.next < bp->mem + bp->bufsz);
	memcpy(&sd, bp->buf + (sd.next - bp->mem), sizeof(sd));
	assert_int_equal(sd.type, BP_SETUP_EFI);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

/* --pass-memmap-cmdline: kexec-tools' form of a capture kernel's e820. */
static void test_memmap_cmdline(void **state)
{
	static const struct {
		struct { uint64_t start, end; enum kx_mem_type type; } r[5];
		size_t n;
		const char *want;
	} rows[] = {
		{ { { 0x1000, 0x9f000, KX_MEM_RAM }, { 0x20000000, 0x30000000, KX_MEM_RAM } }, 2,
		  " memmap=exactmap memmap=632K@4K memmap=262144K@524288K" },
		/* RAM under 100 KiB left out; reserved left out; ACPI's end rounded up. */
		{ { { 0x1000, 0x19000, KX_MEM_RAM }, { 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		    { 0x7ffe0000, 0x7ffe0801, KX_MEM_ACPI }, { 0x7fff0000, 0x80000000, KX_MEM_NVS } },
		  4, " memmap=exactmap memmap=3K#2097024K memmap=64K#2097088K" },
		{ { { 0 } }, 0, " memmap=exactmap" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kx_memmap m = { 0 };
		char *got = NULL;

		for (size_t j = 0; j < rows[i].n; j++)
			assert_int_equal(kx_memmap_add(&m, rows[i].r[j].start, rows[i].r[j].end,
						       rows[i].r[j].type), 0);
		assert_int_equal(kx_bp_memmap_cmdline(&m, &got), 0);
		if (strcmp(got, rows[i].want))
			fail_msg("row %zu: '%s', want '%s'", i, got, rows[i].want);
		free(got);
		kx_memmap_free(&m);
	}
}

static void test_plan_errors(void **state)
{
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img;
	char longline[3000];
	struct kx_load_opts o = { .cmdline = "" };

	(void)state;
	fake_facts(&f, false);
	fx.cmdline_size = 100;
	img = bzfix_make(&fx, &len);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	o.cmdline = longline;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -E2BIG);
	assert_non_null(strstr(kx_errmsg(), "command line"));
	o.cmdline = "";
	/* --mem-min/--mem-max window too small for the kernel */
	o.mem_min = 0x100000;
	o.mem_max = 0x200000;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -ENOMEM);
	assert_non_null(strstr(kx_errmsg(), "--mem-min"));
	/* --mem-min honoured: everything above it */
	o.mem_min = 0x40000000;
	o.mem_max = 0;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.seg[i].mem >= 0x40000000);
	kx_plan_free(&p);
	/* text is not a kernel */
	o.mem_min = 0;
	assert_int_equal(kx_build_plan((const uint8_t *)"hello world\n", 12, &o, &f, &p), -ENOEXEC);
	assert_int_equal(kx_build_plan((const uint8_t *)"", 0, &o, &f, &p), -ENOEXEC);
	/* -t with an unknown type */
	o.type = "nbi-x86";
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -EINVAL);
	o.type = "bzImage64";
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	kx_plan_free(&p);
	/* -p without a crash region */
	o.type = NULL;
	o.panic = true;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -ENOMEM);
	assert_non_null(strstr(kx_errmsg(), "crashkernel="));
	/* -i: no digests */
	o.panic = false;
	o.no_checks = true;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	{
		const struct kx_segment *pg = find_role(&p, KX_ROLE_PURGATORY);
		struct kx_purg_header ph;
		struct kx_purg_params pp;

		memcpy(&ph, pg->buf, sizeof(ph));
		memcpy(&pp, pg->buf + ph.params_offset, sizeof(pp));
		assert_int_equal(pp.nr_regions, 0);
	}
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

/* A 4 GiB machine as QEMU's pc gives it: RAM to 3 GiB, the PCI hole, 1 GiB
 * above 4 GiB; `crash` holds the "Crash kernel" ranges (end 0 ends the list),
 * which /proc/iomem lists inside System RAM and kx_facts_read takes out of
 * f->ram. The crashed kernel's notes, as kx_crash_facts_read gives them. */
static void fake_facts_crash(struct kx_facts *f, const uint64_t crash[][2])
{
	static struct boot_params cur;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0, 0x9fc00, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x9fc00, 0xa0000, KX_MEM_RESERVED), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x100000, 0xbffe0000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0xbffe0000, 0xc0000000, KX_MEM_ACPI), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, KX_4G, 0x140000000ull, KX_MEM_RAM), 0);
	for (size_t i = 0; i < f->firmware_map.n; i++)
		if (f->firmware_map.v[i].type == KX_MEM_RAM)
			assert_int_equal(kx_memmap_add(&f->ram, f->firmware_map.v[i].start,
						       f->firmware_map.v[i].end, KX_MEM_RAM), 0);
	for (size_t i = 0; crash[i][1]; i++) {
		assert_int_equal(kx_memmap_add(&f->crash, crash[i][0], crash[i][1], KX_MEM_CRASH), 0);
		assert_int_equal(kx_memmap_remove(&f->ram, crash[i][0], crash[i][1]), 0);
	}
	kx_memmap_normalize(&f->crash);
	f->kdump = (struct kx_crash_facts){
		.present = true, .vmcoreinfo_addr = 0x2a5b000, .vmcoreinfo_size = 4096,
		.kernel_vaddr = 0xffffffff81000000ull, .kernel_paddr = 0x1000000,
		.kernel_size = 0x2000000, .page_offset = 0xffff888000000000ull,
	};
	f->kdump.notes = calloc(1, sizeof(*f->kdump.notes));
	f->kdump.notes[0] = (struct kx_crash_note){ .cpu = 0, .addr = 0x7c11c000, .size = 424 };
	f->kdump.notes_n = 1;
	memset(&cur, 0, sizeof(cur));
	f->arch.boot_params = malloc(sizeof(cur));
	memcpy(f->arch.boot_params, &cur, sizeof(cur));
	f->arch.boot_params_len = sizeof(cur);
}

#define CRASH_LOW_2G { 0x30000000, 0x40000000 }
/* crashkernel=384M in a 4 GiB QEMU guest (issue 7, item 11). */
#define CRASH_2G_4G { 0xa5000000, 0xbd000000 }
/* crashkernel=256M,high crashkernel=64M,low in the same guest. */
#define CRASH_HIGH { 0x11c000000ull, 0x12c000000ull }
#define CRASH_HIGH_LOW { 0xba000000, 0xbe000000 }

static const struct crash_case {
	const char *name;
	uint64_t crash[3][2];
	bool no_above_4g;        /* the kernel lacks XLF_CAN_BE_LOADED_ABOVE_4G */
	bool initrd;
	int want;                /* 0 or -errno */
	const char *msg;         /* in the message when want != 0 */
	uint64_t area[2];        /* every segment inside, when want == 0 */
	bool initrd_high;        /* the initrd above initrd_addr_max (0x7fffffff) */
} crash_cases[] = {
	{ "below 2 GiB", { CRASH_LOW_2G }, false, true, 0, NULL, CRASH_LOW_2G, false },
	{ "at 0xa5000000 (2-4 GiB)", { CRASH_2G_4G }, false, true, 0, NULL, CRASH_2G_4G, true },
	{ "above 4 GiB with a low part: everything in the high part",
	  { CRASH_HIGH_LOW, CRASH_HIGH }, false, true, 0, NULL, CRASH_HIGH, true },
	{ "above 4 GiB, no low part", { CRASH_HIGH }, false, true, 0, NULL, CRASH_HIGH, true },
	/* A kernel without XLF_CAN_BE_LOADED_ABOVE_4G. */
	{ "old kernel, 2-4 GiB, no initrd: below 4 GiB is enough", { CRASH_2G_4G }, true, false,
	  0, NULL, CRASH_2G_4G, false },
	{ "old kernel, 2-4 GiB, initrd above initrd_addr_max", { CRASH_2G_4G }, true, true,
	  -EADDRNOTAVAIL, "lies above what this kernel can reach: without XLF_CAN_BE_LOADED_ABOVE_4G its initrd must end below 0x80000000",
	  { 0 }, false },
	{ "old kernel, above 4 GiB", { CRASH_HIGH_LOW, CRASH_HIGH }, true, false,
	  -EADDRNOTAVAIL, "crash region (0x11c000000-0x12c000000) lies above what this kernel "
	  "can reach: without XLF_CAN_BE_LOADED_ABOVE_4G its kernel must end below 0x100000000",
	  { 0 }, false },
};

static uint64_t bp_u64(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

/* -p: every segment inside the part of the crash region the kernel loads
 * into, wherever it is, with boot_params pointing at the initrd and command
 * line through the ext_* fields when they lie above 4 GiB. */
static void test_plan_crash_positions(void **state)
{
	static const uint8_t initrd[300000] = { 5, 6, 7 };

	(void)state;
	for (size_t c = 0; c < sizeof(crash_cases) / sizeof(crash_cases[0]); c++) {
		const struct crash_case *t = &crash_cases[c];
		struct bzfix fx = bzfix_default();
		struct kx_load_opts o = { .cmdline = "console=ttyS0", .panic = true };
		const struct kx_segment *k, *bp, *rd, *hdr, *pg;
		struct kx_facts f;
		struct kx_plan p;
		struct boot_params b;
		char want_cmd[128];
		uint8_t *img;
		size_t len;
		int e820_ram = 0;

		print_message("case: %s\n", t->name);
		if (t->no_above_4g)
			fx.xloadflags = BP_XLF_KERNEL_64;
		img = bzfix_make(&fx, &len);
		if (t->initrd) {
			o.initrd = initrd;
			o.initrd_len = sizeof(initrd);
		}
		fake_facts_crash(&f, t->crash);
		assert_int_equal(kx_build_plan(img, len, &o, &f, &p), t->want);
		if (t->want) {
			print_message("  %s\n", kx_errmsg());
			assert_non_null(strstr(kx_errmsg(), t->msg));
			goto next;
		}
		for (size_t i = 0; i < p.n; i++)
			assert_true(p.seg[i].mem >= t->area[0] &&
				    p.seg[i].mem + p.seg[i].memsz <= t->area[1]);
		k = find_role(&p, KX_ROLE_KERNEL);
		bp = find_role(&p, KX_ROLE_BOOT_PARAMS);
		rd = find_role(&p, KX_ROLE_INITRD);
		hdr = find_role(&p, KX_ROLE_ELFCOREHDR);
		pg = find_role(&p, KX_ROLE_PURGATORY);
		assert_non_null(k);
		assert_non_null(bp);
		assert_non_null(hdr);
		assert_non_null(pg);
		/* Purgatory below 4 GiB whenever the region has room there. */
		assert_true((pg->mem < KX_4G) == (t->area[1] <= KX_4G));
		memcpy(&b, bp->buf, sizeof(b));
		assert_int_equal(p.handoff.regs64.rip, k->mem + BP_ENTRY64_OFFSET);
		assert_int_equal(p.handoff.regs64.rsi, bp->mem);
		assert_int_equal(bp_u64(b.hdr.cmd_line_ptr, b.ext_cmd_line_ptr), bp->mem + BP_SIZE);
		snprintf(want_cmd, sizeof(want_cmd), "console=ttyS0 elfcorehdr=%#llx",
			 (unsigned long long)hdr->mem);
		assert_string_equal((const char *)bp->buf + BP_SIZE, want_cmd);
		assert_int_equal(b.ext_cmd_line_ptr, (bp->mem + BP_SIZE) >> 32);
		if (t->initrd) {
			assert_non_null(rd);
			assert_int_equal(bp_u64(b.hdr.ramdisk_image, b.ext_ramdisk_image), rd->mem);
			assert_int_equal(b.ext_ramdisk_image, rd->mem >> 32);
			assert_int_equal(bp_u64(b.hdr.ramdisk_size, b.ext_ramdisk_size), sizeof(initrd));
			assert_int_equal(b.ext_ramdisk_size, 0);
			assert_true((rd->mem + rd->memsz > 0x80000000ull) == t->initrd_high);
		} else {
			assert_null(rd);
			assert_int_equal(b.hdr.ramdisk_image, 0);
			assert_int_equal(b.ext_ramdisk_image, 0);
		}
		/* The capture kernel's e820: low RAM and every crash range, the
		 * low part too, as RAM; the core header left out. */
		for (size_t i = 0; i < b.e820_entries; i++) {
			const struct bp_e820_entry *e = &b.e820_table[i];

			if (e->type != 1)
				continue;
			e820_ram++;
			assert_true(e->addr >= hdr->mem + hdr->memsz || e->addr + e->size <= hdr->mem);
		}
		/* [0, 0x9fc00), each crash range, and one more where the core
		 * header splits its range. */
		{
			size_t ranges = 0;

			while (t->crash[ranges][1])
				ranges++;
			assert_int_equal(e820_ram, 1 + ranges + (hdr->mem > t->area[0] ? 1 : 0));
		}
		kx_plan_free(&p);
next:
		kx_facts_free(&f);
		free(img);
	}
}

/* Purgatory console: from the running kernel's console= unless told otherwise. */
/* --pass-memmap-cmdline on a capture plan: the crash e820 in kexec-tools'
 * form between the user's command line and elfcorehdr= (the core header
 * left out of its range), and the same map in boot_params. */
static void test_plan_crash_memmap_cmdline(void **state)
{
	static const uint64_t crash[][2] = { CRASH_LOW_2G, { 0, 0 } };
	struct bzfix fx = bzfix_default();
	struct kx_load_opts o = { .cmdline = "console=ttyS0", .panic = true,
				  .pass_memmap_cmdline = true };
	const struct kx_segment *bp, *hdr;
	struct kx_facts f;
	struct kx_plan p;
	char want[512];
	uint64_t h0, h1;
	uint8_t *img;
	size_t len;

	(void)state;
	img = bzfix_make(&fx, &len);
	fake_facts_crash(&f, crash);
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	bp = find_role(&p, KX_ROLE_BOOT_PARAMS);
	hdr = find_role(&p, KX_ROLE_ELFCOREHDR);
	assert_non_null(bp);
	assert_non_null(hdr);
	/* RAM below 640 KiB, the crash region after the core header at its
	 * start (in KiB), the ACPI range at 0xbffe0000; the reserved one left out. */
	h0 = hdr->mem / 1024;
	h1 = (hdr->mem + hdr->memsz) / 1024;
	assert_int_equal(h0, 0x30000000 / 1024);
	snprintf(want, sizeof(want), "console=ttyS0 memmap=exactmap memmap=639K@0K "
		 "memmap=%lluK@%lluK memmap=128K#3145600K elfcorehdr=%#llx",
		 (unsigned long long)(0x40000000 / 1024 - h1), (unsigned long long)h1,
		 (unsigned long long)hdr->mem);
	assert_string_equal((const char *)bp->buf + BP_SIZE, want);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

static void test_purgatory_console(void **state)
{
	struct bzfix fx = bzfix_default();
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = bzfix_make(&fx, &len);
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_purg_header ph;
	struct kx_purg_params pp;
	const struct kx_segment *pg;

	(void)state;
	fake_facts(&f, false);
	f.console = (struct kx_console){ .serial = true, .port = 0x2f8, .baud = 9600 };
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	pg = find_role(&p, KX_ROLE_PURGATORY);
	memcpy(&ph, pg->buf, sizeof(ph));
	memcpy(&pp, pg->buf + ph.params_offset, sizeof(pp));
	assert_true(pp.flags & KX_PURG_F_SERIAL);
	assert_int_equal(pp.arch.serial_port, 0x2f8);
	assert_int_equal(pp.arch.serial_baud, 9600);
	kx_plan_free(&p);
	f.console.serial = false;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	pg = find_role(&p, KX_ROLE_PURGATORY);
	memcpy(&pp, pg->buf + ph.params_offset, sizeof(pp));
	assert_false(pp.flags & KX_PURG_F_SERIAL);
	kx_plan_free(&p);
	o.console_serial = true;
	o.reset_vga = true;
	o.console_vga = true;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	pg = find_role(&p, KX_ROLE_PURGATORY);
	memcpy(&pp, pg->buf + ph.params_offset, sizeof(pp));
	assert_int_equal(pp.flags & (KX_PURG_F_SERIAL | KX_PURG_F_VGA | KX_PURG_F_RESET_VGA),
			 KX_PURG_F_SERIAL | KX_PURG_F_VGA | KX_PURG_F_RESET_VGA);
	assert_int_equal(pp.arch.serial_port, 0x3f8);
	assert_int_equal(pp.arch.serial_baud, 115200);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_plan_bios),
		cmocka_unit_test(test_plan_deferred_digests),
		cmocka_unit_test(test_plan_efi),
		cmocka_unit_test(test_plan_noefi_dtb),
		cmocka_unit_test(test_memmap_cmdline),
		cmocka_unit_test(test_plan_crash_memmap_cmdline),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_crash_positions),
		cmocka_unit_test(test_purgatory_console),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
