/* SPDX-License-Identifier: MIT */
/*
 * libkx: load a new Linux kernel (or another boot payload) from a running
 * system and boot it, as the `kexec` command does. The command is a client of
 * this header like any boot manager.
 *
 * The flow:
 *
 *   kx_loader *l = kx_loader_new();
 *   kx_open_image(l, "/boot/vmlinuz", &err);       probe the format (or kx_set_type first)
 *   kx_set_initrd(l, "/boot/initrd.img", &err);    options, in any order
 *   kx_set_append(l, "console=ttyS0", &err);
 *   kx_build(l, &err);                             gather facts, build the plan
 *   kx_print_plan(l, stdout, KX_PRINT_TEXT, &err); inspect it (no root needed)
 *   kx_load(l, &err);                              hand it to the kernel
 *   kx_exec(NULL, 0, &err);                             boot it (does not return on success)
 *   kx_loader_free(l);
 *
 * Nothing here prints or exits. Every call that can fail returns 0 or a
 * negative errno and, when `err` is not NULL, stores a kx_error that the
 * caller frees with kx_error_free. A failed call leaves the loaded kernel (if
 * any) as it was, except where kx_load documents otherwise.
 *
 * Building a plan touches nothing but the files it reads (the images and
 * /proc, /sys under the sysroot): a dry run needs no privileges. Loading,
 * unloading and booting need root (CAP_SYS_BOOT).
 *
 * Thread safety: a kx_loader is used by one thread at a time; distinct
 * loaders may be used concurrently.
 *
 * Signals: the image, initrd and modules are mapped, not copied. A file
 * truncated while it is read (or a media error under it) raises SIGBUS; while
 * kx_gather_facts, kx_build, kx_digest, kx_print_plan and kx_load read the
 * mappings, libkx installs its own SIGBUS handler, which turns such a fault
 * of the calling thread into an error (-EIO, "FILE changed or became
 * unreadable"), and puts the application's handler back afterwards. A SIGBUS
 * from elsewhere meanwhile goes to the application's handler. Do not change
 * the SIGBUS handler while one of these calls runs.
 */
#ifndef KX_KX_H
#define KX_KX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(KX_BUILDING_STATIC)
#define KX_EXPORT __attribute__((visibility("default")))
#else
#define KX_EXPORT
#endif

/* One load: the image and its options, the facts read about the system, and
 * the plan built from them. */
typedef struct kx_loader kx_loader;
/* What went wrong: an errno, a message that names the module and says what
 * to do, and the plan when one was built before the failure. */
typedef struct kx_error kx_error;
/* A read-only view of a built plan, owned by its loader. */
typedef struct kx_plan kx_plan;

/* ---- versions ---- */

/* The library's version, e.g. "0.1.0". */
KX_EXPORT const char *kx_version(void);

/* ---- errors ---- */

/* The negative errno of the failure (-ENOENT, -ENOEXEC, -EPERM, ...). */
KX_EXPORT int kx_error_code(const kx_error *e);
/* "module: what went wrong[: what to do]", never NULL. */
KX_EXPORT const char *kx_error_message(const kx_error *e);
/* The plan built before the failure (a load the kernel refused), or NULL.
 * It stays valid while the loader that built it lives. */
KX_EXPORT const kx_plan *kx_error_plan(const kx_error *e);
KX_EXPORT void kx_error_free(kx_error *e);

/* ---- the loader ---- */

/* NULL when out of memory. */
KX_EXPORT kx_loader *kx_loader_new(void);
/* Frees the loader, its plan and its open files; NULL is allowed. */
KX_EXPORT void kx_loader_free(kx_loader *l);

/* Opens the kernel (or other payload) image: a regular file, mapped read-only.
 * A compressed file (gzip, xz, zstd, lz4) is unpacked when the plan is built,
 * a UKI unwrapped (its .linux is the image; see kx_plan_wrapper).
 * At most once per loader. */
KX_EXPORT int kx_open_image(kx_loader *l, const char *path, kx_error **err);
/* Forces the image type instead of probing ("bzImage64", "linux16", "elf",
 * "multiboot2", ...), case-insensitively. kexec-tools' x86_64 names come
 * first and mean what they mean there: "bzImage" is its 16/32-bit loader
 * (kx's "linux16"), "bzImage64" the 64-bit one (kx's format "bzImage").
 * -EINVAL for an unknown name, -EOPNOTSUPP for a kexec-tools type kx does
 * not load ("beoboot-x86", "nbi-x86"). "uki": the file must be a UKI, whose
 * kernel is probed. */
KX_EXPORT int kx_set_type(kx_loader *l, const char *type, kx_error **err);
/* The image type names this build knows, in probe order, NULL-terminated. */
KX_EXPORT const char *const *kx_image_types(void);

/* The initial ramdisk. At most once per loader. An empty file is refused
 * (-EINVAL): it is a failed initramfs build, not "no initrd". */
KX_EXPORT int kx_set_initrd(kx_loader *l, const char *path, kx_error **err);
/* A boot module, "FILE ARGS": FILE is loaded, the whole string is the module's
 * command line (Multiboot). Modules keep the order of the calls. */
KX_EXPORT int kx_add_module(kx_loader *l, const char *spec, kx_error **err);

/* Appends to the next kernel's command line (pieces are joined by a space). */
KX_EXPORT int kx_set_append(kx_loader *l, const char *text, kx_error **err);
/* Starts the command line from the running kernel's (/proc/cmdline, without
 * BOOT_IMAGE= and, for a capture kernel, crashkernel=). */
KX_EXPORT int kx_set_reuse_cmdline(kx_loader *l, bool reuse, kx_error **err);

/* Load a capture kernel, booted when the running kernel panics (kexec -p). */
KX_EXPORT int kx_set_panic(kx_loader *l, bool panic, kx_error **err);

enum kx_syscall {
	/* -l: kexec_file_load, then kexec_load where that may help. -p:
	 * kexec_load first (kx's purgatory checks the capture kernel and resets
	 * on a mismatch, where the kernel's own spins), kexec_file_load when the
	 * kernel refuses kexec_load or the request needs the file loader. */
	KX_SYSCALL_AUTO = 0,
	KX_SYSCALL_FILE = 1, /* kexec_file_load only: the kernel parses and verifies */
	KX_SYSCALL_LOAD = 2, /* kexec_load only: kx builds every segment */
};
/* Which syscall kx_load uses. Under AUTO for -p, kexec_load goes first and
 * kexec_file_load follows only when kexec_load is refused (-EPERM, -EACCES:
 * lockdown, kexec_load_disabled, a policy; -ENOSYS, -EOPNOTSUPP), or first
 * when dm-crypt keys are set up for kdump (only the file loader passes them).
 * Under AUTO for -l, kexec_load is taken after kexec_file_load only when the kernel's file loader cannot handle the image
 * or request (-ENOEXEC, -EINVAL) or the syscall is missing (-ENOSYS,
 * -EOPNOTSUPP). A rejected signature (-EKEYREJECTED, -EBADMSG, -ENODATA,
 * -ENOKEY, -ELIBBAD, -ENOPKG, -EMSGSIZE) or a refusal by policy (-EPERM,
 * -EACCES: lockdown, IMA, a security module) is final, as is any other error:
 * kexec_load checks no signature, so it must not load what the kernel refused. */
KX_EXPORT int kx_set_syscall(kx_loader *l, enum kx_syscall sc, kx_error **err);

enum kx_hotplug {
	KX_HOTPLUG_AUTO = 0, /* on where the running kernel supports it */
	KX_HOTPLUG_ON = 1,   /* required (kexec --hotplug): fail where unsupported */
	KX_HOTPLUG_OFF = 2,
};
/* Crash hotplug for a capture kernel loaded with kexec_load (-p): the
 * kernel may rewrite the ELF core header in place when CPUs or memory are
 * added or removed (Linux 6.6+, /sys/kernel/crash_elfcorehdr_size), so the
 * header gets the size the kernel asks for, the kexec_load flag that allows
 * it, and purgatory does not verify it. kexec_file_load always does this. */
KX_EXPORT int kx_set_hotplug(kx_loader *l, enum kx_hotplug mode, kx_error **err);

/* Lowest and highest address segments may occupy (0: no limit); kexec_load only. */
KX_EXPORT int kx_set_mem_range(kx_loader *l, uint64_t min, uint64_t max, kx_error **err);
/* false: purgatory does not verify the SHA-256 of the segments (kexec -i). */
KX_EXPORT int kx_set_checks(kx_loader *l, bool checks, kx_error **err);

enum kx_image_args {
	KX_ARGS_AUTO = 0,  /* Linux for a vmlinux (ELF with a "Linux" note), else ELF */
	KX_ARGS_LINUX = 1, /* the Linux boot protocol */
	KX_ARGS_ELF = 2,   /* command line and initrd addresses in registers */
	KX_ARGS_NONE = 3,  /* nothing but the entry point */
};
/* How an ELF image gets its arguments (--args-linux, --args-elf, --args-none). */
KX_EXPORT int kx_set_image_args(kx_loader *l, enum kx_image_args args, kx_error **err);

enum kx_linux_entry {
	KX_LINUX_ENTRY_AUTO = 0,
	KX_LINUX_ENTRY_PM32 = 1,   /* 32-bit protected mode at code32_start (--entry-32bit) */
	KX_LINUX_ENTRY_REAL16 = 2, /* real mode at the setup code (--real-mode) */
};
/* How a Linux boot-protocol image is entered; a forced mode loads a bzImage
 * through the linux16 format. */
KX_EXPORT int kx_set_linux_entry(kx_loader *l, enum kx_linux_entry entry, kx_error **err);

/* Purgatory's serial console: on, at an I/O port and speed (0: the running
 * kernel's console, else 0x3f8 and 115200). */
KX_EXPORT int kx_set_serial_console(kx_loader *l, bool on, uint16_t port, uint32_t baud,
				    kx_error **err);
/* Purgatory prints on the VGA text screen; reset_vga resets the adapter to
 * text mode before entry. */
KX_EXPORT int kx_set_vga_console(kx_loader *l, bool on, bool reset_vga, kx_error **err);

/* Reads /proc and /sys under `root` instead of "/" (tests and dry runs). */
KX_EXPORT int kx_set_sysroot(kx_loader *l, const char *root, kx_error **err);

/* Test only: purgatory is given a wrong digest for the first verified
 * segment, so that it must refuse to boot and reset. */
KX_EXPORT int kx_set_test_bad_digest(kx_loader *l, bool on, kx_error **err);

/* Messages about what the loader does (the syscall taken, a fallback); by
 * default none are given. */
typedef void kx_log_fn(void *ctx, const char *message);
KX_EXPORT void kx_set_log(kx_loader *l, kx_log_fn *fn, void *ctx);

/* kexec-tools' options that change how the image is loaded or handed over,
 * each off by default. */
enum kx_option {
	/* -d: ask the kernel to log the load (KEXEC_FILE_DEBUG, KEXEC_DEBUG);
	 * a kernel that does not know the flag (EINVAL) is asked again without
	 * it, and the log says so. */
	KX_OPT_KERNEL_DEBUG = 0,
	/* kexec_file_load: no segment in CMA memory (KEXEC_FILE_NO_CMA). */
	KX_OPT_NO_CMA = 1,
	/* kexec_file_load: the kernel passes its own DTB on (KEXEC_FILE_FORCE_DTB). */
	KX_OPT_FORCE_DTB = 2,
	/* A capture kernel's core header is ELF32 (all addresses below 4 GiB),
	 * not ELF64. */
	KX_OPT_ELF32_CORE_HEADERS = 3,
	/* kexec_load: no EFI state (efi_info, EFI setup_data) for the next kernel. */
	KX_OPT_NO_EFI = 4,
	/* kexec_load, capture kernel: its memory map also as memmap=exactmap
	 * memmap=... on its command line. */
	KX_OPT_PASS_MEMMAP_CMDLINE = 5,
};
/* Sets one of the options above; -EINVAL for an unknown one. */
KX_EXPORT int kx_set_option(kx_loader *l, enum kx_option opt, bool on, kx_error **err);
/* A flattened device tree for the next kernel (kexec_load: a SETUP_DTB
 * setup_data entry). The file must be an FDT (magic 0xd00dfeed). */
KX_EXPORT int kx_set_dtb(kx_loader *l, const char *path, kx_error **err);

/* ---- facts and plan ---- */

/* Reads what the image's format needs about the running system (memory map,
 * firmware tables, console, crash region). kx_build calls it when it has not
 * been called; call it first to see its errors apart. Needs an open image. */
KX_EXPORT int kx_gather_facts(kx_loader *l, kx_error **err);
/* Builds the plan: detects or checks the format, places every segment, fills
 * purgatory. Nothing is loaded. At most once per loader. */
KX_EXPORT int kx_build(kx_loader *l, kx_error **err);
/* The plan, once built; NULL before. */
KX_EXPORT const kx_plan *kx_get_plan(const kx_loader *l);
/* Computes the SHA-256 of every segment (kx_load does it when kexec_load
 * needs them; a dry run that prints digests does it first). */
KX_EXPORT int kx_digest(kx_loader *l, kx_error **err);

/* What the plan holds. */
KX_EXPORT const char *kx_plan_format(const kx_plan *p);      /* "bzImage", "elf", ... */
KX_EXPORT const char *kx_plan_compression(const kx_plan *p); /* "gzip", ... or NULL */
KX_EXPORT bool kx_plan_panic(const kx_plan *p);
KX_EXPORT const char *kx_plan_cmdline(const kx_plan *p);
/* The syscall kx_load will use: "kexec_file_load", "kexec_load",
 * "auto (kexec_file_load, else kexec_load)" or "auto (kexec_load, else
 * kexec_file_load)"; and why, in a sentence. */
KX_EXPORT const char *kx_plan_syscall(const kx_plan *p);
KX_EXPORT const char *kx_plan_syscall_reason(const kx_plan *p);
/* -p: whether the kernel may rewrite the core header on CPU/memory hotplug. */
KX_EXPORT bool kx_plan_crash_hotplug(const kx_plan *p);
/* Where the running kernel jumps (purgatory's entry) and where purgatory
 * enters the image, with the mode ("linux64", "pm32", "real16"). */
KX_EXPORT uint64_t kx_plan_entry(const kx_plan *p);
KX_EXPORT uint64_t kx_plan_image_entry(const kx_plan *p);
KX_EXPORT const char *kx_plan_entry_mode(const kx_plan *p);
/* true when the memory map was unreadable (not root) and a generic one was used. */
KX_EXPORT bool kx_plan_map_guessed(const kx_plan *p);

KX_EXPORT size_t kx_plan_segment_count(const kx_plan *p);
/* Segment i (i < count): its role ("kernel", "initrd", "purgatory", ...),
 * physical address, size in memory and bytes taken from a buffer. */
KX_EXPORT const char *kx_plan_segment_role(const kx_plan *p, size_t i);
KX_EXPORT uint64_t kx_plan_segment_mem(const kx_plan *p, size_t i);
KX_EXPORT uint64_t kx_plan_segment_memsz(const kx_plan *p, size_t i);
KX_EXPORT uint64_t kx_plan_segment_bufsz(const kx_plan *p, size_t i);
/* Whether purgatory verifies it, and its SHA-256 over memsz bytes (32 bytes;
 * NULL until kx_digest has run). */
KX_EXPORT bool kx_plan_segment_verified(const kx_plan *p, size_t i);
KX_EXPORT const uint8_t *kx_plan_segment_sha256(const kx_plan *p, size_t i);

/* When the image file wrapped the kernel: "uki" (a Unified Kernel Image,
 * whose .linux section is the kernel), else NULL. Then the sections the load
 * uses (i < count): name (".linux", ".initrd", ".cmdline"), offset in the
 * file and size; and where the command line and the initrd came from: "uki",
 * "given", "given, the UKI's not used", "uki, then given (concatenated)"
 * (initrd) or "none" (NULL without a wrapper). A given command line replaces
 * .cmdline; a given initrd follows .initrd, or replaces it for a capture
 * kernel (kexec(8) has the rules). */
KX_EXPORT const char *kx_plan_wrapper(const kx_plan *p);
KX_EXPORT size_t kx_plan_wrapper_section_count(const kx_plan *p);
KX_EXPORT const char *kx_plan_wrapper_section_name(const kx_plan *p, size_t i);
KX_EXPORT uint64_t kx_plan_wrapper_section_offset(const kx_plan *p, size_t i);
KX_EXPORT uint64_t kx_plan_wrapper_section_size(const kx_plan *p, size_t i);
KX_EXPORT const char *kx_plan_cmdline_source(const kx_plan *p);
KX_EXPORT const char *kx_plan_initrd_source(const kx_plan *p);

enum kx_print_format {
	KX_PRINT_TEXT = 0, /* as kexec --dry-run prints it */
	KX_PRINT_JSON = 1, /* as kexec --dry-run --json prints it: one line */
};
/* Prints the plan; computes the digests first if they are missing. */
KX_EXPORT int kx_print_plan(kx_loader *l, FILE *out, enum kx_print_format fmt, kx_error **err);

/* ---- the running kernel ---- */

/* Loads the plan with the chosen syscall (and fallback). On failure the
 * error carries the plan. The kernel unloads a capture kernel before it
 * loads another, so a failed panic load may leave none loaded: the error
 * then says that kdump is no longer armed (read back from
 * /sys/kernel/kexec_crash_loaded), or that the old one is still loaded. */
KX_EXPORT int kx_load(kx_loader *l, kx_error **err);
/* The syscall that loaded it: "kexec_file_load" or "kexec_load"; NULL before. */
KX_EXPORT const char *kx_loaded_with(const kx_loader *l);

/* Whether a kernel (panic: a capture kernel) is loaded, from
 * /sys/kernel/kexec_loaded or kexec_crash_loaded under root ("/" if NULL). */
KX_EXPORT int kx_status(const char *root, bool panic, bool *loaded, kx_error **err);
/* Unloads the kernel (panic: the capture kernel) with the given syscall;
 * AUTO tries kexec_file_load, then kexec_load. */
KX_EXPORT int kx_unload(enum kx_syscall sc, bool panic, kx_error **err);

enum kx_exec_flags {
	KX_EXEC_NO_SYNC = 1 << 0,   /* do not sync filesystems first */
	KX_EXEC_NO_IFDOWN = 1 << 1, /* do not bring network interfaces down first */
};
/* Boots the loaded kernel: syncs, brings interfaces down, then
 * reboot(LINUX_REBOOT_CMD_KEXEC). Returns only on failure (-ENOENT when no
 * kernel is loaded, as /sys/kernel/kexec_loaded under root says; "/" if NULL). */
KX_EXPORT int kx_exec(const char *root, unsigned flags, kx_error **err);

/* The size in bytes of the memory reserved for a capture kernel, as
 * kexec-tools' --print-ckr-size gives it on x86: the highest "Crash kernel"
 * range of /proc/iomem under root ("/" if NULL; crashkernel=...,high also
 * reserves a low one, which is not counted); 0 when none is reserved. */
KX_EXPORT int kx_crash_size(const char *root, uint64_t *size, kx_error **err);

#ifdef __cplusplus
}
#endif

#endif
