/* SPDX-License-Identifier: MIT */
/*
 * The facts only arm64's formats use, part of struct kx_facts (core/facts.h)
 * through the arch include path, read by kx_arch_facts_read (facts.c) from
 * the running system: the device tree the running kernel was booted with,
 * the ACPI tables that name the console and the PSCI conduit on a UEFI
 * boot, and fresh random bytes for the next kernel's seeds.
 */
#ifndef KX_ARCH_FACTS_H
#define KX_ARCH_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* /chosen's kaslr-seed (a u64) and rng-seed (Documentation/devicetree/
 * bindings: chosen.yaml), written fresh for every load. */
#define KX_ARM64_KASLR_SEED_SIZE 8
#define KX_ARM64_RNG_SEED_SIZE 64

struct kx_arch_facts {
	uint8_t *boot_params; /* always NULL on arm64 (x86's; src/sys/facts_read.c) */
	size_t boot_params_len;
	/* /sys/firmware/fdt: the DTB the running kernel was booted with (under
	 * UEFI, the EFI stub's). NULL when missing (not root, no DT). */
	uint8_t *fdt;
	size_t fdt_len;
	/* /sys/firmware/acpi/tables/SPCR and FACP, NULL when missing: the
	 * console and the PSCI conduit when the DT has neither (ACPI boots). */
	uint8_t *spcr;
	size_t spcr_len;
	uint8_t *fadt;
	size_t fadt_len;
	/* getrandom(2) on the running system; a fixed pattern under a fake
	 * root, so that plans built from a test tree are reproducible. */
	bool have_seed;
	uint8_t kaslr_seed[KX_ARM64_KASLR_SEED_SIZE];
	uint8_t rng_seed[KX_ARM64_RNG_SEED_SIZE];
};

void kx_arch_facts_free(struct kx_arch_facts *a);
struct kx_facts;
/* Reads the arch's facts under root (src/sys/facts_read.c calls it last). */
int kx_arch_facts_read(const char *root, struct kx_facts *f);

#endif
