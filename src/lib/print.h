/* SPDX-License-Identifier: MIT */
/* The plan as kexec --dry-run prints it: text for people, one JSON line for tools. */
#ifndef KX_LIB_PRINT_H
#define KX_LIB_PRINT_H

#include <stdio.h>

#include "core/plan.h"

void kx_plan_print_text(FILE *out, const struct kx_plan *p);
void kx_plan_print_json(FILE *out, const struct kx_plan *p);
/* Where purgatory enters the image, decoded from the hand-off registers. */
uint64_t kx_plan_image_entry_of(const struct kx_plan *p);
const char *kx_entry_mode_name(enum kx_purg_entry_mode m);

#endif
