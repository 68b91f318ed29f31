/* SPDX-License-Identifier: MIT */
#include "toolio.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
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

/* 4 MiB windows, makedumpfile's size too: long enough that mapping costs
 * little, short enough for a capture kernel's address space and memory. */
#define MMAP_WINDOW ((uint64_t)4 << 20)

static int map_window(struct tool_mapped *m, uint64_t off)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = off / MMAP_WINDOW * MMAP_WINDOW, len = MMAP_WINDOW;
	void *p;

	if (m->win)
		munmap(m->win, (size_t)m->win_len);
	m->win = NULL;
	if (start >= m->size)
		return -1;
	if (len > m->size - start)
		len = (m->size - start + page - 1) / page * page;
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, m->f.fd, (off_t)start);
	if (p == MAP_FAILED)
		return -1;
	m->win = p;
	m->win_off = start;
	m->win_len = len;
	return 0;
}

int tool_mmap_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct tool_mapped *m = ctx;
	uint8_t *p = buf;

	while (len && !m->no_mmap) {
		uint64_t n;

		if (!m->win || off < m->win_off || off >= m->win_off + m->win_len) {
			if (off >= m->size)
				break; /* pread says where the file ends */
			if (map_window(m, off)) {
				m->no_mmap = true;
				break;
			}
		}
		n = m->win_off + m->win_len - off;
		if (n > len)
			n = len;
		if (off + n > m->size)
			break;
		memcpy(p, m->win + (off - m->win_off), (size_t)n);
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return len ? tool_pread(&m->f, p, len, off) : 0;
}

const void *tool_mmap_map(void *ctx, uint64_t off, size_t len)
{
	struct tool_mapped *m = ctx;

	if (m->no_mmap || len > MMAP_WINDOW || off >= m->size || m->size - off < len)
		return NULL;
	if (!m->win || off < m->win_off || off - m->win_off > m->win_len - len) {
		if (map_window(m, off)) {
			m->no_mmap = true;
			return NULL;
		}
		if (off - m->win_off > m->win_len - len)
			return NULL; /* across the window's end: read it instead */
	}
	return m->win + (off - m->win_off);
}

void tool_mmap_close(struct tool_mapped *m)
{
	if (m->win)
		munmap(m->win, (size_t)m->win_len);
	m->win = NULL;
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
