/* SPDX-License-Identifier: MIT */
/* File I/O shared by the crash tools' mains (vmcore-dmesg, vmcore-save). */
#ifndef KX_TOOLS_TOOLIO_H
#define KX_TOOLS_TOOLIO_H

#include <stddef.h>
#include <stdint.h>

/* ctx of tool_pread: an open file and its name for messages. */
struct tool_file {
	int fd;
	const char *path;
};

/* A kx_vmcore_read_fn over a file descriptor. /proc/vmcore cannot be mmap'ed
 * on every kernel; pread works everywhere. */
int tool_pread(void *ctx, void *buf, size_t len, uint64_t off);
/* Writes all of buf to fd (retrying short writes); 0 or a negative errno
 * with a message naming what. */
int tool_write_all(int fd, const void *buf, size_t len, const char *what);
/* A kx_log_write_fn for standard output. */
int tool_write_stdout(void *ctx, const char *buf, size_t len);
/* Messages come as "module: text"; the user knows the file, not our modules. */
const char *tool_without_module(const char *msg);

#endif
