/* SPDX-License-Identifier: MIT */
/*
 * Purgatory entry and hand-off. The kernel's relocate_kernel jumps here in
 * 64-bit mode on identity-mapped page tables with interrupts off; its stack,
 * GDT and IDT live in memory the new image may already have overwritten, so
 * nothing but RIP is used before our own stack and GDT are loaded. Every
 * address is taken RIP-relative: the blob runs wherever the planner put it
 * without relocation processing (below 4 GiB, except for a Linux 64-bit
 * hand-off in a crash region above 4 GiB: kx_handoff_purgatory_max).
 */
#include "handoff.h"

/* Intel SDM vol. 3A, 2.5 "Control registers" and 2.2.1 (IA32_EFER). */
#define CR0_PE         (1 << 0)
#define CR0_MP         (1 << 1)
#define CR0_EM         (1 << 2)
#define CR0_TS         (1 << 3)
#define CR0_PG         (1 << 31)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_LA57       (1 << 12)
#define MSR_EFER       0xc0000080
#define EFER_LME       (1 << 8)
/* CPUID 0x80000001 EDX bit 26: 1-GiB pages (SDM vol. 3A, 5.1.4). */
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_PDPE1GB      (1 << 26)
/* A PDPTE mapping a 1-GiB page: present, writable, PS (SDM vol. 3A, 5.5.4). */
#define PTE_P_RW           0x3
#define PDPTE_1G           0x83
/* The 4-level map below covers one PML4 entry's worth of address space. */
#define PML4E_SPAN_SHIFT   39

/* Flat 4 GiB descriptors (SDM vol. 3A, 3.4.5), accessed bit preset so the
 * CPU never needs to write the GDT. */
#define DESC_CODE32_LO 0x0000ffff
#define DESC_CODE32_HI 0x00cf9b00
#define DESC_CODE64    0x00af9b000000ffff
#define DESC_CODE32    0x00cf9b000000ffff
#define DESC_DATA      0x00cf93000000ffff

	/* struct kx_purg_header (abi.h); offsets are link-time differences. */
	.section .kx.header, "a"
	.globl kx_purg_header
	.hidden kx_purg_header
kx_purg_header:
	.long KX_HDR_MAGIC
	.word KX_HDR_VERSION
	.word KX_HDR_SIZE
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
	.code64
	.globl kx_purg_entry
	.hidden kx_purg_entry
kx_purg_entry:
	cli
	cld
	lea	__kx_stack_top(%rip), %rsp

	/* lgdt takes an absolute base, known only now: build the pseudo
	 * descriptor on the stack. */
	lea	kx_purg_gdt(%rip), %rax
	sub	$16, %rsp
	movw	$(kx_purg_gdt_end - kx_purg_gdt - 1), 6(%rsp)
	mov	%rax, 8(%rsp)
	lgdt	6(%rsp)
	add	$16, %rsp

	lea	1f(%rip), %rax
	pushq	$KX_SEL_CODE
	pushq	%rax
	lretq
1:	mov	$KX_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	/* The kernel leaves SSE off (CR4 is little more than PAE); the
	 * compiler and the SHA-NI code use it. Keep the entry values in
	 * callee-saved registers so the hand-off can restore them. */
	mov	%cr0, %rax
	mov	%rax, %r12
	and	$~(CR0_EM | CR0_TS), %rax
	or	$CR0_MP, %rax
	mov	%rax, %cr0
	mov	%cr4, %rax
	mov	%rax, %r13
	or	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	mov	%rax, %cr4

	/* struct kx_purg_handoff lives at the top of our stack; its address
	 * doubles as the stack of an image that brings none. */
	sub	$KX_HO_SIZE, %rsp
	mov	%rsp, %rbx
	mov	%rsp, %rdi
	call	kx_purg_main

	cmpq	$0, KX_HO_RSP(%rbx)
	jne	1f
	mov	%rbx, KX_HO_RSP(%rbx)
1:	mov	KX_HO_MODE(%rbx), %rax
	cmp	$KX_HO_LINUX64, %rax
	je	enter_linux64
	cmp	$KX_HO_PM32, %rax
	je	enter_pm32
	/* kx_purg_main resets on anything else; never run garbage. */
	jmp	triple_fault

enter_linux64:
	call	linux64_four_level
	mov	%cr4, %rax
	and	$~(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	and	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %r13
	or	%r13, %rax
	mov	%rax, %cr4
	mov	%cr0, %rax
	and	$~(CR0_EM | CR0_MP), %rax
	and	$(CR0_EM | CR0_MP), %r12
	or	%r12, %rax
	mov	%rax, %cr0

	mov	%rbx, %r15
	mov	KX_HO_RAX(%r15), %rax
	mov	KX_HO_RBX(%r15), %rbx
	mov	KX_HO_RCX(%r15), %rcx
	mov	KX_HO_RDX(%r15), %rdx
	mov	KX_HO_RSI(%r15), %rsi
	mov	KX_HO_RDI(%r15), %rdi
	mov	KX_HO_RSP(%r15), %rsp
	mov	KX_HO_RBP(%r15), %rbp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	jmp	*KX_HO_RIP(%r15)

	/*
	 * The kernel we came from may run 5-level paging (CR4.LA57), and its
	 * identity map reaches us that way. boot.rst's 64-bit protocol only
	 * asks for an identity map, but images that bring their own tables
	 * assume 4-level paging: memtest86+'s startup64 loads CR3 with a PML4
	 * at once, which under LA57 is walked as a PML5 (its 2-MiB PDEs become
	 * misaligned 1-GiB PDPTEs, and the first access above 1 GiB takes a
	 * reserved-bit #PF). Linux copes with either (its decompressor
	 * switches levels itself), so entering with 4-level paging suits both.
	 * LA57 cannot change in long mode (SDM vol. 3A, 4.1.2): drop to
	 * compatibility mode, turn paging off, load a 4-level identity map of
	 * the first 512 GiB in 1-GiB pages, and come back. The switch is
	 * skipped, leaving the kernel's map, when the CPU lacks 1-GiB pages,
	 * the entry point or boot_params lie beyond that map, or purgatory
	 * itself lies above 4 GiB, where compatibility mode cannot run it (a
	 * capture kernel's region above 4 GiB; only Linux is loaded there).
	 * In: rbx = handoff, rsp = rbx - 8 (our return address). Preserves
	 * rbx, rsp, r12 and r13; everything else may change.
	 */
linux64_four_level:
	mov	%cr4, %rax
	test	$CR4_LA57, %eax
	jz	9f
	lea	__kx_stack_top(%rip), %rax
	shr	$32, %rax
	jnz	9f
	mov	$CPUID_EXT_FEATURES, %eax
	push	%rbx
	cpuid
	pop	%rbx
	test	$CPUID_PDPE1GB, %edx
	jz	9f
	mov	KX_HO_RIP(%rbx), %rax
	or	KX_HO_RSI(%rbx), %rax
	shr	$PML4E_SPAN_SHIFT, %rax
	jnz	9f

	lea	kx_purg_pdpt(%rip), %rdi
	mov	$PDPTE_1G, %eax
	mov	$512, %ecx
1:	mov	%rax, (%rdi)
	add	$(1 << 30), %rax
	add	$8, %rdi
	dec	%ecx
	jnz	1b
	lea	kx_purg_pdpt(%rip), %rax
	or	$PTE_P_RW, %rax
	lea	kx_purg_pml4(%rip), %rdi
	mov	%rax, (%rdi)

	/* Upper register halves do not survive compatibility mode (SDM vol.
	 * 1, 3.4.1.1): keep r12/r13 on the stack, addresses in the low eight
	 * registers (purgatory and its stack are below 4 GiB). */
	push	%r12
	push	%r13
	lea	1f(%rip), %rax
	pushq	$KX_SEL_CODE32
	pushq	%rax
	lretq

	.code32
1:	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	mov	%cr4, %eax
	and	$~CR4_LA57, %eax
	mov	%eax, %cr4
	mov	%edi, %cr3
	/* EFER.LME is still set: paging on makes this long mode again. */
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	call	2f
2:	pop	%eax
	add	$(3f - 2b), %eax
	pushl	$KX_SEL_CODE
	pushl	%eax
	lret

	.code64
3:	mov	%ebx, %ebx
	lea	-24(%rbx), %rsp
	pop	%r13
	pop	%r12
9:	ret

	/*
	 * Leave long mode (SDM vol. 3A, 10.8.5.4): go to compatibility mode,
	 * clear CR0.PG from identity-mapped code, then clear EFER.LME. Only
	 * the low eight registers exist in compatibility mode, so everything
	 * needed afterwards is put there now: ebx = handoff, esi = GDT,
	 * edi = final 32-bit label, ebp = CR0 at entry.
	 */
enter_pm32:
	lea	kx_purg_gdt(%rip), %rsi
	lea	pm32_cs(%rip), %rdi
	mov	%r12, %rbp
	lea	compat(%rip), %rax
	pushq	$KX_SEL_CODE32
	pushq	%rax
	lretq

	.code32
compat:
	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	jmp	1f
1:	mov	$MSR_EFER, %ecx
	rdmsr
	and	$~EFER_LME, %eax
	wrmsr

	/* Nothing of long mode survives: CR4 as firmware leaves it (LA57 or
	 * PAE left set would break a kernel that builds 4-level tables), and
	 * the x87/SSE bits of CR0 as they were at entry. */
	xor	%eax, %eax
	mov	%eax, %cr4
	mov	%cr0, %eax
	and	$~(CR0_EM | CR0_MP), %eax
	and	$(CR0_EM | CR0_MP), %ebp
	or	%ebp, %eax
	mov	%eax, %cr0

	/* The 32-bit Linux boot protocol wants __BOOT_CS = 0x10 to be a flat
	 * 32-bit code segment; it was the 64-bit one until now. */
	movl	$DESC_CODE32_LO, KX_SEL_CODE(%esi)
	movl	$DESC_CODE32_HI, (KX_SEL_CODE + 4)(%esi)
	pushl	$KX_SEL_CODE
	pushl	%edi
	lret

pm32_cs:
	mov	$KX_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	/* The target's EIP goes just below its stack, which it does not own
	 * yet; the stack pointer ends up exactly as requested. */
	mov	KX_HO_RSP(%ebx), %esp
	pushl	KX_HO_RIP(%ebx)
	mov	KX_HO_RAX(%ebx), %eax
	mov	KX_HO_RCX(%ebx), %ecx
	mov	KX_HO_RDX(%ebx), %edx
	mov	KX_HO_RSI(%ebx), %esi
	mov	KX_HO_RDI(%ebx), %edi
	mov	KX_HO_RBP(%ebx), %ebp
	mov	KX_HO_RBX(%ebx), %ebx
	ret

	/*
	 * Real-mode hand-off (SDM vol. 3A, 10.9.2 "Switching Back to
	 * Real-Address Mode"). Copied to a page P below 1 MiB and entered by
	 * the 32-bit hand-off above with esi = P, paging off, interrupts off.
	 * From 32-bit protected mode it goes through 16-bit protected mode
	 * with real-mode-like descriptors (base P, limit 0xffff, byte
	 * granular) so the hidden segment state is valid in real mode, clears
	 * CR0.PE, far-returns to segment P >> 4 and loads the target's state.
	 * Every address is an offset from P, so the copy runs anywhere.
	 */
	.balign 16
	.globl kx_real16_tramp
	.hidden kx_real16_tramp
kx_real16_tramp:
	.code32
	lgdt	KX_RT_GDTR(%esi)
	ljmp	$KX_RT_SEL_CODE16, $(rt_pm16 - kx_real16_tramp)

	.code16
rt_pm16:
	mov	$KX_RT_SEL_DATA16, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$KX_RT_SIZE, %esp
	mov	%cr0, %eax
	and	$~(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
	/* Real mode now; the far return reloads CS from the stack as a
	 * real-mode segment and flushes the prefetched protected-mode code. */
	pushw	KX_RT_RMSEG
	pushw	$(rt_real - kx_real16_tramp)
	lretw

rt_real:
	/* The BIOS interrupt vector table, so the image can call the BIOS
	 * once it enables interrupts (SDM 20.1.4: IDTR base 0, limit 0x3ff). */
	lidtl	%cs:KX_RT_IDTR
	mov	%cs:KX_RT_SS, %ss
	mov	%cs:KX_RT_ESP, %esp
	mov	%cs:KX_RT_DS, %ds
	mov	%cs:KX_RT_ES, %es
	mov	%cs:KX_RT_FS, %fs
	mov	%cs:KX_RT_GS, %gs
	mov	%cs:KX_RT_EAX, %eax
	mov	%cs:KX_RT_EBX, %ebx
	mov	%cs:KX_RT_ECX, %ecx
	mov	%cs:KX_RT_EDX, %edx
	mov	%cs:KX_RT_ESI, %esi
	mov	%cs:KX_RT_EDI, %edi
	mov	%cs:KX_RT_EBP, %ebp
	ljmpw	*%cs:KX_RT_IP
	.globl kx_real16_tramp_end
	.hidden kx_real16_tramp_end
kx_real16_tramp_end:
	/* purgatory.lds checks that the code ends before the data block. An
	 * assembler .if cannot: clang's integrated assembler only resolves a
	 * label difference at layout time when a relaxable instruction (the
	 * pushw above) lies between the labels. */
	.globl kx_real16_tramp_code_max
	.hidden kx_real16_tramp_code_max
	.set kx_real16_tramp_code_max, KX_RT_CODE_MAX

	.code64
	/* A zero-limit IDT turns the breakpoint into a triple fault, which
	 * resets the machine without relying on any device. */
triple_fault:
	sub	$16, %rsp
	movq	$0, (%rsp)
	movq	$0, 8(%rsp)
	lidt	6(%rsp)
	int3
	ud2

	/* linux64_four_level's tables; kexec zero-fills bss, so every PML4
	 * entry but the first is not present. */
	.section .bss.kx_pt, "aw", @nobits
	.balign 4096
kx_purg_pml4:
	.skip 4096
kx_purg_pdpt:
	.skip 4096

	.section .data.kx_gdt, "aw"
	.balign 16
kx_purg_gdt:
	.quad 0
	.quad DESC_CODE32	/* KX_SEL_CODE32 */
	.quad DESC_CODE64	/* KX_SEL_CODE = __BOOT_CS */
	.quad DESC_DATA		/* KX_SEL_DATA = __BOOT_DS */
kx_purg_gdt_end:

	.section .note.GNU-stack, "", @progbits
