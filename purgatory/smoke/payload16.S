/* SPDX-License-Identifier: MIT */
/* Test payload for purgatory/smoke: proves the real-mode hand-off. Prints
 * "R16 <PE> cs ds es ss sp esi idt-limit idt-base-low" (hex) on COM1, then
 * exits QEMU via isa-debug-exit. Position independent: it only uses
 * registers and the stack. (No BIOS call: under QEMU's multiboot loader the
 * BIOS segment reads as zeros by then; the iPXE scenario proves BIOS calls.) */
	.code16
	.globl _start
_start:
	mov %esi, %ebp
	mov $0x3f8, %dx
	mov $'R', %al; out %al, %dx
	mov $'1', %al; out %al, %dx
	mov $'6', %al; out %al, %dx
	mov $' ', %al; out %al, %dx
	smsw %ax; and $1, %al; add $'0', %al; out %al, %dx
	mov %cs, %bx; call hex16
	mov %ds, %bx; call hex16
	mov %es, %bx; call hex16
	mov %ss, %bx; call hex16
	mov %sp, %bx; call hex16
	mov %ebp, %ebx; shr $16, %ebx; call hex16
	mov %bp, %bx; call hex16
	sub $8, %sp
	mov %sp, %bp
	sidtl %ss:(%bp)
	mov %ss:(%bp), %bx; call hex16
	mov %ss:2(%bp), %bx; call hex16
	mov $'\n', %al; out %al, %dx
	mov $0xf4, %dx
	mov $0x14, %al
	out %al, %dx
	hlt

/* bx -> " xxxx" on COM1 (dx = 0x3f8) */
hex16:
	mov $' ', %al; out %al, %dx
	mov $4, %cx
2:	rol $4, %bx
	mov %bl, %al
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 3f
	add $('a' - '9' - 1), %al
3:	out %al, %dx
	loop 2b
	ret
