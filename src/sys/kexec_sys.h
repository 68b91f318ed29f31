/* SPDX-License-Identifier: MIT */
/* The syscalls: loading, unloading, executing, and the state of the kernel. */
#ifndef KX_KEXEC_SYS_H
#define KX_KEXEC_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/plan.h"

/* A file mapped read-only (data is NULL for an empty file). */
struct kx_mapped {
	int fd;
	const uint8_t *data;
	size_t len;
};

/* Opens and maps a regular file; clear errors for missing files, directories. */
int kx_map_file(const char *path, const char *what, struct kx_mapped *m);
void kx_unmap_file(struct kx_mapped *m);

/* Bytes to put in a file made in memory. */
struct kx_span {
	const uint8_t *data;
	size_t len;
};
/* A sealed memfd named `name` holding parts[0..n) in order, each but the
 * last followed by zeros up to a multiple of `align` (0 or 1: none), mapped
 * read-only into m (data NULL when empty). For kexec_file_load, which takes
 * files: a UKI's .linux, an initrd made of several. */
int kx_memfd_build(const char *name, const struct kx_span *parts, size_t n, size_t align,
		   struct kx_mapped *m);
/* Drops the pages of [buf, buf+len) from memory when that range lies in m's
 * mapping (they are read back from the file if touched again); false when it
 * does not, and then nothing is done. */
bool kx_mapped_release(const struct kx_mapped *m, const void *buf, size_t len);

/* The syscalls' flags (include/uapi/linux/kexec.h). A kernel older than a
 * flag refuses it with EINVAL before it looks at anything else
 * (kexec_load_check, kexec_file_load's KEXEC_FILE_FLAGS test). */
#define KX_KEXEC_ON_CRASH 0x00000001ul
#define KX_KEXEC_UPDATE_ELFCOREHDR 0x00000004ul
#define KX_KEXEC_DEBUG 0x00000010ul           /* the kernel logs the load */
#define KX_KEXEC_FILE_UNLOAD 0x00000001ul
#define KX_KEXEC_FILE_ON_CRASH 0x00000002ul
#define KX_KEXEC_FILE_NO_INITRAMFS 0x00000004ul
#define KX_KEXEC_FILE_DEBUG 0x00000008ul      /* Linux 6.8 */
#define KX_KEXEC_FILE_NO_CMA 0x00000010ul     /* no segment in CMA memory */
#define KX_KEXEC_FILE_FORCE_DTB 0x00000020ul  /* x86: pass the current DTB */

/* Raw syscalls: return 0 or -errno, no message. `flags` are the KX_KEXEC_*
 * above; kexec_load's arch field is added here. */
int kx_sys_kexec_load(const struct kx_plan *p, unsigned long flags);
int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long flags);
int kx_sys_kexec_unload(bool panic, bool file_syscall);

/* The calls that change what the kernel has loaded, and the read-back of that
 * state (kx_kexec_loaded), as lib/commit.c makes them: a table, so that unit
 * tests can stand in for the kernel and check the syscall policy. */
struct kx_sys_kexec_ops {
	int (*file_load)(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
	int (*load)(const struct kx_plan *p, unsigned long flags);
	int (*unload)(bool panic, bool file_syscall);
	int (*loaded)(const char *root, bool panic, bool *loaded);
	int (*ifdown)(void);
	int (*reboot_kexec)(void);
};
/* The table in use: the real syscalls unless a test set another. */
const struct kx_sys_kexec_ops *kx_sys_kexec(void);
/* Whether that is the real kernel: a plan built from another system tree
 * (--sysroot) is never handed to it, but a test's fake kernel may take one. */
bool kx_sys_kexec_is_real(void);
/* Test seam, for unit tests only: replaces the table (NULL: the real one).
 * Internal (not in kx.h, hidden in libkx.so); not thread-safe. */
void kx_sys_set_kexec_ops(const struct kx_sys_kexec_ops *ops);
/* reboot(LINUX_REBOOT_CMD_KEXEC): returns only on failure. */
int kx_sys_reboot_kexec(void);
/* Brings every network interface but lo down (before -e). */
int kx_sys_ifdown(void);

/* /sys/kernel/kexec_loaded or kexec_crash_loaded under root. */
int kx_kexec_loaded(const char *root, bool panic, bool *loaded);
/* Why kexec_load said EPERM, as advice for the user. */
const char *kx_eperm_reason(const char *root);

#endif
