/* SPDX-License-Identifier: MIT */
/* Test payload for purgatory/smoke: proves the 32-bit hand-off (CS, paging off, EAX). */
	.code32
	.globl _start
_start:
	mov %eax, %ebp
	mov $0x3f8, %dx
	mov $'P', %al; out %al, %dx
	mov $'3', %al; out %al, %dx
	mov $'2', %al; out %al, %dx
	mov $' ', %al; out %al, %dx
	mov %cs, %ax; add $'0', %al; out %al, %dx
	mov %cr0, %eax; shr $31, %eax; add $'0', %al; out %al, %dx  /* PG bit */
	mov $8, %ecx
1:	rol $4, %ebp
	mov %ebp, %eax
	and $0xf, %eax
	add $'a', %al
	out %al, %dx
	dec %ecx
	jnz 1b
	mov $'\n', %al; out %al, %dx
	mov $0xf4, %dx
	mov $0x12, %al
	out %al, %dx
	hlt
