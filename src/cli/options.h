/* SPDX-License-Identifier: MIT */
/* argv -> request. The only place that knows option names. */
#ifndef KX_CLI_OPTIONS_H
#define KX_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kx/kx.h"

enum kx_action {
	KX_ACT_LOAD,    /* -l, and the default */
	KX_ACT_EXEC,    /* -e */
	KX_ACT_UNLOAD,  /* -u */
	KX_ACT_FORCE,   /* -f: load, then exec at once */
	KX_ACT_STATUS,  /* -S */
	KX_ACT_PRINT_CKR_SIZE, /* --print-ckr-size */
	KX_ACT_HELP,
	KX_ACT_VERSION,
};

struct kx_request {
	enum kx_action action;
	enum kx_syscall syscall;  /* -a (default), -s, -c */
	bool panic;               /* -p */
	bool load_given;          /* -l, also with -S: the normal kernel's status */
	bool debug;               /* -d */
	bool no_ifdown;           /* -x */
	bool no_sync;             /* -y */
	bool no_checks;           /* -i */
	bool dry_run;
	bool json;
	bool test_bad_digest;     /* --test-bad-digest: see kx_set_test_bad_digest */
	bool reuse_cmdline;
	/* No action given: load, then reboot through shutdown -r now, as
	 * kexec-tools does (not with -p, nor with --dry-run). */
	bool shutdown_after;
	const char *kernel;
	const char *initrd;
	const char *append;       /* --append/--command-line: the last one given */
	const char *dtb;          /* --dtb */
	bool hotplug;             /* --hotplug */
	bool options[KX_OPT_PASS_MEMMAP_CMDLINE + 1]; /* kx_set_option's, by enum kx_option */
	const char *type;
	enum kx_image_args args;   /* --args-linux / --args-elf / --args-none */
	enum kx_linux_entry linux_entry; /* --real-mode / --entry-32bit */
	uint64_t mem_min, mem_max;
	bool console_serial, console_vga, reset_vga;
	uint16_t serial_port;
	uint32_t serial_baud;
	const char *sysroot;      /* where /proc and /sys are read ("/"); for tests */
	const char **modules;     /* --module "FILE ARGS", in order */
	size_t n_modules;
};

/* The command: argv in, exit status out (main() is only this call). Tests
 * link it with a fake kernel behind the syscall seam. */
int kx_cli_main(int argc, char **argv);

/* Parses argv. Returns 0, or prints a message and returns a non-zero exit code
 * (2 for usage errors, 1 for a kexec-tools option kx refuses). Each call
 * parses from the start (getopt is reset). */
int kx_parse_args(int argc, char **argv, struct kx_request *req);
void kx_usage(FILE *out);
void kx_request_free(struct kx_request *req);

#endif
