/* SPDX-License-Identifier: MIT */
/*
 * The facts only arm64's formats use, part of struct kx_facts (core/facts.h)
 * through the arch include path. The DTB (/sys/firmware/fdt) comes here with
 * the hand-off; until then only x86's boot_params, which src/sys/facts_read.c
 * tries on every arch and never finds on arm64 (no /sys/kernel/boot_params).
 */
#ifndef KX_ARCH_FACTS_H
#define KX_ARCH_FACTS_H

#include <stddef.h>
#include <stdint.h>

struct kx_arch_facts {
	uint8_t *boot_params; /* always NULL on arm64 */
	size_t boot_params_len;
};

void kx_arch_facts_free(struct kx_arch_facts *a);

#endif
