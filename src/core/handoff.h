/* SPDX-License-Identifier: MIT */
/*
 * The hand-off: how purgatory enters the image. Its data, struct kx_handoff
 * (the entry mode and registers), is the arch's: arch_handoff.h, found
 * through the arch include path (src/arch/<arch>). These functions, which
 * each arch implements in src/arch/<arch>/handoff.c, are what the
 * arch-neutral code (the plan printers, the purgatory step) asks of it.
 */
#ifndef KX_CORE_HANDOFF_H
#define KX_CORE_HANDOFF_H

#include <stdint.h>
#include <stdio.h>

#include "arch_handoff.h"
#include "purgatory/abi.h"

/* Where the image is entered, as a physical address. */
uint64_t kx_handoff_image_entry(const struct kx_handoff *h);
/* The entry mode as plans name it ("linux64", "pm32", "real16" on x86_64). */
const char *kx_handoff_mode_name(const struct kx_handoff *h);
/* The arch's extra fields of the JSON plan, each starting with a comma. */
void kx_handoff_print_json(FILE *out, const struct kx_handoff *h);
/* Where purgatory must end for this hand-off (0: anywhere RAM is). */
uint64_t kx_handoff_purgatory_max(const struct kx_handoff *h);
struct kx_load_opts;
struct kx_facts;
/* Fills the arch's part of purgatory's parameter block: the hand-off, and
 * the console and resets from the options (else the running kernel's
 * console). */
void kx_handoff_fill_params(const struct kx_handoff *h, const struct kx_load_opts *o,
			    const struct kx_facts *f, struct kx_purg_params *pp);

#endif
