/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 header and entry of the MB2 probe. The relocatable tag lets
 * the loader put the image anywhere 2 MiB aligned in [2 MiB, 256 MiB], so
 * nothing here or in probe_mb2.c may depend on the link address: the
 * runtime address comes from call/pop, everything else is GOT-relative
 * (GOTOFF), and the C code is built -fpie with no pointer initialisers.
 * Entered in 32-bit protected mode, paging off, eax = magic, ebx = boot
 * information (Multiboot2 1.6, 3.3).
 */
/* Multiboot2 1.6, 3.1.1 header magic, 3.1.2 architecture 0 (i386). */
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
/* 3.1.3 tag types: 0 end, 10 relocatable (3.1.11). */
#define MB2_HT_END 0
#define MB2_HT_RELOCATABLE 10
#define MB2_RELOC_MIN 0x200000
#define MB2_RELOC_MAX 0x10000000
#define MB2_RELOC_ALIGN 0x200000
#define MB2_RELOC_PREF_HIGH 2

	.section .text.entry, "ax"
	/* 3.1.1: 64-bit aligned, within the first 32768 bytes of the file. */
	.balign	8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Tags are 8-byte aligned (3.1.3); flags 0 = required. */
	.balign	8
	.short	MB2_HT_RELOCATABLE, 0
	.long	24
	.long	MB2_RELOC_MIN
	.long	MB2_RELOC_MAX
	.long	MB2_RELOC_ALIGN
	.long	MB2_RELOC_PREF_HIGH
	.balign	8
	.short	MB2_HT_END, 0
	.long	8
mb2_header_end:

#include "../common/start32.inc"
