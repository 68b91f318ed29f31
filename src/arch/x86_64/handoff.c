/* SPDX-License-Identifier: MIT */
#include "core/handoff.h"

#include <inttypes.h>

#include "core/format.h"

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

uint64_t kx_handoff_purgatory_max(const struct kx_handoff *h)
{
	/* Purgatory runs in 64-bit mode on the kernel's identity map wherever
	 * it is; a 32-bit or real-mode entry leaves long mode from its code,
	 * which only runs below 4 GiB (the build places it below 4 GiB whenever
	 * there is room). entry.S: enter_linux64 stays in long mode (its 4-level
	 * switch is skipped when purgatory lies above 4 GiB); enter_pm32 does not. */
	return h->mode == KX_ENTRY_LINUX64 ? 0 : KX_4G;
}

void kx_handoff_print_json(FILE *out, const struct kx_handoff *h)
{
	/* The Linux 64-bit boot protocol's one argument: boot_params. */
	if (h->mode == KX_ENTRY_LINUX64)
		fprintf(out, ",\"rsi\":%" PRIu64, h->regs64.rsi);
}

void kx_handoff_fill_params(const struct kx_handoff *h, const struct kx_load_opts *o,
			    const struct kx_facts *f, struct kx_purg_params *pp)
{
	pp->arch.entry_mode = h->mode;
	pp->arch.regs64 = h->regs64;
	pp->arch.regs32 = h->regs32;
	pp->arch.regs16 = h->regs16;
	/* The 8250 at an I/O port: the one asked for, else the running kernel's
	 * console=ttyS / uart8250,io, else COM1 at 115200. */
	if (o->console_serial || f->console.serial) {
		pp->flags |= KX_PURG_F_SERIAL;
		pp->arch.serial_port = o->console_serial && o->serial_port ? o->serial_port
				       : f->console.serial ? f->console.port : 0x3f8;
		pp->arch.serial_baud = o->console_serial && o->serial_baud ? o->serial_baud
				       : f->console.serial ? f->console.baud : 115200;
	}
	if (o->console_vga)
		pp->flags |= KX_PURG_F_VGA;
	if (o->reset_vga)
		pp->flags |= KX_PURG_F_RESET_VGA;
}
