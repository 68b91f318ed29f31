/* SPDX-License-Identifier: MIT */
/*
 * kexec: the command. A thin shell over the loader core: argv -> request,
 * files + facts -> plan -> syscall. The only code that prints and exits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/print.h"
#include "core/cmdline.h"
#include "core/err.h"
#include "core/load.h"
#include "formats/bzimage.h"
#include "sys/acpi_read.h"
#include "sys/crash_read.h"
#include "sys/kexec_sys.h"
#include "sys/sysfacts.h"

#ifndef KX_VERSION
#define KX_VERSION "0.1.0"
#endif

static int fail(const char *what)
{
	fprintf(stderr, "kexec: %s\n", what);
	return 1;
}

static int fail_err(void)
{
	const char *m = kx_errmsg();

	/* Messages from the library start with their module; the cli's own start
	 * with "kexec: " already. */
	if (!strncmp(m, "kexec: ", 7))
		fprintf(stderr, "%s\n", m);
	else
		fprintf(stderr, "kexec: %s\n", m);
	return 1;
}

/* Advice for a failed kexec_load / kexec_file_load. */
static int report_syscall_error(const struct kx_request *r, const char *name, int err)
{
	switch (err) {
	case -EPERM:
		fprintf(stderr, "kexec: %s: %s\n", name, kx_eperm_reason(r->sysroot));
		break;
	case -ENOSYS:
		fprintf(stderr, "kexec: %s: this kernel was built without it (CONFIG_KEXEC%s)%s\n",
			name, strcmp(name, "kexec_load") ? "_FILE" : "",
			strcmp(name, "kexec_load") ? "; try -c" : "; try -s");
		break;
	case -EBUSY:
		fprintf(stderr, "kexec: %s: the kernel is busy with another kexec operation; "
			"try again\n", name);
		break;
	case -ENOEXEC:
		fprintf(stderr, "kexec: %s: the kernel cannot load this image type%s\n", name,
			strcmp(name, "kexec_load") ? "; try -c" : "");
		break;
	case -EKEYREJECTED:
	case -EBADMSG:
		fprintf(stderr, "kexec: %s: the kernel rejected the image's signature "
			"(lockdown or KEXEC_SIG_FORCE needs a signed kernel)\n", name);
		break;
	default:
		fprintf(stderr, "kexec: %s failed: %s%s\n", name, strerror(-err),
			r->debug ? "" : " (run with -d to see the plan)");
	}
	return 1;
}

static bool fallback_ok(int err)
{
	/* The kernel refused the file or lacks the syscall: kexec_load may work. */
	return err == -ENOSYS || err == -ENOEXEC || err == -EOPNOTSUPP || err == -EINVAL ||
	       err == -EKEYREJECTED || err == -EBADMSG || err == -EPERM;
}

static int do_status(const struct kx_request *r)
{
	bool loaded;

	if (kx_kexec_loaded(r->sysroot, r->panic, &loaded) < 0)
		return fail_err() + 1;
	return loaded ? 0 : 1;
}

static int do_unload(const struct kx_request *r)
{
	int ret;

	if (geteuid() != 0)
		return fail("must be run as root to unload a kernel");
	if (r->syscall == KX_SYSCALL_LOAD) {
		ret = kx_sys_kexec_unload(r->panic, false);
		return ret < 0 ? report_syscall_error(r, "kexec_load", ret) : 0;
	}
	ret = kx_sys_kexec_unload(r->panic, true);
	if (ret < 0 && r->syscall == KX_SYSCALL_AUTO && fallback_ok(ret)) {
		ret = kx_sys_kexec_unload(r->panic, false);
		return ret < 0 ? report_syscall_error(r, "kexec_load", ret) : 0;
	}
	return ret < 0 ? report_syscall_error(r, "kexec_file_load", ret) : 0;
}

static int do_exec(const struct kx_request *r)
{
	bool loaded;
	int ret;

	if (geteuid() != 0)
		return fail("must be run as root to boot a loaded kernel");
	if (kx_kexec_loaded(r->sysroot, false, &loaded) < 0)
		return fail_err();
	if (!loaded)
		return fail("no kernel is loaded: load one first with kexec -l KERNEL");
	if (!r->no_sync)
		sync();
	if (!r->no_ifdown)
		kx_sys_ifdown();
	ret = kx_sys_reboot_kexec();
	fprintf(stderr, "kexec: reboot into the loaded kernel failed: %s\n", strerror(-ret));
	return 1;
}

/* --real-mode / --entry-32bit (kexec-tools' bzImage options) name an entry
 * that only the linux16 format provides: a bzImage, probed or named with -t,
 * goes to linux16 then. */
static const char *linux_entry_type(const struct kx_request *r)
{
	if (r->linux_entry == KX_LINUX_ENTRY_AUTO)
		return r->type;
	if (!r->type || kx_format_by_name(r->type) == &kx_format_bzimage)
		return "linux16";
	return r->type;
}

static int build_cmdline(const struct kx_request *r, const struct kx_facts *f, char **out)
{
	*out = NULL;
	if (r->reuse_cmdline) {
		*out = kx_cmdline_reuse(f->cmdline ? f->cmdline : "", r->panic);
		if (!*out)
			return kx_err(ENOMEM, "kexec", "out of memory");
	}
	if (r->append)
		return kx_cmdline_append(out, r->append);
	return 0;
}

/* Maps every --module "FILE ARGS": the file is the first word, the whole
 * string is the module's command line (multiboot convention). */
static int map_modules(const struct kx_request *r, struct kx_mapped *maps, struct kx_module *mods)
{
	for (size_t i = 0; i < r->n_modules; i++) {
		const char *s = r->modules[i];
		size_t n = strcspn(s, " \t");
		char *path = strndup(s, n);
		int ret;

		if (!path)
			return kx_err(ENOMEM, "kexec", "out of memory");
		ret = kx_map_file(path, "module", &maps[i]);
		free(path);
		if (ret < 0)
			return ret;
		mods[i] = (struct kx_module){ .data = maps[i].data ? maps[i].data : (const uint8_t *)"",
					      .len = maps[i].len, .string = s };
	}
	return 0;
}

/* The files a plan's segments may point into, for release_hashed. */
struct hashed_files {
	const struct kx_mapped *kernel, *initrd, *modules;
	size_t n_modules;
};

static void release_hashed(void *ctx, const void *buf, size_t len)
{
	const struct hashed_files *h = ctx;

	if (kx_mapped_release(h->kernel, buf, len) || kx_mapped_release(h->initrd, buf, len))
		return;
	for (size_t i = 0; i < h->n_modules; i++) {
		if (kx_mapped_release(&h->modules[i], buf, len))
			return;
	}
}

struct digest_job {
	struct kx_plan *plan;
	size_t seg;
	const struct kx_release_hook *rel;
};

static void *digest_job_run(void *arg)
{
	struct digest_job *j = arg;

	kx_segment_hash_release(&j->plan->seg[j->seg], j->rel);
	return NULL;
}

/* kx_plan_digest with the largest segment (the initrd, usually) hashed on a
 * second thread while this one hashes the rest: one SHA-256 stream cannot be
 * split, but the kernel's (its init_size zero tail included) can run beside it. */
static void digest_plan(struct kx_plan *p, const struct kx_release_hook *rel)
{
	struct digest_job job = { .plan = p, .seg = SIZE_MAX, .rel = rel };
	pthread_t th;
	bool threaded = false;

	for (size_t i = 0; i < p->n; i++) {
		if (kx_plan_digest_needs(p, i) &&
		    (job.seg == SIZE_MAX || p->seg[i].memsz > p->seg[job.seg].memsz))
			job.seg = i;
	}
	if (job.seg != SIZE_MAX && sysconf(_SC_NPROCESSORS_ONLN) > 1)
		threaded = pthread_create(&th, NULL, digest_job_run, &job) == 0;
	for (size_t i = 0; i < p->n; i++) {
		if (kx_plan_digest_needs(p, i) && (i != job.seg || !threaded))
			kx_segment_hash_release(&p->seg[i], rel);
	}
	if (threaded)
		pthread_join(th, NULL);
	kx_plan_digest_seal(p);
}

static int do_load(const struct kx_request *r)
{
	struct kx_mapped *mod_maps = NULL;
	struct kx_module *mods = NULL;
	struct kx_mapped kernel = { .fd = -1 }, initrd = { .fd = -1 };
	struct kx_facts facts;
	struct kx_plan plan;
	struct kx_load_opts o;
	struct kx_plan_meta meta = { .panic = r->panic };
	enum kx_syscall_choice sc = r->syscall;
	bool have_plan = false;
	char *cmdline = NULL;
	int rc = 1, ret;

	memset(&facts, 0, sizeof(facts));
	memset(&plan, 0, sizeof(plan));
	if (!r->dry_run && geteuid() != 0)
		return fail("must be run as root to load a kernel (or use --dry-run to see the plan)");
	if (sc == KX_SYSCALL_FILE && (r->mem_min || r->mem_max))
		return fail("kexec_file_load (-s) lets the kernel place the image: --mem-min and "
			    "--mem-max need kexec_load (-c)");
	/* kexec_file_load cannot honour placement limits: auto picks kexec_load then. */
	if (sc == KX_SYSCALL_AUTO && (r->mem_min || r->mem_max))
		sc = KX_SYSCALL_LOAD;

	if (kx_map_file(r->kernel, "kernel", &kernel) < 0)
		goto err;
	if (r->initrd && kx_map_file(r->initrd, "initrd", &initrd) < 0)
		goto err;
	mod_maps = calloc(r->n_modules + 1, sizeof(*mod_maps));
	mods = calloc(r->n_modules + 1, sizeof(*mods));
	if (!mod_maps || !mods) {
		kx_err(ENOMEM, "kexec", "out of memory");
		goto err;
	}
	for (size_t i = 0; i < r->n_modules; i++)
		mod_maps[i].fd = -1;
	if (map_modules(r, mod_maps, mods) < 0)
		goto err;
	if (kx_facts_read(r->sysroot, &facts) < 0)
		goto err;
	/* Only a capture kernel needs the crashed kernel's notes and mappings
	 * (its ELF core header); normal loads never open /proc/kcore. */
	if (r->panic && kx_crash_facts_read(r->sysroot, &facts) < 0)
		goto err;
	/* Optional: only multiboot2 hands the RSDP over, and only when found. */
	kx_acpi_rsdp_read(r->sysroot, &facts);
	if (build_cmdline(r, &facts, &cmdline) < 0)
		goto err;

	o = (struct kx_load_opts){
		.cmdline = cmdline ? cmdline : "",
		.initrd = r->initrd ? (initrd.data ? initrd.data : (const uint8_t *)"") : NULL,
		.initrd_len = initrd.len,
		.mem_min = r->mem_min,
		.mem_max = r->mem_max,
		.panic = r->panic,
		.no_checks = r->no_checks,
		.type = linux_entry_type(r),
		.args = r->args,
		.linux_entry = r->linux_entry,
		.image_name = r->kernel,
		.modules = mods,
		.n_modules = r->n_modules,
		.console_serial = r->console_serial || r->serial_port || r->serial_baud,
		.serial_port = r->serial_port,
		.serial_baud = r->serial_baud,
		.console_vga = r->console_vga,
		.reset_vga = r->reset_vga,
		.test_bad_digest = r->test_bad_digest,
		.defer_digests = true,
	};
	/* The plan is built for every load, also with -s: it validates the image,
	 * the command line and the placement before anything is handed to the kernel,
	 * so a bad request never disturbs the kernel that is loaded now. */
	if (kx_build_plan(kernel.data, kernel.len, &o, &facts, &plan) < 0)
		goto err;
	have_plan = true;
	/* kexec_file_load only takes bzImages on x86: do not ask it for the others. */
	if (sc == KX_SYSCALL_AUTO && strcmp(plan.format, "bzImage"))
		sc = KX_SYSCALL_LOAD;
	meta.cmdline = o.cmdline;
	meta.map_is_guess = facts.map_is_guess;
	meta.syscall = sc == KX_SYSCALL_FILE ? "kexec_file_load" : "kexec_load";
	if (sc == KX_SYSCALL_AUTO)
		meta.syscall = "auto (kexec_file_load, else kexec_load)";

	if (r->dry_run) {
		struct hashed_files files = { &kernel, &initrd, mod_maps, r->n_modules };
		struct kx_release_hook rel = { release_hashed, &files };

		/* Nothing reads the files after this: each stretch is dropped once
		 * hashed, so a large initrd is never resident all at once. */
		digest_plan(&plan, &rel);
		if (r->json)
			kx_print_plan_json(stdout, &plan, &meta);
		else
			kx_print_plan(stdout, &plan, &meta);
		rc = 0;
		goto out;
	}
	if (r->debug) {
		digest_plan(&plan, NULL);
		kx_print_plan(stderr, &plan, &meta);
	}

	ret = -ENOSYS;
	if (sc != KX_SYSCALL_LOAD) {
		ret = kx_sys_kexec_file_load(kernel.fd, r->initrd ? initrd.fd : -1, o.cmdline,
					     r->panic);
		if (ret == 0) {
			if (r->debug)
				fputs("kexec: loaded with kexec_file_load\n", stderr);
		} else if (sc == KX_SYSCALL_FILE) {
			rc = report_syscall_error(r, "kexec_file_load", ret);
			goto out;
		} else if (!fallback_ok(ret)) {
			rc = report_syscall_error(r, "kexec_file_load", ret);
			goto out;
		} else if (r->debug) {
			fprintf(stderr, "kexec: kexec_file_load failed (%s), falling back to kexec_load\n",
				strerror(-ret));
		}
	}
	if (ret != 0) {
		/* Only now are the digests needed; this pass also faults in the pages
		 * the kernel copies next, so they are read from the files once. */
		digest_plan(&plan, NULL);
		ret = kx_sys_kexec_load(&plan, r->panic);
		if (ret < 0) {
			rc = report_syscall_error(r, "kexec_load", ret);
			goto out;
		}
		if (r->debug)
			fputs("kexec: loaded with kexec_load\n", stderr);
	}
	rc = 0;
	if (r->action == KX_ACT_FORCE)
		rc = do_exec(r);
	goto out;
err:
	rc = fail_err();
out:
	if (have_plan)
		kx_plan_free(&plan);
	free(cmdline);
	kx_facts_free(&facts);
	kx_unmap_file(&initrd);
	kx_unmap_file(&kernel);
	for (size_t i = 0; mod_maps && i < r->n_modules; i++)
		kx_unmap_file(&mod_maps[i]);
	free(mod_maps);
	free(mods);
	return rc;
}

int main(int argc, char **argv)
{
	struct kx_request req;
	int rc = kx_parse_args(argc, argv, &req);

	if (rc)
		return rc;
	switch (req.action) {
	case KX_ACT_HELP:
		kx_usage(stdout);
		rc = 0;
		break;
	case KX_ACT_VERSION:
		printf("kexec (kx) %s\n", KX_VERSION);
		rc = 0;
		break;
	case KX_ACT_STATUS:
		rc = do_status(&req);
		break;
	case KX_ACT_UNLOAD:
		rc = do_unload(&req);
		break;
	case KX_ACT_EXEC:
		rc = do_exec(&req);
		break;
	case KX_ACT_LOAD:
	case KX_ACT_FORCE:
		rc = do_load(&req);
		break;
	}
	kx_request_free(&req);
	return rc;
}
