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

void kx_handoff_print_json(FILE *out, const struct kx_handoff *h)
{
	/* booting.rst's one argument: the DTB in x0. */
	fprintf(out, ",\"x0\":%" PRIu64, h->x0);
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
}
