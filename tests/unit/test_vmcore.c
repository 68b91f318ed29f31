/* SPDX-License-Identifier: MIT */
/* The vmcore reader, VMCOREINFO parser and printk decoders on generated cores.
 * `test_vmcore --write-corpus DIR` writes the fixtures as fuzz seeds. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/elf.h"
#include "core/err.h"
#include "crash/printk.h"
#include "crash/vmcore.h"
#include "crash/vmcoreinfo.h"
#include "vmcore_fixture.h"

struct sink {
	char buf[8192];
	size_t len;
	size_t fail_after; /* 0: never fail */
	size_t calls;
};

static int sink_write(void *ctx, const char *buf, size_t len)
{
	struct sink *s = ctx;

	if (s->fail_after && ++s->calls >= s->fail_after)
		return kx_err(EPIPE, "output", "broken pipe");
	assert_true(len <= sizeof(s->buf) - s->len);
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	return 0;
}

/* Opens and dumps a core held in memory; the output lands in *s. */
static int decode(const uint8_t *core, size_t len, struct sink *s)
{
	struct kx_vmcore_mem m = { core, len };
	struct kx_vmcore vc;
	int ret;

	kx_err_clear();
	ret = kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, len);
	if (ret)
		return ret;
	ret = kx_printk_dump(&vc, sink_write, s);
	kx_vmcore_close(&vc);
	return ret;
}

static int decode_fx(const struct fx *f, struct sink *s)
{
	uint8_t *core;
	size_t len;
	int ret;

	fx_build(f, &core, &len);
	ret = decode(core, len, s);
	free(core);
	return ret;
}

static void expect_text(const struct fx *f, const char *want)
{
	struct sink s = { .len = 0 };
	int ret = decode_fx(f, &s);

	if (ret)
		fail_msg("decode failed: %s", kx_errmsg());
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.buf, want, s.len);
}

/* ---- the three formats ---- */

static void test_lockless(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	expect_text(&f, fx_expected(KX_LOG_LOCKLESS));
}

static void test_structured(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_STRUCTURED, false);
	expect_text(&f, fx_expected(KX_LOG_STRUCTURED));
}

static void test_structured_old_names(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_STRUCTURED, true);
	expect_text(&f, fx_expected(KX_LOG_STRUCTURED));
}

static void test_legacy(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_LEGACY, false);
	expect_text(&f, fx_expected(KX_LOG_LEGACY));
}

static void test_legacy_not_wrapped(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_LEGACY, false);
	fx_put32(&f, FX_SYM_LOG_END, 10);
	expect_text(&f, "hird line\n");
}

static void test_structured_empty(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_STRUCTURED, false);
	fx_put32(&f, FX_SYM_NEXT_IDX, 152);
	expect_text(&f, "");
}

/* The same lockless log reached through other address translations. */
static void test_lockless_via_phys_base(void **state)
{
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	f.no_ktext_load = true;
	expect_text(&f, fx_expected(KX_LOG_LOCKLESS));
}

/* A PT_LOAD with p_memsz 0 is legal ELF and maps nothing: the image mapping's
 * header emptied (at a high p_vaddr, where memsz - 1 wraps) must leave the
 * same log, reached through phys_base. */
static void test_zero_size_load(void **state)
{
	struct sink s = { .len = 0 };
	const char *want = fx_expected(KX_LOG_LOCKLESS);
	uint8_t *core;
	size_t len;
	struct fx f;
	int ret;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	fx_build(&f, &core, &len);
	memset(core + 64 + 56 + 32, 0, 16); /* program header 1: p_filesz, p_memsz */
	ret = decode(core, len, &s);
	free(core);
	if (ret)
		fail_msg("decode failed: %s", kx_errmsg());
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.buf, want, s.len);
}

static void test_lockless_via_page_offset_number(void **state)
{
	struct fx f;
	char line[64];

	fx_init(&f, KX_LOG_LOCKLESS, false);
	f.dmap_vaddr_unknown = true;
	snprintf(line, sizeof(line), "NUMBER(page_offset_base)=%lld", (long long)FX_PAGE_OFFSET);
	fx_set_info(&f, "NUMBER(page_offset_base)=", line);
	expect_text(&f, fx_expected(KX_LOG_LOCKLESS));
}

/* The direct map's p_vaddr unknown and no page_offset_base: the descriptor
 * ring cannot be found, and the message says which address. */
static void test_lockless_no_direct_map(void **state)
{
	struct sink s = { .len = 0 };
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	f.dmap_vaddr_unknown = true;
	assert_int_equal(decode_fx(&f, &s), -EFAULT);
	assert_string_equal(kx_errmsg(), "printk: descriptor ring at 0xffff888001000200 "
			    "is not in any PT_LOAD");
}

static void test_output_error_propagates(void **state)
{
	struct sink s = { .fail_after = 1 };
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	assert_int_equal(decode_fx(&f, &s), -EPIPE);
	assert_string_equal(kx_errmsg(), "output: broken pipe");
}

/* The expected texts are what kexec-tools' vmcore-dmesg prints for the same
 * cores (Debian's, when installed: scripts/install-deps.sh adds it). */
#define KEXEC_TOOLS_VMCORE_DMESG "/usr/sbin/vmcore-dmesg"

static void test_expected_matches_kexec_tools(void **state)
{
	static const struct {
		enum kx_log_format fmt;
		bool old;
	} cases[] = {
		{ KX_LOG_LOCKLESS, false },
		{ KX_LOG_STRUCTURED, false },
		{ KX_LOG_STRUCTURED, true },
		{ KX_LOG_LEGACY, false },
	};
	size_t i;

	if (access(KEXEC_TOOLS_VMCORE_DMESG, X_OK) != 0)
		skip();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[] = "/tmp/kx-vmcore-XXXXXX", cmd[128], out[8192];
		const char *want = fx_expected(cases[i].fmt);
		uint8_t *core;
		size_t len, got;
		struct fx f;
		FILE *p;
		int fd;

		fx_init(&f, cases[i].fmt, cases[i].old);
		fx_build(&f, &core, &len);
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, core, len), (ssize_t)len);
		close(fd);
		free(core);
		snprintf(cmd, sizeof(cmd), KEXEC_TOOLS_VMCORE_DMESG " %s", path);
		p = popen(cmd, "r");
		assert_non_null(p);
		got = fread(out, 1, sizeof(out), p);
		assert_int_equal(pclose(p), 0);
		unlink(path);
		assert_int_equal(got, strlen(want));
		assert_memory_equal(out, want, got);
	}
}

/* ---- the core reader ---- */

/* A kx_vmcore_map_fn over a struct kx_vmcore_mem. */
static const void *mem_map(void *ctx, uint64_t off, size_t len)
{
	const struct kx_vmcore_mem *m = ctx;

	return off <= m->len && len <= m->len - off ? m->data + off : NULL;
}

static void test_read_zero_fill_and_span(void **state)
{
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
	const uint8_t *p;
	uint8_t *core, buf[0x200];
	size_t len, i;
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	fx_build(&f, &core, &len);
	m = (struct kx_vmcore_mem){ core, len };
	assert_int_equal(kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, len), 0);
	/* Past p_filesz, up to p_memsz: zeros. */
	assert_int_equal(kx_vmcore_read_paddr(&vc, FX_MEM_PADDR + FX_MEM_FILESZ - 0x80, buf, 0x100), 0);
	assert_memory_equal(buf, f.mem + FX_MEM_FILESZ - 0x80, 0x80);
	for (i = 0x80; i < 0x100; i++)
		assert_int_equal(buf[i], 0);
	/* One byte past p_memsz is not mapped. */
	assert_int_equal(kx_vmcore_read_paddr(&vc, FX_MEM_PADDR + FX_MEM_SIZE - 1, buf, 2), -EFAULT);
	/* The image mapping ends at FX_KTEXT_SIZE; a read across its end goes on
	 * through phys_base into the direct-map PT_LOAD. */
	assert_int_equal(kx_vmcore_read_vaddr(&vc, FX_KTEXT + FX_KTEXT_SIZE - 0x10, buf, 0x20), 0);
	assert_memory_equal(buf, f.mem + FX_KTEXT_SIZE - 0x10, 0x20);
	/* A range that wraps the address space. */
	assert_int_equal(kx_vmcore_read_vaddr(&vc, UINT64_MAX - 3, buf, 8), -EFAULT);
	/* Mapped in place: only what one PT_LOAD's file bytes hold. */
	assert_null(kx_vmcore_map_paddr(&vc, FX_MEM_PADDR, 0x10));
	vc.map = mem_map;
	p = kx_vmcore_map_paddr(&vc, FX_MEM_PADDR + 0x100, 0x40);
	assert_non_null(p);
	assert_memory_equal(p, f.mem + 0x100, 0x40);
	p = kx_vmcore_map_paddr(&vc, FX_MEM_PADDR + FX_MEM_FILESZ - 0x40, 0x40);
	assert_non_null(p);
	assert_memory_equal(p, f.mem + FX_MEM_FILESZ - 0x40, 0x40);
	assert_null(kx_vmcore_map_paddr(&vc, FX_MEM_PADDR + FX_MEM_FILESZ - 0x40, 0x41));
	assert_null(kx_vmcore_map_paddr(&vc, FX_MEM_PADDR + FX_MEM_FILESZ, 1));
	assert_null(kx_vmcore_map_paddr(&vc, FX_MEM_PADDR - 1, 2));
	assert_null(kx_vmcore_map_paddr(&vc, FX_MEM_PADDR, 0));
	vc.map = NULL;
	assert_string_equal(vc.info.text, f.info);
	assert_int_equal(vc.page_offset, FX_PAGE_OFFSET);
	kx_vmcore_close(&vc);
	free(core);
}

/* ---- arm64 cores ---- */

/* An arm64 core whose layout comes from VMCOREINFO (arch/arm64's
 * NUMBER(VA_BITS), kimage_voffset and PHYS_OFFSET in hex, tcr_el1_t1sz):
 * no image PT_LOAD, so the log's symbols are read through kimage_voffset. */
static void fx_arm64(struct fx *f, const char *t1sz_line)
{
	fx_init(f, KX_LOG_LOCKLESS, false);
	f->machine = KX_EM_AARCH64;
	f->no_ktext_load = true;
	fx_set_info(f, "NUMBER(phys_base)=", NULL);
	fx_set_info(f, "NUMBER(VA_BITS)=", "NUMBER(VA_BITS)=48");
	fx_set_info(f, "NUMBER(kimage_voffset)=", "NUMBER(kimage_voffset)=0xffffffff80000000");
	fx_set_info(f, "NUMBER(PHYS_OFFSET)=", "NUMBER(PHYS_OFFSET)=0x800000");
	if (t1sz_line)
		fx_set_info(f, "NUMBER(tcr_el1_t1sz)=", t1sz_line);
}

static void test_arm64_image_via_kimage_voffset(void **state)
{
	struct fx f;

	fx_arm64(&f, "NUMBER(tcr_el1_t1sz)=0x10");
	expect_text(&f, fx_expected(KX_LOG_LOCKLESS));
}

/* The linear map: PAGE_OFFSET = -2^vabits_actual, physical = virtual -
 * PAGE_OFFSET + PHYS_OFFSET, below PAGE_END = -2^47; the image above it. */
static void test_arm64_linear_map(void **state)
{
	static const struct {
		const char *t1sz;
		uint64_t page_offset;
	} rows[] = {
		{ NULL, UINT64_C(0xffff000000000000) },                      /* VA_BITS */
		{ "NUMBER(tcr_el1_t1sz)=0x10", UINT64_C(0xffff000000000000) }, /* 48 */
		{ "NUMBER(tcr_el1_t1sz)=0xc", UINT64_C(0xfff0000000000000) },  /* 52 */
	};
	const uint64_t phys_offset = 0x800000, paddr = FX_MEM_PADDR + 0x123;
	struct kx_vmcore_mem m;
	struct kx_vmcore vc;
	uint8_t *core, b;
	size_t len, i;
	struct fx f;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fx_arm64(&f, rows[i].t1sz);
		if (rows[i].t1sz && strstr(rows[i].t1sz, "0xc"))
			fx_set_info(&f, "NUMBER(VA_BITS)=", "NUMBER(VA_BITS)=52");
		f.dmap_vaddr_unknown = true;
		fx_build(&f, &core, &len);
		m = (struct kx_vmcore_mem){ core, len };
		assert_int_equal(kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, len), 0);
		assert_int_equal(vc.machine, KX_EM_AARCH64);
		assert_int_equal(vc.page_offset, rows[i].page_offset);
		assert_int_equal(vc.lm_end, UINT64_C(0xffff800000000000));
		assert_int_equal(kx_vmcore_read_vaddr(&vc, rows[i].page_offset + paddr - phys_offset,
						      &b, 1), 0);
		assert_int_equal(b, fx_phys_byte(&f, paddr));
		/* Below PAGE_OFFSET nothing is mapped. */
		assert_int_equal(kx_vmcore_read_vaddr(&vc, rows[i].page_offset - 0x1000, &b, 1),
				 -EFAULT);
		kx_vmcore_close(&vc);
		free(core);
	}
}

/* Without kimage_voffset (and no image PT_LOAD) the symbols cannot be read,
 * and the message names the address. */
static void test_arm64_no_kimage_voffset(void **state)
{
	struct sink s = { .len = 0 };
	struct fx f;

	fx_arm64(&f, NULL);
	fx_set_info(&f, "NUMBER(kimage_voffset)=", NULL);
	assert_int_equal(decode_fx(&f, &s), -EFAULT);
	assert_non_null(strstr(kx_errmsg(), "is not in any PT_LOAD"));
}

/* ---- VMCOREINFO ---- */

static void test_vmcoreinfo_values(void **state)
{
	static const char text[] = "OSRELEASE=6.1.0-13-cloud-amd64\nPAGESIZE=4096\n"
				   "SYMBOL(prb)=ffffffff82a5e2c8\nSYMBOL(bad)=0xZZ\n"
				   "OFFSET(printk_info.ts_nsec)=8\nSIZE(prb_desc)=24\n"
				   "LENGTH(node_data)=1024\nNUMBER(neg)=-9\nNUMBER(big)=99999999999999999999\n"
				   "SYMBOL(prbx)=1\nKERNELOFFSET=1e000000\nCRASHTIME=17";
	struct kx_vmcoreinfo vi = { text, sizeof(text) - 1 };
	char rel[8];
	uint64_t v;
	int64_t n;

	assert_int_equal(kx_vmcoreinfo_symbol(&vi, "prb", &v), 0);
	assert_true(v == 0xffffffff82a5e2c8ull);
	assert_int_equal(kx_vmcoreinfo_symbol(&vi, "prbx", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(kx_vmcoreinfo_symbol(&vi, "pr", &v), -ENOENT);
	assert_int_equal(kx_vmcoreinfo_symbol(&vi, "bad", &v), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcoreinfo: SYMBOL(bad)=: not a hex number: \"ZZ\"");
	assert_int_equal(kx_vmcoreinfo_offset(&vi, "printk_info.ts_nsec", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(kx_vmcoreinfo_size(&vi, "prb_desc", &v), 0);
	assert_int_equal(v, 24);
	assert_int_equal(kx_vmcoreinfo_length(&vi, "node_data", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(kx_vmcoreinfo_number(&vi, "neg", &n), 0);
	assert_int_equal(n, -9);
	assert_int_equal(kx_vmcoreinfo_number(&vi, "big", &n), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_pagesize(&vi, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(kx_vmcoreinfo_kerneloffset(&vi, &v), 0);
	assert_int_equal(v, 0x1e000000);
	assert_int_equal(kx_vmcoreinfo_osrelease(&vi, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "6.1.0-1");
	/* The last line has no newline (CRASHTIME). */
	{
		const char *val;
		size_t len;

		assert_int_equal(kx_vmcoreinfo_get(&vi, "CRASHTIME=", &val, &len), 0);
		assert_int_equal(len, 2);
		assert_memory_equal(val, "17", 2);
	}
}

/* ---- errors: each a clear message, no crash, no giant allocation ---- */

enum mutation {
	M_NONE,
	M_INFO,          /* fx_set_info(key, line) */
	M_PUT32,         /* fx_put32(off, val) */
	M_PUT64,         /* fx_put64(off, val) */
	M_NO_VMCOREINFO,
};

struct err_row {
	const char *name;
	enum kx_log_format fmt;
	enum mutation m;
	const char *key, *line;
	uint32_t off;
	uint64_t val;
	int ret;
	const char *msg; /* exact message */
};

static const struct err_row err_rows[] = {
	{ "no VMCOREINFO", KX_LOG_LOCKLESS, M_NO_VMCOREINFO, .ret = -ENOENT,
	  .msg = "vmcore: no VMCOREINFO note" },
	{ "no log symbols", KX_LOG_LOCKLESS, M_INFO, "SYMBOL(prb)=", NULL, .ret = -ENOENT,
	  .msg = "printk: VMCOREINFO names no log buffer (no SYMBOL(prb), SYMBOL(log_first_idx) "
		 "or SYMBOL(log_buf))" },
	{ "missing offset", KX_LOG_LOCKLESS, M_INFO, "OFFSET(prb_desc_ring.descs)=", NULL,
	  .ret = -ENOENT, .msg = "printk: VMCOREINFO has no OFFSET(prb_desc_ring.descs), needed "
				 "for the lockless ring buffer" },
	{ "bad offset", KX_LOG_LOCKLESS, M_INFO, "OFFSET(prb_desc_ring.descs)=",
	  "OFFSET(prb_desc_ring.descs)=8x", .ret = -EINVAL,
	  .msg = "vmcoreinfo: OFFSET(prb_desc_ring.descs)=: not a decimal number: \"8x\"" },
	{ "symbol not mapped", KX_LOG_LOCKLESS, M_INFO, "SYMBOL(prb)=",
	  "SYMBOL(prb)=ffffffffdead0000", .ret = -EFAULT,
	  .msg = "printk: the prb pointer at 0xffffffffdead0000 is not in any PT_LOAD" },
	{ "count_bits 60", KX_LOG_LOCKLESS, M_PUT32, .off = FX_PRB, .val = 60, .ret = -EINVAL,
	  .msg = "printk: the descriptor ring claims 2^60 entries (at most 2^26): corrupt ring "
		 "header" },
	{ "count_bits 20 > file", KX_LOG_LOCKLESS, M_PUT32, .off = FX_PRB, .val = 20,
	  .ret = -EINVAL, .msg = NULL },
	{ "size_bits 40", KX_LOG_LOCKLESS, M_PUT32, .off = FX_PRB + 48, .val = 40, .ret = -EINVAL,
	  .msg = "printk: the text data ring claims 2^40 bytes (2^3 to 2^31): corrupt ring header" },
	{ "head far from tail", KX_LOG_LOCKLESS, M_PUT64, .off = FX_PRB + 24, .val = 12345,
	  .ret = -EINVAL, .msg = NULL },
	{ "SIZE(prb_desc) absurd", KX_LOG_LOCKLESS, M_INFO, "SIZE(prb_desc)=",
	  "SIZE(prb_desc)=99999999999", .ret = -EINVAL,
	  .msg = "printk: SIZE(prb_desc)=99999999999 is not a plausible size" },
	{ "ts_nsec outside printk_info", KX_LOG_LOCKLESS, M_INFO, "OFFSET(printk_info.ts_nsec)=",
	  "OFFSET(printk_info.ts_nsec)=84", .ret = -EINVAL,
	  .msg = "printk: OFFSET(printk_info.ts_nsec)=84 does not fit in its struct (88 bytes)" },
	{ "log_buf_len 2^31+", KX_LOG_STRUCTURED, M_PUT32, .off = FX_SYM_LOG_BUF_LEN,
	  .val = 0x80000001u, .ret = -EINVAL,
	  .msg = "printk: log_buf_len 2147483649 is larger than the kernel allows (2^31): corrupt" },
	{ "log_buf_len > file", KX_LOG_STRUCTURED, M_PUT32, .off = FX_SYM_LOG_BUF_LEN,
	  .val = 1u << 30, .ret = -EINVAL, .msg = NULL },
	{ "structured loop", KX_LOG_STRUCTURED, M_PUT32, .off = FX_SYM_NEXT_IDX, .val = 7,
	  .ret = -EINVAL, .msg = NULL },
	{ "structured missing size", KX_LOG_STRUCTURED, M_INFO, "SIZE(printk_log)=", NULL,
	  .ret = -ENOENT, .msg = "printk: VMCOREINFO has no SIZE(printk_log), needed for the "
				 "structured log buffer" },
	{ "legacy negative length", KX_LOG_LEGACY, M_PUT32, .off = FX_SYM_LOG_BUF_LEN,
	  .val = 0xfffffff0u, .ret = -EINVAL, .msg = "printk: log_buf_len is -16: corrupt" },
	{ "legacy log_buf unmapped", KX_LOG_LEGACY, M_PUT64, .off = FX_SYM_LOG_BUF,
	  .val = 0xffffc90000000000ull, .ret = -EFAULT,
	  .msg = "printk: log buffer at 0xffffc90000000000 is not in any PT_LOAD" },
};

static void test_error_rows(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		const struct err_row *r = &err_rows[i];
		struct sink s = { .len = 0 };
		struct fx f;
		int ret;

		fx_init(&f, r->fmt, false);
		switch (r->m) {
		case M_INFO:
			fx_set_info(&f, r->key, r->line);
			break;
		case M_PUT32:
			fx_put32(&f, r->off, (uint32_t)r->val);
			break;
		case M_PUT64:
			fx_put64(&f, r->off, r->val);
			break;
		case M_NO_VMCOREINFO:
			f.no_vmcoreinfo = true;
			break;
		default:
			break;
		}
		ret = decode_fx(&f, &s);
		if (ret != r->ret || (r->msg && strcmp(kx_errmsg(), r->msg) != 0))
			fail_msg("row '%s': ret %d (want %d), message \"%s\"", r->name, ret, r->ret,
				 kx_errmsg());
		if (!r->msg)
			printf("row '%s': %s\n", r->name, kx_errmsg());
	}
}

/* ---- note sizes that a sparse file makes possible ---- */

/* A core file of `size` bytes of which only the first len are data, the rest
 * zeros (a sparse file). A read at or past forbid_from fails the test: a core
 * whose notes must be refused has no note bytes read, so a buffer sized by a
 * wrapped sum can never be overrun, with or without a sanitizer. */
struct sparse_file {
	const uint8_t *data;
	size_t len;
	uint64_t size;
	uint64_t forbid_from;
};

static int sparse_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct sparse_file *f = ctx;
	size_t n = 0;

	if (off >= f->forbid_from || len > f->forbid_from - off)
		fail_msg("read of %zu bytes at offset %" PRIu64 " into notes that must be refused",
			 len, off);
	assert_true(off <= f->size && len <= f->size - off);
	if (off < f->len) {
		n = f->len - (size_t)off < len ? f->len - (size_t)off : len;
		memcpy(buf, f->data + off, n);
	}
	memset((uint8_t *)buf + n, 0, len - n);
	return 0;
}

#define WRAP_Q ((UINT64_C(1) << 62) - 0x40000) /* the review's 2^62 - 0x40000 */
#define HALF_CAP ((uint64_t)KX_VMCORE_MAX_NOTES / 2)

struct notes_row {
	const char *name;
	uint64_t file_size;
	size_t n;
	uint64_t filesz[6]; /* p_filesz of each PT_NOTE, all at offset 0x1000 */
	bool reads_notes;   /* false: refused before any note byte is read */
	int ret;
	const char *msg;
};

static const struct notes_row notes_rows[] = {
	/* Regression: the security review's D1 reproducer. */
	{ "sum wraps to 2^64 + 16", FX_WRAP_FILE_SIZE, 6,
	  { 0x100000, WRAP_Q, WRAP_Q, WRAP_Q, WRAP_Q, 16 }, false, -E2BIG,
	  "vmcore: PT_NOTE sizes add up to more than the 67108864 bytes we accept (program "
	  "header 1, p_filesz 4611686018427125760): corrupt core header" },
	{ "sum wraps to exactly 2^64", FX_WRAP_FILE_SIZE, 4,
	  { 1ull << 62, 1ull << 62, 1ull << 62, 1ull << 62 }, false, -E2BIG,
	  "vmcore: PT_NOTE sizes add up to more than the 67108864 bytes we accept (program "
	  "header 0, p_filesz 4611686018427387904): corrupt core header" },
	{ "one note over the cap", 1ull << 40, 1, { KX_VMCORE_MAX_NOTES + 1 }, false, -E2BIG,
	  "vmcore: PT_NOTE sizes add up to more than the 67108864 bytes we accept (program "
	  "header 0, p_filesz 67108865): corrupt core header" },
	{ "two notes one byte over the cap", 1ull << 40, 2, { HALF_CAP, HALF_CAP + 1 }, false,
	  -E2BIG, "vmcore: PT_NOTE sizes add up to more than the 67108864 bytes we accept "
		  "(program header 1, p_filesz 33554433): corrupt core header" },
	{ "two notes exactly at the cap", 1ull << 40, 2, { HALF_CAP, HALF_CAP }, true, -ENOENT,
	  "vmcore: no VMCOREINFO note" },
	{ "empty notes", 1ull << 40, 3, { 0, 0, 0 }, true, -ENOENT, "vmcore: no VMCOREINFO note" },
};

static void test_note_sizes(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(notes_rows) / sizeof(notes_rows[0]); i++) {
		const struct notes_row *r = &notes_rows[i];
		struct sparse_file f;
		struct kx_vmcore vc;
		uint8_t *hdr;
		size_t len;
		int ret;

		print_message("notes: %s\n", r->name);
		fx_build_notes_header(r->filesz, r->n, FX_WRAP_NOTE_OFF, &hdr, &len);
		f = (struct sparse_file){ hdr, len, r->file_size,
					  r->reads_notes ? UINT64_MAX : FX_WRAP_NOTE_OFF };
		kx_err_clear();
		ret = kx_vmcore_open(&vc, sparse_read, &f, r->file_size);
		if (ret == 0)
			kx_vmcore_close(&vc);
		free(hdr);
		if (ret != r->ret || strcmp(kx_errmsg(), r->msg) != 0)
			fail_msg("row '%s': ret %d (want %d), message \"%s\"", r->name, ret, r->ret,
				 kx_errmsg());
	}
}

/* Damage to the ELF file itself. */
static void test_elf_errors(void **state)
{
	struct sink s = { .len = 0 };
	uint8_t *core, *copy;
	size_t len;
	struct fx f;

	fx_init(&f, KX_LOG_LOCKLESS, false);
	fx_build(&f, &core, &len);
	copy = malloc(len);
	assert_non_null(copy);

	assert_int_equal(decode((const uint8_t *)"hello, world", 12, &s), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: not an ELF core file");
	assert_int_equal(decode(core, 0, &s), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: not an ELF core file");
	/* 32-bit ELF */
	memcpy(copy, core, len);
	copy[4] = 1; /* EI_CLASS: ELFCLASS32 */
	assert_int_equal(decode(copy, len, &s), -EINVAL);
	assert_string_equal(kx_errmsg(),
			    "vmcore: not an ELF core file: class 1, need 64-bit (ELFCLASS64)");
	/* an executable, not a core */
	memcpy(copy, core, len);
	copy[16] = 2;
	assert_int_equal(decode(copy, len, &s), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: not an ELF core file: e_type 2, need ET_CORE (4)");
	/* cut inside the ELF header */
	assert_int_equal(decode(core, 40, &s), -EINVAL);
	assert_string_equal(kx_errmsg(),
			    "vmcore: file too short for an ELF64 header (40 < 64 bytes): truncated?");
	/* cut inside the program headers */
	assert_int_equal(decode(core, 100, &s), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: truncated: 3 program headers at offset 64 go "
			    "past the end (file size 100)");
	/* cut inside the last PT_LOAD's data */
	assert_int_equal(decode(core, len - 1, &s), -EINVAL);
	assert_true(strstr(kx_errmsg(), "vmcore: truncated: program header 2 points past the end "
				       "(offset ") != NULL);
	/* e_phnum 0 */
	memcpy(copy, core, len);
	copy[56] = 0;
	assert_int_equal(decode(copy, len, &s), -EINVAL);
	assert_string_equal(kx_errmsg(), "vmcore: no program headers");
	/* a PT_LOAD with p_filesz > p_memsz */
	memcpy(copy, core, len);
	copy[64 + 2 * 56 + 40] = 0x10; /* p_memsz of the third header: 0x10 */
	copy[64 + 2 * 56 + 41] = 0;
	assert_int_equal(decode(copy, len, &s), -EINVAL);
	assert_true(strstr(kx_errmsg(), "program header 2: bad sizes") != NULL);
	free(copy);
	free(core);
}

/* A fuzz_vmcore input: the file's bytes, then how many zero bytes follow
 * them (8 bytes, little-endian; tests/fuzz/fuzz_vmcore.c). */
static int write_seed(const char *dir, const char *name, const uint8_t *core, size_t len,
		      uint64_t zeros)
{
	uint8_t tail[8];
	char path[4096];
	FILE *fp;
	size_t i;

	for (i = 0; i < sizeof(tail); i++)
		tail[i] = (uint8_t)(zeros >> (8 * i));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(core, 1, len, fp) != len || fwrite(tail, 1, sizeof(tail), fp) !=
	    sizeof(tail) || fclose(fp) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int write_corpus(const char *dir)
{
	static const struct {
		const char *name;
		enum kx_log_format fmt;
		bool old, no_ktext, no_dmap;
	} seeds[] = {
		{ "lockless", KX_LOG_LOCKLESS, false, false, false },
		{ "lockless-phys-base", KX_LOG_LOCKLESS, false, true, false },
		{ "structured", KX_LOG_STRUCTURED, false, false, false },
		{ "structured-old-names", KX_LOG_STRUCTURED, true, false, false },
		{ "legacy", KX_LOG_LEGACY, false, false, false },
	};
	uint8_t *core;
	size_t i, len;
	int ret;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct fx f;

		fx_init(&f, seeds[i].fmt, seeds[i].old);
		f.no_ktext_load = seeds[i].no_ktext;
		f.dmap_vaddr_unknown = seeds[i].no_dmap;
		fx_build(&f, &core, &len);
		ret = write_seed(dir, seeds[i].name, core, len, 0);
		free(core);
		if (ret)
			return ret;
	}
	fx_build_notes_header(fx_wrap_notes, 6, FX_WRAP_NOTE_OFF, &core, &len);
	ret = write_seed(dir, "notes-wrap", core, len, FX_WRAP_FILE_SIZE - len);
	free(core);
	return ret;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockless),
		cmocka_unit_test(test_structured),
		cmocka_unit_test(test_structured_old_names),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_legacy_not_wrapped),
		cmocka_unit_test(test_structured_empty),
		cmocka_unit_test(test_lockless_via_phys_base),
		cmocka_unit_test(test_lockless_via_page_offset_number),
		cmocka_unit_test(test_zero_size_load),
		cmocka_unit_test(test_lockless_no_direct_map),
		cmocka_unit_test(test_output_error_propagates),
		cmocka_unit_test(test_expected_matches_kexec_tools),
		cmocka_unit_test(test_read_zero_fill_and_span),
		cmocka_unit_test(test_arm64_image_via_kimage_voffset),
		cmocka_unit_test(test_arm64_linear_map),
		cmocka_unit_test(test_arm64_no_kimage_voffset),
		cmocka_unit_test(test_vmcoreinfo_values),
		cmocka_unit_test(test_error_rows),
		cmocka_unit_test(test_elf_errors),
		cmocka_unit_test(test_note_sizes),
	};

	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
		return write_corpus(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
