/* SPDX-License-Identifier: MIT */
/* The whole vmcore-dmesg pipeline over a core file held in memory: ELF and
 * note parsing, VMCOREINFO lookups, address translation and the three log
 * decoders. Any input must decode or fail with a message; never crash, hang
 * or allocate more than the input could justify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "crash/printk.h"
#include "crash/vmcore.h"

static int count_output(void *ctx, const char *buf, size_t len)
{
	size_t *n = ctx;

	*n += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcore_mem m = { data, size };
	struct kx_vmcore vc;
	size_t out = 0;
	uint64_t v;
	int ret;

	kx_err_clear();
	ret = kx_vmcore_open(&vc, kx_vmcore_mem_read, &m, size);
	if (ret) {
		if (ret > 0 || kx_errmsg()[0] == '\0')
			abort(); /* every failure says why */
		return 0;
	}
	kx_vmcoreinfo_pagesize(&vc.info, &v);
	ret = kx_printk_dump(&vc, count_output, &out);
	if (ret > 0 || (ret < 0 && kx_errmsg()[0] == '\0'))
		abort();
	kx_vmcore_close(&vc);
	return 0;
}
