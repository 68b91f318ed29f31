/* SPDX-License-Identifier: MIT */
/*
 * The command lines real callers run (shared/reviews/ecosystem.md (c), (d)),
 * replayed through the whole command (kx_cli_main) against a fake kernel
 * behind the syscall seam (kx_sys_set_kexec_ops) and the golden fixtures'
 * crash system tree. Each row asserts what the kernel was asked: which
 * syscall, its flags, the command line, whether an initrd went along, an
 * unload or a reboot, whether shutdown ran, and the exit status.
 *
 * Every row runs in a child process: kexec KERNEL without an action ends in
 * execv(shutdown), and the fixture's ROOT/sbin/shutdown records its
 * arguments. The fake kernel records into shared memory the parent reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/options.h"
#include "core/plan.h"
#include "sys/kexec_sys.h"

/* The command refuses to load unless root (CAP_SYS_BOOT); the kernel here is
 * fake, so the test stands in for root whoever runs it. This definition wins
 * over libc's for the code linked into this program. */
uid_t geteuid(void)
{
	return 0;
}

static char fx_dir[512];

enum { CALL_FILE = 1, CALL_LOAD = 2 };

/* What the fake kernel was asked (shared with the child that runs kexec). */
struct observed {
	int file_calls, load_calls, unload_calls, reboot_calls;
	unsigned long flags;          /* of the last load call */
	int last_call;                /* CALL_FILE or CALL_LOAD */
	bool initrd;                  /* the last load carried an initrd */
	char cmdline[512];            /* of the last load call */
	bool unload_panic, unload_file;
	/* The fake kernel's state and answers. */
	bool loaded, crash_loaded;
	int file_ret;
};
static struct observed *obs;

static void record_load(int call, unsigned long flags, const char *cmdline, bool initrd)
{
	obs->last_call = call;
	obs->flags = flags;
	obs->initrd = initrd;
	snprintf(obs->cmdline, sizeof(obs->cmdline), "%s", cmdline ? cmdline : "");
}

static int fake_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	obs->file_calls++;
	record_load(CALL_FILE, flags, cmdline, initrd_fd >= 0);
	if (obs->file_ret)
		return obs->file_ret;
	if (flags & KX_KEXEC_FILE_ON_CRASH)
		obs->crash_loaded = true;
	else
		obs->loaded = true;
	return 0;
}

static int fake_load(const struct kx_plan *p, unsigned long flags)
{
	bool initrd = false;

	for (size_t i = 0; i < p->n; i++)
		initrd |= p->seg[i].role == KX_ROLE_INITRD;
	obs->load_calls++;
	record_load(CALL_LOAD, flags, p->meta.cmdline, initrd);
	if (flags & KX_KEXEC_ON_CRASH)
		obs->crash_loaded = true;
	else
		obs->loaded = true;
	return 0;
}

static int fake_unload(bool panic, bool file_syscall)
{
	obs->unload_calls++;
	obs->unload_panic = panic;
	obs->unload_file = file_syscall;
	return 0;
}

static int fake_loaded(const char *root, bool panic, bool *loaded)
{
	*loaded = panic ? obs->crash_loaded : obs->loaded;
	return 0;
}

static int fake_ifdown(void)
{
	return 0;
}

static int fake_reboot(void)
{
	obs->reboot_calls++;
	return -EINVAL; /* a real one does not return */
}

static const struct kx_sys_kexec_ops fake_ops = {
	.file_load = fake_file_load,
	.load = fake_load,
	.unload = fake_unload,
	.loaded = fake_loaded,
	.ifdown = fake_ifdown,
	.reboot_kexec = fake_reboot,
};

#define CMD "root=/dev/vda1 irqpoll nr_cpus=1 reset_devices"
/* /proc/cmdline of the fixture without BOOT_IMAGE= (and crashkernel= for -p). */
#define REUSED "root=/dev/vda1 console=ttyS0,115200 quiet"

struct row {
	const char *who;
	const char *argv[12];        /* "@/x": x in the fixture dir; "@root": the tree */
	bool loaded, crash_loaded;   /* the kernel's state before */
	int file_ret;                /* what kexec_file_load answers */
	/* Expected. */
	int exit_status;
	int file_calls, load_calls;
	int last_call;               /* 0: no load */
	unsigned long flags;
	const char *cmdline;         /* NULL: not checked */
	bool initrd;
	int unload_calls;
	bool unload_panic, unload_file;
	int reboot_calls;
	const char *shutdown;        /* the arguments shutdown got, or NULL: not run */
};

static const struct row rows[] = {
	/* Fedora/RHEL kdumpctl: KEXEC_ARGS="-s" by default on x86_64. */
	{ "kdumpctl start", { "-s", "-p", "--command-line=" CMD, "--initrd=@/initrd", "@/bzImage" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_ON_CRASH,
	  .cmdline = CMD, .initrd = true },
	{ "kdumpctl stop", { "-p", "-u" }, .crash_loaded = true, .unload_calls = 1,
	  .unload_panic = true, .unload_file = true },
	{ "kdumpctl stop, Secure Boot", { "-s", "-p", "-u" }, .crash_loaded = true,
	  .unload_calls = 1, .unload_panic = true, .unload_file = true },
	/* dracut 99earlykdump: EARLY_KEXEC_ARGS empty, auto mode: a capture
	 * kernel goes through kexec_load first (kx's purgatory resets on a bad
	 * digest). */
	{ "early-kdump", { "-p", "--command-line=" CMD, "--initrd=@/initrd", "@/bzImage" },
	  .load_calls = 1, .last_call = CALL_LOAD, .flags = KX_KEXEC_ON_CRASH,
	  .cmdline = CMD, .initrd = true },
	/* Debian kdump-config: an ELF vmlinux gets --args-linux; x86's file loader
	 * takes no ELF, so kexec_load. */
	{ "kdump-config load, vmlinux", { "-p", "--args-linux", "--command-line=" CMD,
					 "--initrd=@/initrd", "@/vmlinux" },
	  .load_calls = 1, .last_call = CALL_LOAD, .flags = KX_KEXEC_ON_CRASH, .cmdline = CMD,
	  .initrd = true },
	{ "kdump-config load, Secure Boot", { "-p", "-s", "--command-line=" CMD,
					     "--initrd=@/initrd", "@/bzImage" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_ON_CRASH,
	  .cmdline = CMD, .initrd = true },
	{ "kdump-config unload", { "-s", "-p", "-u" }, .unload_calls = 1, .unload_panic = true,
	  .unload_file = true },
	/* Debian kexec-tools package: kexec-load and kexec init scripts. */
	{ "debian kexec-load", { "-l", "@/bzImage", "--initrd=@/initrd", "--append=" REUSED },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = 0, .cmdline = REUSED, .initrd = true },
	{ "debian kexec stop", { "-e" }, .loaded = true, .exit_status = 1, .reboot_calls = 1 },
	/* openSUSE kdump load.sh: the kernel before the options, -a last. */
	{ "openSUSE load.sh", { "-p", "@/bzImage", "--append=" CMD, "--initrd=@/initrd", "-a" },
	  .load_calls = 1, .last_call = CALL_LOAD, .flags = KX_KEXEC_ON_CRASH,
	  .cmdline = CMD, .initrd = true },
	{ "openSUSE unload.sh", { "-a", "-p", "-u" }, .unload_calls = 1, .unload_panic = true,
	  .unload_file = true },
	/* petitboot: --debug, a DTB (kexec_load only), then its own shutdown, or
	 * -e, or -e -f; the -s retry without the DTB. */
	{ "petitboot", { "-l", "--debug", "--initrd=@/initrd", "--dtb=@/test.dtb",
			 "--append=" CMD, "@/bzImage" },
	  .load_calls = 1, .last_call = CALL_LOAD, .flags = KX_KEXEC_DEBUG, .cmdline = CMD,
	  .initrd = true },
	{ "petitboot -s retry", { "-l", "-s", "--initrd=@/initrd", "--append=" CMD, "@/bzImage" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = 0, .cmdline = CMD, .initrd = true },
	{ "petitboot kexec -e", { "-e" }, .loaded = true, .exit_status = 1, .reboot_calls = 1 },
	{ "petitboot kexec -e -f", { "-e", "-f" }, .loaded = true, .exit_status = 2 },
	/* systemd until early 2026: values after a space; systemd-shutdown: -e. */
	{ "systemd kexec --load", { "--load", "@/bzImage", "--append", CMD, "--initrd",
				    "@/initrd" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = 0, .cmdline = CMD, .initrd = true },
	{ "systemd-shutdown -e", { "-e" }, .loaded = true, .exit_status = 1, .reboot_calls = 1 },
	{ "-e with nothing loaded", { "-e" }, .exit_status = 1 },
	/* LTP ima_kexec.sh: IMA measures the command line the kernel got. */
	{ "LTP --reuse-cmdline", { "-s", "-l", "@/bzImage", "--reuse-cmdline" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_NO_INITRAMFS,
	  .cmdline = REUSED " crashkernel=256M" },
	{ "LTP --append", { "-s", "-l", "@/bzImage", "--append=ima_test" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_NO_INITRAMFS,
	  .cmdline = "ima_test" },
	{ "LTP --command-line", { "-s", "-l", "@/bzImage", "--command-line=ima_test2" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_NO_INITRAMFS,
	  .cmdline = "ima_test2" },
	{ "LTP kexec -su", { "-su" }, .loaded = true, .unload_calls = 1, .unload_panic = false,
	  .unload_file = true },
	/* tools/testing/selftests/liveupdate/do_kexec.sh */
	{ "liveupdate selftest", { "-l", "-s", "--reuse-cmdline", "@/bzImage",
				   "--initrd=@/initrd" },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = 0,
	  .cmdline = REUSED " crashkernel=256M", .initrd = true },
	/* kexec KERNEL: load, then shutdown -r now (kexec-tools' default). */
	{ "no action", { "@/bzImage", "--initrd=@/initrd", "--append=" CMD },
	  .file_calls = 1, .last_call = CALL_FILE, .flags = 0, .cmdline = CMD, .initrd = true,
	  .shutdown = "-r now" },
	{ "no action, the kernel refuses", { "-s", "@/bzImage" }, .file_ret = -EKEYREJECTED,
	  .exit_status = 1, .file_calls = 1, .last_call = CALL_FILE,
	  .flags = KX_KEXEC_FILE_NO_INITRAMFS },
	{ "-f: no shutdown", { "-f", "-s", "@/bzImage" }, .exit_status = 1, .file_calls = 1,
	  .last_call = CALL_FILE, .flags = KX_KEXEC_FILE_NO_INITRAMFS, .reboot_calls = 1 },
	/* Repeated --append: the last counts, after --reuse-cmdline. */
	{ "two --append", { "-s", "-p", "@/bzImage", "--append=one", "--reuse-cmdline",
			    "--append=two" },
	  .file_calls = 1, .last_call = CALL_FILE,
	  .flags = KX_KEXEC_FILE_ON_CRASH | KX_KEXEC_FILE_NO_INITRAMFS, .cmdline = REUSED " two" },
	/* -d on a kernel older than KEXEC_FILE_DEBUG is in test_load_policy. */
	{ "-d -s", { "-d", "-s", "-l", "@/bzImage" }, .file_calls = 1, .last_call = CALL_FILE,
	  .flags = KX_KEXEC_FILE_DEBUG | KX_KEXEC_FILE_NO_INITRAMFS, .cmdline = "" },
	{ "--no-cma --force-dtb", { "-s", "-l", "--no-cma", "--force-dtb", "@/bzImage" },
	  .file_calls = 1, .last_call = CALL_FILE,
	  .flags = KX_KEXEC_FILE_NO_CMA | KX_KEXEC_FILE_FORCE_DTB | KX_KEXEC_FILE_NO_INITRAMFS },
	{ "-S (capture kernel)", { "-S" }, .crash_loaded = true, .exit_status = 1 },
	{ "-S -l", { "-S", "-l" }, .crash_loaded = true, .exit_status = 0 },
};

/* argv for row r: "kexec", the row's words with "@" made the fixture dir,
 * and --sysroot. */
static int build_argv(const struct row *r, char **argv, char bufs[][640])
{
	int n = 0;

	argv[n++] = "kexec";
	for (size_t i = 0; r->argv[i]; i++, n++) {
		const char *w = r->argv[i];
		const char *at = strstr(w, "@/");

		if (at)
			snprintf(bufs[n], 640, "%.*s%s%s", (int)(at - w), w, fx_dir, at + 1);
		else
			snprintf(bufs[n], 640, "%s", w);
		argv[n] = bufs[n];
	}
	snprintf(bufs[n], 640, "--sysroot=%s/sysroot-crash", fx_dir);
	argv[n] = bufs[n];
	n++;
	argv[n] = NULL;
	return n;
}

static void check_row(const struct row *r)
{
	char bufs[16][640], *argv[16], marker[640], args[64] = "";
	int argc = build_argv(r, argv, bufs);
	int status;
	pid_t pid;
	FILE *f;

	snprintf(marker, sizeof(marker), "%s/sysroot-crash/shutdown.args", fx_dir);
	unlink(marker);
	memset(obs, 0, sizeof(*obs));
	obs->loaded = r->loaded;
	obs->crash_loaded = r->crash_loaded;
	obs->file_ret = r->file_ret;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		/* The command's messages would clutter the test log. */
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		kx_sys_set_kexec_ops(&fake_ops);
		_exit(kx_cli_main(argc, argv));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("%s: kexec did not exit (status %#x)", r->who, status);
	if (WEXITSTATUS(status) != r->exit_status)
		fail_msg("%s: exit status %d, want %d", r->who, WEXITSTATUS(status),
			 r->exit_status);
	if (obs->file_calls != r->file_calls || obs->load_calls != r->load_calls)
		fail_msg("%s: %d kexec_file_load and %d kexec_load calls, want %d and %d", r->who,
			 obs->file_calls, obs->load_calls, r->file_calls, r->load_calls);
	if (obs->last_call != r->last_call)
		fail_msg("%s: last load call %d, want %d", r->who, obs->last_call, r->last_call);
	if (r->last_call && obs->flags != r->flags)
		fail_msg("%s: flags %#lx, want %#lx", r->who, obs->flags, r->flags);
	if (r->last_call && r->cmdline && strcmp(obs->cmdline, r->cmdline))
		fail_msg("%s: command line '%s', want '%s'", r->who, obs->cmdline, r->cmdline);
	if (r->last_call && obs->initrd != r->initrd)
		fail_msg("%s: initrd %s, want %s", r->who, obs->initrd ? "passed" : "none",
			 r->initrd ? "passed" : "none");
	if (obs->unload_calls != r->unload_calls)
		fail_msg("%s: %d unload calls, want %d", r->who, obs->unload_calls,
			 r->unload_calls);
	if (r->unload_calls && (obs->unload_panic != r->unload_panic ||
				obs->unload_file != r->unload_file))
		fail_msg("%s: unload panic=%d file=%d, want %d %d", r->who, obs->unload_panic,
			 obs->unload_file, r->unload_panic, r->unload_file);
	if (obs->reboot_calls != r->reboot_calls)
		fail_msg("%s: %d reboots, want %d", r->who, obs->reboot_calls, r->reboot_calls);
	f = fopen(marker, "r");
	if (f) {
		if (!fgets(args, sizeof(args), f))
			args[0] = 0;
		args[strcspn(args, "\n")] = 0;
		fclose(f);
		unlink(marker);
	}
	if (!r->shutdown != !f || (r->shutdown && strcmp(args, r->shutdown)))
		fail_msg("%s: shutdown %s%s%s, want %s", r->who, f ? "ran with '" : "did not run",
			 f ? args : "", f ? "'" : "", r->shutdown ? r->shutdown : "none");
}

static void test_callers(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%s\n", rows[i].who);
		check_row(&rows[i]);
	}
}

int main(void)
{
	const char *dir = getenv("KX_FIXTURES");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callers),
	};
	char dtb[640];
	FILE *f;
	/* An empty tree: header, an empty reservation map, FDT_END. */
	static const unsigned char empty_dtb[60] = {
		0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 60, 0, 0, 0, 56, 0, 0, 0, 60, 0, 0, 0, 40,
		0, 0, 0, 17, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4,
		[56] = 0, 0, 0, 9,
	};

	if (!dir) {
		fputs("test_callers: KX_FIXTURES is not set\n", stderr);
		return 1;
	}
	snprintf(fx_dir, sizeof(fx_dir), "%s", dir);
	snprintf(dtb, sizeof(dtb), "%s/test.dtb", fx_dir);
	f = fopen(dtb, "wb");
	if (!f || fwrite(empty_dtb, sizeof(empty_dtb), 1, f) != 1 || fclose(f)) {
		perror(dtb);
		return 1;
	}
	obs = mmap(NULL, sizeof(*obs), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (obs == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
