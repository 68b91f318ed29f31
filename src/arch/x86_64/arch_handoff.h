/* SPDX-License-Identifier: MIT */
/*
 * How purgatory enters the image, x86_64's part of the plan: the mode (64-bit
 * long mode, 32-bit protected mode, 16-bit real mode) and the registers for
 * it. Formats set it; purgatory gets it through its parameter block. The
 * build puts src/arch/<arch> on the include path, so core/plan.h includes
 * the hand-off of the arch being built without naming it.
 */
#ifndef KX_ARCH_HANDOFF_H
#define KX_ARCH_HANDOFF_H

#include <stdint.h>
#include <stdio.h>

#include "purgatory/abi.h"

struct kx_handoff {
	enum kx_purg_entry_mode mode;
	struct kx_purg_regs64 regs64; /* KX_ENTRY_LINUX64: rip, rsi = boot_params, ... */
	struct kx_purg_regs32 regs32; /* KX_ENTRY_PM32: eip, eax/ebx (Multiboot), esi */
	struct kx_purg_regs16 regs16; /* KX_ENTRY_REAL16: cs:ip, segments, sp */
};

/* Where the image is entered: rip, eip or cs:ip as a physical address. */
uint64_t kx_handoff_image_entry(const struct kx_handoff *h);
/* "linux64", "pm32", "real16". */
const char *kx_handoff_mode_name(const struct kx_handoff *h);
/* The arch's extra fields of the JSON plan, each starting with a comma. */
void kx_handoff_print_json(FILE *out, const struct kx_handoff *h);
/* Where purgatory must end for this hand-off (0: anywhere RAM is). It runs
 * in 64-bit mode on the kernel's identity map wherever it is; a 32-bit or
 * real-mode entry leaves long mode from its code, which only runs below
 * 4 GiB. The build places it below 4 GiB whenever there is room. */
uint64_t kx_handoff_purgatory_max(const struct kx_handoff *h);
struct kx_load_opts;
struct kx_facts;
/* Fills the arch's part of purgatory's parameter block: the hand-off, and
 * the console and resets from the options (else the running kernel's
 * console). */
void kx_handoff_fill_params(const struct kx_handoff *h, const struct kx_load_opts *o,
			    const struct kx_facts *f, struct kx_purg_params *pp);

#endif
