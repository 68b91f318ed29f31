/* SPDX-License-Identifier: MIT */
/* The whole vmcore-dmesg pipeline over a core file held in memory: ELF and
 * note parsing, VMCOREINFO lookups, address translation and the three log
 * decoders. Any input must decode or fail with a message; never crash, hang
 * or allocate more than the input could justify.
 *
 * Input: the file's bytes, then 8 bytes (little-endian) that say how many
 * zero bytes follow them in the file, as in a sparse file. A real core file
 * may claim 2^62 bytes at no cost, and size checks that hold for a file in
 * memory (a sum of note sizes, each at most the file size) can wrap only
 * then. Inputs shorter than 8 bytes are the whole file. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "crash/printk.h"
#include "crash/vmcore.h"

#define SPARSE_TAIL_SIZE 8
/* The largest read served: all notes at their cap. A larger read (a ring that
 * a huge sparse size lets through) fails like an I/O error, so its buffer is
 * never touched and the run stays small. */
#define MAX_READ KX_VMCORE_MAX_NOTES
/* The log decoders size their rings by what the file could hold (up to the
 * file size), so on a file of 2^62 claimed bytes they may ask for gigabytes
 * before a read fails. They run only when the claimed size is within this of
 * the input; the header and note parsing runs at any size. */
#define DUMP_MAX_ZEROS (16u << 20)

struct sparse_file {
	const uint8_t *data;
	size_t len;
	uint64_t size; /* len, then zeros */
};

/* vmcore.c checks every range against the size it was given; a read past
 * it is a bug in vmcore.c, not a bad input. */
static int sparse_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct sparse_file *f = ctx;
	size_t n = 0;

	if (off > f->size || len > f->size - off)
		abort();
	if (len > MAX_READ)
		return kx_err(EIO, "fuzz", "read of %zu bytes: more than this harness serves", len);
	if (off < f->len) {
		n = f->len - (size_t)off < len ? f->len - (size_t)off : len;
		memcpy(buf, f->data + off, n);
	}
	memset((uint8_t *)buf + n, 0, len - n);
	return 0;
}

static int count_output(void *ctx, const char *buf, size_t len)
{
	size_t *n = ctx;

	*n += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sparse_file f = { data, size, size };
	struct kx_vmcore vc;
	size_t out = 0;
	uint64_t v;
	int ret;

	if (size >= SPARSE_TAIL_SIZE) {
		uint64_t zeros = kx_le64(data + size - SPARSE_TAIL_SIZE);

		f.len = size - SPARSE_TAIL_SIZE;
		f.size = zeros > UINT64_MAX - f.len ? UINT64_MAX : f.len + zeros;
	}
	kx_err_clear();
	ret = kx_vmcore_open(&vc, sparse_read, &f, f.size);
	if (ret) {
		if (ret > 0 || kx_errmsg()[0] == '\0')
			abort(); /* every failure says why */
		return 0;
	}
	kx_vmcoreinfo_pagesize(&vc.info, &v);
	if (f.size - f.len <= DUMP_MAX_ZEROS) {
		ret = kx_printk_dump(&vc, count_output, &out);
		if (ret > 0 || (ret < 0 && kx_errmsg()[0] == '\0'))
			abort();
	}
	kx_vmcore_close(&vc);
	return 0;
}
