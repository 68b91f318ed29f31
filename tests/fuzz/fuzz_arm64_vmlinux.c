/* SPDX-License-Identifier: MIT */
/*
 * The arm64 vmlinux flattener (src/arch/arm64/vmlinux.c) on any bytes:
 * -ENOEXEC or -EINVAL with a message, or an Image (magic at 0x38) no larger
 * than the span limit. arm64 builds only; run under qemu-user there.
 */
#include <stdint.h>
#include <stdlib.h>

#include "arch/arm64/image_header.h"
#include "arch/arm64/vmlinux.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t len;
	int ret;

	kx_err_clear();
	ret = kx_arm64_vmlinux_flatten(data, size, &out, &len);
	if (ret < 0) {
		if (!kx_errmsg()[0] || out)
			abort();
		return 0;
	}
	if (!kx_arm64_image_is(out, len) || len > ((size_t)512 << 20))
		abort();
	free(out);
	return 0;
}
