/* SPDX-License-Identifier: MIT */
/* The plan as kexec --dry-run prints it: text for people, one JSON line for tools. */
#ifndef KX_LIB_PRINT_H
#define KX_LIB_PRINT_H

#include <stdio.h>

#include "core/plan.h"

void kx_plan_print_text(FILE *out, const struct kx_plan *p);
void kx_plan_print_json(FILE *out, const struct kx_plan *p);

#endif
