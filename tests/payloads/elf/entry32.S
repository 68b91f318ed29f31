/* SPDX-License-Identifier: MIT */
/*
 * 32-bit entry of the ELF32 probe (protected mode, paging off, flat
 * segments): saves the registers, takes its own stack, calls
 * probe_main(&saved). Linked at a fixed address (ET_EXEC).
 */
	.section .text.entry, "ax"
	.globl	_start
	.type	_start, @function
_start:
	mov	%eax, saved_regs+0
	mov	%ebx, saved_regs+4
	mov	%ecx, saved_regs+8
	mov	%edx, saved_regs+12
	mov	%esi, saved_regs+16
	mov	%edi, saved_regs+20
	mov	%esp, saved_regs+24
	mov	%ebp, saved_regs+28
	mov	$stack_top, %esp
	xor	%ebp, %ebp
	push	$saved_regs
	call	probe_main
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

	.bss
	.balign	16
	.globl	saved_regs
saved_regs:
	.skip	32
	.balign	16
stack:
	.skip	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
