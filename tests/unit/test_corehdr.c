/* SPDX-License-Identifier: MIT */
/*
 * The capture kernel's ELF core header (src/crash/corehdr.c), the crash
 * facts parsers and reader (src/sys/crash_read.c) and the capture kernel's
 * e820 (kx_bp_crash_e820). Headers are checked by an independent reader here,
 * field by field, the way fs/proc/vmcore.c reads them.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch/x86_64/bootparams.h"
#include "core/err.h"
#include "core/facts.h"
#include "crash/corehdr.h"
#include "sys/crash_read.h"
#include "sys/sysfacts.h"

#define MIB (1024ull * 1024)
#define GIB (1024ull * MIB)
#define PAGE_OFFSET 0xff1ab7ab80000000ull /* a KASLR'd direct map (LA57) */
#define TEXT_VADDR 0xffffffffa3000000ull
#define TEXT_PADDR 0x2e000000ull
#define TEXT_SIZE 0x2c00000ull
#define VMCI_ADDR 0x2fb4c000ull
#define VMCI_SIZE 0x1024ull
#define NOTE_SIZE 0x1a8ull

#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4

struct r {
	uint64_t start, end;
};

static uint64_t rd(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

struct ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static struct ph ph_at(const uint8_t *buf, size_t i)
{
	const uint8_t *p = buf + 64 + i * 56;

	return (struct ph){ .type = (uint32_t)rd(p, 4), .flags = (uint32_t)rd(p + 4, 4),
			    .offset = rd(p + 8, 8), .vaddr = rd(p + 16, 8), .paddr = rd(p + 24, 8),
			    .filesz = rd(p + 32, 8), .memsz = rd(p + 40, 8) };
}

static void facts_init(struct kx_crash_facts *k, size_t ncpus)
{
	memset(k, 0, sizeof(*k));
	k->present = true;
	k->notes = calloc(ncpus ? ncpus : 1, sizeof(*k->notes));
	assert_non_null(k->notes);
	for (size_t i = 0; i < ncpus; i++)
		k->notes[i] = (struct kx_crash_note){ .cpu = (uint32_t)i,
						      .addr = 0x7c000000ull + i * 0x1000,
						      .size = NOTE_SIZE };
	k->notes_n = ncpus;
	k->vmcoreinfo_addr = VMCI_ADDR;
	k->vmcoreinfo_size = VMCI_SIZE;
	k->kernel_vaddr = TEXT_VADDR;
	k->kernel_paddr = TEXT_PADDR;
	k->kernel_size = TEXT_SIZE;
	k->page_offset = PAGE_OFFSET;
}

static void map_of(struct kx_memmap *m, const struct r *v, size_t n, enum kx_mem_type t)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kx_memmap_add(m, v[i].start, v[i].end, t), 0);
}

/* ---- the header, table-driven ---- */

struct hdr_case {
	const char *name;
	struct r ram[4];
	size_t n_ram;
	struct r crash[2];
	size_t n_crash;
	size_t ncpus;
	struct r want[5]; /* the RAM PT_LOADs, in order */
	size_t n_want;
};

static const struct hdr_case hdr_cases[] = {
	{ "holes, crash in the middle splits a range",
	  { { 0x1000, 0x9f000 }, { MIB, 2 * GIB }, { 4 * GIB, 6 * GIB } }, 3,
	  { { 1536 * MIB, 1792 * MIB } }, 1, 2,
	  { { MIB, 1536 * MIB }, { 1792 * MIB, 2 * GIB }, { 4 * GIB, 6 * GIB } }, 3 },
	{ "crash at the start of a range",
	  { { 0, 0x9fc00 }, { MIB, 2 * GIB } }, 2,
	  { { MIB, 257 * MIB } }, 1, 1,
	  { { 257 * MIB, 2 * GIB } }, 1 },
	{ "crash at the end of a range",
	  { { MIB, 2 * GIB }, { 4 * GIB, 5 * GIB } }, 2,
	  { { 1792 * MIB, 2 * GIB } }, 1, 4,
	  { { MIB, 1792 * MIB }, { 4 * GIB, 5 * GIB } }, 2 },
	{ "high and low crash regions",
	  { { MIB, 3 * GIB }, { 4 * GIB, 8 * GIB } }, 2,
	  { { 6 * GIB, 7 * GIB }, { 256 * MIB, 512 * MIB } }, 2, 2,
	  { { MIB, 256 * MIB }, { 512 * MIB, 3 * GIB }, { 4 * GIB, 6 * GIB },
	    { 7 * GIB, 8 * GIB } }, 4 },
	{ "256 possible CPUs, a range straddling 1 MiB",
	  { { 0x80000, 2 * GIB } }, 1,
	  { { GIB, GIB + 256 * MIB } }, 1, 256,
	  { { MIB, GIB }, { GIB + 256 * MIB, 2 * GIB } }, 2 },
	{ "unsorted, touching RAM ranges merge",
	  { { GIB, 2 * GIB }, { MIB, GIB } }, 2,
	  { { 3 * GIB, 3 * GIB + MIB } }, 1, 1,
	  { { MIB, 2 * GIB } }, 1 },
};

static void check_case(const struct hdr_case *c)
{
	struct kx_crash_facts k;
	struct kx_memmap ram, crash;
	uint8_t *buf;
	size_t len, phnum, i;
	struct ph h;

	facts_init(&k, c->ncpus);
	map_of(&ram, c->ram, c->n_ram, KX_MEM_RAM);
	map_of(&crash, c->crash, c->n_crash, KX_MEM_CRASH);
	assert_int_equal(kx_corehdr_build(&k, &ram, &crash, KX_COREHDR_ELF64, &buf, &len), 0);
	phnum = c->ncpus + 2 + c->n_want;
	assert_int_equal(len, 64 + 56 * phnum);
	/* What vmcore.c checks (parse_crash_elf64_headers). */
	assert_memory_equal(buf, "\x7f" "ELF\x02\x01\x01", 7);
	assert_int_equal(rd(buf + 16, 2), 4);  /* ET_CORE */
	assert_int_equal(rd(buf + 18, 2), 62); /* EM_X86_64 */
	assert_int_equal(rd(buf + 20, 4), 1);
	assert_int_equal(rd(buf + 32, 8), 64);
	assert_int_equal(rd(buf + 52, 2), 64);
	assert_int_equal(rd(buf + 54, 2), 56);
	assert_int_equal(rd(buf + 56, 2), phnum);
	for (i = 0; i < c->ncpus; i++) {
		h = ph_at(buf, i);
		assert_int_equal(h.type, ELF_PT_NOTE);
		assert_int_equal(h.offset, k.notes[i].addr);
		assert_int_equal(h.paddr, k.notes[i].addr);
		assert_int_equal(h.memsz, NOTE_SIZE);
		assert_int_equal(h.filesz, NOTE_SIZE);
	}
	h = ph_at(buf, i++);
	assert_int_equal(h.type, ELF_PT_NOTE);
	assert_int_equal(h.offset, VMCI_ADDR);
	assert_int_equal(h.memsz, VMCI_SIZE);
	h = ph_at(buf, i++);
	assert_int_equal(h.type, ELF_PT_LOAD);
	assert_int_equal(h.vaddr, TEXT_VADDR);
	assert_int_equal(h.paddr, TEXT_PADDR);
	assert_int_equal(h.offset, TEXT_PADDR);
	assert_int_equal(h.filesz, TEXT_SIZE);
	assert_int_equal(h.flags, 7);
	for (size_t w = 0; w < c->n_want; w++, i++) {
		h = ph_at(buf, i);
		assert_int_equal(h.type, ELF_PT_LOAD);
		assert_int_equal(h.paddr, c->want[w].start);
		assert_int_equal(h.offset, c->want[w].start);
		assert_int_equal(h.vaddr, PAGE_OFFSET + c->want[w].start);
		assert_int_equal(h.filesz, c->want[w].end - c->want[w].start);
		assert_int_equal(h.memsz, h.filesz);
	}
	free(buf);
	free(k.notes);
	kx_memmap_free(&ram);
	kx_memmap_free(&crash);
}

/* --elf32-core-headers: the ELF32 layout when every value fits (an i386-like
 * kernel: direct map at 3 GiB, text below 4 GiB), and a refusal, not a
 * truncation, when one does not (x86-64's mappings, RAM above 4 GiB). */
static void test_elf32_header(void **state)
{
	static const struct {
		const char *name;
		uint64_t page_offset, text_vaddr;
		struct r ram;
		int err;
	} rows[] = {
		{ "fits", 0xc0000000ull, 0xc1000000ull, { MIB, 768 * MIB }, 0 },
		{ "x86-64 text mapping", 0xc0000000ull, TEXT_VADDR, { MIB, 768 * MIB }, -ERANGE },
		{ "x86-64 direct map", PAGE_OFFSET, 0xc1000000ull, { MIB, 768 * MIB }, -ERANGE },
		{ "RAM above 4 GiB", 0, 0xc1000000ull, { 4 * GIB, 5 * GIB }, -ERANGE },
		{ "RAM ending at 4 GiB, mapped past it", 0x1000ull, 0xc1000000ull,
		  { 3 * GIB, 4 * GIB }, -ERANGE },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kx_crash_facts k;
		struct kx_memmap ram, crash;
		struct r crash_r = { 512 * MIB, 640 * MIB };
		const uint8_t *ph;
		uint8_t *buf = NULL;
		size_t len = 0;
		int ret;

		print_message("elf32: %s\n", rows[i].name);
		facts_init(&k, 2);
		k.page_offset = rows[i].page_offset;
		k.kernel_vaddr = rows[i].text_vaddr;
		map_of(&ram, &rows[i].ram, 1, KX_MEM_RAM);
		map_of(&crash, &crash_r, 1, KX_MEM_CRASH);
		ret = kx_corehdr_build(&k, &ram, &crash, KX_COREHDR_ELF32, &buf, &len);
		assert_int_equal(ret, rows[i].err);
		if (ret) {
			assert_null(buf);
			assert_non_null(strstr(kx_errmsg(), "leave out --elf32-core-headers"));
		} else {
			/* 2 notes, VMCOREINFO, text, RAM below and above the crash region. */
			assert_int_equal(len, 52 + 32 * 6);
			assert_memory_equal(buf, "\x7f" "ELF\x01\x01\x01", 7);
			assert_int_equal(rd(buf + 16, 2), 4);   /* ET_CORE */
			assert_int_equal(rd(buf + 18, 2), 62);  /* EM_X86_64 */
			assert_int_equal(rd(buf + 28, 4), 52);  /* e_phoff */
			assert_int_equal(rd(buf + 40, 2), 52);  /* e_ehsize */
			assert_int_equal(rd(buf + 42, 2), 32);  /* e_phentsize */
			assert_int_equal(rd(buf + 44, 2), 6);   /* e_phnum */
			ph = buf + 52 + 3 * 32;                 /* the kernel text */
			assert_int_equal(rd(ph, 4), ELF_PT_LOAD);
			assert_int_equal(rd(ph + 4, 4), TEXT_PADDR);      /* p_offset */
			assert_int_equal(rd(ph + 8, 4), 0xc1000000ull);   /* p_vaddr */
			assert_int_equal(rd(ph + 12, 4), TEXT_PADDR);     /* p_paddr */
			assert_int_equal(rd(ph + 16, 4), TEXT_SIZE);      /* p_filesz */
			assert_int_equal(rd(ph + 24, 4), 7);              /* p_flags RWX */
			ph = buf + 52 + 5 * 32;                 /* RAM after the crash region */
			assert_int_equal(rd(ph + 4, 4), 640 * MIB);
			assert_int_equal(rd(ph + 8, 4), 0xc0000000ull + 640 * MIB);
			assert_int_equal(rd(ph + 20, 4), 128 * MIB);      /* p_memsz */
		}
		free(buf);
		free(k.notes);
		kx_memmap_free(&ram);
		kx_memmap_free(&crash);
	}
}

static void test_header_table(void **state)
{
	for (size_t i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		print_message("case: %s\n", hdr_cases[i].name);
		check_case(&hdr_cases[i]);
	}
}

enum bad_kind { NO_VMCI, NO_NOTES, NOT_READ, TEXT_WRAPS, NOTE_WRAPS, VMCI_WRAPS,
		PAGE_OFFSET_WRAPS, ALL_CRASH, TOO_MANY_CPUS };

static const struct {
	enum bad_kind kind;
	int err;
	const char *msg;
} bad_cases[] = {
	{ NO_VMCI, -ENOENT, "no VMCOREINFO note" },
	{ NO_NOTES, -ENOENT, "no CPU crash notes" },
	{ NOT_READ, -EINVAL, "not read" },
	{ TEXT_WRAPS, -EINVAL, "wraps" },
	{ NOTE_WRAPS, -EINVAL, "CPU 0: crash note" },
	/* Regression (panic_plan fuzz target): the VMCOREINFO note's PT_NOTE
	 * wrapped past 2^64 while the CPU notes' were refused. */
	{ VMCI_WRAPS, -EINVAL, "VMCOREINFO note of 0x1000 bytes" },
	{ PAGE_OFFSET_WRAPS, -ERANGE, "beyond the direct map" },
	{ ALL_CRASH, -EINVAL, "no System RAM outside the crash region" },
	{ TOO_MANY_CPUS, -E2BIG, "program headers" },
};

static void test_header_errors(void **state)
{
	static const struct r ram_v[] = { { MIB, 2 * GIB } }, crash_v[] = { { GIB, 2 * GIB } };

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct kx_crash_facts k;
		struct kx_memmap ram, crash;
		uint8_t *buf = (uint8_t *)1;
		size_t len = 1;

		print_message("bad case: %s\n", bad_cases[i].msg);
		facts_init(&k, bad_cases[i].kind == TOO_MANY_CPUS ? 70000 : 2);
		map_of(&ram, ram_v, 1, KX_MEM_RAM);
		map_of(&crash, crash_v, 1, KX_MEM_CRASH);
		switch (bad_cases[i].kind) {
		case NO_VMCI: k.vmcoreinfo_addr = 0; break;
		case NO_NOTES: k.notes_n = 0; break;
		case NOT_READ: k.present = false; break;
		case TEXT_WRAPS: k.kernel_size = UINT64_MAX; break;
		case NOTE_WRAPS: k.notes[0].addr = UINT64_MAX - 8; break;
		case VMCI_WRAPS:
			k.vmcoreinfo_addr = UINT64_MAX - 0x800;
			k.vmcoreinfo_size = 0x1000;
			break;
		case PAGE_OFFSET_WRAPS: k.page_offset = UINT64_MAX - MIB; break;
		case ALL_CRASH: crash.v[0].start = 0; break;
		case TOO_MANY_CPUS: break;
		}
		assert_int_equal(kx_corehdr_build(&k, &ram, &crash, KX_COREHDR_ELF64, &buf, &len),
				 bad_cases[i].err);
		assert_null(buf);
		assert_int_equal(len, 0);
		assert_non_null(strstr(kx_errmsg(), bad_cases[i].msg));
		free(k.notes);
		kx_memmap_free(&ram);
		kx_memmap_free(&crash);
	}
}

/* ---- parsers ---- */

static void test_cpulist(void **state)
{
	static const struct {
		const char *in;
		int ret;
		size_t n;
		uint32_t first, last;
	} rows[] = {
		{ "0-3,5\n", 0, 5, 0, 5 },
		{ "0\n", 0, 1, 0, 0 },
		{ "3,1-2", 0, 3, 1, 3 },
		{ "0-3,2-5\n", 0, 6, 0, 5 },
		{ "0-8191\n", 0, 8192, 0, 8191 },
		{ "", -EINVAL, 0, 0, 0 },
		{ "\n", -EINVAL, 0, 0, 0 },
		{ "a", -EINVAL, 0, 0, 0 },
		{ "3-1", -EINVAL, 0, 0, 0 },
		{ "1,,2", -EINVAL, 0, 0, 0 },
		{ "-1", -EINVAL, 0, 0, 0 },
		{ "1-", -EINVAL, 0, 0, 0 },
		{ "0-8192", -ERANGE, 0, 0, 0 },
		{ "99999999999", -EINVAL, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t *cpus = NULL;
		size_t n = 0;

		print_message("cpulist \"%s\"\n", rows[i].in);
		assert_int_equal(kx_cpulist_parse(rows[i].in, strlen(rows[i].in), &cpus, &n),
				 rows[i].ret);
		if (!rows[i].ret) {
			assert_int_equal(n, rows[i].n);
			assert_int_equal(cpus[0], rows[i].first);
			assert_int_equal(cpus[n - 1], rows[i].last);
			for (size_t k = 1; k < n; k++)
				assert_true(cpus[k] > cpus[k - 1]);
		} else {
			assert_null(cpus);
		}
		free(cpus);
	}
}

static void test_vmcoreinfo_and_hex(void **state)
{
	uint64_t a, s, v;

	/* As 6.1 prints it: "%pa %x\n". */
	assert_int_equal(kx_vmcoreinfo_sys_parse("0x0000000002b4c000 1024\n", 24, &a, &s), 0);
	assert_int_equal(a, 0x2b4c000);
	assert_int_equal(s, 0x1024);
	assert_int_equal(kx_vmcoreinfo_sys_parse("2b4c000 1024", 12, &a, &s), 0);
	assert_int_equal(a, 0x2b4c000);
	assert_int_equal(kx_vmcoreinfo_sys_parse("", 0, &a, &s), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_sys_parse("1024\n", 5, &a, &s), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_sys_parse("0x0 10\n", 7, &a, &s), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_sys_parse("zz 10\n", 6, &a, &s), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_sys_parse("ffffffffffffffff 10\n", 20, &a, &s), -EINVAL);

	assert_int_equal(kx_parse_hex_u64("7ffd8000\n", 9, &v), 0);
	assert_int_equal(v, 0x7ffd8000);
	assert_int_equal(kx_parse_hex_u64("ffffffffffffffff", 16, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(kx_parse_hex_u64("10000000000000000", 17, &v), -ERANGE);
	assert_int_equal(kx_parse_hex_u64("0x", 2, &v), -EINVAL);
	assert_int_equal(kx_parse_hex_u64("12 34", 5, &v), -EINVAL);
	assert_int_equal(kx_parse_hex_u64("", 0, &v), -EINVAL);
}

/* A /proc/kcore prefix as fs/proc/kcore.c writes it: PT_NOTE, then a PT_LOAD
 * per kcore_list entry (vsyscall, text, RAM, vmalloc, vmemmap...). */
struct kload {
	uint64_t vaddr, paddr, size;
};

static size_t make_kcore(uint8_t *buf, size_t cap, const struct kload *l, size_t n)
{
	size_t len = 64 + 56 * (n + 1);

	assert_true(len <= cap);
	memset(buf, 0, len);
	memcpy(buf, "\x7f" "ELF\x02\x01\x01", 7);
	buf[16] = 4;  /* ET_CORE */
	buf[18] = 62;
	buf[32] = 64; /* e_phoff */
	buf[54] = 56;
	buf[56] = (uint8_t)(n + 1);
	buf[64] = ELF_PT_NOTE;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = buf + 64 + 56 * (i + 1);

		p[0] = ELF_PT_LOAD;
		for (int b = 0; b < 8; b++) {
			p[16 + b] = (uint8_t)(l[i].vaddr >> (8 * b));
			p[24 + b] = (uint8_t)(l[i].paddr >> (8 * b));
			p[40 + b] = (uint8_t)(l[i].size >> (8 * b));
		}
	}
	return len;
}

static void test_kcore(void **state)
{
	const struct kload good[] = {
		{ 0xffffffffff600000ull, UINT64_MAX, 0x1000 },                   /* vsyscall */
		{ TEXT_VADDR, TEXT_PADDR, TEXT_SIZE },                            /* text */
		{ PAGE_OFFSET + 0x1000, 0x1000, 0x9e000 },                        /* RAM */
		{ PAGE_OFFSET + MIB, MIB, 2 * GIB },                              /* RAM */
		{ 0xffa0000000000000ull, UINT64_MAX, 0x100000000ull },            /* vmalloc */
		{ 0xffffffffc0000000ull, UINT64_MAX, 0x3f000000 },                /* modules */
	};
	struct kload bad[6];
	struct kx_kcore_maps m;
	uint8_t buf[1024];
	size_t len;

	len = make_kcore(buf, sizeof(buf), good, 6);
	assert_int_equal(kx_kcore_parse(buf, len, &m), 0);
	assert_int_equal(m.text_vaddr, TEXT_VADDR);
	assert_int_equal(m.text_paddr, TEXT_PADDR);
	assert_int_equal(m.text_size, TEXT_SIZE);
	assert_int_equal(m.page_offset, PAGE_OFFSET);
	/* Truncated anywhere inside the program headers. */
	assert_int_equal(kx_kcore_parse(buf, len - 1, &m), -EINVAL);
	assert_int_equal(kx_kcore_parse(buf, 63, &m), -EINVAL);
	/* RAM mappings that disagree. */
	memcpy(bad, good, sizeof(bad));
	bad[3].vaddr += 0x1000;
	len = make_kcore(buf, sizeof(buf), bad, 6);
	assert_int_equal(kx_kcore_parse(buf, len, &m), -EINVAL);
	/* No text, no RAM. */
	len = make_kcore(buf, sizeof(buf), good + 2, 2);
	assert_int_equal(kx_kcore_parse(buf, len, &m), -ENOENT);
	len = make_kcore(buf, sizeof(buf), good, 2);
	assert_int_equal(kx_kcore_parse(buf, len, &m), -ENOENT);
	/* Not a core file. */
	len = make_kcore(buf, sizeof(buf), good, 6);
	buf[16] = 2;
	assert_int_equal(kx_kcore_parse(buf, len, &m), -EINVAL);
}

/* ---- the capture kernel's e820 ---- */

static void test_crash_e820(void **state)
{
	static const struct kx_mem_region fw[] = {
		{ 0, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, MIB, KX_MEM_RESERVED },
		{ MIB, 0x7f76c000, KX_MEM_RAM },
		{ 0x7f76c000, 0x7f77e000, KX_MEM_ACPI },
		{ 0x7f77e000, 0x7f7fe000, KX_MEM_NVS },
		{ 0x7f7fe000, 0x80000000, KX_MEM_RAM },
		{ 0x100000000ull, 0x140000000ull, KX_MEM_PMEM },
	};
	static const struct kx_mem_region want[] = {
		{ 0, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, MIB, KX_MEM_RESERVED },
		{ 0x6e000000, 0x6e002000, KX_MEM_RAM },
		{ 0x6e003000, 0x7e000000, KX_MEM_RAM },
		{ 0x7f76c000, 0x7f77e000, KX_MEM_ACPI },
		{ 0x7f77e000, 0x7f7fe000, KX_MEM_NVS },
	};
	struct kx_facts f;
	struct kx_memmap out;

	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < sizeof(fw) / sizeof(fw[0]); i++)
		assert_int_equal(kx_memmap_add(&f.firmware_map, fw[i].start, fw[i].end, fw[i].type), 0);
	assert_int_equal(kx_memmap_add(&f.crash, 0x6e000000, 0x7e000000, KX_MEM_CRASH), 0);
	/* The core header in the middle of the region: RAM on both sides. */
	assert_int_equal(kx_bp_crash_e820(&f, 0x6e002000, 0x1000, &out), 0);
	assert_int_equal(out.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < out.n; i++) {
		assert_int_equal(out.v[i].start, want[i].start);
		assert_int_equal(out.v[i].end, want[i].end);
		assert_int_equal(out.v[i].type, want[i].type);
	}
	kx_memmap_free(&out);
	assert_int_equal(kx_bp_crash_e820(&f, UINT64_MAX - 10, 0x1000, &out), -ERANGE);
	kx_facts_free(&f);
}

/* ---- the reader, on a fake tree ---- */

static void put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	*strrchr(cmd, '/') = '\0';
	strcat(cmd, "'");
	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void test_reader(void **state)
{
	const struct kload loads[] = {
		{ TEXT_VADDR, TEXT_PADDR, TEXT_SIZE },
		{ PAGE_OFFSET + MIB, MIB, GIB },
	};
	char root[] = "/tmp/kx-crash-read-XXXXXX";
	uint8_t kcore[512];
	struct kx_facts f;
	size_t len;

	assert_non_null(mkdtemp(root));
	put(root, "sys/devices/system/cpu/possible", "0-3\n", 4);
	/* CPUs 2 and 3 are possible but not present: no sysfs directory. */
	put(root, "sys/devices/system/cpu/cpu0/crash_notes", "7c01c000\n", 9);
	put(root, "sys/devices/system/cpu/cpu0/crash_notes_size", "424\n", 4);
	put(root, "sys/devices/system/cpu/cpu1/crash_notes", "7c11c000\n", 9);
	put(root, "sys/devices/system/cpu/cpu1/crash_notes_size", "424\n", 4);
	put(root, "sys/kernel/vmcoreinfo", "0x000000002fb4c000 1024\n", 24);
	len = make_kcore(kcore, sizeof(kcore), loads, 2);
	put(root, "proc/kcore", kcore, len);

	memset(&f, 0, sizeof(f));
	assert_int_equal(kx_crash_facts_read(root, &f), 0);
	assert_true(f.kdump.present);
	assert_int_equal(f.kdump.notes_n, 2);
	assert_int_equal(f.kdump.notes[1].cpu, 1);
	assert_int_equal(f.kdump.notes[1].addr, 0x7c11c000);
	assert_int_equal(f.kdump.notes[1].size, 424);
	assert_int_equal(f.kdump.vmcoreinfo_addr, VMCI_ADDR);
	assert_int_equal(f.kdump.vmcoreinfo_size, VMCI_SIZE);
	assert_int_equal(f.kdump.kernel_vaddr, TEXT_VADDR);
	assert_int_equal(f.kdump.page_offset, PAGE_OFFSET);
	kx_facts_free(&f);

	/* A bad crash_notes value names the file. */
	put(root, "sys/devices/system/cpu/cpu1/crash_notes", "junk\n", 5);
	assert_int_equal(kx_crash_facts_read(root, &f), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "cpu1/crash_notes"));
	assert_false(f.kdump.present);
	assert_null(f.kdump.notes);
	put(root, "sys/devices/system/cpu/cpu1/crash_notes", "7c11c000\n", 9);
	/* No /proc/kcore (CONFIG_PROC_KCORE off): read, and noted, for the plan
	 * to leave the header to kexec_file_load (tests/golden crash-nokcore). */
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/proc/kcore", root);
		assert_int_equal(unlink(p), 0);
	}
	assert_int_equal(kx_crash_facts_read(root, &f), 0);
	assert_true(f.kdump.no_kcore);
	assert_int_equal(f.kdump.kernel_size, 0);
	kx_facts_free(&f);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_elf32_header),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_vmcoreinfo_and_hex),
		cmocka_unit_test(test_kcore),
		cmocka_unit_test(test_crash_e820),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
