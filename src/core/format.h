/* SPDX-License-Identifier: MIT */
/*
 * What a format is and what it is given: the options of a load (already
 * mapped files, the complete command line) and the system facts. Formats
 * include this, never the orchestration in src/lib.
 */
#ifndef KX_FORMAT_H
#define KX_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/plan.h"
#include "kx/kx.h"

/* A boot module (multiboot --module "FILE ARGS"). */
struct kx_module {
	const uint8_t *data;
	size_t len;
	const char *string;       /* "FILE ARGS" as given: the module's command line */
};

struct kx_load_opts {
	const char *cmdline;      /* the complete command line for the next kernel ("" = none) */
	const uint8_t *initrd;    /* NULL when no initrd */
	size_t initrd_len;
	uint64_t mem_min;         /* --mem-min (0: none) */
	uint64_t mem_max;         /* --mem-max (0: none) */
	bool panic;               /* -p: place everything in the crash kernel region */
	/* -p: size the core header for crash hotplug and leave it unverified
	 * (the loader decides from the kernel's support and --hotplug). */
	bool hotplug;
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
	/* kexec-tools' hand-off options (kx_set_option, kx_set_dtb). */
	const uint8_t *dtb;       /* a DTB for the next kernel (NULL: none) */
	size_t dtb_len;
	bool no_efi;              /* --noefi: no EFI state for the next kernel */
	bool pass_memmap_cmdline; /* -p: the crash memory map also as memmap= */
	bool elf32_core_headers;  /* -p: an ELF32 core header */
	/* Test hook: store a wrong digest for the first verified segment, so tests
	 * can prove that purgatory refuses to boot a damaged image. */
	bool test_bad_digest;
};

/* Facts a format reads beyond the memory map, console and command line. */
enum kx_format_needs {
	KX_NEEDS_ACPI = 1 << 0,    /* the ACPI RSDP and tables (/dev/mem, sysfs) */
};

struct kx_format {
	const char *name;          /* as -t accepts it and --dry-run prints it */
	unsigned needs;            /* enum kx_format_needs */
	/* The running kernel's kexec_file_load takes this format (auto mode
	 * tries it first). */
	bool kernel_file_load;
	/* Can be loaded as a capture kernel (-p): the format passes the core
	 * header's address (elfcorehdr=) and a memory map of the crash region
	 * only. Without both, a capture kernel runs over the crashed kernel's
	 * memory and the dump is lost, so the others refuse -p. A format
	 * that can do it for some of its images only (ELF: the Linux hand-off)
	 * sets it and refuses the rest in its plan. */
	bool capture;
	const char *const *aliases; /* other -t names (kexec-tools'), NULL-terminated or NULL */
	/* 0 when the image is this format, -ENOEXEC when not (with a message saying
	 * why, used when no format matches), another negative errno when it is this
	 * format but broken. */
	int (*probe)(const uint8_t *img, size_t len);
	/* Optional: a parameter this image needs on its command line on this
	 * machine that the user did not give (NULL: none); *why says why. The
	 * loader appends it and says so under -d. */
	const char *(*cmdline_needs)(const uint8_t *img, size_t len, const struct kx_facts *f,
				     const char *cmdline, const char **why);
	/* Adds and places the format's segments and sets the hand-off. */
	int (*plan)(const uint8_t *img, size_t len, const struct kx_load_opts *o,
		    const struct kx_facts *f, struct kx_plan *p);
};

/* More formats than any arch's table holds (kx_image_types' array). */
#define KX_MAX_FORMATS 15

/* Probe order table (src/arch/<arch>/registry.c), NULL-terminated. */
extern const struct kx_format *const kx_formats[];

/* A -t name as kexec-tools spells it for this arch, and what kx does with it:
 * the kx format it stands for, or why kx refuses it (format NULL). */
struct kx_type_name {
	const char *name;
	const char *format;
	const char *refusal;
};
/* The arch's table (registry.c), ended by a row with a NULL name. */
extern const struct kx_type_name kx_type_names[];
/* The format name a -t name stands for: kexec-tools' names first (they win
 * where a kx name reads the same), then kx's own names, case-insensitively.
 * A refused kexec-tools name gives -EOPNOTSUPP with the table's reason; a
 * name nothing knows, -EINVAL. */
int kx_type_resolve(const char *name, const char **format);
const struct kx_format *kx_format_by_name(const char *name);
/* The format of an image: -t when given, else the first whose probe says yes. */
int kx_format_detect(const uint8_t *img, size_t len, const char *type,
		     const struct kx_format **out);

/* 0 when fmt can be loaded with `panic` as asked; else a message that says
 * what to load instead. */
int kx_format_check_panic(const struct kx_format *fmt, bool panic);

/* Places the initrd (if any) top down, above 1 MiB and below min(max, 4 GiB),
 * the way boot loaders do; *addr = 0 when there is none. With high_ok (the
 * image reads a 64-bit initrd address) and no room there, anywhere above
 * 1 MiB, above 4 GiB too: a capture kernel's region may lie that high. For
 * formats. */
int kx_plan_add_initrd(struct kx_plan *p, const struct kx_load_opts *o, uint64_t max,
		       bool high_ok, uint64_t *addr);

#endif
