/* SPDX-License-Identifier: MIT */
/*
 * Constants the arch-neutral code needs from the arch being built (through
 * the arch include path): the syscalls' arch flag, the core header's machine,
 * where the kernel image is mapped.
 */
#ifndef KX_ARCH_DEFS_H
#define KX_ARCH_DEFS_H

/* The arch as messages name it. */
#define KX_ARCH_NAME "arm64"
/* kexec_load's flags name the image's arch (include/uapi/linux/kexec.h:
 * KEXEC_ARCH_AARCH64 = EM_AARCH64 << 16). */
#define KX_ARCH_KEXEC_FLAG (183ul << 16)
/* arm64 has no crash hotplug support for kexec_load segments
 * (arch_crash_hotplug_support is x86 and powerpc only in 6.12). */
#define KX_ARCH_KEXEC_HOTPLUG_FLAG 0ul
/* e_machine of the ELF core header kx writes for a capture kernel (EM_AARCH64). */
#define KX_ARCH_ELF_MACHINE 183
/* The lowest kernel virtual address outside the linear map with 48- and
 * 52-bit VAs (Documentation/arch/arm64/memory.rst): the kernel image
 * (KIMAGE_VADDR, moved by KASLR) is mapped above it, the linear map below.
 * So /proc/kcore's PT_LOAD at or above it that has a physical address is the
 * kernel text, which a capture kernel's core header needs
 * (src/sys/crash_read.c); kx does not read kallsyms, where 6.1 lacks _text
 * on arm64. A 39- or 42-bit VA kernel maps its linear map above it too and
 * is refused there ("two kernel text mappings"). */
#define KX_ARCH_KERNEL_TEXT_BASE 0xffff800000000000ull

#endif
