/* SPDX-License-Identifier: MIT */
/*
 * Real-mode Linux boot-protocol probe (tests/vm/scenarios/rm16-probe.sh).
 *
 * A protocol 2.07 image with code32_start = 0, so kx enters it in real mode
 * at setup + 0x200 (cs = X/16 + 0x20, ip = 0, ds = es = ss = X/16). It
 * reports on COM1 the registers it got and the setup header fields the boot
 * loader filled in (read back from its own segment), the command line read
 * through cmd_line_ptr, then powers QEMU off (as common/probe.c does).
 * Checked by tests/vm/checks/probe_rm16.py.
 *
 * Built as one flat binary (rm16.ld): file offset == offset in ds.
 */
#define SETUP_SECTS 2
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512)
#define COM1 0x3f8

	.code16
	.text
	.globl _start
_start:
	/* Boot sector: unused by a boot loader; the probe keeps its
	 * variables here. */
	.org 0x100
saved_sp:	.word 0
saved_flags:	.word 0
saved_cs:	.word 0
saved_ds:	.word 0
saved_es:	.word 0
saved_ss:	.word 0
saved_ip:	.word 0
saved_msw:	.word 0

	/* The setup header (Documentation/arch/x86/boot.rst). */
	.org 0x1f1
	.byte SETUP_SECTS		/* setup_sects */
	.word 0				/* root_flags */
	.long 1				/* syssize: 16 bytes of protected-mode part */
	.word 0				/* ram_size */
	.word 0xffff			/* vid_mode */
	.word 0				/* root_dev */
	.word 0xaa55			/* boot_flag */
	.org 0x200
	.byte 0xeb, start16 - 1f	/* jmp start16: also the header length */
1:	.ascii "HdrS"			/* header */
	.word 0x0207			/* version */
	.long 0				/* realmode_swtch */
	.word 0x1000			/* start_sys_seg */
	.word 0				/* kernel_version */
	.byte 0				/* type_of_loader */
	.byte 0x01			/* loadflags: LOADED_HIGH */
	.word 0				/* setup_move_size */
	.long 0				/* code32_start: none, real mode only */
	.long 0				/* ramdisk_image */
	.long 0				/* ramdisk_size */
	.long 0				/* bootsect_kludge */
	.word 0				/* heap_end_ptr */
	.byte 0				/* ext_loader_ver */
	.byte 0				/* ext_loader_type */
	.long 0				/* cmd_line_ptr */
	.long 0x37ffffff		/* initrd_addr_max */
	.long 0				/* kernel_alignment */
	.byte 0				/* relocatable_kernel */
	.byte 0				/* min_alignment */
	.word 0				/* xloadflags */
	.long 2047			/* cmdline_size */
	.long 0				/* hardware_subarch */
	.quad 0				/* hardware_subarch_data */
	.org 0x248			/* end of the 2.07 header */

start16:
	/* Record what we were entered with before touching anything. */
	mov	%sp, saved_sp
	pushf
	pop	%ax
	mov	%ax, saved_flags
	mov	%cs, saved_cs
	mov	%ds, saved_ds
	mov	%es, saved_es
	mov	%ss, saved_ss
	call	ipmark
ipmark:	pop	%ax			/* the ip of ipmark, as cs sees it */
	mov	%ax, saved_ip
	smsw	%ax
	mov	%ax, saved_msw
	cli
	cld

	/* 8250 at 115200 8N1, polled. */
	mov	$COM1 + 1, %dx		/* IER */
	xor	%al, %al
	out	%al, %dx
	mov	$COM1 + 3, %dx		/* LCR: DLAB */
	mov	$0x80, %al
	out	%al, %dx
	mov	$COM1 + 0, %dx		/* DLL */
	mov	$1, %al
	out	%al, %dx
	mov	$COM1 + 1, %dx		/* DLM */
	xor	%al, %al
	out	%al, %dx
	mov	$COM1 + 3, %dx		/* LCR: 8N1 */
	mov	$0x03, %al
	out	%al, %dx
	mov	$COM1 + 2, %dx		/* FCR: enable and clear FIFOs */
	mov	$0x07, %al
	out	%al, %dx
	mov	$COM1 + 4, %dx		/* MCR: DTR, RTS */
	mov	$0x03, %al
	out	%al, %dx

	call	puts_inline
	.asciz	"\r\nKX-PROBE {\"probe\":\"rm16\",\"cs\":"
	movzwl	saved_cs, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"ip_ok\":"
	cmpw	$(ipmark - 0x200), saved_ip
	jne	1f
	call	puts_inline
	.asciz	"true"
	jmp	2f
1:	call	puts_inline
	.asciz	"false"
2:	call	puts_inline
	.asciz	",\"ds\":"
	movzwl	saved_ds, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"es\":"
	movzwl	saved_es, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"ss\":"
	movzwl	saved_ss, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"sp\":"
	movzwl	saved_sp, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"if\":"
	movzwl	saved_flags, %eax
	shr	$9, %eax
	and	$1, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"pe\":"
	movzwl	saved_msw, %eax
	and	$1, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"type_of_loader\":"
	movzbl	0x210, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"loadflags\":"
	movzbl	0x211, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"heap_end_ptr\":"
	movzwl	0x224, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"cmd_line_ptr\":"
	mov	0x228, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"cmdline\":\""
	/* The command line through cmd_line_ptr: es:di = its linear address. */
	mov	0x228, %eax
	mov	%ax, %di
	and	$0xf, %di
	shr	$4, %eax
	mov	%ax, %es
	mov	$2047, %cx
3:	mov	%es:(%di), %al
	test	%al, %al
	jz	4f
	call	putjc
	inc	%di
	loop	3b
4:	call	puts_inline
	.asciz	"\",\"ramdisk_image\":"
	mov	0x218, %eax
	call	putdec
	call	puts_inline
	.asciz	",\"ramdisk_size\":"
	mov	0x21c, %eax
	call	putdec
	call	puts_inline
	.asciz	"}\r\n"

	/* Power off: wait for the UART to drain, then isa-debug-exit (if
	 * present) and ACPI S5 on q35 and piix4 (common/probe.h). */
	mov	$COM1 + 5, %dx
	mov	$0xffff, %cx
5:	in	%dx, %al
	test	$0x40, %al
	loopz	5b
	mov	$0xf4, %dx
	xor	%al, %al
	out	%al, %dx
	mov	$0x2000, %ax
	mov	$0x604, %dx
	out	%ax, %dx
	mov	$0xb004, %dx
	out	%ax, %dx
6:	cli
	hlt
	jmp	6b

/* al -> COM1; preserves all registers. */
putc:
	push	%dx
	push	%ax
	push	%cx
	mov	$COM1 + 5, %dx
	mov	$0xffff, %cx
1:	in	%dx, %al
	test	$0x20, %al		/* THRE */
	loopz	1b
	pop	%cx
	pop	%ax
	mov	$COM1, %dx
	out	%al, %dx
	pop	%dx
	ret

/* Prints the NUL-terminated string that follows the call; returns past it.
 * Clobbers si, al. */
puts_inline:
	pop	%si
1:	mov	%cs:(%si), %al
	inc	%si
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	push	%si
	ret

/* eax in decimal. Clobbers eax, ecx, edx, bx. */
putdec:
	mov	$10, %ecx
	xor	%bx, %bx
1:	xor	%edx, %edx
	div	%ecx
	push	%dx
	inc	%bx
	test	%eax, %eax
	jnz	1b
2:	pop	%ax
	add	$'0', %al
	call	putc
	dec	%bx
	jnz	2b
	ret

/* al as a JSON string character. Preserves cx, di. */
putjc:
	cmp	$'"', %al
	je	1f
	cmp	$'\\', %al
	je	1f
	cmp	$0x20, %al
	jb	2f
	cmp	$0x7f, %al
	jae	2f
	jmp	putc
1:	push	%ax
	mov	$'\\', %al
	call	putc
	pop	%ax
	jmp	putc
2:	push	%ax
	call	puts_inline
	.asciz	"\\u00"
	pop	%ax
	push	%ax
	shr	$4, %al
	call	puthexdigit
	pop	%ax
puthexdigit:				/* low nibble of al */
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	putc
	add	$('a' - '0' - 10), %al
	jmp	putc

	/* The protected-mode part: never run; 16 bytes = syssize 1. */
	.org SETUP_SIZE
	.ascii	"KX-RM16-PM-PART\0"
	.org SETUP_SIZE + 16
