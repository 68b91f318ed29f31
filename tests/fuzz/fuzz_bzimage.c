/* SPDX-License-Identifier: MIT */
/* The bzImage setup header parser and the whole plan built from it (placement,
 * boot_params, purgatory digests) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/format.h"
#include "lib/build.h"
#include "arch/x86_64/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_mem_region ram[] = {
		{ 0x1000, 0x9f000, KX_MEM_RAM },
		{ 0x100000, 0x800000, KX_MEM_RAM }, /* small: hashing covers memsz */
	};
	struct kx_facts f;
	struct kx_plan p;
	struct bzimage_info bz;
	struct kx_load_opts o = { .cmdline = "console=ttyS0" };
	/* The last bytes choose an initrd length, so both paths get exercised. */
	size_t initrd_len = size > 2 ? (size_t)(data[size - 1] | data[size - 2] << 8) : 0;

	memset(&f, 0, sizeof(f));
	f.firmware_map.v = ram;
	f.firmware_map.n = f.firmware_map.cap = 2;
	f.ram = f.firmware_map;
	if (initrd_len && initrd_len <= size) {
		o.initrd = data;
		o.initrd_len = initrd_len;
	}
	bzimage_parse_header(data, size, &bz);
	if (kx_build_plan(data, size, &o, &f, &p) == 0) {
		/* Every placed segment must lie in RAM and not overlap another. */
		for (size_t i = 0; i < p.n; i++)
			for (size_t j = i + 1; j < p.n; j++)
				if (!(p.seg[i].mem + p.seg[i].memsz <= p.seg[j].mem ||
				      p.seg[j].mem + p.seg[j].memsz <= p.seg[i].mem))
					__builtin_trap();
		kx_plan_free(&p);
	}
	return 0;
}
