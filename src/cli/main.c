/* SPDX-License-Identifier: MIT */
/*
 * kexec: the command. A thin shell over libkx (include/kx/kx.h): argv ->
 * request -> the library's loader. The only code that prints and exits;
 * main() (cli/kexec.c) calls kx_cli_main.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "kx/kx.h"

static int fail(const char *what)
{
	fprintf(stderr, "kexec: %s\n", what);
	return 1;
}

/* Messages from the library start with their module ("bzimage: ...",
 * "kexec_load: ..."); the command's own start with "kexec: " already. */
static int fail_err(kx_error *e, const struct kx_request *r)
{
	const char *m = kx_error_message(e);
	const char *hint = "";

	/* A load the kernel refused carries its plan: -d shows it. */
	if (kx_error_plan(e) && !r->debug)
		hint = " (run with -d to see the plan)";
	fprintf(stderr, "%s%s%s\n", strncmp(m, "kexec: ", 7) ? "kexec: " : "", m, hint);
	kx_error_free(e);
	return 1;
}

/* kexec-tools' -S: exit 1 when loaded, 0 when not; the capture kernel unless
 * -l (and not -p) asks about the normal one (kexec/kexec.c k_status). 2 when
 * the state cannot be read, so that it is never taken for an answer. */
static int do_status(const struct kx_request *r)
{
	kx_error *e = NULL;
	bool crash = r->panic || !r->load_given;
	bool loaded;

	if (kx_status(r->sysroot, crash, &loaded, &e) < 0)
		return fail_err(e, r) + 1;
	return loaded ? 1 : 0;
}

static int do_unload(const struct kx_request *r)
{
	kx_error *e = NULL;

	if (geteuid() != 0)
		return fail("must be run as root to unload a kernel");
	return kx_unload(r->syscall, r->panic, &e) < 0 ? fail_err(e, r) : 0;
}

static int do_exec(const struct kx_request *r)
{
	kx_error *e = NULL;
	unsigned flags = (r->no_sync ? KX_EXEC_NO_SYNC : 0) | (r->no_ifdown ? KX_EXEC_NO_IFDOWN : 0);

	if (geteuid() != 0)
		return fail("must be run as root to boot a loaded kernel");
	kx_exec(r->sysroot, flags, &e);
	return fail_err(e, r);
}

static int do_print_ckr_size(const struct kx_request *r)
{
	kx_error *e = NULL;
	uint64_t size;

	if (kx_crash_size(r->sysroot, &size, &e) < 0)
		return fail_err(e, r);
	printf("%" PRIu64 "\n", size);
	return 0;
}

/* kexec KERNEL without an action: kexec-tools loads it, then reboots through
 * the init system with shutdown -r now, trying /sbin, /etc and /bin in turn
 * (kexec/kexec.c my_shutdown); the init system ends with kexec -e. The
 * programs are looked up under --sysroot, where a test puts its own. Returns
 * only when none could be run. */
static int run_shutdown(const struct kx_request *r)
{
	static const char *const paths[] = { "sbin/shutdown", "etc/shutdown", "bin/shutdown" };
	char *const args[] = { "shutdown", "-r", "now", NULL };
	kx_error *e = NULL;
	bool loaded = false;
	char path[4096];
	int err = ENOENT;

	/* As kexec-tools: never reboot with nothing to reboot into. */
	if (kx_status(r->sysroot, false, &loaded, &e) < 0)
		return fail_err(e, r);
	if (!loaded)
		return fail("nothing has been loaded (/sys/kernel/kexec_loaded is 0): not "
			    "running shutdown");
	fflush(stdout);
	fflush(stderr);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		size_t n = strlen(r->sysroot);

		while (n && r->sysroot[n - 1] == '/')
			n--;
		snprintf(path, sizeof(path), "%.*s/%s", (int)n, r->sysroot, paths[i]);
		execv(path, args);
		if (errno != ENOENT)
			err = errno;
	}
	fprintf(stderr, "kexec: the kernel is loaded, but shutdown -r now could not be run "
		"(%s); reboot into it with systemctl kexec or kexec -e\n", strerror(err));
	return 1;
}

static void log_stderr(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "kexec: %s\n", message);
}

/* The request, handed to the loader option by option. */
static int set_request(kx_loader *l, const struct kx_request *r, kx_error **e)
{
	int ret = 0;

	ret = ret ?: kx_set_sysroot(l, r->sysroot, e);
	ret = ret ?: kx_set_panic(l, r->panic, e);
	ret = ret ?: kx_set_syscall(l, r->syscall, e);
	ret = ret ?: (r->type ? kx_set_type(l, r->type, e) : 0);
	ret = ret ?: kx_set_linux_entry(l, r->linux_entry, e);
	ret = ret ?: kx_set_image_args(l, r->args, e);
	ret = ret ?: kx_set_mem_range(l, r->mem_min, r->mem_max, e);
	ret = ret ?: kx_set_checks(l, !r->no_checks, e);
	ret = ret ?: kx_set_reuse_cmdline(l, r->reuse_cmdline, e);
	ret = ret ?: kx_set_append(l, r->append, e);
	ret = ret ?: kx_set_serial_console(l, r->console_serial, r->serial_port, r->serial_baud, e);
	ret = ret ?: kx_set_vga_console(l, r->console_vga, r->reset_vga, e);
	ret = ret ?: kx_set_test_bad_digest(l, r->test_bad_digest, e);
	for (int o = 0; o < (int)(sizeof(r->options) / sizeof(r->options[0])) && !ret; o++)
		ret = kx_set_option(l, (enum kx_option)o, r->options[o], e);
	if (r->hotplug)
		ret = ret ?: kx_set_hotplug(l, KX_HOTPLUG_ON, e);
	ret = ret ?: (r->dtb ? kx_set_dtb(l, r->dtb, e) : 0);
	ret = ret ?: kx_open_image(l, r->kernel, e);
	ret = ret ?: (r->initrd ? kx_set_initrd(l, r->initrd, e) : 0);
	for (size_t i = 0; i < r->n_modules && !ret; i++)
		ret = kx_add_module(l, r->modules[i], e);
	return ret;
}

static int do_load(const struct kx_request *r)
{
	kx_loader *l;
	kx_error *e = NULL;
	int rc = 1;

	if (!r->dry_run && geteuid() != 0)
		return fail("must be run as root to load a kernel (or use --dry-run to see the plan)");
	l = kx_loader_new();
	if (!l)
		return fail("out of memory");
	if (r->debug)
		kx_set_log(l, log_stderr, NULL);
	if (set_request(l, r, &e) < 0 || kx_build(l, &e) < 0)
		goto err;
	if (r->dry_run) {
		if (kx_print_plan(l, stdout, r->json ? KX_PRINT_JSON : KX_PRINT_TEXT, &e) < 0)
			goto err;
		rc = 0;
		goto out;
	}
	if (r->debug && (kx_digest(l, &e) < 0 || kx_print_plan(l, stderr, KX_PRINT_TEXT, &e) < 0))
		goto err;
	if (kx_load(l, &e) < 0)
		goto err;
	rc = 0;
	if (r->action == KX_ACT_FORCE)
		rc = do_exec(r);
	else if (r->shutdown_after)
		rc = run_shutdown(r);
	goto out;
err:
	rc = fail_err(e, r);
out:
	kx_loader_free(l);
	return rc;
}

int kx_cli_main(int argc, char **argv)
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
		printf("kexec (kx) %s\n", kx_version());
		rc = 0;
		break;
	case KX_ACT_STATUS:
		rc = do_status(&req);
		break;
	case KX_ACT_PRINT_CKR_SIZE:
		rc = do_print_ckr_size(&req);
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
