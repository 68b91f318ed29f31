/* SPDX-License-Identifier: MIT */
/*
 * How purgatory enters the image, x86_64's part of the plan: the mode (64-bit
 * long mode, 32-bit protected mode, 16-bit real mode) and the registers for
 * it. Formats set it; purgatory gets it through its parameter block. The
 * build puts src/arch/<arch> on the include path, so core/handoff.h includes
 * the hand-off of the arch being built without naming it; it declares the
 * functions handoff.c implements.
 */
#ifndef KX_ARCH_HANDOFF_H
#define KX_ARCH_HANDOFF_H

#include <stdint.h>

#include "purgatory/abi.h"

struct kx_handoff {
	enum kx_purg_entry_mode mode;
	struct kx_purg_regs64 regs64; /* KX_ENTRY_LINUX64: rip, rsi = boot_params, ... */
	struct kx_purg_regs32 regs32; /* KX_ENTRY_PM32: eip, eax/ebx (Multiboot), esi */
	struct kx_purg_regs16 regs16; /* KX_ENTRY_REAL16: cs:ip, segments, sp */
};

#endif
