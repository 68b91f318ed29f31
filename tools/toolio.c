/* SPDX-License-Identifier: MIT */
#include "toolio.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
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

static uint64_t win_size(const struct tool_mapped *m)
{
	return m->win_size ? m->win_size : TOOL_MMAP_WINDOW;
}

struct tool_windows {
	pthread_mutex_t mu;
	uint64_t clock;
	unsigned long maps;
	unsigned n;
	struct tool_window w[];
};

struct tool_windows *tool_windows_new(unsigned n)
{
	struct tool_windows *s = calloc(1, sizeof(*s) + n * sizeof(s->w[0]));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->mu, NULL);
	s->n = n;
	return s;
}

void tool_windows_free(struct tool_windows *s, unsigned long *maps)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++)
		if (s->w[i].p)
			munmap(s->w[i].p, (size_t)s->w[i].len);
	if (maps)
		*maps += s->maps;
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Maps w at the window holding off: 0, or -1 when it cannot be mapped. */
static int map_at(struct tool_window *w, const struct tool_mapped *m, uint64_t off)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t len = win_size(m), start = off / len * len;
	void *p;

	if (w->p)
		munmap(w->p, (size_t)w->len);
	w->p = NULL;
	if (start >= m->size)
		return -1;
	if (len > m->size - start)
		len = (m->size - start + page - 1) / page * page;
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, m->f.fd, (off_t)start);
	if (p == MAP_FAILED)
		return -1;
	w->p = p;
	w->off = start;
	w->len = len;
	return 0;
}

/* Makes the window holding off m's current one: 0, or -1 (m->win NULL). */
static int take_window(struct tool_mapped *m, uint64_t off)
{
	struct tool_windows *s = m->set;
	struct tool_window *w = NULL;
	uint64_t start = off / win_size(m) * win_size(m);
	int ret = 0;

	if (!s) {
		m->win = NULL;
		if (map_at(&m->own, m, off))
			return -1;
		m->maps++;
		m->win = &m->own;
		return 0;
	}
	pthread_mutex_lock(&s->mu);
	if (m->win)
		m->win->refs--;
	m->win = NULL;
	for (unsigned i = 0; i < s->n && !(w && w->p && w->off == start); i++) {
		struct tool_window *c = &s->w[i];

		if (c->p && c->off == start)
			w = c;
		else if (!c->refs && (!w || (w->p && (!c->p || c->last < w->last))))
			w = c;
	}
	if (w && !(w->p && w->off == start)) {
		ret = map_at(w, m, off);
		s->maps += !ret;
	}
	if (w && !ret) {
		w->refs++;
		w->last = ++s->clock;
		m->win = w;
	}
	pthread_mutex_unlock(&s->mu);
	return m->win ? 0 : -1;
}

int tool_mmap_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct tool_mapped *m = ctx;
	uint8_t *p = buf;

	while (len && !m->no_mmap) {
		const struct tool_window *w = m->win;
		uint64_t n;

		if (!w || off < w->off || off >= w->off + w->len) {
			if (off >= m->size)
				break; /* pread says where the file ends */
			if (take_window(m, off)) {
				m->no_mmap = true;
				break;
			}
			w = m->win;
		}
		n = w->off + w->len - off;
		if (n > len)
			n = len;
		if (off + n > m->size)
			break;
		memcpy(p, w->p + (off - w->off), (size_t)n);
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return len ? tool_pread(&m->f, p, len, off) : 0;
}

const void *tool_mmap_map(void *ctx, uint64_t off, size_t len)
{
	struct tool_mapped *m = ctx;
	const struct tool_window *w = m->win;

	if (m->no_mmap || len > win_size(m) || off >= m->size || m->size - off < len)
		return NULL;
	if (!w || off < w->off || off - w->off > w->len - len) {
		if (take_window(m, off)) {
			m->no_mmap = true;
			return NULL;
		}
		w = m->win;
		if (off - w->off > w->len - len)
			return NULL; /* across the window's end: read it instead */
	}
	return w->p + (off - w->off);
}

void tool_mmap_close(struct tool_mapped *m)
{
	if (m->set && m->win) {
		pthread_mutex_lock(&m->set->mu);
		m->win->refs--;
		pthread_mutex_unlock(&m->set->mu);
	}
	if (m->own.p)
		munmap(m->own.p, (size_t)m->own.len);
	m->own.p = NULL;
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
