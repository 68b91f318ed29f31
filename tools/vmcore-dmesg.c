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
#include "toolio.h"

#define DEFAULT_CORE "/proc/vmcore"

int main(int argc, char **argv)
{
	struct tool_file f = { .fd = -1 };
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
	ret = kx_vmcore_open(&vc, tool_pread, &f, (uint64_t)st.st_size);
	if (!ret) {
		ret = kx_printk_dump(&vc, tool_write_stdout, NULL);
		kx_vmcore_close(&vc);
	}
	close(f.fd);
	if (ret) {
		fprintf(stderr, "vmcore-dmesg: %s: %s\n", f.path, tool_without_module(kx_errmsg()));
		return 1;
	}
	return 0;
}
