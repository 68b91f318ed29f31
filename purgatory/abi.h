/* SPDX-License-Identifier: MIT */
/*
 * The contract between the loader and purgatory: a header at offset 0 of the
 * purgatory blob, and one parameter block the loader fills before loading.
 * Both sides include this file; layout is fixed and asserted below, because the
 * loader writes these bytes into a blob built by a different compiler run.
 */
#ifndef KX_PURGATORY_ABI_H
#define KX_PURGATORY_ABI_H

#include <stdint.h>

#define KX_PURG_MAGIC   0x4752504bu /* "KPRG" little endian */
#define KX_PURG_VERSION 1u

struct kx_purg_header {
	uint32_t magic;
	uint16_t version;
	uint16_t header_size;   /* sizeof(struct kx_purg_header) */
	uint32_t entry_offset;  /* entry point, from the start of the blob */
	uint32_t params_offset; /* struct kx_purg_params, from the start of the blob */
	uint32_t params_size;   /* sizeof(struct kx_purg_params) */
	uint32_t image_size;    /* bytes the blob occupies in the file */
	uint32_t mem_size;      /* bytes to reserve in memory: image + bss + stack */
	uint32_t reserved;
};

/* How purgatory enters the next image. */
enum kx_purg_entry_mode {
	KX_ENTRY_LINUX64 = 1, /* 64-bit long mode, regs64 (Linux: rsi = boot_params) */
	KX_ENTRY_PM32 = 2,    /* 32-bit protected mode, paging off, regs32 */
	KX_ENTRY_REAL16 = 3,  /* 16-bit real mode, regs16 */
};

/* Optional jobs (kx_purg_params.flags). */
#define KX_PURG_F_SERIAL    (1u << 0) /* print progress on the 8250 UART at serial_port */
#define KX_PURG_F_VGA       (1u << 1) /* print progress on the VGA text screen */
#define KX_PURG_F_RESET_VGA (1u << 2) /* reset VGA to 80x25 text mode before entry */
#define KX_PURG_F_RESET_PIC (1u << 3) /* put the 8259 PICs back in legacy mode */
/* KX_ENTRY_REAL16 always resets the PICs and the PIT as a PC BIOS leaves
 * them: a real-mode image calls the BIOS, whose interrupt handlers expect
 * IRQ0-7 at vectors 0x08-0x0f and a ticking timer. */

#define KX_PURG_MAX_REGIONS 32

/* A range of memory purgatory hashes before entry: [start, start + len). */
struct kx_purg_region {
	uint64_t start;
	uint64_t len;
	uint8_t sha256[32];
};

struct kx_purg_regs64 {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, rip;
};

struct kx_purg_regs32 {
	uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp, eip;
	uint32_t reserved;
};

/*
 * Real-mode entry. The trampoline page travels here rather than in
 * low_trampoline because the plan hands regs16 to purgatory as a whole.
 */
struct kx_purg_regs16 {
	uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp;
	uint16_t cs, ip, ds, es, ss, fs, gs;
	/* Segment of a 4 KiB page below 1 MiB, reserved by the loader as a
	 * segment of its own, that purgatory may overwrite with its switch to
	 * real mode (address = trampoline_seg << 4, page aligned). */
	uint16_t trampoline_seg;
};

struct kx_purg_params {
	uint32_t entry_mode;  /* enum kx_purg_entry_mode */
	uint32_t flags;       /* KX_PURG_F_* */
	uint16_t serial_port; /* I/O port of the UART, e.g. 0x3f8 */
	uint16_t reserved0;
	uint32_t serial_baud; /* 0: leave the UART's divisor as it is */
	struct kx_purg_regs64 regs64;
	struct kx_purg_regs32 regs32;
	struct kx_purg_regs16 regs16;
	/* Unused (0): see kx_purg_regs16.trampoline_seg. */
	uint64_t low_trampoline;
	/* Copy [backup_src, +backup_len) to backup_dst before verifying (kdump). */
	uint64_t backup_src;
	uint64_t backup_dst;
	uint64_t backup_len;
	uint32_t nr_regions;
	uint32_t reserved1;
	struct kx_purg_region regions[KX_PURG_MAX_REGIONS];
};

_Static_assert(sizeof(struct kx_purg_header) == 32, "purgatory header layout");
_Static_assert(sizeof(struct kx_purg_region) == 48, "purgatory region layout");
_Static_assert(sizeof(struct kx_purg_regs64) == 72, "regs64 layout");
_Static_assert(sizeof(struct kx_purg_regs32) == 40, "regs32 layout");
_Static_assert(sizeof(struct kx_purg_regs16) == 48, "regs16 layout");
_Static_assert(__builtin_offsetof(struct kx_purg_params, regs64) == 16, "params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_params, low_trampoline) == 176, "params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_params, regions) == 216, "params layout");
_Static_assert(sizeof(struct kx_purg_params) == 216 + 48 * KX_PURG_MAX_REGIONS, "params layout");

#endif
