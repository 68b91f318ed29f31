/* SPDX-License-Identifier: MIT */
/*
 * One error helper: library code returns 0 or a negative errno and records a
 * human message naming the module, e.g. "bzimage: setup header too short".
 * The cli prints kx_errmsg() once, at the top.
 */
#ifndef KX_ERR_H
#define KX_ERR_H

#include <stddef.h>

/* Records "module: message" and returns -errnum (errnum is positive). */
int kx_err(int errnum, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds context in front of the recorded message: "ctx: old message". */
int kx_err_prefix(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds more after the recorded message: "old message<text>"; returns ret. */
int kx_err_append(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts back a message saved from kx_errmsg() (after a step that may record
 * its own, such as reading state back after a failure). */
void kx_err_restore(const char *saved);
/* The last recorded message of this thread ("" when none). */
const char *kx_errmsg(void);
void kx_err_clear(void);

#endif
