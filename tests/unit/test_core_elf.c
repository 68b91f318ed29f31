/* SPDX-License-Identifier: MIT */
/* core/elf: the one ELF reader. Headers are built byte by byte here (not
 * with <elf.h>), so a wrong offset in the reader shows as a wrong field. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bytes.h"
#include "core/elf.h"
#include "core/err.h"

#define BUF_SIZE 512

/* A header as the rows describe it; the builder writes it at the class's
 * offsets, then one program header per entry at e_phoff. */
struct hdr {
	uint8_t cls, data, version;
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

static void put_word(uint8_t *p, uint64_t v, bool is64)
{
	if (is64)
		kx_put64(p, v);
	else
		kx_put32(p, (uint32_t)v);
}

/* Program header i: type LOAD, then recognisable values per field. */
static void put_phdr(uint8_t *q, bool is64, size_t i)
{
	uint64_t base = 0x1000 * (i + 1);

	kx_put32(q, KX_PT_LOAD);
	if (is64) {
		kx_put32(q + 4, KX_PF_R | KX_PF_X);
		kx_put64(q + 8, base + 1);  /* p_offset */
		kx_put64(q + 16, base + 2); /* p_vaddr */
		kx_put64(q + 24, base + 3); /* p_paddr */
		kx_put64(q + 32, base + 4); /* p_filesz */
		kx_put64(q + 40, base + 5); /* p_memsz */
		kx_put64(q + 48, 0x1000);   /* p_align */
	} else {
		kx_put32(q + 4, (uint32_t)base + 1);
		kx_put32(q + 8, (uint32_t)base + 2);
		kx_put32(q + 12, (uint32_t)base + 3);
		kx_put32(q + 16, (uint32_t)base + 4);
		kx_put32(q + 20, (uint32_t)base + 5);
		kx_put32(q + 24, KX_PF_R | KX_PF_X);
		kx_put32(q + 28, 0x1000);
	}
}

static void build(uint8_t *b, const struct hdr *h)
{
	bool is64 = h->cls == KX_ELFCLASS64;

	memset(b, 0, BUF_SIZE);
	memcpy(b, KX_ELFMAG, KX_SELFMAG);
	b[KX_EI_CLASS] = h->cls;
	b[KX_EI_DATA] = h->data;
	b[KX_EI_VERSION] = h->version;
	kx_put16(b + 16, h->type);
	kx_put16(b + 18, h->machine);
	kx_put32(b + 20, KX_EV_CURRENT);
	put_word(b + 24, h->entry, is64);
	put_word(b + (is64 ? 32 : 28), h->phoff, is64);
	kx_put32(b + (is64 ? 48 : 36), 0x5a5a); /* e_flags */
	kx_put16(b + (is64 ? 54 : 42), h->phentsize);
	kx_put16(b + (is64 ? 56 : 44), h->phnum);
	for (size_t i = 0; i < h->phnum && h->phoff < BUF_SIZE; i++) {
		size_t at = (size_t)h->phoff + i * (is64 ? 56 : 32);

		if (at + (is64 ? 56 : 32) <= BUF_SIZE)
			put_phdr(b + at, is64, i);
	}
}

/* The header every row starts from, of either class. */
static struct hdr default_hdr(bool is64)
{
	if (is64)
		return (struct hdr){ .cls = KX_ELFCLASS64, .data = KX_ELFDATA2LSB,
				     .version = KX_EV_CURRENT, .type = KX_ET_EXEC,
				     .machine = KX_EM_X86_64, .phentsize = 56, .phnum = 2,
				     .entry = 0x1000000, .phoff = 64 };
	return (struct hdr){ .cls = KX_ELFCLASS32, .data = KX_ELFDATA2LSB, .version = KX_EV_CURRENT,
			     .type = KX_ET_EXEC, .machine = KX_EM_386, .phentsize = 32, .phnum = 2,
			     .entry = 0x100000, .phoff = 52 };
}

/* What a row changes in its class's default header. */
enum field { F_END, F_CLASS, F_DATA, F_VERSION, F_TYPE, F_MACHINE, F_PHENTSIZE, F_PHNUM, F_PHOFF };

struct edit {
	enum field f;
	uint64_t v;
};

static struct hdr row_hdr(int bits, const struct edit *e)
{
	struct hdr h = default_hdr(bits == 64);

	for (; e->f != F_END; e++) {
		switch (e->f) {
		case F_CLASS: h.cls = (uint8_t)e->v; break;
		case F_DATA: h.data = (uint8_t)e->v; break;
		case F_VERSION: h.version = (uint8_t)e->v; break;
		case F_TYPE: h.type = (uint16_t)e->v; break;
		case F_MACHINE: h.machine = (uint16_t)e->v; break;
		case F_PHENTSIZE: h.phentsize = (uint16_t)e->v; break;
		case F_PHNUM: h.phnum = (uint16_t)e->v; break;
		case F_PHOFF: h.phoff = e->v; break;
		default: break;
		}
	}
	return h;
}

struct hdr_row {
	const char *name;
	int bits;          /* 64 or 32: the default header's class */
	struct edit set[4];
	size_t len;        /* bytes given to the parser */
	int ret;
	const char *msg;   /* part of the message, when ret < 0 */
	uint64_t need;     /* kx_elf_headers_size when the header parses (0: it fails) */
};

static const struct hdr_row hdr_rows[] = {
	{ "ELF64", 64, { { 0 } }, 64 + 2 * 56, 0, NULL, 64 + 2 * 56 },
	{ "ELF32", 32, { { 0 } }, 52 + 2 * 32, 0, NULL, 52 + 2 * 32 },
	{ "ELF64 other machine: reported, not judged", 64, { { F_MACHINE, 183 } }, 176, 0, NULL,
	  176 },
	{ "ELF32 core", 32, { { F_TYPE, KX_ET_CORE } }, 116, 0, NULL, 116 },
	{ "no program headers, e_phentsize 0", 64,
	  { { F_PHNUM, 0 }, { F_PHENTSIZE, 0 }, { F_PHOFF, 0 } }, 64, 0, NULL, 64 },
	{ "table after a gap", 64, { { F_PHOFF, 256 }, { F_PHNUM, 1 } }, 256 + 56, 0, NULL,
	  256 + 56 },
	{ "not ELF", 64, { { 0 } }, 3, -ENOEXEC, "no \\177ELF magic", 0 },
	{ "cut in e_ident", 64, { { 0 } }, 10, -EINVAL, "too short for an ELF header (10 bytes)",
	  0 },
	{ "ELF64 header truncated", 64, { { 0 } }, 63, -EINVAL, "ELF64 header (63 < 64 bytes)",
	  0 },
	{ "ELF32 header truncated", 32, { { 0 } }, 51, -EINVAL, "ELF32 header (51 < 52 bytes)",
	  0 },
	{ "class 0", 64, { { F_CLASS, 0 } }, 176, -EINVAL, "unknown ELF class 0", 0 },
	{ "class 3", 64, { { F_CLASS, 3 } }, 176, -EINVAL, "unknown ELF class 3", 0 },
	{ "big-endian refused", 64, { { F_DATA, KX_ELFDATA2MSB } }, 176, -EINVAL, "big-endian",
	  0 },
	{ "data 0", 64, { { F_DATA, 0 } }, 176, -EINVAL, "big-endian ELF (EI_DATA 0)", 0 },
	{ "version 0", 64, { { F_VERSION, 0 } }, 176, -EINVAL, "unknown ELF version 0", 0 },
	{ "ELF64 with ELF32 phentsize", 64, { { F_PHENTSIZE, 32 } }, 176, -EINVAL,
	  "e_phentsize 32, expected 56 for ELF64", 0 },
	{ "ELF32 with ELF64 phentsize", 32, { { F_PHENTSIZE, 56 } }, 176, -EINVAL,
	  "e_phentsize 56, expected 32 for ELF32", 0 },
	{ "phentsize larger", 64, { { F_PHENTSIZE, 64 } }, 176, -EINVAL, "e_phentsize 64", 0 },
	{ "table one byte short", 64, { { 0 } }, 64 + 2 * 56 - 1, -EINVAL,
	  "program header table (0x40 + 2 x 56 bytes) lies outside the file (175 bytes)",
	  64 + 2 * 56 },
	{ "table past the buffer", 64, { { F_PHOFF, 0x10000 } }, 176, -EINVAL,
	  "lies outside the file", 0x10000 + 2 * 56 },
	{ "phoff + table wraps", 64, { { F_PHOFF, UINT64_MAX - 8 } }, 176, -EINVAL,
	  "lies outside the file", 0 },
	{ "ELF32 phoff at 4 GiB - 1", 32, { { F_PHOFF, 0xffffffff } }, 176, -EINVAL,
	  "lies outside", 0xffffffffull + 64 },
	{ "65535 entries (PN_XNUM left to callers)", 64, { { F_PHNUM, KX_PN_XNUM } }, 176,
	  -EINVAL, "(0x40 + 65535 x 56 bytes)", 64 + 65535ull * 56 },
};

static void test_headers(void **state)
{
	static uint8_t buf[BUF_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(hdr_rows) / sizeof(hdr_rows[0]); i++) {
		const struct hdr_row *r = &hdr_rows[i];
		struct hdr want = row_hdr(r->bits, r->set);
		struct kx_elf_hdr h, eh;
		uint64_t need = 0;
		int ret, eret;

		print_message("headers: %s\n", r->name);
		build(buf, &want);
		kx_err_clear();
		ret = kx_elf_parse_headers(buf, r->len, "t", &h);
		if (ret != r->ret || (r->msg && !strstr(kx_errmsg(), r->msg)))
			fail_msg("row '%s': ret %d (want %d), message \"%s\"", r->name, ret, r->ret,
				 kx_errmsg());
		if (ret < 0)
			assert_true(!strncmp(kx_errmsg(), "t: ", 3));
		/* The header alone parses whenever only the table is at fault. */
		eret = kx_elf_parse_ehdr(buf, r->len, "t", &eh);
		if (eret == 0) {
			int sret = kx_elf_headers_size(&eh, "t", &need);

			if (r->need)
				assert_int_equal(sret, 0);
			else
				assert_int_equal(sret, -EINVAL);
			if (!sret)
				assert_int_equal(need, r->need);
			assert_int_equal(eh.e_machine, want.machine);
		}
		if (ret == 0) {
			assert_int_equal(h.is64, want.cls == KX_ELFCLASS64);
			assert_int_equal(h.e_type, want.type);
			assert_int_equal(h.e_entry, want.entry);
			assert_int_equal(h.e_phoff, want.phoff);
			assert_int_equal(h.e_phnum, want.phnum);
			assert_int_equal(h.e_flags, 0x5a5a);
			assert_int_equal(h.e_version, KX_EV_CURRENT);
		}
	}
}

/* Every field of both classes' program headers, through the accessor. */
static void test_phdr_fields(void **state)
{
	static uint8_t buf[BUF_SIZE];

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct kx_elf_hdr h;
		struct kx_elf_phdr ph;

		struct hdr hd = default_hdr(k == 0);

		build(buf, &hd);
		assert_int_equal(kx_elf_parse_headers(buf, BUF_SIZE, "t", &h), 0);
		kx_elf_get_phdr(&h, 1, &ph);
		assert_int_equal(ph.p_type, KX_PT_LOAD);
		assert_int_equal(ph.p_flags, KX_PF_R | KX_PF_X);
		assert_int_equal(ph.p_offset, 0x2001);
		assert_int_equal(ph.p_vaddr, 0x2002);
		assert_int_equal(ph.p_paddr, 0x2003);
		assert_int_equal(ph.p_filesz, 0x2004);
		assert_int_equal(ph.p_memsz, 0x2005);
		assert_int_equal(ph.p_align, 0x1000);
	}
}

/* The vmcore way: header first, then the table read on its own. */
static void test_attach(void **state)
{
	static uint8_t buf[BUF_SIZE];
	struct hdr hd = default_hdr(true);
	struct kx_elf_hdr h;
	struct kx_elf_phdr ph;
	uint64_t need;

	(void)state;
	hd.phoff = 128;
	hd.phnum = 3;
	build(buf, &hd);
	assert_int_equal(kx_elf_parse_ehdr(buf, KX_ELF64_EHDR_SIZE, "vmcore", &h), 0);
	assert_null(h.phdrs);
	assert_int_equal(kx_elf_phdrs_size(&h), 3 * 56);
	assert_int_equal(kx_elf_headers_size(&h, "vmcore", &need), 0);
	assert_int_equal(need, 128 + 3 * 56);
	assert_int_equal(kx_elf_attach_phdrs(&h, buf + 128, 3 * 56 - 1, "vmcore"), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: program header table (3 x 56 bytes) is longer "
			    "than the 167 bytes read");
	assert_int_equal(kx_elf_attach_phdrs(&h, buf + 128, 3 * 56, "vmcore"), 0);
	kx_elf_get_phdr(&h, 2, &ph);
	assert_int_equal(ph.p_vaddr, 0x3002);
}

struct seg_row {
	const char *name;
	uint64_t offset, filesz, file_size;
	bool in;
};

static const struct seg_row seg_rows[] = {
	{ "inside", 0x100, 0x100, 0x200, true },
	{ "ends at EOF", 0x100, 0x100, 0x200, true },
	{ "one past", 0x101, 0x100, 0x200, false },
	{ "empty at EOF", 0x200, 0, 0x200, true },
	{ "empty past EOF", 0x201, 0, 0x200, false },
	{ "offset + filesz wraps to 0", 0x100, UINT64_MAX - 0xff, 0x200, false },
	{ "offset + filesz wraps small", UINT64_MAX, 2, 0x200, false },
	{ "whole 64-bit file", 0, UINT64_MAX, UINT64_MAX, true },
};

static void test_segment_in_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(seg_rows) / sizeof(seg_rows[0]); i++) {
		const struct seg_row *r = &seg_rows[i];
		struct kx_elf_phdr ph = { .p_type = KX_PT_LOAD, .p_offset = r->offset,
					  .p_filesz = r->filesz };

		if (kx_elf_segment_in_file(&ph, r->file_size) != r->in)
			fail_msg("row '%s': want %d", r->name, r->in);
	}
}

/* ---- notes ---- */

#define MAX_NOTES 4

struct note_want {
	uint32_t namesz, descsz, type;
	const char *name;   /* NULL: not checked */
	size_t desc_off;    /* desc's offset from the segment's start */
};

struct note_row {
	const char *name;
	uint8_t bytes[96];
	size_t len;
	uint64_t p_align;
	size_t n;
	struct note_want want[MAX_NOTES];
	bool truncated;
};

/* Little-endian 32-bit words in the byte tables. */
#define W(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

static const struct note_row note_rows[] = {
	{ "Linux note, then Xen", { W(6), W(4), W(1), 'L', 'i', 'n', 'u', 'x', 0, 0, 0, W(0x11),
	  W(4), W(6), W(6), 'X', 'e', 'n', 0, 'l', 'i', 'n', 'u', 'x', 0, 0, 0 }, 48, 4, 2,
	  { { 6, 4, 1, "Linux", 20 }, { 4, 6, 6, "Xen", 40 } }, false },
	{ "odd name and desc sizes padded to 4", { W(2), W(1), W(7), 'A', 0, 0, 0, 0xaa, 0, 0, 0,
	  W(3), W(0), W(8), 'B', 'C', 0, 0 }, 36, 0, 2,
	  { { 2, 1, 7, "A", 16 }, { 3, 0, 8, "BC", 36 } }, false },
	{ "empty name and desc", { W(0), W(0), W(0) }, 12, 4, 1, { { 0, 0, 0, NULL, 12 } }, false },
	{ "last desc without its padding", { W(4), W(3), W(1), 'G', 'N', 'U', 0, 1, 2, 3 }, 19,
	  4, 1, { { 4, 3, 1, "GNU", 16 } }, false },
	{ "8-byte alignment: desc at 16, next at 24", { W(4), W(4), W(5), 'G', 'N', 'U', 0,
	  1, 2, 3, 4, 0, 0, 0, 0, W(6), W(0), W(1), 'L', 'i', 'n', 'u', 'x', 0, 0, 0 }, 48, 8, 2,
	  { { 4, 4, 5, "GNU", 16 }, { 6, 0, 1, "Linux", 48 } }, false },
	{ "8-byte alignment pads the name to 8", { W(6), W(8), W(1), 'L', 'i', 'n', 'u', 'x', 0,
	  0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 32, 8, 1, { { 6, 8, 1, "Linux", 24 } },
	  false },
	{ "p_align 16 walks at 4", { W(2), W(0), W(1), 'a', 0, 0, 0, W(2), W(0), W(2), 'b', 0,
	  0, 0 }, 32, 16, 2, { { 2, 0, 1, "a", 16 }, { 2, 0, 2, "b", 32 } }, false },
	{ "header cut", { W(6), W(4), W(1), W(0), W(0) }, 11, 4, 0, { { 0 } }, true },
	{ "name past the end", { W(6), W(4), W(1), 'L', 'i', 'n' }, 15, 4, 0, { { 0 } }, true },
	{ "desc past the end", { W(4), W(8), W(1), 'G', 'N', 'U', 0, 1, 2 }, 18, 4, 0, { { 0 } },
	  true },
	{ "namesz 2^32-1", { W(0xffffffffu), W(0), W(1) }, 12, 4, 0, { { 0 } }, true },
	{ "descsz 2^32-1", { W(0), W(0xffffffffu), W(1) }, 12, 4, 0, { { 0 } }, true },
	{ "good note, then a cut one", { W(0), W(0), W(9), W(6), W(4) }, 20, 4, 1,
	  { { 0, 0, 9, NULL, 12 } }, true },
	{ "empty segment", { 0 }, 0, 4, 0, { { 0 } }, false },
};

static void test_notes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(note_rows) / sizeof(note_rows[0]); i++) {
		const struct note_row *r = &note_rows[i];
		struct kx_elf_note_iter it;
		struct kx_elf_note n;
		size_t k = 0;

		print_message("notes: %s\n", r->name);
		kx_elf_notes_begin(&it, r->bytes, r->len, r->p_align);
		while (kx_elf_notes_next(&it, &n)) {
			const struct note_want *w = &r->want[k];

			if (k >= r->n)
				fail_msg("row '%s': more than %zu notes", r->name, r->n);
			assert_int_equal(n.n_namesz, w->namesz);
			assert_int_equal(n.n_descsz, w->descsz);
			assert_int_equal(n.n_type, w->type);
			assert_int_equal(n.desc - r->bytes, w->desc_off);
			if (w->name)
				assert_true(kx_elf_note_named(&n, w->name));
			k++;
		}
		if (k != r->n || it.truncated != r->truncated)
			fail_msg("row '%s': %zu notes (want %zu), truncated %d (want %d)", r->name, k,
				 r->n, it.truncated, r->truncated);
		/* The walk stays ended. */
		assert_false(kx_elf_notes_next(&it, &n));
	}
}

static void test_note_named(void **state)
{
	const uint8_t linux_name[] = "Linux";
	struct kx_elf_note n = { .n_namesz = 6, .name = linux_name };

	(void)state;
	assert_true(kx_elf_note_named(&n, "Linux"));
	assert_false(kx_elf_note_named(&n, "Linu"));
	assert_false(kx_elf_note_named(&n, "linux"));
	n.n_namesz = 5; /* no NUL counted */
	assert_false(kx_elf_note_named(&n, "Linux"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_phdr_fields),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_segment_in_file),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_note_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
