/* SPDX-License-Identifier: MIT */
/*
 * The loader behind the public handle (include/kx/kx.h): the request, the
 * mapped files, the facts and the plan of one load. Shared by the files of
 * src/lib only.
 */
#ifndef KX_LIB_LOADER_H
#define KX_LIB_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/format.h"
#include "core/plan.h"
#include "kx/kx.h"
#include "lib/build.h"
#include "sys/kexec_sys.h"

struct kx_error {
	int code;                     /* negative errno */
	char *message;
	const struct kx_plan *plan;   /* the loader's, or NULL */
};

struct kx_loader {
	/* The request. */
	char *type;
	enum kx_syscall syscall;
	bool panic;
	bool reuse_cmdline;
	bool no_checks;
	bool test_bad_digest;
	enum kx_hotplug hotplug;
	/* AUTO for -p: kexec_load goes first (decided in kx_build). */
	bool load_first;
	const char *syscall_reason;
	char *append;
	bool append_given;            /* kx_set_append was called, even with "" */
	enum kx_image_args args;
	enum kx_linux_entry linux_entry;
	uint64_t mem_min, mem_max;
	bool console_serial, console_vga, reset_vga;
	uint16_t serial_port;
	uint32_t serial_baud;
	bool options[KX_OPT_PASS_MEMMAP_CMDLINE + 1]; /* kx_set_option */
	char *sysroot;
	kx_log_fn *log;
	void *log_ctx;

	/* The files, mapped read-only. */
	char *image_path, *initrd_path, *dtb_path;
	struct kx_mapped kernel, initrd, dtb;
	bool have_image, have_initrd, have_dtb;
	uint32_t dtb_size;            /* the DTB's totalsize: the bytes passed on */
	char **module_specs;
	struct kx_mapped *mod_maps;
	size_t n_modules;

	/* The image unpacked and its format known (kx_gather_facts). */
	struct kx_unwrapped unwrapped;
	const struct kx_format *format;
	bool have_facts;
	struct kx_facts facts;

	/* A UKI's rules applied (kx_build): where the command line and initrd
	 * come from, and the initrd made of its .initrd and the given one. */
	enum kx_source cmdline_from, initrd_from;
	struct kx_mapped initrd_joined;

	/* The plan (kx_build) and what loaded it (kx_load). */
	char *cmdline;
	bool have_plan;
	struct kx_plan plan;
	const char *loaded_with;
};

/* Turns the message recorded by kx_err into *err (when err is not NULL) and
 * returns ret. */
int kx_lib_fail(kx_error **err, int ret, const struct kx_plan *plan);
void kx_lib_log(const struct kx_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records the error for a SIGBUS at addr while reading the loader's files
 * (a file truncated or unreadable under its mapping), naming the file. */
int kx_lib_file_fault(const struct kx_loader *l, const void *addr);

/* lib/commit.c: SHA-256 of every segment that needs one, the largest on a
 * second thread; release drops hashed file pages (dry runs). Reads the
 * mapped files under a SIGBUS guard: 0 or the error of kx_lib_file_fault. */
int kx_lib_digest(struct kx_loader *l, bool release);

#endif
