/* SPDX-License-Identifier: MIT */
/*
 * The arm64 smoke test's payload (smoke.py): entered by purgatory as
 * booting.rst enters a kernel. Prints on the virt board's PL011
 * "KX-PAYLOAD x0=<hex> x1=<hex> el=<n> sctlr-m=<0|1>" and powers off through
 * PSCI SYSTEM_OFF (SMC at EL2, HVC at EL1: QEMU's own PSCI).
 */
#define UART 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008

	.text
	.globl _start
_start:
	mov	x19, x0
	orr	x20, x1, x2
	orr	x20, x20, x3
	mrs	x21, CurrentEL
	lsr	x21, x21, #2
	cmp	x21, #2
	b.eq	1f
	mrs	x22, sctlr_el1
	b	2f
1:	mrs	x22, sctlr_el2
2:	and	x22, x22, #1
	adr	x0, msg_x0
	bl	puts
	mov	x0, x19
	bl	puthex
	adr	x0, msg_x1
	bl	puts
	mov	x0, x20
	bl	puthex
	adr	x0, msg_el
	bl	puts
	add	x0, x21, #'0'
	bl	putc
	adr	x0, msg_m
	bl	puts
	add	x0, x22, #'0'
	bl	putc
	mov	x0, #'\n'
	bl	putc
	movz	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	cmp	x21, #2
	b.eq	3f
	hvc	#0
3:	smc	#0
4:	wfi
	b	4b

/* putc(x0): the PL011 data register (its FIFO never fills under QEMU). */
putc:
	movz	x9, #(UART >> 16), lsl #16
	strb	w0, [x9]
	ret

puts:
	mov	x10, x30
	mov	x11, x0
5:	ldrb	w0, [x11], #1
	cbz	w0, 6f
	bl	putc
	b	5b
6:	ret	x10

puthex:
	mov	x12, x30
	mov	x13, x0
	mov	x14, #60
	mov	x0, #'0'
	bl	putc
	mov	x0, #'x'
	bl	putc
7:	lsr	x0, x13, x14
	and	x0, x0, #0xf
	cmp	x0, #10
	add	x15, x0, #'0'
	add	x0, x0, #('a' - 10)
	csel	x0, x15, x0, lo
	bl	putc
	subs	x14, x14, #4
	b.pl	7b
	ret	x12

msg_x0: .asciz "KX-PAYLOAD x0="
msg_x1: .asciz " x1-x3="
msg_el: .asciz " el="
msg_m:  .asciz " sctlr-m="
