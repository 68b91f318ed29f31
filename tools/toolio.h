/* SPDX-License-Identifier: MIT */
/* File I/O shared by the crash tools' mains (vmcore-dmesg, vmcore-save). */
#ifndef KX_TOOLS_TOOLIO_H
#define KX_TOOLS_TOOLIO_H

#include <stdbool.h>
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
/* Windows of 16 MiB: makedumpfile maps 4 MiB, but under QEMU's TCG each
 * window's munmap costs a TLB shootdown that stops the other threads, and
 * reading a dump's free pages to find them zero maps the whole file. Short
 * enough for a capture kernel's address space and memory (32 KiB of page
 * tables each). */
#define TOOL_MMAP_WINDOW ((uint64_t)16 << 20)

/* A window of the file mapped with mmap: off and len are the file's. */
struct tool_window {
	uint8_t *p; /* NULL: none */
	uint64_t off, len;
	unsigned refs; /* readers whose current window it is */
	uint64_t last; /* when it was last taken: the least recent unused goes */
};

/* Windows that several readers of one file share, each reader on its own
 * thread: a window one maps serves the others (threads that take turns in
 * one part of the file map it once, not once each), and none is unmapped
 * while a reader uses it. At least one more window than readers. */
struct tool_windows;
struct tool_windows *tool_windows_new(unsigned n);
/* Unmaps them all; after every reader closed. Windows mapped in all, in maps. */
void tool_windows_free(struct tool_windows *s, unsigned long *maps);

/* ctx of tool_mmap_read: reads through a window of the file mapped with
 * mmap, moved as reads go; falls back to pread for good when the file
 * cannot be mapped. /proc/vmcore's read() maps each old-memory page anew
 * (copy_oldmem_page), its mmap maps a range once (remap_pfn_range): several
 * times faster, which is why makedumpfile maps it too. The window is its own
 * (set NULL), or one of a shared set. */
struct tool_mapped {
	struct tool_file f;
	uint64_t size;     /* the file's */
	uint64_t win_size; /* 0: TOOL_MMAP_WINDOW; the same for all of a set */
	struct tool_windows *set;
	struct tool_window *win; /* the current window, or NULL */
	struct tool_window own;  /* without a set */
	bool no_mmap;            /* mmap failed once: pread from then on */
	unsigned long maps;      /* its own windows mapped (for -D) */
};

int tool_mmap_read(void *ctx, void *buf, size_t len, uint64_t off);
/* len bytes at off inside the window (moved there if need be), valid until
 * the window moves; NULL when they cannot be mapped (read them instead). */
const void *tool_mmap_map(void *ctx, uint64_t off, size_t len);
/* Lets go of the window (unmaps it when it is its own). */
void tool_mmap_close(struct tool_mapped *m);

/* Writes all of buf to fd (retrying short writes); 0 or a negative errno
 * with a message naming what. */
int tool_write_all(int fd, const void *buf, size_t len, const char *what);
/* A kx_log_write_fn for standard output. */
int tool_write_stdout(void *ctx, const char *buf, size_t len);
/* Messages come as "module: text"; the user knows the file, not our modules. */
const char *tool_without_module(const char *msg);

#endif
