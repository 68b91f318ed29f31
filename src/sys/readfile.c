/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "sys/sysfacts.h"

#define READ_CHUNK 4096
#define PATH_BUF 4096

int kx_path_join(char *buf, size_t size, const char *root, const char *path)
{
	size_t rl = root ? strlen(root) : 0;
	int n;

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	while (*path == '/')
		path++;
	n = snprintf(buf, size, "%.*s/%s", (int)rl, rl ? root : "", path);
	if (n < 0 || (size_t)n >= size)
		return kx_err(ENAMETOOLONG, "sys", "path too long: %s/%s", root ? root : "", path);
	return 0;
}

int kx_open_regular(const char *path, const char *module, int *fd, uint64_t *size)
{
	struct stat st;
	int f, e, flags;

	*fd = -1;
	*size = 0;
	/* O_NONBLOCK: open() of a FIFO would otherwise wait for a writer
	 * forever, before fstat could tell what the file is. */
	f = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f < 0) {
		e = errno;
		return kx_err(e, module, "cannot open %s: %s", path, strerror(e));
	}
	if (fstat(f, &st) < 0) {
		e = errno;
		close(f);
		return kx_err(e, module, "cannot stat %s: %s", path, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(f);
		return kx_err(EISDIR, module, "%s is a directory, not a file", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(f);
		return kx_err(EINVAL, module, "%s is not a regular file (%s): give the file itself",
			      path, S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket"
			      : "a device");
	}
	/* Reads after this point block as usual (the kernel's kexec_file_load
	 * reads this fd too). */
	flags = fcntl(f, F_GETFL);
	if (flags < 0 || fcntl(f, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		e = errno;
		close(f);
		return kx_err(e, module, "%s: %s", path, strerror(e));
	}
	*fd = f;
	*size = (uint64_t)st.st_size;
	return 0;
}

int kx_read_file(const char *root, const char *path, size_t max, uint8_t **out, size_t *len)
{
	char full[PATH_BUF];
	uint8_t *buf = NULL, *nbuf;
	size_t used = 0, cap = 0;
	uint64_t fsize;
	int fd, ret;

	*out = NULL;
	*len = 0;
	if (max >= SIZE_MAX / 2)
		return kx_err(EINVAL, "sys", "%s: size cap too large", path);
	ret = kx_path_join(full, sizeof(full), root, path);
	if (ret)
		return ret;
	ret = kx_open_regular(full, "sys", &fd, &fsize);
	if (ret < 0)
		return ret;
	for (;;) {
		ssize_t r;

		if (used == cap) {
			/* Grow to at most max + 1 bytes: one byte over tells "too big". */
			size_t ncap = cap ? cap * 2 : READ_CHUNK;

			if (ncap > max + 1)
				ncap = max + 1;
			nbuf = realloc(buf, ncap + 1); /* + 1 for the NUL */
			if (!nbuf) {
				ret = kx_err(ENOMEM, "sys", "%s: out of memory", full);
				goto fail;
			}
			buf = nbuf;
			cap = ncap;
		}
		r = read(fd, buf + used, cap - used);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = kx_err(errno, "sys", "%s: %s", full, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		used += (size_t)r;
		if (used > max) {
			ret = kx_err(EFBIG, "sys", "%s: larger than %zu bytes", full, max);
			goto fail;
		}
	}
	close(fd);
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return kx_err(ENOMEM, "sys", "%s: out of memory", full);
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
fail:
	close(fd);
	free(buf);
	return ret;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Blanks around the value are allowed: sysfs ends its values with a newline. */
static void trim(const char *s, size_t *i, size_t *end)
{
	while (*i < *end && is_blank(s[*i]))
		(*i)++;
	while (*end > *i && is_blank(s[*end - 1]))
		(*end)--;
}

static bool skip_0x(const char *s, size_t *i, size_t end)
{
	if (end - *i > 2 && s[*i] == '0' && (s[*i + 1] == 'x' || s[*i + 1] == 'X')) {
		*i += 2;
		return true;
	}
	return false;
}

/* The digits of s[i, end) in base, with overflow checks. */
static int parse_digits(const char *s, size_t i, size_t end, unsigned base, uint64_t *out)
{
	uint64_t v = 0;

	if (i == end)
		return -EINVAL;
	for (; i < end; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return -ERANGE;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return 0;
}

int kx_parse_u64(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0, end = len;
	bool hex;

	trim(s, &i, &end);
	/* skip_0x moves i: it must run before i is read for parse_digits (C
	 * leaves the order of evaluation of a call's arguments unspecified). */
	hex = skip_0x(s, &i, end);
	return parse_digits(s, i, end, hex ? 16 : 10, out);
}

int kx_parse_hex_u64(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0, end = len;

	trim(s, &i, &end);
	skip_0x(s, &i, end);
	return parse_digits(s, i, end, 16, out);
}

int kx_read_u64(const char *root, const char *path, const char *module, uint64_t *out)
{
	char full[PATH_BUF];
	uint8_t *buf;
	size_t len;
	int ret;

	ret = kx_read_file(root, path, KX_SYSFILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = kx_parse_u64((const char *)buf, len, out);
	free(buf);
	if (ret) {
		kx_path_join(full, sizeof(full), root, path);
		return kx_err(-ret, module, "%s: %s", full,
			      ret == -ERANGE ? "number too large" : "not a number");
	}
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int kx_sys_list_numeric_dir(const char *root, const char *dir, const char *module,
			    uint64_t **out, size_t *n_out)
{
	char full[PATH_BUF];
	uint64_t *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int ret;

	*out = NULL;
	*n_out = 0;
	ret = kx_path_join(full, sizeof(full), root, dir);
	if (ret)
		return ret;
	d = opendir(full);
	if (!d)
		return kx_err(errno, module, "%s: %s", full, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		uint64_t num;
		size_t k, nl = strlen(de->d_name);

		for (k = 0; k < nl; k++)
			if (de->d_name[k] < '0' || de->d_name[k] > '9')
				break;
		if (nl == 0 || k != nl || kx_parse_u64(de->d_name, nl, &num))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				ret = kx_err(ENOMEM, module, "%s: out of memory", full);
				goto fail;
			}
			v = nv;
		}
		v[n++] = num;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), u64_cmp);
	*out = v;
	*n_out = n;
	return 0;
fail:
	closedir(d);
	free(v);
	return ret;
}
