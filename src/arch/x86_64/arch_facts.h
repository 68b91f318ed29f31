/* SPDX-License-Identifier: MIT */
/*
 * The facts only x86_64's formats use: the running kernel's boot_params.
 * Read by src/sys/facts_read.c; part of struct kx_facts (core/facts.h)
 * through the arch include path.
 */
#ifndef KX_ARCH_FACTS_H
#define KX_ARCH_FACTS_H

#include <stddef.h>
#include <stdint.h>

struct kx_arch_facts {
	/* /sys/kernel/boot_params/data: the running kernel's boot_params (4096 bytes). */
	uint8_t *boot_params;
	size_t boot_params_len;
};

void kx_arch_facts_free(struct kx_arch_facts *a);
struct kx_facts;
/* Reads the arch's facts under root (src/sys/facts_read.c calls it last). */
int kx_arch_facts_read(const char *root, struct kx_facts *f);

#endif
