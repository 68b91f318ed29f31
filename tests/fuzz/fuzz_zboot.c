/* SPDX-License-Identifier: MIT */
/* formats/zboot: any bytes unwrap or fail with a message and no output.
 * What unwraps had "zimg", a payload inside the input, a codec whose magic
 * the payload has, and (for an ARM64 PE) an arm64 Image inside; the output
 * stays within the cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/pe.h"
#include "formats/zboot.h"

/* Small, so the fuzzer reaches the bomb path quickly. */
#define FUZZ_CAP (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_zboot z;
	uint8_t *out;
	size_t len;
	int ret, pret;

	kx_err_clear();
	ret = kx_zboot_unwrap(data, size, FUZZ_CAP, &out, &len);
	if (ret < 0) {
		if (out || len || !kx_errmsg()[0])
			abort();
		return 0;
	}
	if (!out || !len || len > FUZZ_CAP || !kx_zboot_is(data, size))
		abort();
	pret = kx_zboot_parse(data, size, &z);
	if (pret < 0 || (uint64_t)z.payload_offset + z.payload_size > size ||
	    strnlen(z.comp_type, sizeof(z.comp_type)) >= sizeof(z.comp_type))
		abort();
	if (z.machine == KX_PE_MACHINE_ARM64 && (len < 0x3c || memcmp(out + 0x38, "ARM\x64", 4)))
		abort();
	free(out);
	return 0;
}
