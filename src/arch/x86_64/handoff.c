/* SPDX-License-Identifier: MIT */
#include "arch_handoff.h"

#include <inttypes.h>

uint64_t kx_handoff_image_entry(const struct kx_handoff *h)
{
	switch (h->mode) {
	case KX_ENTRY_PM32: return h->regs32.eip;
	case KX_ENTRY_REAL16: return (uint64_t)h->regs16.cs * 16 + h->regs16.ip;
	case KX_ENTRY_LINUX64: break;
	}
	return h->regs64.rip;
}

const char *kx_handoff_mode_name(const struct kx_handoff *h)
{
	switch (h->mode) {
	case KX_ENTRY_LINUX64: return "linux64";
	case KX_ENTRY_PM32: return "pm32";
	case KX_ENTRY_REAL16: return "real16";
	}
	return "?";
}

void kx_handoff_print_json(FILE *out, const struct kx_handoff *h)
{
	/* The Linux 64-bit boot protocol's one argument: boot_params. */
	if (h->mode == KX_ENTRY_LINUX64)
		fprintf(out, ",\"rsi\":%" PRIu64, h->regs64.rsi);
}

void kx_handoff_fill_params(const struct kx_handoff *h, struct kx_purg_params *pp)
{
	pp->entry_mode = h->mode;
	pp->regs64 = h->regs64;
	pp->regs32 = h->regs32;
	pp->regs16 = h->regs16;
}
