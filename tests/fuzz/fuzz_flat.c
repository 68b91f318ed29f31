/* SPDX-License-Identifier: MIT */
/* The flattened-format rebuilder (vmcore-save -R) on any stream: records are
 * put at their offsets in a file in memory of at most MAX_SIZE bytes; a
 * record outside it, a bad header or a stream cut short fails with a
 * message. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crash/kdump.h"

#define MAX_SIZE ((uint64_t)16 << 20)

struct stream {
	const uint8_t *p;
	size_t n;
};

struct out {
	uint8_t *data;
	size_t len;
};

static int stream_read(void *ctx, void *buf, size_t len, size_t *got)
{
	struct stream *s = ctx;

	*got = len < s->n ? len : s->n;
	memcpy(buf, s->p, *got);
	s->p += *got;
	s->n -= *got;
	return 0;
}

static int out_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct out *o = ctx;

	if (off > MAX_SIZE || len > MAX_SIZE - off)
		abort(); /* kx_flat_rebuild checks records against max_size */
	if (off + len > o->len) {
		o->data = realloc(o->data, (size_t)(off + len));
		if (!o->data)
			abort();
		memset(o->data + o->len, 0, (size_t)(off + len) - o->len);
		o->len = (size_t)(off + len);
	}
	memcpy(o->data + off, buf, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s = { data, size };
	struct out o = { 0 };
	int ret;

	kx_err_clear();
	ret = kx_flat_rebuild(stream_read, &s, out_write, &o, MAX_SIZE);
	if (ret > 0 || (ret < 0 && kx_errmsg()[0] == '\0'))
		abort();
	free(o.data);
	return 0;
}
