/* SPDX-License-Identifier: MIT */
/*
 * Constants the arch-neutral code needs from the arch being built (through
 * the arch include path): the syscalls' arch flag, the core header's machine,
 * where the kernel image is mapped.
 */
#ifndef KX_ARCH_DEFS_H
#define KX_ARCH_DEFS_H

/* The arch as messages name it. */
#define KX_ARCH_NAME "x86_64"

/* kexec_load's flags name the image's arch (include/uapi/linux/kexec.h:
 * KEXEC_ARCH_X86_64 = EM_X86_64 << 16). */
#define KX_ARCH_KEXEC_FLAG (62ul << 16)
/* kexec_load flag that lets the kernel rewrite a capture kernel's core
 * header on CPU/memory hotplug: x86 takes KEXEC_UPDATE_ELFCOREHDR (0x4,
 * Linux 6.6) and, from 6.10, also the generic KEXEC_CRASH_HOTPLUG_SUPPORT
 * (0x8); 0x4 works on both (arch/x86/kernel/crash.c
 * arch_crash_hotplug_support). */
#define KX_ARCH_KEXEC_HOTPLUG_FLAG 0x4ul
/* e_machine of the ELF core header kx writes for a capture kernel (EM_X86_64). */
#define KX_ARCH_ELF_MACHINE 62
/* The kernel image's virtual mapping starts here (__START_KERNEL_map,
 * Documentation/arch/x86/x86_64/mm.rst); /proc/kcore's PT_LOAD for the kernel
 * text lies at or above it. */
#define KX_ARCH_KERNEL_TEXT_BASE 0xffffffff80000000ull

#endif
