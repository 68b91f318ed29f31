/* SPDX-License-Identifier: MIT */
/*
 * The loader core: image bytes + options + system facts -> a complete plan.
 * Pure: no syscalls, no file reads. The cli maps the files and reads the
 * facts; tests call this directly with generated images and fake facts.
 */
#ifndef KX_LOAD_H
#define KX_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/plan.h"

/* A boot module (multiboot --module "FILE ARGS"). */
struct kx_module {
	const uint8_t *data;
	size_t len;
	const char *string;       /* "FILE ARGS" as given: the module's command line */
};

/* How an image that can be read several ways is handed its arguments
 * (kexec-tools' --args-linux / --args-elf / --args-none, for ELF images). */
enum kx_image_args {
	KX_ARGS_AUTO,  /* Linux for a vmlinux (ELF with a "Linux" note), else ELF */
	KX_ARGS_LINUX, /* boot_params, like a bzImage */
	KX_ARGS_ELF,   /* command line and initrd addresses in registers (README) */
	KX_ARGS_NONE,  /* nothing but the entry point */
};

/* How a Linux boot-protocol image without a 64-bit entry is entered
 * (kexec-tools' --entry-32bit / --real-mode force one; formats/linux16.c). */
enum kx_linux_entry {
	KX_LINUX_ENTRY_AUTO,
	KX_LINUX_ENTRY_PM32,   /* 32-bit boot protocol: code32_start, esi = boot_params */
	KX_LINUX_ENTRY_REAL16, /* real mode at the setup code, as a BIOS boot loader does */
};

struct kx_load_opts {
	const char *cmdline;      /* the complete command line for the next kernel ("" = none) */
	const uint8_t *initrd;    /* NULL when no initrd */
	size_t initrd_len;
	uint64_t mem_min;         /* --mem-min (0: none) */
	uint64_t mem_max;         /* --mem-max (0: none) */
	bool panic;               /* -p: place everything in the crash kernel region */
	bool no_checks;           /* -i: purgatory skips the SHA-256 verification */
	/* Leave the SHA-256 digests to kx_plan_digest, called only if kexec_load
	 * is: kexec_file_load needs none (the kernel hashes on its own). */
	bool defer_digests;
	const char *type;         /* -t: format name, NULL to probe */
	enum kx_image_args args;  /* --args-linux / --args-elf / --args-none */
	enum kx_linux_entry linux_entry; /* --entry-32bit / --real-mode */
	const char *image_name;   /* the kernel file as named on the command line (NULL: none) */
	const struct kx_module *modules; /* --module, in order (multiboot formats) */
	size_t n_modules;
	/* Purgatory console and resets. */
	bool console_serial;
	uint16_t serial_port;
	uint32_t serial_baud;
	bool console_vga;
	bool reset_vga;
	/* Test hook: store a wrong digest for the first verified segment, so tests
	 * can prove that purgatory refuses to boot a damaged image. */
	bool test_bad_digest;
};

struct kx_format {
	const char *name;          /* as -t accepts it and --dry-run prints it */
	const char *const *aliases; /* other -t names (kexec-tools'), NULL-terminated or NULL */
	/* 0 when the image is this format, -ENOEXEC when not (with a message saying
	 * why, used when no format matches), another negative errno when it is this
	 * format but broken. */
	int (*probe)(const uint8_t *img, size_t len);
	/* Adds and places the format's segments and sets the hand-off. */
	int (*plan)(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		    const struct kx_facts *f, struct kx_plan *p);
};

/* Probe order table (src/formats/formats.c). */
extern const struct kx_format *const kx_formats[];
const struct kx_format *kx_format_by_name(const char *name);
/* The format of an image: -t when given, else the first whose probe says yes. */
int kx_format_detect(const uint8_t *img, size_t len, const char *type,
		     const struct kx_format **out);

/* Places the initrd (if any) top down, above 1 MiB and below min(max, 4 GiB),
 * the way boot loaders do; *addr = 0 when there is none. For formats. */
int kx_plan_add_initrd(struct kx_plan *p, const struct kx_load_opts *o, uint64_t max,
		       uint64_t *addr);

/* Builds the whole plan: format segments, purgatory, digests. */
int kx_build_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		  const struct kx_facts *f, struct kx_plan *p);

#endif
