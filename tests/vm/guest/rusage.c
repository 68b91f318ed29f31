/* SPDX-License-Identifier: MIT */
/*
 * rusage [--cgroup] CMD [ARGS...]: runs CMD, then prints one line on stderr
 *   KX-RUSAGE wall_ms=<ms> maxrss_kb=<KiB> [cg_peak_kb=<KiB> cg_file_kb=<KiB>]
 *             user_ms=<ms> sys_ms=<ms> status=<rc>
 * and exits with CMD's status (128+signal when killed). The benchmark
 * scenarios run it in the guest (busybox has no `time -v`):
 *  - wall_ms is CLOCK_MONOTONIC around fork..wait4;
 *  - user_ms and sys_ms are wait4's ru_utime and ru_stime, the CPU time of
 *    all the child's threads: (user_ms + sys_ms) / wall_ms is how many CPUs
 *    it kept busy;
 *  - maxrss_kb is wait4's ru_maxrss, the high-water mark of the child's
 *    resident set: it counts the file pages the child maps (a tool that
 *    mmaps a 256 MiB initrd shows 256 MiB, though the page cache held it);
 *  - with --cgroup, the child runs alone in a fresh cgroup v2 child of the
 *    root with the memory controller, and cg_peak_kb is that cgroup's
 *    memory.peak (Documentation/admin-guide/cgroup-v2.rst): everything
 *    charged to it while the child ran (anonymous memory, page tables, kernel
 *    stacks, accounted slab, page cache it brought in). A page-cache page is
 *    charged to the cgroup that first faulted it in, so files already in
 *    memory (the tmpfs initrd, the initramfs) are not counted; cg_file_kb is
 *    memory.stat's "file" after the exit, the page cache the child did add.
 *    What the tool costs the system, without the file pages it only reads.
 * Built static so it runs in the bare test initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* Reads a whole small file (cgroup files are at most a page) into buf. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Mounts cgroup v2 at CGROUP_ROOT unless it is there, and lets children of
 * the root use the memory controller. */
static int cgroup_enable_memory(void)
{
	if (access(CGROUP_ROOT "/cgroup.controllers", F_OK) != 0) {
		mkdir(CGROUP_ROOT, 0755);
		if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL) != 0)
			return -errno;
	}
	return write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
}

/* memory.peak, and "file" from memory.stat, in KiB. */
static int cgroup_read_memory(const char *dir, long long *peak_kb, long long *file_kb)
{
	char path[256], buf[8192];
	const char *p;
	int err;

	snprintf(path, sizeof(path), "%s/memory.peak", dir);
	err = read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	*peak_kb = strtoll(buf, NULL, 10) >> 10;
	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	err = read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	p = strncmp(buf, "file ", 5) == 0 ? buf : strstr(buf, "\nfile ");
	if (!p)
		return -ENOENT;
	*file_kb = strtoll(p + (p == buf ? 5 : 6), NULL, 10) >> 10;
	return 0;
}

int main(int argc, char **argv)
{
	char cgdir[64] = "", procs[96];
	long long peak_kb = -1, file_kb = -1;
	bool use_cgroup = false;
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int st, rc, err;

	if (argc > 1 && strcmp(argv[1], "--cgroup") == 0) {
		use_cgroup = true;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: rusage [--cgroup] CMD [ARGS...]\n");
		return 2;
	}
	if (use_cgroup) {
		err = cgroup_enable_memory();
		snprintf(cgdir, sizeof(cgdir), CGROUP_ROOT "/kx-rusage-%d", (int)getpid());
		if (!err && mkdir(cgdir, 0755) != 0)
			err = -errno;
		if (err) {
			fprintf(stderr, "rusage: cgroup v2 memory controller at %s: %s\n",
				CGROUP_ROOT, strerror(-err));
			return 127;
		}
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rusage: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		/* "0" moves the writer; its charges so far stay with the parent
		 * (cgroup v2 moves no charges), so the cgroup starts empty. */
		if (use_cgroup && (err = write_file(procs, "0")) != 0) {
			fprintf(stderr, "rusage: %s: %s\n", procs, strerror(-err));
			_exit(127);
		}
		execvp(argv[1], argv + 1);
		fprintf(stderr, "rusage: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rusage: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	t1 = now_ms();
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (use_cgroup) {
		err = cgroup_read_memory(cgdir, &peak_kb, &file_kb);
		if (err)
			fprintf(stderr, "rusage: %s: %s\n", cgdir, strerror(-err));
		rmdir(cgdir);
		fprintf(stderr, "KX-RUSAGE wall_ms=%.1f maxrss_kb=%ld cg_peak_kb=%lld cg_file_kb=%lld "
			"user_ms=%.1f sys_ms=%.1f status=%d\n", t1 - t0, ru.ru_maxrss, peak_kb, file_kb,
			tv_ms(ru.ru_utime), tv_ms(ru.ru_stime), rc);
	} else {
		fprintf(stderr, "KX-RUSAGE wall_ms=%.1f maxrss_kb=%ld user_ms=%.1f sys_ms=%.1f status=%d\n",
			t1 - t0, ru.ru_maxrss, tv_ms(ru.ru_utime), tv_ms(ru.ru_stime), rc);
	}
	return rc;
}
