/* SPDX-License-Identifier: MIT */
#include "core/cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* Length of the word at s: up to the first space outside double quotes, the way
 * the kernel's next_arg() splits parameters. */
static size_t word_len(const char *s)
{
	bool quoted = false;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
			break;
	}
	return i;
}

static bool word_is(const char *w, size_t len, const char *key)
{
	size_t k = strlen(key);

	return len >= k && !strncmp(w, key, k);
}

char *kx_cmdline_reuse(const char *running, bool drop_crashkernel)
{
	size_t n = strlen(running);
	char *out = malloc(n + 1);
	size_t o = 0;
	const char *s = running;

	if (!out)
		return NULL;
	while (*s) {
		size_t len;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		len = word_len(s);
		if (!word_is(s, len, "BOOT_IMAGE=") &&
		    !(drop_crashkernel && word_is(s, len, "crashkernel="))) {
			if (o)
				out[o++] = ' ';
			memcpy(out + o, s, len);
			o += len;
		}
		s += len;
	}
	out[o] = '\0';
	return out;
}

int kx_cmdline_append(char **line, const char *piece)
{
	size_t a = *line ? strlen(*line) : 0;
	size_t b = strlen(piece);
	char *n;

	if (!b)
		return 0;
	n = realloc(*line, a + b + 2);
	if (!n)
		return kx_err(ENOMEM, "cmdline", "out of memory");
	if (a)
		n[a++] = ' ';
	memcpy(n + a, piece, b + 1);
	*line = n;
	return 0;
}

bool kx_cmdline_has_param(const char *line, const char *name)
{
	size_t k = strlen(name);

	while (line && *line) {
		size_t len;

		while (*line == ' ' || *line == '\t' || *line == '\n')
			line++;
		len = word_len(line);
		if (len >= k && !strncmp(line, name, k) && (len == k || line[k] == '='))
			return true;
		line += len;
	}
	return false;
}
