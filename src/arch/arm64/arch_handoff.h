/* SPDX-License-Identifier: MIT */
/*
 * How purgatory enters the image, arm64's part of the plan: the kernel's
 * entry and x0 (the DTB), Documentation/arch/arm64/booting.rst "Call the
 * kernel image"; and what purgatory needs of the platform on a failure (the
 * UART, the PSCI conduit). core/handoff.h includes it through the arch
 * include path and declares the functions handoff.c implements.
 */
#ifndef KX_ARCH_HANDOFF_H
#define KX_ARCH_HANDOFF_H

#include <stdint.h>

#include "purgatory/abi.h"

struct kx_handoff {
	enum kx_purg_entry_mode mode;
	uint64_t pc;
	uint64_t x0;
	enum kx_purg_uart uart_type;
	uint64_t uart_base;
	enum kx_purg_psci_conduit psci;
};

#endif
