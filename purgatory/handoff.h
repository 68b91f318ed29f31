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

/*
 * The real-mode trampoline (entry.S, kx_real16_tramp): purgatory copies it
 * to the page params.regs16.trampoline_seg << 4 (below 1 MiB, 4 KiB, owned
 * by the loaded image's plan) and enters it through the 32-bit hand-off with
 * esi = that address. Its code is position independent because both of its
 * 16-bit descriptors have the page as base; the data block below is filled
 * by purgatory.c. Offsets are from the start of the page.
 */
#define KX_RT_CODE_MAX 0x100 /* the code must end before the data block */
#define KX_RT_GDT      0x100 /* null, 16-bit code (0x08), 16-bit data (0x10) */
#define KX_RT_GDTR     0x118 /* limit.16, base.32 */
#define KX_RT_IDTR     0x120 /* real-mode IVT: limit 0x3ff, base 0 */
#define KX_RT_RMSEG    0x128 /* the page's real-mode segment */
#define KX_RT_EAX      0x130
#define KX_RT_EBX      0x134
#define KX_RT_ECX      0x138
#define KX_RT_EDX      0x13c
#define KX_RT_ESI      0x140
#define KX_RT_EDI      0x144
#define KX_RT_ESP      0x148
#define KX_RT_EBP      0x14c
#define KX_RT_IP       0x150 /* ip then cs: an m16:16 far pointer */
#define KX_RT_CS       0x152
#define KX_RT_DS       0x154
#define KX_RT_ES       0x156
#define KX_RT_SS       0x158
#define KX_RT_FS       0x15a
#define KX_RT_GS       0x15c
#define KX_RT_SIZE     0x1000 /* one page; the stack grows down from its end */
#define KX_RT_SEL_CODE16 0x08
#define KX_RT_SEL_DATA16 0x10

/* The header entry.S writes; purgatory.c asserts each against abi.h. */
#define KX_HDR_MAGIC   0x4752504b
#define KX_HDR_VERSION 1
#define KX_HDR_SIZE    32
#define KX_PARAMS_SIZE 1744

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

/* [kx_real16_tramp, kx_real16_tramp_end): the trampoline's code (entry.S). */
extern const uint8_t kx_real16_tramp[], kx_real16_tramp_end[];
#endif

#endif
