/* SPDX-License-Identifier: MIT */
/*
 * The device tree arm64 hands the next kernel (booting.rst: x0 = its
 * address), built with libfdt from the running system's (/sys/firmware/fdt)
 * or a --dtb file: /chosen gets the command line, the initrd, fresh seeds
 * and, for a capture kernel, its core header and usable memory; what the
 * EFI stub put there (linux,uefi-*) stays. And what purgatory needs from the
 * platform: the console UART and the PSCI conduit, from the DT or, on an
 * ACPI boot, from SPCR and the FADT. Pure: buffers in, buffers out.
 */
#ifndef KX_ARM64_DTB_H
#define KX_ARM64_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/memmap.h"
#include "purgatory/abi.h"

/* booting.rst: the DTB "must not exceed 2 megabytes in size". */
#define KX_ARM64_DTB_MAX ((size_t)2 << 20)

struct kx_arm64_dtb_req {
	const uint8_t *base;      /* the tree to start from */
	size_t base_len;
	const char *base_name;    /* for messages: "/sys/firmware/fdt", the --dtb path */
	const char *cmdline;      /* /chosen bootargs */
	bool initrd;
	uint64_t initrd_start, initrd_end; /* [start, end) */
	const uint8_t *kaslr_seed; /* KX_ARM64_KASLR_SEED_SIZE bytes, NULL: none */
	const uint8_t *rng_seed;   /* KX_ARM64_RNG_SEED_SIZE bytes, NULL: none */
	/* A capture kernel: linux,elfcorehdr and linux,usable-memory-range. */
	bool crash;
	uint64_t elfcorehdr, elfcorehdr_size;
	const struct kx_memmap *usable;
};

/* Checks req->base (header and structure, fdt_check_full) and writes the
 * next kernel's DTB, packed, into *out (malloc'ed, *len bytes, at most
 * KX_ARM64_DTB_MAX). -EINVAL with a message naming base_name when the tree
 * is damaged or the result too large. */
int kx_arm64_dtb_build(const struct kx_arm64_dtb_req *req, uint8_t **out, size_t *len);

/* The RAM the tree's memory nodes (device_type = "memory") list, added to
 * *ram. -EINVAL on a damaged tree or reg property. */
int kx_arm64_dtb_memory(const uint8_t *fdt, size_t len, struct kx_memmap *ram);

/* The ranges the tree keeps from the OS: its memory reservation block and
 * /reserved-memory's children, added to *out. */
int kx_arm64_dtb_reserved(const uint8_t *fdt, size_t len, struct kx_memmap *out);

struct kx_arm64_platform {
	enum kx_purg_uart uart_type;
	uint64_t uart_base;
	enum kx_purg_psci_conduit psci;
};

/* The console (/chosen stdout-path, an alias or a path; a PL011 or SBSA
 * UART) and the PSCI conduit (/psci method) of a tree. Best effort: what
 * it cannot tell stays NONE. */
void kx_arm64_platform_from_fdt(const uint8_t *fdt, size_t len, struct kx_arm64_platform *out);
/* The same from ACPI: SPCR's interface type and base address, the FADT's
 * ARM boot architecture flags. Fills only what is still NONE. */
void kx_arm64_platform_from_acpi(const uint8_t *spcr, size_t spcr_len, const uint8_t *fadt,
				 size_t fadt_len, struct kx_arm64_platform *out);

#endif
