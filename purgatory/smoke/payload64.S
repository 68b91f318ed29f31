/* SPDX-License-Identifier: MIT */
/* Test payload for purgatory/smoke: proves the 64-bit hand-off (CS, RSI). */
	.code64
	/* prints "P64 rsi=<hex>" on COM1, then exits qemu via isa-debug-exit */
	.globl _start
_start:
	mov %rsi, %r8
	mov $0x3f8, %dx
	mov $'P', %al; out %al, %dx
	mov $'6', %al; out %al, %dx
	mov $'4', %al; out %al, %dx
	mov $' ', %al; out %al, %dx
	mov %cs, %ax; add $'0', %al; out %al, %dx   /* cs 0x10 -> '@' */
	mov $16, %ecx
1:	rol $4, %r8
	mov %r8, %rax
	and $0xf, %eax
	add $'a', %al
	out %al, %dx
	dec %ecx
	jnz 1b
	mov $'\n', %al; out %al, %dx
	mov $0xf4, %dx
	mov $0x10, %al
	out %al, %dx
	hlt
