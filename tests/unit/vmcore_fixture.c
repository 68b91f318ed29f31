/* SPDX-License-Identifier: MIT */
#include "vmcore_fixture.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kernel/printk/printk_ringbuffer.h */
#define SV_ID_MASK (~(3ull << 62))
#define SV(state, id) ((uint64_t)(state) << 62 | ((id) & SV_ID_MASK))
#define COMMITTED 1
#define FINALIZED 2
#define REUSABLE 3
#define DATALESS_LPOS 0x3 /* NO_LPOS: begin == next, an empty line */

/* Layout of struct printk_ringbuffer and friends on x86_64 Linux 6.1, as its
 * VMCOREINFO gives them. */
#define RB_DESC_RING 0
#define RB_DATA_RING 48
#define DR_COUNT_BITS 0
#define DR_DESCS 8
#define DR_INFOS 16
#define DR_HEAD 24
#define DR_TAIL 32
#define DESC_SIZE 24
#define INFO_SIZE 88
#define INFO_TS 8
#define INFO_TEXT_LEN 16
#define DATA_SIZE_BITS 0
#define DATA_DATA 8
/* struct printk_log, 3.11 to 5.9 */
#define LOG_HDR 16

void fx_put64(struct fx *f, uint32_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		f->mem[off + i] = (uint8_t)(v >> (8 * i));
}

void fx_put32(struct fx *f, uint32_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		f->mem[off + i] = (uint8_t)(v >> (8 * i));
}

static void put16(struct fx *f, uint32_t off, uint16_t v)
{
	f->mem[off] = (uint8_t)v;
	f->mem[off + 1] = (uint8_t)(v >> 8);
}

static void info_add(struct fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void info_add(struct fx *f, const char *fmt, ...)
{
	size_t n = strlen(f->info);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->info + n, sizeof(f->info) - n, fmt, ap);
	va_end(ap);
}

void fx_set_info(struct fx *f, const char *key, const char *line)
{
	char *p = f->info;
	size_t klen = strlen(key);

	while (*p) {
		char *nl = strchr(p, '\n');
		char *end = nl ? nl + 1 : p + strlen(p);

		if (strncmp(p, key, klen) == 0) {
			char rest[sizeof(f->info)];

			snprintf(rest, sizeof(rest), "%s", end);
			snprintf(p, sizeof(f->info) - (size_t)(p - f->info), "%s%s%s",
				 line ? line : "", line ? "\n" : "", rest);
			return;
		}
		p = end;
	}
	if (line)
		info_add(f, "%s%s\n", p > f->info && p[-1] != '\n' ? "\n" : "", line);
}

/* 80 characters: the block that wraps the data ring. */
static const char WRAP_TEXT[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-this-wraps-the-ring";

/* One record: descriptor id, state, text (stored with its block), ts. */
static uint64_t add_block(struct fx *f, uint64_t *lpos, uint64_t id, const void *text,
			  size_t len, uint64_t *begin_out)
{
	uint64_t size = 1ull << FX_DATA_BITS, need = (8 + len + 7) & ~7ull;
	uint64_t begin = *lpos, at = begin % size, next;

	if (at + need > size) { /* data_alloc(): the whole block goes to the start */
		next = (begin / size + 1) * size + need;
		at = 0;
	} else {
		next = begin + need;
	}
	fx_put64(f, FX_DATA + (uint32_t)at, id);
	memcpy(f->mem + FX_DATA + at + 8, text, len);
	*begin_out = begin;
	*lpos = next;
	return next;
}

static void add_desc(struct fx *f, uint64_t id, unsigned state, uint64_t begin, uint64_t next,
		     uint64_t ts, uint16_t text_len)
{
	uint32_t i = (uint32_t)(id & ((1u << FX_COUNT_BITS) - 1));

	fx_put64(f, FX_DESCS + i * DESC_SIZE, SV(state, id));
	fx_put64(f, FX_DESCS + i * DESC_SIZE + 8, begin);
	fx_put64(f, FX_DESCS + i * DESC_SIZE + 16, next);
	fx_put64(f, FX_INFOS + i * INFO_SIZE, id); /* seq */
	fx_put64(f, FX_INFOS + i * INFO_SIZE + INFO_TS, ts);
	put16(f, FX_INFOS + i * INFO_SIZE + INFO_TEXT_LEN, text_len);
	/* dev_info: never printed, like kexec-tools */
	memcpy(f->mem + FX_INFOS + i * INFO_SIZE + 24, "pci", 3);
	memcpy(f->mem + FX_INFOS + i * INFO_SIZE + 40, "+pci:0000:00:01.0", 17);
}

static void init_lockless(struct fx *f)
{
	/* ids start just below the 2^62 wrap, as the kernel's do (DESC0_ID). */
	uint64_t tail = SV_ID_MASK - 1, id = tail, lpos = 3 * 256 + 144, b, n;
	static const char tab[] = "tab\there\x01\xff";

	fx_put64(f, FX_SYM_PRB, FX_KTEXT + FX_PRB);
	fx_put32(f, FX_PRB + RB_DESC_RING + DR_COUNT_BITS, FX_COUNT_BITS);
	fx_put64(f, FX_PRB + RB_DESC_RING + DR_DESCS, FX_DMAP + FX_DESCS);
	fx_put64(f, FX_PRB + RB_DESC_RING + DR_INFOS, FX_DMAP + FX_INFOS);
	fx_put64(f, FX_PRB + RB_DESC_RING + DR_TAIL, tail);
	fx_put64(f, FX_PRB + RB_DESC_RING + DR_HEAD, (tail + 5) & SV_ID_MASK);
	fx_put32(f, FX_PRB + RB_DATA_RING + DATA_SIZE_BITS, FX_DATA_BITS);
	fx_put64(f, FX_PRB + RB_DATA_RING + DATA_DATA, FX_DMAP + FX_DATA);

	n = add_block(f, &lpos, id, "hello", 5, &b);
	add_desc(f, id, FINALIZED, b, n, 1500000000ull, 5);
	id = (id + 1) & SV_ID_MASK;
	n = add_block(f, &lpos, id, tab, sizeof(tab) - 1, &b);
	add_desc(f, id, COMMITTED, b, n, 2000001999ull, sizeof(tab) - 1);
	id = (id + 1) & SV_ID_MASK; /* a recycled descriptor: not printed */
	n = add_block(f, &lpos, id, "gone", 4, &b);
	add_desc(f, id, REUSABLE, b, n, 2500000000ull, 4);
	id = (id + 1) & SV_ID_MASK;
	n = add_block(f, &lpos, id, WRAP_TEXT, sizeof(WRAP_TEXT) - 1, &b);
	add_desc(f, id, FINALIZED, b, n, 3000000000ull, sizeof(WRAP_TEXT) - 1);
	id = (id + 1) & SV_ID_MASK;
	add_desc(f, id, FINALIZED, DATALESS_LPOS, DATALESS_LPOS, 123456000000000ull, 0);
	id = (id + 1) & SV_ID_MASK; /* text_len larger than the block holds */
	n = add_block(f, &lpos, id, "truncated!", 10, &b);
	add_desc(f, id, FINALIZED, b, n, 12345678901234ull, 50);
	/* A descriptor outside tail..head: never looked at. */
	add_desc(f, (id + 1) & SV_ID_MASK, FINALIZED, 0, 16, 9, 3);

	info_add(f, "SYMBOL(prb)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_PRB);
	info_add(f, "SYMBOL(printk_rb_static)=%" PRIx64 "\n", FX_KTEXT + FX_PRB);
	info_add(f, "SIZE(printk_ringbuffer)=88\n"
		    "OFFSET(printk_ringbuffer.desc_ring)=0\n"
		    "OFFSET(printk_ringbuffer.text_data_ring)=48\n"
		    "OFFSET(printk_ringbuffer.fail)=80\n"
		    "SIZE(prb_desc_ring)=48\n"
		    "OFFSET(prb_desc_ring.count_bits)=0\n"
		    "OFFSET(prb_desc_ring.descs)=8\n"
		    "OFFSET(prb_desc_ring.infos)=16\n"
		    "OFFSET(prb_desc_ring.head_id)=24\n"
		    "OFFSET(prb_desc_ring.tail_id)=32\n"
		    "SIZE(prb_desc)=24\n"
		    "OFFSET(prb_desc.state_var)=0\n"
		    "OFFSET(prb_desc.text_blk_lpos)=8\n"
		    "SIZE(prb_data_blk_lpos)=16\n"
		    "OFFSET(prb_data_blk_lpos.begin)=0\n"
		    "OFFSET(prb_data_blk_lpos.next)=8\n"
		    "SIZE(printk_info)=88\n"
		    "OFFSET(printk_info.seq)=0\n"
		    "OFFSET(printk_info.ts_nsec)=8\n"
		    "OFFSET(printk_info.text_len)=16\n"
		    "OFFSET(printk_info.caller_id)=20\n"
		    "OFFSET(printk_info.dev_info)=24\n"
		    "SIZE(dev_printk_info)=64\n"
		    "OFFSET(dev_printk_info.subsystem)=0\n"
		    "OFFSET(dev_printk_info.device)=16\n"
		    "SIZE(prb_data_ring)=32\n"
		    "OFFSET(prb_data_ring.size_bits)=0\n"
		    "OFFSET(prb_data_ring.data)=8\n"
		    "OFFSET(prb_data_ring.head_lpos)=16\n"
		    "OFFSET(prb_data_ring.tail_lpos)=24\n"
		    "SIZE(atomic_long_t)=8\n"
		    "OFFSET(atomic_long_t.counter)=0\n");
}

static uint32_t add_log(struct fx *f, uint32_t idx, uint64_t ts, const char *text,
			const char *dict)
{
	size_t tl = strlen(text), dl = strlen(dict);
	uint32_t len = (uint32_t)((LOG_HDR + tl + dl + 7) & ~7u);

	fx_put64(f, FX_LOGBUF + idx, ts);
	put16(f, FX_LOGBUF + idx + 8, (uint16_t)len);
	put16(f, FX_LOGBUF + idx + 10, (uint16_t)tl);
	put16(f, FX_LOGBUF + idx + 12, (uint16_t)dl);
	memcpy(f->mem + FX_LOGBUF + idx + LOG_HDR, text, tl);
	memcpy(f->mem + FX_LOGBUF + idx + LOG_HDR + tl, dict, dl);
	return idx + len;
}

static void init_structured(struct fx *f, bool old_names)
{
	const char *s = old_names ? "log" : "printk_log";
	uint32_t idx = 152;

	fx_put64(f, FX_SYM_LOG_BUF, FX_DMAP + FX_LOGBUF);
	fx_put32(f, FX_SYM_LOG_BUF_LEN, FX_STRUCT_LEN);
	fx_put32(f, FX_SYM_FIRST_IDX, idx);
	/* Stale bytes before the first record must not show. */
	add_log(f, 0, 1, "overwritten-old-record-text", "");
	idx = add_log(f, idx, 5000000000ull, "abcdefghij", "SUBSYSTEM=pci");
	idx = add_log(f, idx, 6000000000ull, "0123456789abcdef0123456789ABCDEF", "");
	/* log_store(): no room for the next record, a zeroed header marks the wrap. */
	memset(f->mem + FX_LOGBUF + idx, 0, LOG_HDR);
	idx = add_log(f, 0, 7000000000ull, "after wrap", "");
	idx = add_log(f, idx, 8000000000ull, "multi\nline", "");
	fx_put32(f, FX_SYM_NEXT_IDX, idx);

	info_add(f, "SYMBOL(log_buf)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_LOG_BUF);
	info_add(f, "SYMBOL(log_buf_len)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_LOG_BUF_LEN);
	info_add(f, "SYMBOL(log_first_idx)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_FIRST_IDX);
	info_add(f, "SYMBOL(clear_idx)=%" PRIx64 "\n", FX_KTEXT + 0x40);
	info_add(f, "SYMBOL(log_next_idx)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_NEXT_IDX);
	info_add(f, "SIZE(%s)=%d\n", s, LOG_HDR);
	info_add(f, "OFFSET(%s.ts_nsec)=0\n", s);
	info_add(f, "OFFSET(%s.len)=8\n", s);
	info_add(f, "OFFSET(%s.text_len)=10\n", s);
}

static void init_legacy(struct fx *f)
{
	fx_put64(f, FX_SYM_LOG_BUF, FX_DMAP + FX_LEGACY);
	fx_put32(f, FX_SYM_LOG_BUF_LEN, FX_LEGACY_LEN);
	/* 84 bytes written in all: the ring wrapped, the newest byte is at 19. */
	fx_put32(f, FX_SYM_LOG_END, FX_LEGACY_LEN + 20);
	memset(f->mem + FX_LEGACY, '.', FX_LEGACY_LEN);
	/* ring[20..64) is the oldest part, ring[0..20) the newest. */
	memcpy(f->mem + FX_LEGACY + 20, "<4>first line\n<6>second line\n<6>t", 33);
	memcpy(f->mem + FX_LEGACY + 20 + 33, "abcdefghijk", 11);
	memcpy(f->mem + FX_LEGACY, "hird line\n<6>end!!\n\n", 20);
	info_add(f, "SYMBOL(log_buf)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_LOG_BUF);
	info_add(f, "SYMBOL(log_end)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_LOG_END);
	info_add(f, "SYMBOL(log_buf_len)=%" PRIx64 "\n", FX_KTEXT + FX_SYM_LOG_BUF_LEN);
	info_add(f, "SYMBOL(logged_chars)=%" PRIx64 "\n", FX_KTEXT + 0x40);
}

void fx_init(struct fx *f, enum kx_log_format fmt, bool old_names)
{
	memset(f, 0, sizeof(*f));
	/* Unused memory is not zero in a real dump. */
	for (size_t i = 0; i < FX_MEM_SIZE; i++)
		f->mem[i] = (uint8_t)(i * 7 + 3);
	memset(f->mem, 0, 0x100);
	memset(f->mem + FX_PRB, 0, 0x100);
	memset(f->mem + FX_DESCS, 0, FX_LOGBUF - FX_DESCS);
	info_add(f, "OSRELEASE=6.1.0-kx-test\nPAGESIZE=4096\n");
	switch (fmt) {
	case KX_LOG_LOCKLESS:
		init_lockless(f);
		break;
	case KX_LOG_STRUCTURED:
		init_structured(f, old_names);
		break;
	default:
		init_legacy(f);
		break;
	}
	info_add(f, "NUMBER(phys_base)=0\nKERNELOFFSET=0\n");
	/* The kernel appends CRASHTIME last, without a newline. */
	info_add(f, "CRASHTIME=1700000000");
}

const char *fx_expected(enum kx_log_format fmt)
{
	switch (fmt) {
	case KX_LOG_LOCKLESS:
		return "[    1.500000] hello\n"
		       "[    2.000001] tab\there\\x01\\xff\n"
		       "[    3.000000] 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		       "-this-wraps-the-ring\n"
		       "[123456.000000] \n"
		       "[12345.678901] truncated!\\x00\\x00\\x00\\x00\\x00\\x00\n";
	case KX_LOG_STRUCTURED:
		return "[    5.000000] abcdefghij\n"
		       "[    6.000000] 0123456789abcdef0123456789ABCDEF\n"
		       "[    0.000000] \n"
		       "[    7.000000] after wrap\n"
		       "[    8.000000] multi\nline\n";
	default:
		return "<4>first line\n<6>second line\n<6>tabcdefghijkhird line\n<6>end!!\n\n";
	}
}

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void w64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void phdr(uint8_t *p, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr,
		 uint64_t filesz, uint64_t memsz)
{
	w32(p, type);
	w32(p + 4, type == PT_LOAD ? PF_R | PF_W | PF_X : 0);
	w64(p + 8, off);
	w64(p + 16, vaddr);
	w64(p + 24, paddr);
	w64(p + 32, filesz);
	w64(p + 40, memsz);
	w64(p + 48, 0);
}

void fx_build(const struct fx *f, uint8_t **out, size_t *len)
{
	size_t info_len = strlen(f->info);
	size_t core_note = 12 + 8 + 16;
	size_t vi_note = 12 + 12 + ((info_len + 3) & ~(size_t)3);
	size_t nph = (f->no_ktext_load ? 2 : 3) + (f->ram_memsz ? 1 : 0);
	size_t notes_off = 64 + nph * 56, data_off = (notes_off + core_note + vi_note + 7) & ~7u;
	size_t total = data_off + FX_MEM_FILESZ + f->ram_len, i = 0;
	uint8_t *b = calloc(1, total), *n;

	if (!b)
		abort();
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	w16(b + 16, ET_CORE);
	w16(b + 18, f->machine ? f->machine : EM_X86_64);
	w32(b + 20, EV_CURRENT);
	w64(b + 32, 64);
	w16(b + 52, 64);
	w16(b + 54, 56);
	w16(b + 56, (uint16_t)nph);
	phdr(b + 64 + 56 * i++, PT_NOTE, notes_off, 0, 0, core_note + vi_note,
	     core_note + vi_note);
	if (!f->no_ktext_load)
		phdr(b + 64 + 56 * i++, PT_LOAD, data_off, FX_KTEXT, FX_MEM_PADDR, FX_KTEXT_SIZE,
		     FX_KTEXT_SIZE);
	phdr(b + 64 + 56 * i++, PT_LOAD, data_off, f->dmap_vaddr_unknown ? 0 : FX_DMAP,
	     FX_MEM_PADDR, FX_MEM_FILESZ, FX_MEM_SIZE);
	if (f->ram_memsz)
		phdr(b + 64 + 56 * i++, PT_LOAD, data_off + FX_MEM_FILESZ,
		     FX_PAGE_OFFSET + f->ram_paddr, f->ram_paddr, f->ram_len, f->ram_memsz);
	/* A CORE note as each CPU's NT_PRSTATUS, then VMCOREINFO. */
	n = b + notes_off;
	w32(n, 5);
	w32(n + 4, 16);
	w32(n + 8, NT_PRSTATUS);
	memcpy(n + 12, "CORE", 5);
	n += core_note;
	w32(n, 11);
	w32(n + 4, (uint32_t)info_len);
	w32(n + 8, 0);
	memcpy(n + 12, f->no_vmcoreinfo ? "VMCOREINFX" : "VMCOREINFO", 11);
	memcpy(n + 24, f->info, info_len);
	memcpy(b + data_off, f->mem, FX_MEM_FILESZ);
	if (f->ram_len)
		memcpy(b + data_off + FX_MEM_FILESZ, f->ram, f->ram_len);
	*out = b;
	*len = total;
}

uint8_t fx_phys_byte(const struct fx *f, uint64_t paddr)
{
	if (paddr >= FX_MEM_PADDR && paddr - FX_MEM_PADDR < FX_MEM_FILESZ)
		return f->mem[paddr - FX_MEM_PADDR];
	if (paddr >= f->ram_paddr && paddr - f->ram_paddr < f->ram_len)
		return f->ram[paddr - f->ram_paddr];
	return 0;
}

const uint64_t fx_wrap_notes[6] = {
	0x100000,
	(UINT64_C(1) << 62) - 0x40000,
	(UINT64_C(1) << 62) - 0x40000,
	(UINT64_C(1) << 62) - 0x40000,
	(UINT64_C(1) << 62) - 0x40000,
	16,
};

void fx_build_notes_header(const uint64_t *filesz, size_t n, uint64_t note_off,
			   uint8_t **out, size_t *len)
{
	size_t total = 64 + n * 56, i;
	uint8_t *b = calloc(1, total);

	if (!b || n > UINT16_MAX)
		abort();
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	w16(b + 16, ET_CORE);
	w16(b + 18, EM_X86_64);
	w32(b + 20, EV_CURRENT);
	w64(b + 32, 64);
	w16(b + 52, 64);
	w16(b + 54, 56);
	w16(b + 56, (uint16_t)n);
	for (i = 0; i < n; i++)
		phdr(b + 64 + 56 * i, PT_NOTE, note_off, 0, 0, filesz[i], filesz[i]);
	*out = b;
	*len = total;
}
