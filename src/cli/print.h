/* SPDX-License-Identifier: MIT */
#ifndef KX_CLI_PRINT_H
#define KX_CLI_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/facts.h"
#include "core/plan.h"

struct kx_plan_meta {
	const char *syscall;   /* "kexec_load" / "kexec_file_load" */
	const char *cmdline;
	bool panic;
	bool map_is_guess;
};

void kx_print_plan(FILE *out, const struct kx_plan *p, const struct kx_plan_meta *m);
void kx_print_plan_json(FILE *out, const struct kx_plan *p, const struct kx_plan_meta *m);

#endif
