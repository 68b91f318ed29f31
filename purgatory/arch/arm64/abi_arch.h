/* SPDX-License-Identifier: MIT */
/*
 * arm64's part of purgatory's parameter block (purgatory/abi.h). arm64 has
 * no purgatory yet: this is the hand-off it will perform, as
 * Documentation/arch/arm64/booting.rst requires of a boot loader ("Call the
 * kernel image": x0 = the DTB's physical address, x1-x3 = 0, MMU and D-cache
 * off), so that the loader's side can be written and tested first.
 */
#ifndef KX_PURGATORY_ABI_ARCH_H
#define KX_PURGATORY_ABI_ARCH_H

#include <stdint.h>

enum kx_purg_entry_mode {
	KX_ENTRY_LINUX_ARM64 = 1, /* booting.rst: branch to pc with x0 = DTB, x1-x3 = 0 */
};

struct kx_purg_arch {
	uint32_t entry_mode; /* enum kx_purg_entry_mode */
	uint32_t reserved;
	uint64_t pc;         /* the kernel's entry: its load address (code0 is the first instruction) */
	uint64_t x0;         /* the DTB's physical address */
};

_Static_assert(__builtin_offsetof(struct kx_purg_arch, pc) == 8, "arch params layout");
_Static_assert(sizeof(struct kx_purg_arch) == 24, "arch params layout");

#endif
