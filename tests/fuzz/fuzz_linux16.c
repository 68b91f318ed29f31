/* SPDX-License-Identifier: MIT */
/* The linux16 setup header parser and the plans built from it (32-bit and
 * real-mode entries) on arbitrary bytes. The first byte picks the entry, so
 * every mode sees every header. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "lib/build.h"
#include "arch/x86_64/linux16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOW_MIB 0x100000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_mem_region ram[] = {
		{ 0x1000, 0x9f000, KX_MEM_RAM },
		{ 0x100000, 0x800000, KX_MEM_RAM }, /* small: hashing covers memsz */
	};
	static const enum kx_linux_entry entries[] = {
		KX_LINUX_ENTRY_AUTO, KX_LINUX_ENTRY_PM32, KX_LINUX_ENTRY_REAL16,
	};
	struct kx_facts f;
	struct kx_plan p;
	struct linux16_info info;
	/* Digests are left out: they are tested elsewhere and would dominate. */
	struct kx_load_opts o = { .cmdline = "console=ttyS0", .type = "linux16",
				  .defer_digests = true };

	if (size)
		o.linux_entry = entries[data[0] % 3];
	memset(&f, 0, sizeof(f));
	f.firmware_map.v = ram;
	f.firmware_map.n = f.firmware_map.cap = 2;
	f.ram = f.firmware_map;
	if (linux16_parse_header(data, size, &info) == 0 &&
	    (info.setup_size >= size || info.kernel_len != size - info.setup_size))
		abort();
	if (kx_build_plan(data, size, &o, &f, &p) == 0) {
		for (size_t i = 0; i < p.n; i++) {
			const struct kx_segment *s = &p.seg[i];

			for (size_t j = i + 1; j < p.n; j++)
				if (!(s->mem + s->memsz <= p.seg[j].mem ||
				      p.seg[j].mem + p.seg[j].memsz <= s->mem))
					abort();
			/* Only the real-mode setup and the trampoline go below 1 MiB,
			 * and those wholly below 640 KiB. */
			if (s->mem < LOW_MIB &&
			    (p.handoff.mode != KX_ENTRY_REAL16 ||
			     (s->role != KX_ROLE_BOOT_PARAMS && s->role != KX_ROLE_OTHER) ||
			     s->mem + s->memsz > 0xa0000))
				abort();
		}
		if (p.handoff.mode == KX_ENTRY_REAL16 &&
		    ((uint32_t)p.handoff.regs16.trampoline_seg << 4) + 4096 > 0xa0000)
			abort();
		kx_plan_free(&p);
	}
	return 0;
}
