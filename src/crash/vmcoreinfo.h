/* SPDX-License-Identifier: MIT */
/*
 * The VMCOREINFO note: text lines "KEY=VALUE" the crashed kernel wrote for
 * dump tools (kernel/crash_core.c, Documentation/admin-guide/kdump/
 * vmcoreinfo.rst). The kernel prints SYMBOL() and KERNELOFFSET in hex without
 * "0x", OFFSET(), SIZE() and LENGTH() as unsigned decimal, NUMBER() and
 * PAGESIZE as signed decimal. Lookups scan the text each time: the note is one
 * page and a dump tool asks for a few dozen keys.
 */
#ifndef KX_CRASH_VMCOREINFO_H
#define KX_CRASH_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

/* A view of the note's text; not NUL-terminated, not owned. */
struct kx_vmcoreinfo {
	const char *text;
	size_t len;
};

/* The value of the first line "key=...": *val points into the text, *len
 * excludes the newline. -ENOENT (no message) when no line has that key. */
int kx_vmcoreinfo_get(const struct kx_vmcoreinfo *vi, const char *key, const char **val,
		      size_t *len);

/* Typed lookups by the name inside the parentheses: kx_vmcoreinfo_symbol(vi,
 * "prb", &addr) reads "SYMBOL(prb)=". -ENOENT (no message) when absent,
 * -EINVAL with a message when present but not a number of that form. */
int kx_vmcoreinfo_symbol(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out);
int kx_vmcoreinfo_offset(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out);
int kx_vmcoreinfo_size(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out);
int kx_vmcoreinfo_length(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out);
int kx_vmcoreinfo_number(const struct kx_vmcoreinfo *vi, const char *name, int64_t *out);
/* NUMBER(name) as an unsigned 64-bit value, decimal or 0x-hex: arm64 prints
 * kimage_voffset and PHYS_OFFSET in hex with NUMBER(). */
int kx_vmcoreinfo_number_u64(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out);
/* PAGESIZE=, KERNELOFFSET=. */
int kx_vmcoreinfo_pagesize(const struct kx_vmcoreinfo *vi, uint64_t *out);
int kx_vmcoreinfo_kerneloffset(const struct kx_vmcoreinfo *vi, uint64_t *out);
/* OSRELEASE= copied into buf (always NUL-terminated, truncated to size). */
int kx_vmcoreinfo_osrelease(const struct kx_vmcoreinfo *vi, char *buf, size_t size);

#endif
