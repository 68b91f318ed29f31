/* SPDX-License-Identifier: MIT */
/*
 * arm64's device tree code (src/arch/arm64/dtb.c) on any bytes as the tree
 * to start from: building the next kernel's DTB fails with a message or
 * gives a tree that passes libfdt's full check, fits 2 MiB and has the
 * bootargs, initrd and capture properties asked for; the readers of memory
 * nodes, reserved ranges and the console never crash. The same bytes, cut
 * in two, are also an SPCR and a FADT for the ACPI reader. arm64 builds only
 * (libfdt); run under qemu-user by `meson test` there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "arch/arm64/dtb.h"
#include "arch_facts.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[KX_ARM64_RNG_SEED_SIZE] = { 1, 2, 3 };
	struct kx_memmap usable = { 0 }, ram = { 0 }, rsv = { 0 };
	struct kx_arm64_dtb_req r = {
		.base = data, .base_len = size, .base_name = "fuzz", .cmdline = "console=ttyAMA0",
		.initrd = true, .initrd_start = 0x48000000, .initrd_end = 0x48100000,
		.kaslr_seed = seed, .rng_seed = seed, .crash = true, .elfcorehdr = 0x50000000,
		.elfcorehdr_size = 0x10000, .usable = &usable,
	};
	struct kx_arm64_platform plat;
	uint8_t *out;
	size_t len;
	int ret, chosen, plen;

	if (kx_memmap_add(&usable, 0x50000000, 0x60000000, KX_MEM_CRASH))
		abort();
	kx_err_clear();
	ret = kx_arm64_dtb_build(&r, &out, &len);
	if (ret < 0) {
		if (!kx_errmsg()[0] || out)
			abort();
	} else {
		const char *args;

		if (len > KX_ARM64_DTB_MAX || fdt_check_full(out, len) != 0)
			abort();
		chosen = fdt_path_offset(out, "/chosen");
		args = chosen >= 0 ? fdt_getprop(out, chosen, "bootargs", &plen) : NULL;
		if (!args || strcmp(args, "console=ttyAMA0") ||
		    !fdt_getprop(out, chosen, "linux,elfcorehdr", &plen) ||
		    !fdt_getprop(out, chosen, "linux,initrd-start", &plen))
			abort();
		free(out);
	}
	kx_err_clear();
	if (kx_arm64_dtb_memory(data, size, &ram) < 0 && !kx_errmsg()[0])
		abort();
	kx_err_clear();
	if (kx_arm64_dtb_reserved(data, size, &rsv) < 0 && !kx_errmsg()[0])
		abort();
	kx_arm64_platform_from_fdt(data, size, &plat);
	if ((plat.uart_type == KX_PURG_UART_NONE) != (plat.uart_base == 0 &&
						     plat.uart_type == KX_PURG_UART_NONE))
		abort();
	kx_arm64_platform_from_acpi(data, size / 2, data + size / 2, size - size / 2, &plat);
	kx_memmap_free(&usable);
	kx_memmap_free(&ram);
	kx_memmap_free(&rsv);
	return 0;
}
