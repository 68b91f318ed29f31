/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 shim for purgatory/smoke: QEMU enters it in 32-bit protected
 * mode; it builds identity page tables for 4 GiB, enters long mode and jumps
 * to purgatory with a bogus stack and null data segments, roughly the state
 * relocate_kernel leaves.
 */
#define PURG 0x200000
	.section .mbhdr, "a"
	.align 4
	.long 0x1badb002
	.long 0
	.long -0x1badb002
	.text
	.code32
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	/* The real-mode payload runs at 512 KiB (see smoke.lds). */
	mov $__p16_start, %esi
	mov $0x80000, %edi
	mov $__p16_end, %ecx
	sub %esi, %ecx
	cld
	rep movsb
	/* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, PDs: 2 MiB pages identity 0-4G */
	mov $pml4, %edi
	lea 0x1003(%edi), %eax
	mov %eax, (%edi)
	mov $pdpt, %edi
	mov $pd, %eax
	or $3, %eax
	mov $4, %ecx
1:	mov %eax, (%edi)
	add $0x1000, %eax
	add $8, %edi
	loop 1b
	mov $pd, %edi
	mov $0x83, %eax
	xor %edx, %edx
	mov $2048, %ecx
2:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 2b
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax
	mov %eax, %cr0
	lgdt gdtp
	ljmp $0x08, $long64
	.code64
long64:
	/* garbage state like the kernel leaves: bogus stack, data segs 0 */
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %ss
	mov $0xdead000, %rsp
	mov PURG + 8, %eax
	add $PURG, %rax
	jmp *%rax

	.data
	.align 8
gdt:	.quad 0
	.quad 0x00af9a000000ffff
gdtp:	.word 15
	.long gdt
	.bss
	.align 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096*4
	.skip 4096
stack_top:
