/* SPDX-License-Identifier: MIT */
#include "arch_facts.h"

#include <stdlib.h>
#include <string.h>

void kx_arch_facts_free(struct kx_arch_facts *a)
{
	free(a->boot_params);
	memset(a, 0, sizeof(*a));
}

int kx_arch_facts_read(const char *root, struct kx_facts *f)
{
	/* boot_params is read with the other facts (src/sys/facts_read.c). */
	return 0;
}
