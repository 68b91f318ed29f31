/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 header and entry of the MB1 probe (ELF32 form: no flag bit
 * 16, so the loader places the PT_LOAD segments at their p_paddr; the
 * address form is covered by tests/unit/test_multiboot.c). Entered in 32-bit
 * protected mode, paging off, eax = magic, ebx = multiboot_info (Multiboot
 * 0.6.96, 3.2). The stack and image base are found the i386 PIC way
 * (call/pop + GOTOFF), which the MB2 probe needs and costs nothing here.
 */
/* Multiboot 0.6.96, 3.1.1: header magic; 3.1.2 flags: bit 0 page-align
 * modules, bit 1 memory information wanted. */
#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003

	.section .text.entry, "ax"
	/* 3.1.1: 32-bit aligned, within the first 8192 bytes of the file. */
	.balign	4
mb1_header:
	.long	MB1_HEADER_MAGIC
	.long	MB1_FLAGS
	.long	-(MB1_HEADER_MAGIC + MB1_FLAGS)

#include "../common/start32.inc"
