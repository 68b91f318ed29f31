/* SPDX-License-Identifier: MIT */
/*
 * What arm64 purgatory's C code hands back to entry.S, with offsets both
 * languages can see (abi.h is C only; purgatory.c asserts they match), and
 * the header values entry.S writes.
 */
#ifndef KX_PURG_ARM64_HANDOFF_H
#define KX_PURG_ARM64_HANDOFF_H

#define KX_HO_PC   0
#define KX_HO_X0   8
#define KX_HO_SIZE 16

/* The header entry.S writes; purgatory.c asserts each against abi.h. */
#define KX_HDR_MAGIC   0x4752504b
#define KX_HDR_VERSION 1
#define KX_HDR_SIZE    32
#define KX_PARAMS_SIZE 1608

/* Exception vector table alignment (VBAR_ELx bits [10:0] are RES0). */
#define KX_VECTORS_ALIGN 11

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kx_purg_handoff {
	uint64_t pc;
	uint64_t x0;
};

_Static_assert(__builtin_offsetof(struct kx_purg_handoff, pc) == KX_HO_PC, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, x0) == KX_HO_X0, "handoff");
_Static_assert(sizeof(struct kx_purg_handoff) == KX_HO_SIZE, "handoff");

/* Runs the checks and fills *out for entry.S, or resets. el: CurrentEL.EL. */
void kx_purg_main(uint64_t el, struct kx_purg_handoff *out);
/* Any exception taken in purgatory (entry.S's vectors): report and reset. */
__attribute__((noreturn)) void kx_purg_exception(uint64_t el, uint64_t esr, uint64_t elr,
						 uint64_t far);
#endif

#endif
