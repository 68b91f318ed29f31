/* SPDX-License-Identifier: MIT */
/* Decompression front end: any bytes must decompress within the cap or fail
 * with a message; never more output than the cap, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "formats/decompress.h"

/* Small, so the fuzzer reaches the bomb path quickly. */
#define FUZZ_CAP (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t len;
	int ret = kx_decompress(data, size, FUZZ_CAP, &out, &len);

	if (ret == 0) {
		if (!out || !len || len > FUZZ_CAP)
			abort();
		/* ASan: the whole output must be addressable. */
		volatile uint8_t sink = out[0] ^ out[len - 1];
		(void)sink;
		free(out);
	} else if (out || !kx_errmsg()[0]) {
		abort();
	}
	return 0;
}
