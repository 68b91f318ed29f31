/* SPDX-License-Identifier: MIT */
/*
 * arm64's part of purgatory's parameter block (purgatory/abi.h): how to enter
 * the kernel (Documentation/arch/arm64/booting.rst, "Call the kernel image":
 * x0 = the DTB's physical address, x1-x3 = 0, MMU and D-cache off), the
 * console to report on and how to reset when a digest does not match.
 * Layout asserted below; both the loader and purgatory include it.
 */
#ifndef KX_PURGATORY_ABI_ARCH_H
#define KX_PURGATORY_ABI_ARCH_H

#include <stdbool.h>
#include <stdint.h>

enum kx_purg_entry_mode {
	KX_ENTRY_LINUX_ARM64 = 1, /* booting.rst: branch to pc with x0 = DTB, x1-x3 = 0 */
};

static inline bool kx_purg_entry_mode_known(uint32_t mode)
{
	return mode == KX_ENTRY_LINUX_ARM64;
}

/* Optional jobs (kx_purg_params.flags). */
#define KX_PURG_F_SERIAL (1u << 0) /* print progress on the UART at uart_base */
#define KX_PURG_F_SCALAR (1u << 1) /* hash with the scalar code even if the CPU has SHA-256 */

/* The UART purgatory prints on: the running kernel's stdout-path (DT
 * /chosen) or ACPI SPCR console, already set up by the kernel. */
enum kx_purg_uart {
	KX_PURG_UART_NONE = 0,
	KX_PURG_UART_PL011 = 1, /* Arm PL011 (and SBSA generic UART: same DR and FR) */
};

/* How to call PSCI (Arm DEN 0022, "Arm Power State Coordination Interface"):
 * the DT's /psci method, or the ACPI FADT's ARM boot architecture flags. */
enum kx_purg_psci_conduit {
	KX_PURG_PSCI_NONE = 0,
	KX_PURG_PSCI_HVC = 1,
	KX_PURG_PSCI_SMC = 2,
};

struct kx_purg_arch {
	uint32_t entry_mode;   /* enum kx_purg_entry_mode */
	uint32_t psci_conduit; /* enum kx_purg_psci_conduit */
	uint64_t pc;           /* the kernel's entry: its load address (code0 is the first instruction) */
	uint64_t x0;           /* the DTB's physical address */
	uint64_t uart_base;    /* MMIO base of the UART (physical; the MMU is off) */
	uint32_t uart_type;    /* enum kx_purg_uart */
	uint32_t reserved;
};

_Static_assert(__builtin_offsetof(struct kx_purg_arch, pc) == 8, "arch params layout");
_Static_assert(__builtin_offsetof(struct kx_purg_arch, uart_base) == 24, "arch params layout");
_Static_assert(sizeof(struct kx_purg_arch) == 40, "arch params layout");

#endif
