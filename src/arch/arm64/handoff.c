/* SPDX-License-Identifier: MIT */
#include "core/handoff.h"

#include <inttypes.h>

#include "core/format.h"

uint64_t kx_handoff_image_entry(const struct kx_handoff *h)
{
	return h->pc;
}

const char *kx_handoff_mode_name(const struct kx_handoff *h)
{
	return h->mode == KX_ENTRY_LINUX_ARM64 ? "linux-arm64" : "?";
}

static const char *psci_name(enum kx_purg_psci_conduit c)
{
	switch (c) {
	case KX_PURG_PSCI_HVC: return "hvc";
	case KX_PURG_PSCI_SMC: return "smc";
	case KX_PURG_PSCI_NONE: break;
	}
	return "none";
}

void kx_handoff_print_json(FILE *out, const struct kx_handoff *h)
{
	/* booting.rst's one argument: the DTB in x0; and where purgatory
	 * reports and how it resets. */
	fprintf(out, ",\"x0\":%" PRIu64, h->x0);
	if (h->uart_type == KX_PURG_UART_PL011)
		fprintf(out, ",\"uart\":{\"type\":\"pl011\",\"base\":%" PRIu64 "}", h->uart_base);
	else
		fprintf(out, ",\"uart\":null");
	fprintf(out, ",\"psci\":\"%s\"", psci_name(h->psci));
}

uint64_t kx_handoff_purgatory_max(const struct kx_handoff *h)
{
	return 0;
}

void kx_handoff_fill_params(const struct kx_handoff *h, const struct kx_load_opts *o,
			    const struct kx_facts *f, struct kx_purg_params *pp)
{
	pp->arch.entry_mode = h->mode;
	pp->arch.pc = h->pc;
	pp->arch.x0 = h->x0;
	pp->arch.psci_conduit = h->psci;
	pp->arch.uart_type = h->uart_type;
	pp->arch.uart_base = h->uart_base;
	if (h->uart_type != KX_PURG_UART_NONE)
		pp->flags |= KX_PURG_F_SERIAL;
}
