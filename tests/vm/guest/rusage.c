/* SPDX-License-Identifier: MIT */
/*
 * rusage CMD [ARGS...]: runs CMD, then prints one line on stderr
 *   KX-RUSAGE wall_ms=<ms> maxrss_kb=<KiB> status=<exit status or 128+signal>
 * and exits with CMD's status. The benchmark scenarios run it in the guest
 * (busybox has no `time -v`): the wall time is CLOCK_MONOTONIC around
 * fork..wait4, the peak RSS is wait4's ru_maxrss, which the kernel keeps as
 * the high-water mark of the child's address space (also across its exec).
 * Built static so it runs in the bare test initramfs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int st, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARGS...]\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rusage: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
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
	fprintf(stderr, "KX-RUSAGE wall_ms=%.1f maxrss_kb=%ld status=%d\n", t1 - t0, ru.ru_maxrss,
		rc);
	return rc;
}
