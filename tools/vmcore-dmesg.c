/* SPDX-License-Identifier: MIT */
/*
 * vmcore-dmesg [FILE]: prints the log of the kernel that crashed, read from
 * its core (default /proc/vmcore, in the capture kernel). The text is that of
 * kexec-tools' vmcore-dmesg for the same dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "crash/printk.h"
#include "crash/vmcore.h"

#define DEFAULT_CORE "/proc/vmcore"

struct file_ctx {
	int fd;
	const char *path;
};

/* /proc/vmcore cannot be mmap'ed on every kernel; pread works everywhere. */
static int file_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct file_ctx *f = ctx;
	char *p = buf;

	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kx_err(errno, "vmcore", "read at offset %llu: %s",
				      (unsigned long long)off, strerror(errno));
		if (n == 0)
			return kx_err(EIO, "vmcore", "file ends at offset %llu",
				      (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_stdout(void *ctx, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kx_err(errno ? errno : EIO, "output", "write: %s", strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Messages come as "module: text"; the user knows the file, not our modules. */
static const char *without_module(const char *msg)
{
	const char *sep = strstr(msg, ": ");

	if (sep && (strncmp(msg, "vmcore:", 7) == 0 || strncmp(msg, "vmcoreinfo:", 11) == 0 ||
		    strncmp(msg, "printk:", 7) == 0))
		return sep + 2;
	return msg;
}

int main(int argc, char **argv)
{
	struct file_ctx f = { .fd = -1 };
	struct kx_vmcore vc;
	struct stat st;
	int ret;

	if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
				       strcmp(argv[1], "--help") == 0))) {
		fprintf(argc > 2 ? stderr : stdout,
			"usage: vmcore-dmesg [FILE]\n"
			"Prints the log of a crashed kernel from its core file "
			"(default " DEFAULT_CORE ").\n");
		return argc > 2 ? 2 : 0;
	}
	f.path = argc == 2 ? argv[1] : DEFAULT_CORE;
	f.fd = open(f.path, O_RDONLY | O_CLOEXEC);
	if (f.fd < 0) {
		fprintf(stderr, "vmcore-dmesg: %s: %s\n", f.path, strerror(errno));
		return 1;
	}
	if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "vmcore-dmesg: %s: not a regular file\n", f.path);
		close(f.fd);
		return 1;
	}
	ret = kx_vmcore_open(&vc, file_pread, &f, (uint64_t)st.st_size);
	if (!ret) {
		ret = kx_printk_dump(&vc, write_stdout, NULL);
		kx_vmcore_close(&vc);
	}
	close(f.fd);
	if (ret) {
		fprintf(stderr, "vmcore-dmesg: %s: %s\n", f.path, without_module(kx_errmsg()));
		return 1;
	}
	return 0;
}
