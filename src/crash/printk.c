/* SPDX-License-Identifier: MIT */
#include "crash/printk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

#define MOD "printk"

#define NSEC_PER_SEC UINT64_C(1000000000)
#define NSEC_PER_USEC UINT64_C(1000)

/* kernel/printk/printk_ringbuffer.h: the top two bits of a descriptor's
 * state_var are its state, the rest its id; ids count up modulo 2^62. */
#define DESC_SV_BITS 64
#define DESC_FLAGS_SHIFT (DESC_SV_BITS - 2)
#define DESC_ID_MASK (~(3ull << DESC_FLAGS_SHIFT))
enum desc_state {
	DESC_RESERVED = 0,
	DESC_COMMITTED = 1,
	DESC_FINALIZED = 2,
	DESC_REUSABLE = 3,
};
/* A data block starts with the id of its descriptor, an unsigned long. */
#define DATA_BLOCK_ID_SIZE 8

/* Output is gathered and written in pieces of about this size. */
#define OUT_CHUNK 8192
/* The longest thing appended at once: "[%5llu.%06llu] " with a 20-digit
 * seconds field, or one escaped byte. */
#define OUT_RESERVE 64

struct out {
	kx_log_write_fn write;
	void *ctx;
	char buf[OUT_CHUNK];
	size_t len;
};

static int out_flush(struct out *o)
{
	int ret = 0;

	if (o->len)
		ret = o->write(o->ctx, o->buf, o->len);
	o->len = 0;
	return ret;
}

static int out_room(struct out *o)
{
	return o->len + OUT_RESERVE > sizeof(o->buf) ? out_flush(o) : 0;
}

static int out_timestamp(struct out *o, uint64_t ts_nsec)
{
	int ret = out_room(o);

	if (ret)
		return ret;
	o->len += (size_t)snprintf(o->buf + o->len, sizeof(o->buf) - o->len,
				   "[%5" PRIu64 ".%06" PRIu64 "] ", ts_nsec / NSEC_PER_SEC,
				   ts_nsec % NSEC_PER_SEC / NSEC_PER_USEC);
	return 0;
}

/* isprint() || isspace() in the C locale, which is what kexec-tools tests. */
static bool shown_as_is(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= '\t' && c <= '\r');
}

static int out_text(struct out *o, const uint8_t *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int ret;

	for (i = 0; i < len; i++) {
		ret = out_room(o);
		if (ret)
			return ret;
		if (shown_as_is(text[i])) {
			o->buf[o->len++] = (char)text[i];
		} else {
			o->buf[o->len++] = '\\';
			o->buf[o->len++] = 'x';
			o->buf[o->len++] = hex[text[i] >> 4];
			o->buf[o->len++] = hex[text[i] & 15];
		}
	}
	return 0;
}

static int out_char(struct out *o, char c)
{
	int ret = out_room(o);

	if (!ret)
		o->buf[o->len++] = c;
	return ret;
}

/* ---- VMCOREINFO lookups that name what they are for ---- */

enum key_kind { KEY_SYMBOL, KEY_OFFSET, KEY_SIZE };

static int need(const struct kx_vmcoreinfo *vi, enum key_kind kind, const char *name,
		const char *what, uint64_t *out)
{
	static const char *const kinds[] = { "SYMBOL", "OFFSET", "SIZE" };
	int ret;

	switch (kind) {
	case KEY_SYMBOL:
		ret = kx_vmcoreinfo_symbol(vi, name, out);
		break;
	case KEY_OFFSET:
		ret = kx_vmcoreinfo_offset(vi, name, out);
		break;
	default:
		ret = kx_vmcoreinfo_size(vi, name, out);
		break;
	}
	if (ret == -ENOENT)
		return kx_err(ENOENT, MOD, "VMCOREINFO has no %s(%s), needed for the %s",
			      kinds[kind], name, what);
	return ret;
}

/* Reads an object of the crashed kernel; an unmapped address is reported with
 * what it is ("the log buffer at 0x... is not in any PT_LOAD"). */
static int read_obj(const struct kx_vmcore *vc, const char *what, uint64_t addr, void *buf,
		    size_t len)
{
	int ret = kx_vmcore_read_vaddr(vc, addr, buf, len);

	if (ret == -EFAULT)
		return kx_err(EFAULT, MOD, "%s at 0x%" PRIx64 " is not in any PT_LOAD", what, addr);
	if (ret)
		return kx_err_prefix(ret, "%s: %s at 0x%" PRIx64, MOD, what, addr);
	return 0;
}

static int read_obj_u64(const struct kx_vmcore *vc, const char *what, uint64_t addr,
			uint64_t *out)
{
	uint8_t b[8];
	int ret = read_obj(vc, what, addr, b, sizeof(b));

	if (!ret)
		*out = kx_le64(b);
	return ret;
}

static int read_obj_u32(const struct kx_vmcore *vc, const char *what, uint64_t addr,
			uint32_t *out)
{
	uint8_t b[4];
	int ret = read_obj(vc, what, addr, b, sizeof(b));

	if (!ret)
		*out = kx_le32(b);
	return ret;
}

/* Allocates and reads a ring of len bytes, refusing sizes no real core has. */
static int read_ring(const struct kx_vmcore *vc, const char *what, uint64_t addr, uint64_t len,
		     uint8_t **out)
{
	int ret;

	if (len > vc->file_size)
		return kx_err(EINVAL, MOD, "%s of %" PRIu64 " bytes is larger than the core file "
			      "(%" PRIu64 " bytes): corrupt ring header", what, len, vc->file_size);
	*out = malloc(len ? len : 1);
	if (!*out)
		return kx_err(ENOMEM, MOD, "out of memory for the %s (%" PRIu64 " bytes)", what, len);
	ret = read_obj(vc, what, addr, *out, len);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

/* A field of `width` bytes at `off` must lie inside a struct of `size`. */
static int check_field(const char *name, uint64_t off, unsigned width, uint64_t size)
{
	if (off > size || width > size - off)
		return kx_err(EINVAL, MOD, "OFFSET(%s)=%" PRIu64 " does not fit in its struct "
			      "(%" PRIu64 " bytes)", name, off, size);
	return 0;
}

static int check_struct_size(const char *name, uint64_t size)
{
	if (size == 0 || size > KX_PRINTK_MAX_STRUCT)
		return kx_err(EINVAL, MOD, "SIZE(%s)=%" PRIu64 " is not a plausible size", name,
			      size);
	return 0;
}

/* ---- lockless ring buffer (kernel/printk/printk_ringbuffer.[ch]) ---- */

struct prb {
	uint64_t desc_size, info_size;
	uint64_t off_state, off_begin, off_next; /* inside struct prb_desc */
	uint64_t off_ts, off_text_len;           /* inside struct printk_info */
	uint64_t count, data_size;
	uint8_t *descs, *infos, *data;
};

static const char LOCKLESS[] = "lockless ring buffer";

static int prb_dump_record(const struct prb *r, uint64_t id, struct out *o)
{
	uint64_t i = id & (r->count - 1);
	const uint8_t *desc = r->descs + i * r->desc_size;
	const uint8_t *info = r->infos + i * r->info_size;
	uint64_t sv = kx_le64(desc + r->off_state);
	uint64_t begin, next, len;
	unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT);
	int ret;

	/* Records being written (reserved), recycled (reusable) or overwritten by
	 * a newer id are not part of the log. */
	if ((sv & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return 0;
	ret = out_timestamp(o, kx_le64(info + r->off_ts));
	if (ret)
		return ret;
	/* Logical positions modulo the ring size (DATA_INDEX()). Equal positions
	 * are a data-less record: an empty line or a failed reservation. */
	begin = kx_le64(desc + r->off_begin) & (r->data_size - 1);
	next = kx_le64(desc + r->off_next) & (r->data_size - 1);
	if (begin != next) {
		len = kx_le16(info + r->off_text_len);
		/* A block that would cross the end of the ring is stored whole at its
		 * start (data_alloc()), and next names the end of that copy. */
		if (begin > next)
			begin = 0;
		begin += DATA_BLOCK_ID_SIZE;
		/* text_len counts what printk was asked to store; the block may hold
		 * less (truncated records). kexec-tools clamps the same way. */
		if (next - begin < len)
			len = next - begin;
		if (begin >= r->data_size)
			len = 0;
		else if (len > r->data_size - begin)
			len = r->data_size - begin;
		ret = out_text(o, r->data + begin, len);
		if (ret)
			return ret;
	}
	return out_char(o, '\n');
}

static int prb_read_layout(const struct kx_vmcoreinfo *vi, struct prb *r, uint64_t *o_desc_ring,
			   uint64_t *o_data_ring, uint64_t *o_count_bits, uint64_t *o_descs,
			   uint64_t *o_infos, uint64_t *o_head, uint64_t *o_tail,
			   uint64_t *o_size_bits, uint64_t *o_data)
{
	uint64_t lpos, begin, next, state, counter = 0;
	int ret;

	if ((ret = need(vi, KEY_OFFSET, "printk_ringbuffer.desc_ring", LOCKLESS, o_desc_ring)) ||
	    (ret = need(vi, KEY_OFFSET, "printk_ringbuffer.text_data_ring", LOCKLESS, o_data_ring)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc_ring.count_bits", LOCKLESS, o_count_bits)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc_ring.descs", LOCKLESS, o_descs)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc_ring.infos", LOCKLESS, o_infos)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc_ring.head_id", LOCKLESS, o_head)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc_ring.tail_id", LOCKLESS, o_tail)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_data_ring.size_bits", LOCKLESS, o_size_bits)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_data_ring.data", LOCKLESS, o_data)) ||
	    (ret = need(vi, KEY_SIZE, "prb_desc", LOCKLESS, &r->desc_size)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc.state_var", LOCKLESS, &state)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_desc.text_blk_lpos", LOCKLESS, &lpos)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_data_blk_lpos.begin", LOCKLESS, &begin)) ||
	    (ret = need(vi, KEY_OFFSET, "prb_data_blk_lpos.next", LOCKLESS, &next)) ||
	    (ret = need(vi, KEY_SIZE, "printk_info", LOCKLESS, &r->info_size)) ||
	    (ret = need(vi, KEY_OFFSET, "printk_info.ts_nsec", LOCKLESS, &r->off_ts)) ||
	    (ret = need(vi, KEY_OFFSET, "printk_info.text_len", LOCKLESS, &r->off_text_len)))
		return ret;
	/* atomic_long_t is a struct with one member, counter, at offset 0 on
	 * every architecture; a kernel that omits the export means 0. */
	ret = kx_vmcoreinfo_offset(vi, "atomic_long_t.counter", &counter);
	if (ret && ret != -ENOENT)
		return ret;
	if (ret == -ENOENT)
		counter = 0;
	*o_head += counter;
	*o_tail += counter;
	if ((ret = check_struct_size("prb_desc", r->desc_size)) ||
	    (ret = check_struct_size("printk_info", r->info_size)))
		return ret;
	/* Each sum stays small: every term was checked against the struct size or
	 * is itself an offset inside it. */
	if (state > KX_PRINTK_MAX_STRUCT || lpos > KX_PRINTK_MAX_STRUCT ||
	    begin > KX_PRINTK_MAX_STRUCT || next > KX_PRINTK_MAX_STRUCT ||
	    counter > KX_PRINTK_MAX_STRUCT)
		return kx_err(EINVAL, MOD, "an OFFSET() of struct prb_desc is not plausible");
	r->off_state = state + counter;
	r->off_begin = lpos + begin;
	r->off_next = lpos + next;
	if ((ret = check_field("prb_desc.state_var", r->off_state, 8, r->desc_size)) ||
	    (ret = check_field("prb_data_blk_lpos.begin", r->off_begin, 8, r->desc_size)) ||
	    (ret = check_field("prb_data_blk_lpos.next", r->off_next, 8, r->desc_size)) ||
	    (ret = check_field("printk_info.ts_nsec", r->off_ts, 8, r->info_size)) ||
	    (ret = check_field("printk_info.text_len", r->off_text_len, 2, r->info_size)))
		return ret;
	return 0;
}

static int dump_lockless(const struct kx_vmcore *vc, struct out *o)
{
	const struct kx_vmcoreinfo *vi = &vc->info;
	uint64_t o_desc_ring, o_data_ring, o_count_bits, o_descs, o_infos, o_head, o_tail;
	uint64_t o_size_bits, o_data;
	uint64_t prb_sym, prb, descs, infos, data, head, tail, id, n;
	uint32_t count_bits, size_bits;
	struct prb r = { 0 };
	int ret;

	ret = need(vi, KEY_SYMBOL, "prb", LOCKLESS, &prb_sym);
	if (ret)
		return ret;
	ret = prb_read_layout(vi, &r, &o_desc_ring, &o_data_ring, &o_count_bits, &o_descs,
			      &o_infos, &o_head, &o_tail, &o_size_bits, &o_data);
	if (ret)
		return ret;
	/* SYMBOL(prb) is the address of the pointer `prb`, which points at the
	 * ring in use (printk_rb_static or the one setup_log_buf() allocated). */
	if ((ret = read_obj_u64(vc, "the prb pointer", prb_sym, &prb)))
		return ret;
	/* Field addresses are sums of a kernel address and small offsets; a
	 * wrap-around is caught by the reader (it has no PT_LOAD there). */
	if ((ret = read_obj_u32(vc, "prb_desc_ring.count_bits", prb + o_desc_ring + o_count_bits,
				&count_bits)) ||
	    (ret = read_obj_u64(vc, "prb_desc_ring.descs", prb + o_desc_ring + o_descs, &descs)) ||
	    (ret = read_obj_u64(vc, "prb_desc_ring.infos", prb + o_desc_ring + o_infos, &infos)) ||
	    (ret = read_obj_u64(vc, "prb_desc_ring.head_id", prb + o_desc_ring + o_head, &head)) ||
	    (ret = read_obj_u64(vc, "prb_desc_ring.tail_id", prb + o_desc_ring + o_tail, &tail)) ||
	    (ret = read_obj_u32(vc, "prb_data_ring.size_bits", prb + o_data_ring + o_size_bits,
				&size_bits)) ||
	    (ret = read_obj_u64(vc, "prb_data_ring.data", prb + o_data_ring + o_data, &data)))
		return ret;
	if (count_bits > KX_PRINTK_MAX_COUNT_BITS)
		return kx_err(EINVAL, MOD, "the descriptor ring claims 2^%u entries (at most 2^%u): "
			      "corrupt ring header", count_bits, KX_PRINTK_MAX_COUNT_BITS);
	if (size_bits > KX_PRINTK_MAX_DATA_BITS || size_bits < 3)
		return kx_err(EINVAL, MOD, "the text data ring claims 2^%u bytes (2^3 to 2^%u): "
			      "corrupt ring header", size_bits, KX_PRINTK_MAX_DATA_BITS);
	r.count = 1ull << count_bits;
	r.data_size = 1ull << size_bits;
	head &= DESC_ID_MASK;
	tail &= DESC_ID_MASK;
	/* The ring holds at most count descriptors from tail to head. */
	n = (head - tail) & DESC_ID_MASK;
	if (n >= r.count)
		return kx_err(EINVAL, MOD, "tail_id 0x%" PRIx64 " and head_id 0x%" PRIx64
			      " are %" PRIu64 " apart, more than the %" PRIu64
			      " descriptors: corrupt ring", tail, head, n, r.count);
	if ((ret = read_ring(vc, "descriptor ring", descs, r.count * r.desc_size, &r.descs)) ||
	    (ret = read_ring(vc, "printk_info ring", infos, r.count * r.info_size, &r.infos)) ||
	    (ret = read_ring(vc, "text data ring", data, r.data_size, &r.data)))
		goto out;
	/* From the oldest record (tail) to the newest (head), both included. */
	for (id = tail;; id = (id + 1) & DESC_ID_MASK) {
		ret = prb_dump_record(&r, id, o);
		if (ret || id == head)
			break;
	}
out:
	free(r.descs);
	free(r.infos);
	free(r.data);
	return ret;
}

/* ---- structured records, 3.5 to 5.9 (struct printk_log, before 3.11 "log") ---- */

static const char STRUCTURED[] = "structured log buffer";

/* SIZE(printk_log) or, before 3.11, SIZE(log); the same for OFFSET(). */
static int log_key(const struct kx_vmcoreinfo *vi, enum key_kind kind, const char *field,
		   uint64_t *out)
{
	char name[64];
	int ret;

	snprintf(name, sizeof(name), "printk_log%s%s", field ? "." : "", field ? field : "");
	ret = kind == KEY_SIZE ? kx_vmcoreinfo_size(vi, name, out)
			       : kx_vmcoreinfo_offset(vi, name, out);
	if (ret != -ENOENT)
		return ret;
	snprintf(name, sizeof(name), "log%s%s", field ? "." : "", field ? field : "");
	ret = kind == KEY_SIZE ? kx_vmcoreinfo_size(vi, name, out)
			       : kx_vmcoreinfo_offset(vi, name, out);
	if (ret == -ENOENT)
		return kx_err(ENOENT, MOD, "VMCOREINFO has no %s(printk_log%s%s), needed for the %s",
			      kind == KEY_SIZE ? "SIZE" : "OFFSET", field ? "." : "",
			      field ? field : "", STRUCTURED);
	return ret;
}

static int dump_structured(const struct kx_vmcore *vc, struct out *o)
{
	const struct kx_vmcoreinfo *vi = &vc->info;
	uint64_t sym_buf, sym_len, sym_first, sym_next, hdr, off_ts, off_len, off_text_len;
	uint64_t log_buf, steps, max_steps;
	uint32_t buf_len, first, next, idx;
	uint8_t *ring = NULL;
	int ret;

	if ((ret = need(vi, KEY_SYMBOL, "log_buf", STRUCTURED, &sym_buf)) ||
	    (ret = need(vi, KEY_SYMBOL, "log_buf_len", STRUCTURED, &sym_len)) ||
	    (ret = need(vi, KEY_SYMBOL, "log_first_idx", STRUCTURED, &sym_first)) ||
	    (ret = need(vi, KEY_SYMBOL, "log_next_idx", STRUCTURED, &sym_next)) ||
	    (ret = log_key(vi, KEY_SIZE, NULL, &hdr)) ||
	    (ret = log_key(vi, KEY_OFFSET, "ts_nsec", &off_ts)) ||
	    (ret = log_key(vi, KEY_OFFSET, "len", &off_len)) ||
	    (ret = log_key(vi, KEY_OFFSET, "text_len", &off_text_len)))
		return ret;
	if ((ret = check_struct_size("printk_log", hdr)) ||
	    (ret = check_field("printk_log.ts_nsec", off_ts, 8, hdr)) ||
	    (ret = check_field("printk_log.len", off_len, 2, hdr)) ||
	    (ret = check_field("printk_log.text_len", off_text_len, 2, hdr)))
		return ret;
	/* log_buf is a pointer (to __log_buf or a larger buffer from
	 * setup_log_buf()); the others are u32 variables. */
	if ((ret = read_obj_u64(vc, "the log_buf pointer", sym_buf, &log_buf)) ||
	    (ret = read_obj_u32(vc, "log_buf_len", sym_len, &buf_len)) ||
	    (ret = read_obj_u32(vc, "log_first_idx", sym_first, &first)) ||
	    (ret = read_obj_u32(vc, "log_next_idx", sym_next, &next)))
		return ret;
	if (buf_len > 1ull << KX_PRINTK_MAX_DATA_BITS)
		return kx_err(EINVAL, MOD, "log_buf_len %" PRIu32 " is larger than the kernel "
			      "allows (2^%u): corrupt", buf_len, KX_PRINTK_MAX_DATA_BITS);
	ret = read_ring(vc, "log buffer", log_buf, buf_len, &ring);
	if (ret)
		return ret;
	/* Every record but the wrap marker is at least a header long, so a walk of
	 * more steps than that is going round in circles. */
	max_steps = buf_len / hdr + 2;
	idx = first;
	for (steps = 0; idx != next; steps++) {
		uint16_t len, text_len;

		if (steps > max_steps || idx > buf_len || hdr > buf_len - idx) {
			ret = kx_err(EINVAL, MOD, "record at log_buf index %" PRIu32 " runs past the "
				     "end of the %" PRIu32 "-byte buffer or loops: corrupt log",
				     idx, buf_len);
			goto out;
		}
		len = kx_le16(ring + idx + off_len);
		text_len = kx_le16(ring + idx + off_text_len);
		if (text_len > buf_len - idx - hdr) {
			ret = kx_err(EINVAL, MOD, "record at log_buf index %" PRIu32 " has %u bytes "
				     "of text past the end of the buffer: corrupt log", idx, text_len);
			goto out;
		}
		/* Like kexec-tools, the wrap marker (len 0, zeroed by log_store()) is
		 * printed as a record too: "[    0.000000] " and an empty line. */
		if ((ret = out_timestamp(o, kx_le64(ring + idx + off_ts))) ||
		    (ret = out_text(o, ring + idx + hdr, text_len)) || (ret = out_char(o, '\n')))
			goto out;
		if (len == 0) {
			idx = 0;
		} else if (len < hdr) {
			ret = kx_err(EINVAL, MOD, "record at log_buf index %" PRIu32 " is %u bytes, "
				     "shorter than its header: corrupt log", idx, len);
			goto out;
		} else {
			idx += len;
		}
	}
out:
	free(ring);
	return ret;
}

/* ---- plain text ring, before 3.5 ---- */

static const char LEGACY[] = "plain log buffer";

static int dump_legacy(const struct kx_vmcore *vc, struct out *o)
{
	const struct kx_vmcoreinfo *vi = &vc->info;
	uint64_t sym_buf, sym_end, sym_len, log_buf, logged;
	uint32_t log_end, len_u32, wrapped;
	uint8_t *ring = NULL;
	int32_t buf_len;
	int ret;

	if ((ret = need(vi, KEY_SYMBOL, "log_buf", LEGACY, &sym_buf)) ||
	    (ret = need(vi, KEY_SYMBOL, "log_end", LEGACY, &sym_end)) ||
	    (ret = need(vi, KEY_SYMBOL, "log_buf_len", LEGACY, &sym_len)))
		return ret;
	/* char *log_buf; unsigned log_end (a count of bytes ever written, the
	 * write position modulo log_buf_len); int log_buf_len. */
	if ((ret = read_obj_u64(vc, "the log_buf pointer", sym_buf, &log_buf)) ||
	    (ret = read_obj_u32(vc, "log_end", sym_end, &log_end)) ||
	    (ret = read_obj_u32(vc, "log_buf_len", sym_len, &len_u32)))
		return ret;
	buf_len = (int32_t)len_u32;
	if (buf_len <= 0)
		return kx_err(EINVAL, MOD, "log_buf_len is %" PRId32 ": corrupt", buf_len);
	ret = read_ring(vc, "log buffer", log_buf, (uint64_t)buf_len, &ring);
	if (ret)
		return ret;
	/* The newest byte is just before log_end; print the last
	 * min(log_end, log_buf_len) bytes in order, as crash and kexec-tools do
	 * (this includes what `dmesg -c` cleared). */
	wrapped = log_end % (uint32_t)buf_len;
	logged = log_end < (uint32_t)buf_len ? log_end : (uint32_t)buf_len;
	if (logged > wrapped) {
		ret = out_flush(o);
		if (!ret)
			ret = o->write(o->ctx, (const char *)ring + buf_len - (logged - wrapped),
				       logged - wrapped);
		logged = wrapped;
	}
	if (!ret && logged) {
		ret = out_flush(o);
		if (!ret)
			ret = o->write(o->ctx, (const char *)ring + wrapped - logged, logged);
	}
	free(ring);
	return ret;
}

/* ---- the choice ---- */

int kx_printk_format(const struct kx_vmcoreinfo *vi, enum kx_log_format *out)
{
	const char *v;
	size_t n;

	/* The order kexec-tools uses: a kernel exports only one set. */
	if (kx_vmcoreinfo_get(vi, "SYMBOL(prb)=", &v, &n) == 0)
		*out = KX_LOG_LOCKLESS;
	else if (kx_vmcoreinfo_get(vi, "SYMBOL(log_first_idx)=", &v, &n) == 0)
		*out = KX_LOG_STRUCTURED;
	else if (kx_vmcoreinfo_get(vi, "SYMBOL(log_buf)=", &v, &n) == 0)
		*out = KX_LOG_LEGACY;
	else
		return kx_err(ENOENT, MOD, "VMCOREINFO names no log buffer (no SYMBOL(prb), "
			      "SYMBOL(log_first_idx) or SYMBOL(log_buf))");
	return 0;
}

const char *kx_printk_format_name(enum kx_log_format f)
{
	switch (f) {
	case KX_LOG_LOCKLESS:
		return LOCKLESS;
	case KX_LOG_STRUCTURED:
		return STRUCTURED;
	default:
		return LEGACY;
	}
}

int kx_printk_dump(const struct kx_vmcore *vc, kx_log_write_fn write, void *ctx)
{
	enum kx_log_format f = KX_LOG_LEGACY;
	struct out *o;
	int ret, fret;

	ret = kx_printk_format(&vc->info, &f);
	if (ret)
		return ret;
	o = malloc(sizeof(*o));
	if (!o)
		return kx_err(ENOMEM, MOD, "out of memory");
	o->write = write;
	o->ctx = ctx;
	o->len = 0;
	switch (f) {
	case KX_LOG_LOCKLESS:
		ret = dump_lockless(vc, o);
		break;
	case KX_LOG_STRUCTURED:
		ret = dump_structured(vc, o);
		break;
	default:
		ret = dump_legacy(vc, o);
		break;
	}
	/* What was decoded before an error is still written out: the start of a
	 * log is worth having. */
	fret = out_flush(o);
	free(o);
	return ret ? ret : fret;
}
