/* SPDX-License-Identifier: MIT */
/*
 * Handing a plan to the running kernel: the syscall policy and its fallback,
 * the digests kexec_load needs (hashed on two threads), and unload, status
 * and exec. The messages say what the kernel refused and what to try.
 */
#include "lib/loader.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch_defs.h"
#include "core/err.h"
#include "sys/sysfacts.h"
#include "sys/sigbus.h"

/* The files a plan's segments may point into, for release_hashed. */
static void release_hashed(void *ctx, const void *buf, size_t len)
{
	const struct kx_loader *l = ctx;

	if (kx_mapped_release(&l->kernel, buf, len) || kx_mapped_release(&l->initrd, buf, len) ||
	    kx_mapped_release(&l->initrd_joined, buf, len))
		return;
	for (size_t i = 0; i < l->n_modules; i++) {
		if (kx_mapped_release(&l->mod_maps[i], buf, len))
			return;
	}
}

struct digest_job {
	struct kx_loader *l;
	size_t seg;
	const struct kx_release_hook *rel;
	int ret;
};

/* Hashes segment i, reading the mapped files under a SIGBUS guard. */
static int hash_segment(struct kx_loader *l, size_t i, const struct kx_release_hook *rel)
{
	struct kx_sigbus_guard g;
	int ret;

	KX_SIGBUS_GUARDED(ret, g, (kx_segment_hash_release(&l->plan.seg[i], rel), 0),
			  kx_lib_file_fault(l, g.addr));
	return ret;
}

static void *digest_job_run(void *arg)
{
	struct digest_job *j = arg;

	j->ret = hash_segment(j->l, j->seg, j->rel);
	/* kx_err's message is per thread: hand it over with the code. */
	if (j->ret < 0)
		return strdup(kx_errmsg());
	return NULL;
}

/* kx_plan_digest with the largest segment (the initrd, usually) hashed on a
 * second thread while this one hashes the rest: one SHA-256 stream cannot be
 * split, but the kernel's (its init_size zero tail included) can run beside it. */
int kx_lib_digest(struct kx_loader *l, bool release)
{
	struct kx_plan *p = &l->plan;
	struct kx_release_hook hook = { release_hashed, l };
	struct digest_job job = { .l = l, .seg = SIZE_MAX, .rel = release ? &hook : NULL };
	pthread_t th;
	bool threaded = false;
	char *job_msg = NULL;
	int ret = 0;

	if (p->digested)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		if (kx_plan_digest_needs(p, i) &&
		    (job.seg == SIZE_MAX || p->seg[i].memsz > p->seg[job.seg].memsz))
			job.seg = i;
	}
	if (job.seg != SIZE_MAX && sysconf(_SC_NPROCESSORS_ONLN) > 1)
		threaded = pthread_create(&th, NULL, digest_job_run, &job) == 0;
	for (size_t i = 0; i < p->n && ret == 0; i++) {
		if (kx_plan_digest_needs(p, i) && (i != job.seg || !threaded))
			ret = hash_segment(l, i, job.rel);
	}
	if (threaded) {
		void *msg = NULL;

		pthread_join(th, &msg);
		job_msg = msg;
		if (ret == 0 && job.ret < 0) {
			ret = job.ret;
			kx_err_restore(job_msg ? job_msg : "kexec: hashing failed");
		}
		free(job_msg);
	}
	if (ret < 0)
		return ret;
	kx_plan_digest_seal(p);
	return 0;
}

/* Why kexec_file_load said EPERM or EACCES. Past the checks that also stop
 * kexec_load (root, kexec_load_disabled), it is the image that was refused:
 * its signature under lockdown, or an IMA or security module policy
 * (kernel/kexec_file.c kimage_validate_signature, kernel_read_file). */
static const char *file_refusal_reason(const char *root, int err)
{
	const char *why = kx_eperm_reason(root);

	if (err == -EPERM && (geteuid() != 0 || strstr(why, "kexec_load_disabled")))
		return why;
	return "the kernel refused the image: under lockdown (Secure Boot) it loads only a "
	       "kernel signed with a trusted key, and an IMA or security module policy may "
	       "refuse it; load a signed kernel (kx does not fall back to kexec_load, which "
	       "would skip the check)";
}

/* Records what a failed kexec_load / kexec_file_load means, with advice. */
static int syscall_error(const char *root, const char *name, int err)
{
	bool file = strcmp(name, "kexec_load") != 0;

	switch (err) {
	case -EPERM:
	case -EACCES:
		if (file)
			return kx_err(-err, name, "%s", file_refusal_reason(root, err));
		return kx_err(-err, name, "%s", kx_eperm_reason(root));
	case -ENOSYS:
		return kx_err(ENOSYS, name, "this kernel was built without it (CONFIG_KEXEC%s); "
			      "try %s", file ? "_FILE" : "", file ? "-c" : "-s");
	case -EBUSY:
		return kx_err(EBUSY, name, "the kernel is busy with another kexec operation; "
			      "try again");
	case -ENOEXEC:
		return kx_err(ENOEXEC, name, "the kernel cannot load this image type%s",
			      file ? "; try -c" : "");
	/* verify_pefile_signature and kexec_image_verify_sig: no signature,
	 * an unknown key, a bad or unparsable signature, a missing algorithm. */
	case -EKEYREJECTED:
	case -EBADMSG:
	case -ENODATA:
	case -ENOKEY:
	case -ELIBBAD:
	case -ENOPKG:
	case -EMSGSIZE:
		return kx_err(-err, name, "the kernel rejected the image's signature (%s): with "
			      "lockdown or KEXEC_SIG_FORCE it loads only a kernel signed with a "
			      "trusted key; load a signed kernel (kx does not fall back to "
			      "kexec_load, which would skip the check)", strerror(-err));
	case -EFAULT:
		return kx_err(EFAULT, name, "the kernel could not read the image: a file changed "
			      "or became unreadable while loading; try again");
	default:
		return kx_err(-err, name, "failed: %s", strerror(-err));
	}
}

/* Whether auto mode tries kexec_load after kexec_file_load failed with err.
 * Only when the kernel's file loader cannot take this image or request
 * (ENOEXEC: no loader probes it, e.g. a bzImage that is not relocatable or
 * not 64-bit; EINVAL: a request it refuses, e.g. a command line without room
 * for the elfcorehdr= it may add) or the syscall is missing (ENOSYS,
 * EOPNOTSUPP). A refusal of the image itself (a signature: EKEYREJECTED,
 * EBADMSG, ENODATA, ENOKEY...; a policy: EPERM, EACCES) is final, as in
 * kexec-tools: kexec_load checks no signature, so falling back would load
 * the very kernel the kernel refused. Any other error (EBUSY, ENOMEM,
 * EADDRNOTAVAIL, EFAULT...) would fail the same way again. */
static bool fallback_ok(int err)
{
	return err == -ENOEXEC || err == -EINVAL || err == -ENOSYS || err == -EOPNOTSUPP;
}

/* Whether auto mode for -p tries kexec_file_load after kexec_load failed
 * with err: only when the kernel refuses kexec_load itself (lockdown,
 * kexec_load_disabled, an IMA or security-module policy: EPERM, EACCES) or
 * lacks it (ENOSYS, EOPNOTSUPP). A refused segment list (EINVAL, EBUSY,
 * EADDRNOTAVAIL, ENOMEM) is kx's to fix, not the file loader's. */
static bool file_fallback_ok(int err)
{
	return err == -EPERM || err == -EACCES || err == -ENOSYS || err == -EOPNOTSUPP;
}

/* The kernel frees the loaded capture kernel before it loads another
 * (kernel/kexec_file.c, kernel/kexec.c do_kexec_load), so a failed panic load
 * may leave kdump off: read the state back and add it to the recorded error. */
static int panic_load_failed(const struct kx_loader *l, int ret)
{
	char saved[1024];
	bool loaded = false;
	int r;

	if (!l->panic)
		return ret;
	snprintf(saved, sizeof(saved), "%s", kx_errmsg());
	r = kx_sys_kexec()->loaded(l->sysroot, true, &loaded);
	kx_err_restore(saved);
	if (r < 0)
		return kx_err_append(ret, "; cannot tell whether a capture kernel is still loaded "
				     "(check with kexec -S -p)");
	if (loaded)
		return kx_err_append(ret, "; the capture kernel loaded before is still loaded");
	return kx_err_append(ret, "; kdump is no longer armed: no capture kernel is loaded now "
			     "(the kernel unloads the old one before it loads a new one); load "
			     "the previous capture kernel again with kexec -p to re-arm it");
}

/* The files kexec_file_load reads. A UKI's parts are not files: its .linux
 * (as the UKI carries it: the kernel's file loader probes it) and, when it
 * is the whole initrd, its .initrd are put in sealed memfds; closed once the
 * kernel has read them. */
struct file_load_files {
	struct kx_mapped kernel, initrd;
	int kernel_fd, initrd_fd;
};

static int file_load_open(const struct kx_loader *l, struct file_load_files *f)
{
	const struct kx_uki *u = &l->unwrapped.uki;
	int ret;

	*f = (struct file_load_files){ .kernel = { .fd = -1 }, .initrd = { .fd = -1 },
				       .kernel_fd = l->kernel.fd,
				       .initrd_fd = l->have_initrd ? l->initrd.fd : -1 };
	/* A kernel kx unpacked (Image.gz, EFI zboot): the kernel's file loader
	 * takes the plain image only (arm64's reads an Image), so it gets the
	 * bytes kx planned with. */
	if (!l->unwrapped.is_uki && l->unwrapped.compression) {
		ret = kx_memfd_build("unpacked kernel", &(struct kx_span){ l->unwrapped.img,
									   l->unwrapped.len },
				     1, 0, &f->kernel);
		if (ret < 0)
			return ret;
		f->kernel_fd = f->kernel.fd;
		return 0;
	}
	if (!l->unwrapped.is_uki)
		return 0;
	ret = kx_memfd_build("UKI .linux", &(struct kx_span){ u->part[KX_UKI_LINUX].data,
							      u->part[KX_UKI_LINUX].size },
			     1, 0, &f->kernel);
	if (ret < 0)
		return ret;
	f->kernel_fd = f->kernel.fd;
	if (l->initrd_from == KX_SOURCE_UKI_THEN_GIVEN)
		f->initrd_fd = l->initrd_joined.fd;
	else if (l->initrd_from == KX_SOURCE_NONE)
		f->initrd_fd = -1;
	if (l->initrd_from != KX_SOURCE_UKI)
		return 0;
	ret = kx_memfd_build("UKI .initrd", &(struct kx_span){ u->part[KX_UKI_INITRD].data,
							       u->part[KX_UKI_INITRD].size },
			     1, 0, &f->initrd);
	if (ret < 0) {
		kx_unmap_file(&f->kernel);
		return ret;
	}
	f->initrd_fd = f->initrd.fd;
	return 0;
}

static void file_load_close(struct file_load_files *f)
{
	kx_unmap_file(&f->kernel);
	kx_unmap_file(&f->initrd);
}

/* The flags of the two syscalls for this load (include/uapi/linux/kexec.h). */
static unsigned long file_load_flags(const struct kx_loader *l)
{
	return (l->panic ? KX_KEXEC_FILE_ON_CRASH : 0) |
	       (l->options[KX_OPT_KERNEL_DEBUG] ? KX_KEXEC_FILE_DEBUG : 0) |
	       (l->options[KX_OPT_NO_CMA] ? KX_KEXEC_FILE_NO_CMA : 0) |
	       (l->options[KX_OPT_FORCE_DTB] ? KX_KEXEC_FILE_FORCE_DTB : 0);
}

/* Crash hotplug (the plan sized the core header for it and left it out of
 * purgatory's digests) adds the arch's flag that lets the kernel rewrite it. */
static unsigned long load_flags(const struct kx_loader *l)
{
	return (l->panic ? KX_KEXEC_ON_CRASH : 0) |
	       (l->panic && l->plan.capture.hotplug ? KX_ARCH_KEXEC_HOTPLUG_FLAG : 0) |
	       (l->options[KX_OPT_KERNEL_DEBUG] ? KX_KEXEC_DEBUG : 0);
}

static int call_file_load(struct kx_loader *l, void *ctx, unsigned long flags)
{
	const struct file_load_files *f = ctx;

	if (f->initrd_fd < 0)
		flags |= KX_KEXEC_FILE_NO_INITRAMFS;
	return kx_sys_kexec()->file_load(f->kernel_fd, f->initrd_fd, l->plan.meta.cmdline, flags);
}

static int call_load(struct kx_loader *l, void *ctx, unsigned long flags)
{
	(void)ctx;
	return kx_sys_kexec()->load(&l->plan, flags);
}

/* One syscall with -d's debug flag, and once more without it when the kernel
 * does not know the flag: a kernel refuses unknown flags with EINVAL before
 * it looks at (or unloads) anything, so the retry disturbs nothing. */
static int call_with_debug(struct kx_loader *l, const char *name,
			   int (*call)(struct kx_loader *, void *, unsigned long), void *ctx,
			   unsigned long flags, unsigned long debug_flag, const char *flag_name)
{
	int ret = call(l, ctx, flags);

	if (ret == -EINVAL && (flags & debug_flag)) {
		kx_lib_log(l, "%s refused %s (a kernel older than the flag); trying again without "
			   "the kernel's debug messages", name, flag_name);
		ret = call(l, ctx, flags & ~debug_flag);
	}
	return ret;
}

/* kexec_file_load of the image (a UKI's parts through memfds). When those
 * cannot be made, no syscall is made: *made is false and the error is kx's
 * own (not the kernel's, so no syscall_error and no fallback). */
static int file_load(kx_loader *l, bool *made)
{
	struct file_load_files files;
	int ret = file_load_open(l, &files);

	*made = ret == 0;
	if (ret < 0)
		return ret;
	ret = call_with_debug(l, "kexec_file_load", call_file_load, &files, file_load_flags(l),
			      KX_KEXEC_FILE_DEBUG, "KEXEC_FILE_DEBUG");
	file_load_close(&files);
	if (ret == 0) {
		l->loaded_with = "kexec_file_load";
		kx_lib_log(l, "loaded with kexec_file_load");
	}
	return ret;
}

int kx_load(kx_loader *l, kx_error **err)
{
	const char *root;
	bool made;
	int ret = -ENOSYS;

	if (!l || !l->have_plan)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_load: build the plan first "
					       "(kx_build)"), NULL);
	if (l->loaded_with)
		return kx_lib_fail(err, kx_err(EBUSY, "libkx", "kx_load: this plan is loaded "
					       "already"), NULL);
	root = l->sysroot;
	/* A plan is only as true as its facts: one built from another tree or
	 * from a guessed map describes some other machine. Print it, never load it. */
	if (root && strcmp(root, "/") && *root && kx_sys_kexec_is_real())
		return kx_lib_fail(err, kx_err(EINVAL, "kexec", "the plan was built from the "
					       "system tree under %s, not this machine's: it can "
					       "be printed (--dry-run), not loaded", root), &l->plan);
	if (l->facts.map_is_guess)
		return kx_lib_fail(err, kx_err(EACCES, "kexec", "the memory map was unreadable "
					       "(not root): the plan places segments by a generic "
					       "map and cannot be loaded"), &l->plan);
	kx_lib_log(l, "syscall: %s: %s", l->plan.meta.syscall, l->plan.meta.syscall_reason);
	if (l->syscall == KX_SYSCALL_FILE || (l->syscall == KX_SYSCALL_AUTO && !l->load_first)) {
		ret = file_load(l, &made);
		if (ret == 0)
			return 0;
		if (!made)
			return kx_lib_fail(err, ret, &l->plan);
		if (l->syscall == KX_SYSCALL_FILE || !fallback_ok(ret)) {
			ret = syscall_error(root, "kexec_file_load", ret);
			return kx_lib_fail(err, panic_load_failed(l, ret), &l->plan);
		}
		kx_lib_log(l, "kexec_file_load failed (%s), falling back to kexec_load",
			   strerror(-ret));
	}
	/* Only now are the digests needed; this pass also faults in the pages
	 * the kernel copies next, so they are read from the files once. */
	ret = kx_lib_digest(l, false);
	if (ret < 0)
		return kx_lib_fail(err, panic_load_failed(l, ret), &l->plan);
	ret = call_with_debug(l, "kexec_load", call_load, NULL, load_flags(l), KX_KEXEC_DEBUG,
			      "KEXEC_DEBUG");
	if (ret < 0 && l->syscall == KX_SYSCALL_AUTO && l->load_first && file_fallback_ok(ret)) {
		kx_lib_log(l, "kexec_load refused (%s), trying kexec_file_load", strerror(-ret));
		ret = file_load(l, &made);
		if (ret == 0)
			return 0;
		if (made)
			ret = syscall_error(root, "kexec_file_load", ret);
		return kx_lib_fail(err, panic_load_failed(l, ret), &l->plan);
	}
	if (ret < 0) {
		ret = syscall_error(root, "kexec_load", ret);
		return kx_lib_fail(err, panic_load_failed(l, ret), &l->plan);
	}
	l->loaded_with = "kexec_load";
	kx_lib_log(l, "loaded with kexec_load%s", l->plan.capture.hotplug ?
		   " (crash hotplug: the kernel may update the core header)" : "");
	return 0;
}

const char *kx_loaded_with(const kx_loader *l)
{
	return l ? l->loaded_with : NULL;
}

int kx_status(const char *root, bool panic, bool *loaded, kx_error **err)
{
	int ret = kx_sys_kexec()->loaded(root, panic, loaded);

	return ret < 0 ? kx_lib_fail(err, ret, NULL) : 0;
}

int kx_crash_size(const char *root, uint64_t *size, kx_error **err)
{
	struct kx_iomem io;
	int ret;

	if (!size)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_crash_size: no size given"),
				   NULL);
	*size = 0;
	ret = kx_iomem_read(root ? root : "/", &io);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	/* kexec-tools loads into, and prints, the highest reservation
	 * (crashdump-x86.c get_crash_kernel_load_range). */
	for (size_t i = 0, top = 0; i < io.crash.n; i++) {
		if (i == 0 || io.crash.v[i].start > io.crash.v[top].start) {
			top = i;
			*size = io.crash.v[i].end - io.crash.v[i].start;
		}
	}
	kx_iomem_free(&io);
	return 0;
}

int kx_unload(enum kx_syscall sc, bool panic, kx_error **err)
{
	int ret;

	if (sc != KX_SYSCALL_AUTO && sc != KX_SYSCALL_FILE && sc != KX_SYSCALL_LOAD)
		return kx_lib_fail(err, kx_err(EINVAL, "libkx", "kx_unload: unknown syscall "
					       "choice %d", (int)sc), NULL);
	if (sc == KX_SYSCALL_LOAD) {
		ret = kx_sys_kexec()->unload(panic, false);
		return ret < 0 ? kx_lib_fail(err, syscall_error(NULL, "kexec_load", ret), NULL) : 0;
	}
	ret = kx_sys_kexec()->unload(panic, true);
	if (ret < 0 && sc == KX_SYSCALL_AUTO && fallback_ok(ret)) {
		ret = kx_sys_kexec()->unload(panic, false);
		return ret < 0 ? kx_lib_fail(err, syscall_error(NULL, "kexec_load", ret), NULL) : 0;
	}
	return ret < 0 ? kx_lib_fail(err, syscall_error(NULL, "kexec_file_load", ret), NULL) : 0;
}

int kx_exec(const char *root, unsigned flags, kx_error **err)
{
	bool loaded;
	int ret;

	ret = kx_sys_kexec()->loaded(root, false, &loaded);
	if (ret < 0)
		return kx_lib_fail(err, ret, NULL);
	if (!loaded)
		return kx_lib_fail(err, kx_err(ENOENT, "kexec", "no kernel is loaded: load one "
					       "first with kexec -l KERNEL"), NULL);
	if (!(flags & KX_EXEC_NO_SYNC))
		sync();
	if (!(flags & KX_EXEC_NO_IFDOWN))
		kx_sys_kexec()->ifdown();
	ret = kx_sys_kexec()->reboot_kexec();
	return kx_lib_fail(err, kx_err(-ret, "kexec", "reboot into the loaded kernel failed: %s",
				       strerror(-ret)), NULL);
}
