/* SPDX-License-Identifier: MIT */
#include "toolio.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

int tool_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct tool_file *f = ctx;
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

int tool_write_all(int fd, const void *buf, size_t len, const char *what)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kx_err(n < 0 ? errno : EIO, "output", "%s: write: %s", what,
				      strerror(n < 0 ? errno : EIO));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tool_write_stdout(void *ctx, const char *buf, size_t len)
{
	return tool_write_all(STDOUT_FILENO, buf, len, "standard output");
}

const char *tool_without_module(const char *msg)
{
	static const char *const modules[] = { "vmcore:", "vmcoreinfo:", "printk:", "kdump:",
					       "flattened:", "vmcore-save:", "output:", "free pages:",
					       "vtop:" };
	const char *sep = strstr(msg, ": ");

	for (size_t i = 0; sep && i < sizeof(modules) / sizeof(modules[0]); i++)
		if (strncmp(msg, modules[i], strlen(modules[i])) == 0)
			return sep + 2;
	return msg;
}
