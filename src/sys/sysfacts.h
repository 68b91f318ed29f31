/* SPDX-License-Identifier: MIT */
/*
 * Readers of the running system's facts. Every reader takes the filesystem root
 * ("/" in production, a fake tree in tests) and is split into a pure parser of
 * a text buffer (no I/O, fuzzed in tests/fuzz) and a thin reader of the file.
 */
#ifndef KX_SYSFACTS_H
#define KX_SYSFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/memmap.h"

/* sysfs text files and /proc/cmdline are small; /proc/iomem of a big machine is
 * tens of KiB. Anything larger than this is not the file we expect. */
#define KX_SYSFILE_MAX ((size_t)4 << 20)

/* ---- readfile.c ---- */

/* Joins root and an absolute path ("/proc/iomem") into buf. A root of "/" or ""
 * gives the path itself, so messages show the path the user knows. */
int kx_path_join(char *buf, size_t size, const char *root, const char *path);
/* Opens a regular file read-only: a FIFO, socket or device is refused with
 * "MODULE: PATH is not a regular file" (-EINVAL), a directory with -EISDIR,
 * without blocking (a FIFO's open() waits for a writer) and without side
 * effects (O_NOCTTY: a tty does not become the controlling terminal). The
 * returned fd is blocking, close-on-exec; *size is the file's size. */
int kx_open_regular(const char *path, const char *module, int *fd, uint64_t *size);
/* Reads a whole file until EOF (sysfs reports st_size 4096 whatever the content),
 * at most max bytes. *out is malloc'ed and NUL-terminated (not counted in *len),
 * so text parsers may also treat it as a string. A missing or unreadable file
 * gives -ENOENT / -EACCES with the path in the message; a file that is not
 * regular (a FIFO in a fake tree) is refused as kx_open_regular does. */
int kx_read_file(const char *root, const char *path, size_t max, uint8_t **out, size_t *len);
/* Parses one number as sysfs prints it: "0x" hex or decimal, optional
 * surrounding blanks and a trailing newline. -EINVAL if not a number, -ERANGE
 * if it does not fit in 64 bits. Sets no message (callers name the file). */
int kx_parse_u64(const char *s, size_t len, uint64_t *out);
/* A hex number with or without 0x, as sysfs prints "%llx" (crash_notes) or "%pa". */
int kx_parse_hex_u64(const char *s, size_t len, uint64_t *out);
/* The numeric entry names of a sysfs directory ("0", "1", ... "10"), sorted
 * numerically: readdir order is not the firmware's order. *out is malloc'ed. */
int kx_sys_list_numeric_dir(const char *root, const char *dir, const char *module,
			    uint64_t **out, size_t *n_out);
/* kx_read_file + kx_parse_u64: "memmap: /sys/.../end: not a number". */
int kx_read_u64(const char *root, const char *path, const char *module, uint64_t *out);

/* ---- memmap_read.c ---- */

/* What /proc/iomem tells. */
struct kx_iomem {
	struct kx_memmap top;   /* top-level memory entries, as a firmware map */
	struct kx_memmap ram;   /* every "System RAM" range */
	struct kx_memmap crash; /* every "Crash kernel" range (KX_MEM_CRASH) */
	bool all_zero;          /* every address is 0: read by a non-root user */
};

void kx_iomem_free(struct kx_iomem *io);
/* Parses the text of /proc/iomem ("  start-end : name", inclusive end, nested
 * by two spaces). Non-memory entries (PCI, devices) are skipped. */
int kx_iomem_parse(const char *text, size_t len, struct kx_iomem *out);
/* Reads root/proc/iomem; -EACCES when it shows only zeros (not root). */
int kx_iomem_read(const char *root, struct kx_iomem *out);
/* Reads root/sys/firmware/memmap/N/{start,end,type} in numeric order of N;
 * unknown type names become Reserved. -ENOENT if the directory is missing,
 * -EACCES when not root. The map is normalized. */
int kx_fwmemmap_read(const char *root, struct kx_memmap *out);

/* ---- console.c ---- */

/* Parses a kernel command line (len bytes, need not be NUL-terminated) for the
 * console purgatory can use. Never fails: odd options are ignored. */
void kx_console_parse(const char *cmdline, size_t len, struct kx_console *out);

/* ---- facts_read.c ---- */

/* Parses /sys/firmware/efi/systab ("KEY=0x..." lines): ACPI20 else ACPI,
 * SMBIOS3 else SMBIOS; 0 when absent. -EINVAL when a value of those keys is
 * not a number. */
int kx_efi_systab_parse(const char *text, size_t len, uint64_t *acpi20, uint64_t *smbios);
/* Parses "MemTotal:  N kB" out of /proc/meminfo into bytes. */
int kx_meminfo_parse(const char *text, size_t len, uint64_t *memtotal);
/* The generic PC map used when the real one is unreadable: RAM [0x1000, 0x9f000),
 * reserved [0x9f000, 0x100000), RAM [1 MiB, memtotal + 1 MiB) below 3 GiB and
 * the rest from 4 GiB. */
int kx_guess_pc_map(uint64_t memtotal, struct kx_memmap *out);
/* Reads root/sys/firmware/efi; efi->present is false when it does not exist. */
int kx_efi_read(const char *root, struct kx_efi_facts *efi);
/* Fills every fact (see core/facts.h). On error f is freed and zeroed. */
int kx_facts_read(const char *root, struct kx_facts *f);

#endif
