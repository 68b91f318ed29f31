/* SPDX-License-Identifier: MIT */
/*
 * arm64 purgatory entry and hand-off. The old kernel's relocation code
 * (arch/arm64/kernel/relocate_kernel.S) branches here with the MMU and the
 * D-cache off, interrupts masked, at EL2 when the kernel was booted there
 * (through the hyp stub's HVC_SOFT_RESTART, or directly under VHE) and else
 * at EL1. Its stack is gone: nothing but the PC is used before ours is set.
 * Every address is PC-relative (adr/adrp): the blob runs wherever the
 * planner put it, unrelocated.
 */
#include "handoff.h"

/* CPACR_EL1.FPEN, and CPTR_EL2 in its HCR_EL2.E2H = 1 layout, bits [21:20]:
 * 0b11 = no FP/SIMD trap. CPTR_EL2.TFP (bit 10) in the E2H = 0 layout: set
 * traps FP/SIMD. HCR_EL2.E2H is bit 34 (Arm ARM D19.2). */
#define CPACR_FPEN_NOTRAP (3 << 20)
#define CPTR_EL2_TFP      (1 << 10)
#define HCR_EL2_E2H_BIT   34
#define CURRENTEL_EL2     (2 << 2)

	/* struct kx_purg_header (abi.h); offsets are link-time differences. */
	.section .kx.header, "a"
	.globl kx_purg_header
	.hidden kx_purg_header
kx_purg_header:
	.long KX_HDR_MAGIC
	.short KX_HDR_VERSION
	.short KX_HDR_SIZE
	.long kx_purg_entry - kx_purg_header
	.long kx_purg_params - kx_purg_header
	.long KX_PARAMS_SIZE
	.long __kx_image_end - kx_purg_header
	.long __kx_mem_end - kx_purg_header
	.long 0
	.if . - kx_purg_header - KX_HDR_SIZE
	.error "struct kx_purg_header size mismatch"
	.endif

	.section .text.entry, "ax"
	.globl kx_purg_entry
	.hidden kx_purg_entry
kx_purg_entry:
	msr	daifset, #0xf
	adrp	x9, __kx_stack_top
	add	x9, x9, :lo12:__kx_stack_top
	mov	sp, x9

	/* Our vectors first: a fault from here on is reported and resets
	 * instead of running whatever the old kernel's VBAR points at. */
	adrp	x10, kx_purg_vectors
	add	x10, x10, :lo12:kx_purg_vectors
	mrs	x9, CurrentEL
	cmp	x9, #CURRENTEL_EL2
	b.eq	1f
	msr	vbar_el1, x10
	/* EL1: the kernel left FP/SIMD trapped (it enables it lazily). */
	mrs	x11, cpacr_el1
	orr	x11, x11, #CPACR_FPEN_NOTRAP
	msr	cpacr_el1, x11
	b	3f
1:	msr	vbar_el2, x10
	mrs	x11, hcr_el2
	tbnz	x11, #HCR_EL2_E2H_BIT, 2f
	mrs	x11, cptr_el2
	bic	x11, x11, #CPTR_EL2_TFP
	msr	cptr_el2, x11
	b	3f
2:	mrs	x11, cptr_el2
	orr	x11, x11, #CPACR_FPEN_NOTRAP
	msr	cptr_el2, x11
3:	isb

	/* kx_purg_main(el, &handoff) on our stack; it resets on failure. */
	sub	sp, sp, #KX_HO_SIZE
	lsr	x0, x9, #2
	mov	x1, sp
	bl	kx_purg_main

	/* booting.rst: x0 = the DTB, x1-x3 = 0, MMU and D-cache off (still
	 * so: purgatory never turned them on). */
	ldr	x4, [sp, #KX_HO_PC]
	ldr	x0, [sp, #KX_HO_X0]
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x4

/*
 * Exception vectors (Arm ARM D1.10.2): 16 entries of 0x80 bytes. Purgatory
 * takes no interrupts (DAIF masked), so any entry is a fault: an
 * instruction the CPU lacks, an access outside memory. Report and reset.
 */
	.macro	kx_vector
	.balign	0x80
	b	kx_purg_fault
	.endm

	.section .text.vectors, "ax"
	.balign	(1 << KX_VECTORS_ALIGN)
kx_purg_vectors:
	.rept	16
	kx_vector
	.endr

kx_purg_fault:
	adrp	x9, __kx_stack_top
	add	x9, x9, :lo12:__kx_stack_top
	mov	sp, x9
	mrs	x9, CurrentEL
	lsr	x0, x9, #2
	cmp	x9, #CURRENTEL_EL2
	b.eq	1f
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	b	kx_purg_exception
1:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	b	kx_purg_exception
