/* SPDX-License-Identifier: MIT */
/*
 * What purgatory's C code hands back to entry.S: the entry mode and the
 * registers to load. abi.h is C only, so entry.S cannot read the parameter
 * block's offsets; this small block has offsets both languages can see, and
 * purgatory.c asserts they match the struct.
 */
#ifndef KX_PURG_HANDOFF_H
#define KX_PURG_HANDOFF_H

#define KX_HO_MODE 0
#define KX_HO_RAX  8
#define KX_HO_RBX  16
#define KX_HO_RCX  24
#define KX_HO_RDX  32
#define KX_HO_RSI  40
#define KX_HO_RDI  48
#define KX_HO_RSP  56
#define KX_HO_RBP  64
#define KX_HO_RIP  72
#define KX_HO_SIZE 80

/* Values of kx_purg_handoff.mode: enum kx_purg_entry_mode (abi.h), restated
 * here for entry.S and asserted equal in purgatory.c. */
#define KX_HO_LINUX64 1
#define KX_HO_PM32    2

/* The header entry.S writes; purgatory.c asserts each against abi.h. */
#define KX_HDR_MAGIC   0x4752504b
#define KX_HDR_VERSION 1
#define KX_HDR_SIZE    32
#define KX_PARAMS_SIZE 1752

/* Selectors of purgatory's GDT (entry.S). Linux boot protocol, 32- and
 * 64-bit entries: CS must be __BOOT_CS = 0x10, DS/ES/SS __BOOT_DS = 0x18. */
#define KX_SEL_CODE32 0x08
#define KX_SEL_CODE   0x10
#define KX_SEL_DATA   0x18

#ifndef __ASSEMBLER__
#include <stdint.h>

/* 32-bit modes use the low halves; every value is zero-extended. */
struct kx_purg_handoff {
	uint64_t mode; /* enum kx_purg_entry_mode */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, rip;
};

_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rax) == KX_HO_RAX, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rbx) == KX_HO_RBX, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rcx) == KX_HO_RCX, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rdx) == KX_HO_RDX, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rsi) == KX_HO_RSI, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rdi) == KX_HO_RDI, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rsp) == KX_HO_RSP, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rbp) == KX_HO_RBP, "handoff");
_Static_assert(__builtin_offsetof(struct kx_purg_handoff, rip) == KX_HO_RIP, "handoff");
_Static_assert(sizeof(struct kx_purg_handoff) == KX_HO_SIZE, "handoff");

/* Runs the jobs and the checks and fills *out for entry.S, or resets. */
void kx_purg_main(struct kx_purg_handoff *out);
#endif

#endif
