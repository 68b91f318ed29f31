/* SPDX-License-Identifier: MIT */
/*
 * 64-bit entry of the ELF probes (ET_EXEC and PIE): saves the registers the
 * loader handed over before anything touches them, takes its own stack and
 * calls probe_main(&saved). RIP-relative only, so it runs wherever it sits.
 */
	.section .text.entry, "ax"
	.globl	_start
	.type	_start, @function
_start:
	mov	%rax, saved_regs+0(%rip)
	mov	%rbx, saved_regs+8(%rip)
	mov	%rcx, saved_regs+16(%rip)
	mov	%rdx, saved_regs+24(%rip)
	mov	%rsi, saved_regs+32(%rip)
	mov	%rdi, saved_regs+40(%rip)
	mov	%rsp, saved_regs+48(%rip)
	mov	%rbp, saved_regs+56(%rip)
	lea	stack_top(%rip), %rsp
	xor	%ebp, %ebp
	lea	saved_regs(%rip), %rdi
	call	probe_main
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

	.bss
	.balign	16
	.globl	saved_regs
saved_regs:
	.skip	64
	.balign	16
stack:
	.skip	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
