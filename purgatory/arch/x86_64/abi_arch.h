/* SPDX-License-Identifier: MIT */
/*
 * x86_64's part of purgatory's parameter block (purgatory/abi.h): the entry
 * mode and its registers, the console (8250 I/O port, VGA text) and the PC
 * resets. Layout asserted below; both the loader and purgatory include it.
 */
#ifndef KX_PURGATORY_ABI_ARCH_H
#define KX_PURGATORY_ABI_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* How purgatory enters the next image. */
enum kx_purg_entry_mode {
	KX_ENTRY_LINUX64 = 1, /* 64-bit long mode, regs64 (Linux: rsi = boot_params) */
	KX_ENTRY_PM32 = 2,    /* 32-bit protected mode, paging off, regs32 */
	KX_ENTRY_REAL16 = 3,  /* 16-bit real mode, regs16 */
};

static inline bool kx_purg_entry_mode_known(uint32_t mode)
{
	return mode == KX_ENTRY_LINUX64 || mode == KX_ENTRY_PM32 || mode == KX_ENTRY_REAL16;
}

/* Optional jobs (kx_purg_params.flags). */
#define KX_PURG_F_SERIAL    (1u << 0) /* print progress on the 8250 UART at serial_port */
#define KX_PURG_F_VGA       (1u << 1) /* print progress on the VGA text screen */
#define KX_PURG_F_RESET_VGA (1u << 2) /* reset VGA to 80x25 text mode before entry */
#define KX_PURG_F_RESET_PIC (1u << 3) /* put the 8259 PICs back in legacy mode */
/* KX_ENTRY_REAL16 always resets the PICs and the PIT as a PC BIOS leaves
 * them: a real-mode image calls the BIOS, whose interrupt handlers expect
 * IRQ0-7 at vectors 0x08-0x0f and a ticking timer. */

struct kx_purg_regs64 {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, rip;
};

struct kx_purg_regs32 {
	uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp, eip;
	uint32_t reserved;
};

/* Real-mode entry, with the page purgatory may use to switch to real mode. */
struct kx_purg_regs16 {
	uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp;
	uint16_t cs, ip, ds, es, ss, fs, gs;
	/* Segment of a 4 KiB page below 1 MiB, reserved by the loader as a
	 * segment of its own, that purgatory may overwrite with its switch to
	 * real mode (address = trampoline_seg << 4, page aligned). */
	uint16_t trampoline_seg;
};

struct kx_purg_arch {
	uint32_t entry_mode;  /* enum kx_purg_entry_mode */
	uint16_t serial_port; /* I/O port of the UART, e.g. 0x3f8 */
	uint16_t reserved0;
	uint32_t serial_baud; /* 0: leave the UART's divisor as it is */
	uint32_t reserved1;
	struct kx_purg_regs64 regs64;
	struct kx_purg_regs32 regs32;
	struct kx_purg_regs16 regs16;
};

_Static_assert(sizeof(struct kx_purg_regs64) == 72, "regs64 layout");
_Static_assert(sizeof(struct kx_purg_regs32) == 40, "regs32 layout");
_Static_assert(sizeof(struct kx_purg_regs16) == 48, "regs16 layout");
_Static_assert(__builtin_offsetof(struct kx_purg_arch, regs64) == 16, "arch params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_arch, regs32) == 88, "arch params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_arch, regs16) == 128, "arch params layout");
_Static_assert(sizeof(struct kx_purg_arch) == 176, "arch params layout");

#endif
