/* SPDX-License-Identifier: MIT */
/* ELF format: generated ET_EXEC (64/32), PIE with relocations checked at the
 * placed address, a vmlinux recognised by its note, a gzip'd image, and one
 * row per malformation with the error a user sees. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/format.h"
#include "lib/build.h"
#include "elf_fixture.h"
#include "formats/elf.h"

#define RAM_END 0x7ffe0000ull

static void facts(struct kx_facts *f)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0, 0x9fc00, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x100000, RAM_END, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, RAM_END, 0x80000000, KX_MEM_ACPI), 0);
	assert_int_equal(kx_memmap_add(&f->ram, 0x1000, 0x9f000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->ram, 0x100000, RAM_END, KX_MEM_RAM), 0);
}

static const struct kx_segment *role(const struct kx_plan *p, enum kx_seg_role r, int nth)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role == r && !nth--)
			return &p->seg[i];
	return NULL;
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int plan(const struct fx_elf *e, const struct kx_load_opts *o, struct kx_plan *p)
{
	struct kx_facts f;
	uint8_t *img = fx_build(e);
	int ret;

	facts(&f);
	ret = kx_build_plan(img, e->size, o, &f, p);
	/* ET_EXEC segments point into the image: the plan takes it over (as it
	 * does a decompressed image) so kx_plan_free frees it. */
	kx_facts_free(&f);
	if (ret < 0)
		free(img);
	else
		p->image_owned = p->image_owned ? p->image_owned : img;
	return ret;
}

static void test_exec64(void **state)
{
	struct fx_elf e = fx_exec64();
	struct kx_load_opts o = { .cmdline = "hello elf" };
	struct kx_plan p;
	const struct kx_segment *k0, *k1, *c;

	assert_int_equal(plan(&e, &o, &p), 0);
	k0 = role(&p, KX_ROLE_KERNEL, 0);
	k1 = role(&p, KX_ROLE_KERNEL, 1);
	c = role(&p, KX_ROLE_CMDLINE, 0);
	assert_non_null(k0);
	assert_non_null(k1);
	assert_non_null(c);
	assert_string_equal(p.format, "elf");
	assert_int_equal(k0->mem, 0x1000000);
	assert_int_equal(k0->bufsz, 0x1000);
	assert_int_equal(k0->buf[0], 0x00);
	assert_int_equal(k0->buf[1], 0x01);
	assert_int_equal(k1->mem, 0x1010000);
	assert_int_equal(k1->bufsz, 0x800);
	assert_int_equal(k1->memsz, 0x3000);
	assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX64);
	assert_int_equal(p.handoff.regs64.rip, 0x1000000);
	assert_int_equal(p.handoff.regs64.rdi, c->mem);
	assert_string_equal((const char *)c->buf, "hello elf");
	assert_int_equal(p.handoff.regs64.rsi, 0);
	kx_plan_free(&p);
}

static void test_exec32_initrd(void **state)
{
	struct fx_elf e = fx_exec32();
	static const uint8_t rd[] = "initrd bytes";
	struct kx_load_opts o = { .cmdline = "", .initrd = rd, .initrd_len = sizeof(rd) };
	struct kx_plan p;
	const struct kx_segment *ird;

	assert_int_equal(plan(&e, &o, &p), 0);
	ird = role(&p, KX_ROLE_INITRD, 0);
	assert_non_null(ird);
	assert_null(role(&p, KX_ROLE_CMDLINE, 0));
	assert_int_equal(p.handoff.mode, KX_ENTRY_PM32);
	assert_int_equal(p.handoff.regs32.eip, 0x2000010);
	assert_int_equal(p.handoff.regs32.edi, 0);
	assert_int_equal(p.handoff.regs32.esi, ird->mem);
	assert_int_equal(p.handoff.regs32.edx, sizeof(rd));
	assert_true(ird->mem + ird->memsz <= KX_4G);
	kx_plan_free(&p);
}

static void check_pie(bool is64)
{
	struct fx_elf e = fx_pie(is64);
	struct kx_load_opts o = { .cmdline = "pie" };
	struct kx_plan p;
	const struct kx_segment *k;
	int w = is64 ? 8 : 4;

	assert_int_equal(plan(&e, &o, &p), 0);
	k = role(&p, KX_ROLE_KERNEL, 0);
	assert_non_null(k);
	assert_int_equal(k->mem % 0x200000, 0);
	assert_true(k->mem >= KX_MIB);
	assert_int_equal(k->memsz, 0x4000);
	/* The patched words hold run-time addresses. */
	assert_int_equal(get(k->buf + 0x1800, w), k->mem + 0x1000);
	assert_int_equal(get(k->buf + (is64 ? 0x1808 : 0x1804), w), k->mem + 0x2345);
	if (is64)
		assert_int_equal(p.handoff.regs64.rip, k->mem + 0x1000);
	else
		assert_int_equal(p.handoff.regs32.eip, k->mem + 0x1000);
	kx_plan_free(&p);
}

static void test_pie64(void **state)
{
	check_pie(true);
}

static void test_pie32_rel(void **state)
{
	check_pie(false);
}

static void test_vmlinux(void **state)
{
	struct fx_elf e = fx_exec64();
	static const uint8_t rd[] = "rd";
	struct kx_load_opts o = { .cmdline = "console=ttyS0", .initrd = rd, .initrd_len = 2 };
	struct kx_plan p;
	const struct kx_segment *bp, *ird;

	e.nph = 3;
	e.ph[2] = (struct fx_ph){ 4, 0x1100, 0, 0, 0x20, 0x20, 4 };
	e.note_name = "Linux";
	e.note_off = 0x1100;
	assert_int_equal(plan(&e, &o, &p), 0);
	assert_string_equal(p.format, "elf-linux");
	bp = role(&p, KX_ROLE_BOOT_PARAMS, 0);
	ird = role(&p, KX_ROLE_INITRD, 0);
	assert_non_null(bp);
	assert_non_null(ird);
	assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX64);
	assert_int_equal(p.handoff.regs64.rip, 0x1000000);
	assert_int_equal(p.handoff.regs64.rsi, bp->mem);
	/* "HdrS", version 2.15, ramdisk and command line in the zero page. */
	assert_int_equal(get(bp->buf + 0x202, 4), 0x53726448);
	assert_int_equal(get(bp->buf + 0x206, 2), 0x020f);
	assert_int_equal(get(bp->buf + 0x218, 4), ird->mem);
	assert_int_equal(get(bp->buf + 0x21c, 4), 2);
	assert_string_equal((const char *)bp->buf + (get(bp->buf + 0x228, 4) - bp->mem),
			    "console=ttyS0");
	kx_plan_free(&p);
	/* --args-elf forces the generic convention even for a vmlinux. */
	o.args = KX_ARGS_ELF;
	assert_int_equal(plan(&e, &o, &p), 0);
	assert_string_equal(p.format, "elf");
	assert_null(role(&p, KX_ROLE_BOOT_PARAMS, 0));
	kx_plan_free(&p);
	/* --args-none with an initrd is refused. */
	o.args = KX_ARGS_NONE;
	assert_int_equal(plan(&e, &o, &p), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "--args-none"));
}

/* -p: a crash region of 256 MiB at 512 MiB and what kexec reads of the
 * running kernel for the core header. */
#define CRASH_START 0x20000000ull
#define CRASH_END 0x30000000ull
#define MOVE_ALIGN 0x200000ull

static int plan_crash(const struct fx_elf *e, const struct kx_load_opts *o, struct kx_plan *p)
{
	struct kx_facts f;
	uint8_t *img = fx_build(e);
	int ret;

	facts(&f);
	assert_int_equal(kx_memmap_remove(&f.ram, CRASH_START, CRASH_END), 0);
	assert_int_equal(kx_memmap_add(&f.crash, CRASH_START, CRASH_END, KX_MEM_CRASH), 0);
	f.kdump.present = true;
	f.kdump.notes = calloc(1, sizeof(*f.kdump.notes));
	assert_non_null(f.kdump.notes);
	f.kdump.notes[0] = (struct kx_crash_note){ .cpu = 0, .addr = 0x7c000000, .size = 424 };
	f.kdump.notes_n = 1;
	f.kdump.vmcoreinfo_addr = 0x2b4c000;
	f.kdump.vmcoreinfo_size = 1024;
	f.kdump.kernel_vaddr = 0xffffffff81000000ull;
	f.kdump.kernel_paddr = 0x1000000;
	f.kdump.kernel_size = 0x2000000;
	f.kdump.page_offset = 0xffff888000000000ull;
	ret = kx_build_plan(img, e->size, o, &f, p);
	kx_facts_free(&f);
	if (ret < 0)
		free(img);
	else
		p->image_owned = p->image_owned ? p->image_owned : img;
	return ret;
}

/* fx_exec64 with a "Linux" note: a vmlinux at 16 MiB. */
static struct fx_elf fx_vmlinux64(void)
{
	struct fx_elf e = fx_exec64();

	e.nph = 3;
	e.ph[2] = (struct fx_ph){ 4, 0x1100, 0, 0, 0x20, 0x20, 4 };
	e.note_name = "Linux";
	e.note_off = 0x1100;
	return e;
}

/* The capture kernel's e820 (zero page 0x1e8, 0x2d0): RAM only below 1 MiB
 * and in the crash region, never over the core header; returns the RAM
 * bytes it gives inside the crash region. */
static uint64_t check_crash_e820(const uint8_t *bp, uint64_t hdr, uint64_t hdr_size)
{
	uint64_t in_crash = 0;

	for (unsigned i = 0; i < bp[0x1e8]; i++) {
		const uint8_t *en = bp + 0x2d0 + 20 * i;
		uint64_t a = get(en, 8), end = a + get(en + 8, 8);

		if (get(en + 16, 4) != 1)
			continue;
		if (end <= KX_MIB)
			continue;
		if (a < CRASH_START || end > CRASH_END)
			fail_msg("e820 RAM 0x%llx-0x%llx outside the crash region",
				 (unsigned long long)a, (unsigned long long)end);
		if (a < hdr + hdr_size && hdr < end)
			fail_msg("e820 RAM 0x%llx-0x%llx covers the core header",
				 (unsigned long long)a, (unsigned long long)end);
		in_crash += end - a;
	}
	return in_crash;
}

/* -p with a vmlinux: moved into the crash region as one block (2 MiB
 * aligned, layout kept, gaps zeroed), entry moved by the same delta, and the
 * capture kernel told elfcorehdr= and the crash e820 (security review D3:
 * it used to get neither). */
static void test_vmlinux_capture(void **state)
{
	struct fx_elf e = fx_vmlinux64();
	static const uint8_t rd[] = "rd";
	struct kx_load_opts o = { .cmdline = "console=ttyS0", .initrd = rd, .initrd_len = 2,
				  .panic = true };
	const struct kx_segment *k, *bp, *hdr;
	char want[64];
	struct kx_plan p;

	assert_int_equal(plan_crash(&e, &o, &p), 0);
	assert_string_equal(p.format, "elf-linux");
	k = role(&p, KX_ROLE_KERNEL, 0);
	bp = role(&p, KX_ROLE_BOOT_PARAMS, 0);
	hdr = role(&p, KX_ROLE_ELFCOREHDR, 0);
	assert_non_null(k);
	assert_non_null(bp);
	assert_non_null(hdr);
	assert_null(role(&p, KX_ROLE_KERNEL, 1));
	for (size_t i = 0; i < p.n; i++)
		if (p.seg[i].mem < CRASH_START || p.seg[i].mem + p.seg[i].memsz > CRASH_END)
			fail_msg("segment %zu at 0x%llx outside the crash region", i,
				 (unsigned long long)p.seg[i].mem);
	assert_int_equal(k->mem % MOVE_ALIGN, 0);
	/* 0x1000000-0x1013000 as one block: text, zeroed gap, data, bss. */
	assert_int_equal(k->memsz, 0x13000);
	assert_int_equal(k->bufsz, 0x10800);
	assert_int_equal(k->buf[1], 0x01);
	assert_int_equal(k->buf[0x1000], 0);
	assert_int_equal(k->buf[0xffff], 0);
	assert_int_equal(k->buf[0x10001], 0x01);
	assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX64);
	assert_int_equal(p.handoff.regs64.rip - 0x1000000, k->mem - 0x1000000);
	assert_int_equal(p.handoff.regs64.rip, k->mem);
	assert_int_equal(p.handoff.regs64.rsi, bp->mem);
	/* The setup header names the kernel where it now is. */
	assert_int_equal(get(bp->buf + 0x258, 8), k->mem);
	snprintf(want, sizeof(want), "console=ttyS0 elfcorehdr=%#llx", (unsigned long long)hdr->mem);
	assert_int_equal(p.capture.elfcorehdr, hdr->mem);
	assert_string_equal((const char *)bp->buf + (get(bp->buf + 0x228, 4) - bp->mem), want);
	assert_true(check_crash_e820(bp->buf, hdr->mem, hdr->memsz) >= 0x0fff0000 - 0x1000);
	kx_plan_free(&p);
}

/* -p with an ELF image that cannot be a capture kernel, one row each. */
static void m_cap_args_elf(struct fx_elf *e, struct kx_load_opts *o) { o->args = KX_ARGS_ELF; }
static void m_cap_args_none(struct fx_elf *e, struct kx_load_opts *o) { o->args = KX_ARGS_NONE; }
static void m_cap_not_linux(struct fx_elf *e, struct kx_load_opts *o) { e->note_name = "GNU"; }
static void m_cap_unaligned(struct fx_elf *e, struct kx_load_opts *o)
{
	e->ph[0].paddr += 0x1000;
	e->ph[1].paddr += 0x1000;
	e->entry += 0x1000;
}
static void m_cap_cmdline(struct fx_elf *e, struct kx_load_opts *o)
{
	static char longline[2048];

	memset(longline, 'x', 2040);
	o->cmdline = longline;
}
static void m_cap_elf32_outside(struct fx_elf *e, struct kx_load_opts *o)
{
	*e = fx_exec32();
	e->nph = 2;
	e->ph[1] = (struct fx_ph){ 4, 0x1100, 0, 0, 0x20, 0x20, 4 };
	e->note_name = "Linux";
	e->note_off = 0x1100;
}
static void m_cap_small_region(struct fx_elf *e, struct kx_load_opts *o)
{
	e->ph[1].memsz = 0x10000000;
}

static const struct {
	const char *name;
	void (*mutate)(struct fx_elf *e, struct kx_load_opts *o);
	int err;
	const char *msg;
} capture_refusals[] = {
	{ "--args-elf", m_cap_args_elf, EINVAL, "(--args-elf) cannot be a capture kernel (-p)" },
	{ "--args-none", m_cap_args_none, EINVAL, "(--args-none) cannot be a capture kernel (-p)" },
	{ "not Linux", m_cap_not_linux, EINVAL, "load a Linux kernel (a vmlinux or bzImage) with -p" },
	{ "not 2 MiB aligned", m_cap_unaligned, EINVAL, "0x1001000, not on a 0x200000 boundary" },
	{ "cmdline + elfcorehdr", m_cap_cmdline, E2BIG, "bytes with elfcorehdr=, Linux takes at most" },
	{ "ELF32 at its link address", m_cap_elf32_outside, EADDRNOTAVAIL, "runs only at its link address" },
	{ "larger than the region", m_cap_small_region, ENOMEM, "moved by a multiple of 0x200000" },
};

static void test_capture_refusals(void **state)
{
	for (size_t i = 0; i < sizeof(capture_refusals) / sizeof(capture_refusals[0]); i++) {
		struct fx_elf e = fx_vmlinux64();
		struct kx_load_opts o = { .cmdline = "", .panic = true };
		struct kx_plan p;
		int ret;

		capture_refusals[i].mutate(&e, &o);
		ret = plan_crash(&e, &o, &p);
		if (ret == 0)
			kx_plan_free(&p);
		if (ret != -capture_refusals[i].err || !strstr(kx_errmsg(), capture_refusals[i].msg))
			fail_msg("row '%s': got %d '%s', want %d '%s'", capture_refusals[i].name, ret,
				 ret ? kx_errmsg() : "", -capture_refusals[i].err,
				 capture_refusals[i].msg);
	}
}

/* An ELF32 vmlinux cannot move (a 32-bit kernel needs its relocations), but
 * one linked inside the crash region loads there as it is. */
static void test_elf32_capture_in_place(void **state)
{
	struct fx_elf e;
	struct kx_load_opts o = { .cmdline = "1", .panic = true };
	const struct kx_segment *k, *bp, *hdr;
	char want[48];
	struct kx_plan p;

	m_cap_elf32_outside(&e, &o);
	e.ph[0].paddr = e.ph[0].vaddr = 0x21000000;
	e.entry = 0x21000010;
	assert_int_equal(plan_crash(&e, &o, &p), 0);
	k = role(&p, KX_ROLE_KERNEL, 0);
	bp = role(&p, KX_ROLE_BOOT_PARAMS, 0);
	hdr = role(&p, KX_ROLE_ELFCOREHDR, 0);
	assert_non_null(k);
	assert_non_null(bp);
	assert_non_null(hdr);
	assert_int_equal(k->mem, 0x21000000);
	assert_int_equal(p.handoff.mode, KX_ENTRY_PM32);
	assert_int_equal(p.handoff.regs32.eip, 0x21000010);
	snprintf(want, sizeof(want), "1 elfcorehdr=%#llx", (unsigned long long)hdr->mem);
	assert_string_equal((const char *)bp->buf + (get(bp->buf + 0x228, 4) - bp->mem), want);
	check_crash_e820(bp->buf, hdr->mem, hdr->memsz);
	kx_plan_free(&p);
}

static void test_gzip_image(void **state)
{
	struct fx_elf e = fx_exec64();
	uint8_t *img = fx_build(&e), *gz = malloc(e.size + 1024);
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f;
	struct kx_plan p;
	z_stream zs = { 0 };

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = img;
	zs.avail_in = (uInt)e.size;
	zs.next_out = gz;
	zs.avail_out = (uInt)e.size + 1024;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	facts(&f);
	assert_int_equal(kx_build_plan(gz, zs.total_out, &o, &f, &p), 0);
	assert_string_equal(p.compression, "gzip");
	assert_string_equal(p.format, "elf");
	assert_int_equal(role(&p, KX_ROLE_KERNEL, 0)->buf[1], 0x01);
	kx_plan_free(&p);
	/* A truncated gzip file says so. */
	assert_int_equal(kx_build_plan(gz, zs.total_out / 2, &o, &f, &p), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "truncated"));
	/* The plan owns the decompressed bytes: the file's copies can go. */
	assert_int_equal(kx_build_plan(gz, zs.total_out, &o, &f, &p), 0);
	memset(gz, 0, e.size);
	assert_int_equal(role(&p, KX_ROLE_KERNEL, 1)->buf[0], 0x00);
	assert_int_equal(role(&p, KX_ROLE_KERNEL, 1)->buf[1], 0x01);
	kx_plan_free(&p);
	deflateEnd(&zs);
	kx_facts_free(&f);
	free(img);
	free(gz);
}

struct bad_row {
	const char *name;
	void (*mutate)(struct fx_elf *e, bool *pie);
	int err;
	const char *msg;
};

static void m_class(struct fx_elf *e, bool *pie) { e->size = 0x3000; }
static void m_rel(struct fx_elf *e, bool *pie) { e->type = 1; }
static void m_core(struct fx_elf *e, bool *pie) { e->type = 4; }
static void m_arm(struct fx_elf *e, bool *pie) { e->machine = 183; }
static void m_nph0(struct fx_elf *e, bool *pie) { e->nph = 0; }
static void m_offset(struct fx_elf *e, bool *pie) { e->ph[1].offset = 0x2900; }
static void m_filesz(struct fx_elf *e, bool *pie) { e->ph[1].filesz = 0x4000; e->ph[1].memsz = 0x5000; }
static void m_memsz(struct fx_elf *e, bool *pie) { e->ph[1].memsz = 0x100; }
static void m_overlap(struct fx_elf *e, bool *pie) { e->ph[1].paddr = 0x1000800; }
static void m_entry(struct fx_elf *e, bool *pie) { e->entry = 0x5000000; }
static void m_norm(struct fx_elf *e, bool *pie) { e->ph[0].paddr = 0xfee00000; }
static void m_align(struct fx_elf *e, bool *pie) { e->ph[0].align = 0x3000; }
static void m_interp(struct fx_elf *e, bool *pie) { e->ph[1].type = 3; }
static void m_wrap(struct fx_elf *e, bool *pie) { e->ph[1].paddr = UINT64_MAX - 0x1000; }
static void m_reltype(struct fx_elf *e, bool *pie) { *pie = true; }
static void m_reloff(struct fx_elf *e, bool *pie) { *pie = true; }
static void m_nodata(struct fx_elf *e, bool *pie) { e->ph[0].memsz = 0; e->ph[0].filesz = 0; e->ph[1].type = 6; }

static const struct bad_row bad_rows[] = {
	{ "ET_REL", m_rel, EINVAL, "relocatable object" },
	{ "ET_CORE", m_core, EINVAL, "core dump" },
	{ "aarch64", m_arm, EINVAL, "not x86" },
	{ "no phdrs", m_nph0, EINVAL, "no program headers" },
	{ "p_offset past EOF", m_offset, EINVAL, "outside the file" },
	{ "p_filesz past EOF", m_filesz, EINVAL, "outside the file" },
	{ "p_filesz > p_memsz", m_memsz, EINVAL, "p_filesz 0x800 > p_memsz 0x100" },
	{ "segments overlap", m_overlap, EINVAL, "overlap" },
	{ "entry outside", m_entry, EINVAL, "entry point 0x5000000" },
	{ "not RAM", m_norm, EADDRNOTAVAIL, "PT_LOAD segment 0 (0xfee00000" },
	{ "p_align", m_align, EINVAL, "not a power of two" },
	{ "PT_INTERP", m_interp, EINVAL, "PT_INTERP" },
	{ "address wraps", m_wrap, EINVAL, "overflows" },
	{ "nothing to load", m_nodata, EINVAL, "no PT_LOAD" },
	{ "file size", m_class, 0, NULL },
	{ "reloc type", m_reltype, EINVAL, "relocation 1 has type 1" },
	{ "reloc offset", m_reloff, EINVAL, "outside the image" },
};

static void test_bad_table(void **state)
{
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];
		struct fx_elf e = fx_exec64();
		struct kx_load_opts o = { .cmdline = "" };
		struct kx_plan p;
		bool pie = false;
		int ret;

		r->mutate(&e, &pie);
		if (pie) {
			e = fx_pie(true);
			if (r->mutate == m_reltype)
				e.rel[1].type = 1;
			else
				e.rel[0].offset = 0x9000;
		}
		ret = plan(&e, &o, &p);
		if (!r->err) {
			assert_int_equal(ret, 0);
			kx_plan_free(&p);
			continue;
		}
		if (ret != -r->err || !strstr(kx_errmsg(), r->msg))
			fail_msg("row '%s': got %d '%s', want %d '%s'", r->name, ret, kx_errmsg(),
				 -r->err, r->msg);
	}
}

/* Byte-level damage the fixture builder cannot express. */
static void test_bad_bytes(void **state)
{
	struct fx_elf e = fx_exec64();
	uint8_t *img = fx_build(&e);
	struct kx_elf_info *info = malloc(sizeof(*info));

	assert_int_equal(kx_elf_parse(img, e.size, info), 0);
	assert_int_equal(kx_elf_parse(img, 3, info), -ENOEXEC);
	assert_int_equal(kx_elf_parse(img, 40, info), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "too short"));
	img[4] = 3;
	assert_int_equal(kx_elf_parse(img, e.size, info), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "class"));
	img[4] = 2;
	img[5] = 2;
	assert_int_equal(kx_elf_parse(img, e.size, info), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "big-endian"));
	img[5] = 1;
	img[54] = 40; /* e_phentsize */
	assert_int_equal(kx_elf_parse(img, e.size, info), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "e_phentsize"));
	img[54] = 56;
	img[32] = 0xf0; /* e_phoff past the end */
	img[33] = 0xff;
	assert_int_equal(kx_elf_parse(img, e.size, info), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "program header table"));
	img[33] = 0;
	img[32] = 64;
	/* -t elf-x86_64 (kexec-tools' name) resolves to this format. */
	assert_ptr_equal(kx_format_by_name("elf-x86_64"), &kx_format_elf);
	assert_ptr_equal(kx_format_by_name("elf-x86"), &kx_format_elf);
	free(info);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec64),
		cmocka_unit_test(test_exec32_initrd),
		cmocka_unit_test(test_pie64),
		cmocka_unit_test(test_pie32_rel),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_vmlinux_capture),
		cmocka_unit_test(test_capture_refusals),
		cmocka_unit_test(test_elf32_capture_in_place),
		cmocka_unit_test(test_gzip_image),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_bad_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
