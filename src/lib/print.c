/* SPDX-License-Identifier: MIT */
#include "lib/print.h"

#include <inttypes.h>

static void hex(FILE *out, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", d[i]);
}

/* A UKI's sections and the sources of the command line and initrd. */
static void wrapper_print_text(FILE *out, const struct kx_plan_wrapper *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(out, "%-11s%-9s at file offset 0x%" PRIx64 ", 0x%" PRIx64 " bytes\n",
			i ? "" : "uki:", w->part[i].name, w->part[i].offset, w->part[i].size);
	if (w->profiles)
		fprintf(out, "note:      multi-profile UKI (%u profiles): profile 0 used, as "
			"systemd-stub boots it when no profile is chosen\n", w->profiles);
	fprintf(out, "cmdline from: %s\ninitrd from:  %s\n", w->cmdline_from, w->initrd_from);
}

void kx_plan_print_text(FILE *out, const struct kx_plan *p)
{
	const struct kx_plan_meta *m = &p->meta;

	fprintf(out, "format:    %s%s\n", p->format, m->panic ? " (capture kernel, -p)" : "");
	fprintf(out, "syscall:   %s\n", m->syscall);
	if (m->syscall_reason)
		fprintf(out, "why:       %s\n", m->syscall_reason);
	if (p->capture.hotplug)
		fputs("hotplug:   the kernel may rewrite the core header on CPU/memory hotplug "
		      "(not verified by purgatory)\n", out);
	fprintf(out, "entry:     0x%" PRIx64 " (purgatory), then 0x%" PRIx64 " (%s)\n", p->entry,
		kx_handoff_image_entry(&p->handoff), kx_handoff_mode_name(&p->handoff));
	fprintf(out, "cmdline:   %s\n", m->cmdline ? m->cmdline : "");
	if (m->wrapper.kind)
		wrapper_print_text(out, &m->wrapper);
	if (m->map_is_guess)
		fputs("note:      the memory map is not readable (not root): placed against a "
		      "generic PC map\n", out);
	fprintf(out, "%-12s %-18s %-12s %-12s %s\n", "role", "mem", "memsz", "bufsz", "sha256");
	for (size_t i = 0; i < p->n; i++) {
		const struct kx_segment *s = &p->seg[i];

		fprintf(out, "%-12s 0x%016" PRIx64 " 0x%-10" PRIx64 " 0x%-10zx ", kx_role_name(s->role),
			s->mem, s->memsz, s->bufsz);
		hex(out, s->sha256, sizeof(s->sha256));
		fputs(s->verify ? "\n" : " (not verified)\n", out);
	}
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void wrapper_print_json(FILE *out, const struct kx_plan_wrapper *w)
{
	fputs(",\"wrapper\":", out);
	json_str(out, w->kind);
	fprintf(out, ",\"profiles\":%u,\"sections\":[", w->profiles);
	for (size_t i = 0; i < w->n; i++) {
		fprintf(out, "%s{\"name\":", i ? "," : "");
		json_str(out, w->part[i].name);
		fprintf(out, ",\"offset\":%" PRIu64 ",\"size\":%" PRIu64 "}", w->part[i].offset,
			w->part[i].size);
	}
	fputs("],\"cmdline_from\":", out);
	json_str(out, w->cmdline_from);
	fputs(",\"initrd_from\":", out);
	json_str(out, w->initrd_from);
}

void kx_plan_print_json(FILE *out, const struct kx_plan *p)
{
	const struct kx_plan_meta *m = &p->meta;

	fputs("{\"format\":", out);
	json_str(out, p->format);
	fputs(",\"syscall\":", out);
	json_str(out, m->syscall);
	fputs(",\"syscall_reason\":", out);
	json_str(out, m->syscall_reason);
	fprintf(out, ",\"panic\":%s,\"entry\":%" PRIu64 ",\"entry_mode\":\"%s\",\"image_entry\":%" PRIu64,
		m->panic ? "true" : "false", p->entry, kx_handoff_mode_name(&p->handoff),
		kx_handoff_image_entry(&p->handoff));
	kx_handoff_print_json(out, &p->handoff);
	fputs(",\"cmdline\":", out);
	json_str(out, m->cmdline);
	if (m->wrapper.kind)
		wrapper_print_json(out, &m->wrapper);
	fprintf(out, ",\"memory_map_guessed\":%s,\"crash_hotplug\":%s,\"segments\":[",
		m->map_is_guess ? "true" : "false", p->capture.hotplug ? "true" : "false");
	for (size_t i = 0; i < p->n; i++) {
		const struct kx_segment *s = &p->seg[i];

		fprintf(out, "%s{\"role\":\"%s\",\"mem\":%" PRIu64 ",\"memsz\":%" PRIu64
			",\"bufsz\":%zu,\"verified\":%s,\"sha256\":\"",
			i ? "," : "", kx_role_name(s->role), s->mem, s->memsz, s->bufsz,
			s->verify ? "true" : "false");
		hex(out, s->sha256, sizeof(s->sha256));
		fputs("\"}", out);
	}
	fputs("]}\n", out);
}
