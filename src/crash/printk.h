/* SPDX-License-Identifier: MIT */
/*
 * The crashed kernel's log out of a vmcore, in the three formats Linux has
 * used, picked by which symbols VMCOREINFO exports (kernel/printk/printk.c,
 * log_buf_vmcoreinfo_setup()):
 *   lockless ring buffer (5.10+)  SYMBOL(prb)
 *   structured records (3.5-5.9)  SYMBOL(log_first_idx)
 *   plain text ring (before 3.5)  SYMBOL(log_buf) and SYMBOL(log_end)
 *
 * The text is what kexec-tools' vmcore-dmesg prints for the same dump, byte
 * for byte, so scripts that parse one parse the other: "[%5llu.%06llu] " and
 * the record's text per record (seconds and microseconds of ts_nsec), bytes
 * that are neither printable nor white space in the C locale as "\xNN", dev_info
 * and dictionaries left out; the old plain ring is copied as it is.
 */
#ifndef KX_CRASH_PRINTK_H
#define KX_CRASH_PRINTK_H

#include <stddef.h>

#include "crash/vmcore.h"

enum kx_log_format {
	KX_LOG_LOCKLESS,
	KX_LOG_STRUCTURED,
	KX_LOG_LEGACY,
};

/* Receives the text in pieces; 0 or a negative errno (with a message). */
typedef int (*kx_log_write_fn)(void *ctx, const char *buf, size_t len);

/* The caps on what a ring's header may make us allocate or walk. The kernel
 * caps log_buf_len at 2 GiB (LOG_BUF_LEN_MAX, kernel/printk/printk.c), which
 * gives at most 2^31 data bytes and 2^26 descriptors (PRB_AVGBITS 5). Every
 * ring must also fit in the core file itself. */
#define KX_PRINTK_MAX_DATA_BITS 31
#define KX_PRINTK_MAX_COUNT_BITS 26
#define KX_PRINTK_MAX_STRUCT 4096 /* SIZE(prb_desc), SIZE(printk_info), SIZE(printk_log) */

/* Which format the core's VMCOREINFO describes; -ENOENT with a message when it
 * has none of the symbols. */
int kx_printk_format(const struct kx_vmcoreinfo *vi, enum kx_log_format *out);
const char *kx_printk_format_name(enum kx_log_format f);

/* Decodes the log and passes its text to write. */
int kx_printk_dump(const struct kx_vmcore *vc, kx_log_write_fn write, void *ctx);

#endif
