/* SPDX-License-Identifier: MIT */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Per thread, so that library users on several threads do not mix messages. */
static _Thread_local char errbuf[1024];

int kx_err(int errnum, const char *module, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(errbuf, sizeof(errbuf), "%s: ", module);

	if (n < 0 || (size_t)n >= sizeof(errbuf))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(errbuf + n, sizeof(errbuf) - (size_t)n, fmt, ap);
	va_end(ap);
	return -errnum;
}

int kx_err_prefix(int ret, const char *fmt, ...)
{
	char old[sizeof(errbuf)];
	va_list ap;
	int n;

	memcpy(old, errbuf, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(errbuf))
		snprintf(errbuf + n, sizeof(errbuf) - (size_t)n, ": %s", old);
	return ret;
}

int kx_err_append(int ret, const char *fmt, ...)
{
	size_t n = strlen(errbuf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf + n, sizeof(errbuf) - n, fmt, ap);
	va_end(ap);
	return ret;
}

void kx_err_restore(const char *saved)
{
	snprintf(errbuf, sizeof(errbuf), "%s", saved);
}

const char *kx_errmsg(void)
{
	return errbuf;
}

void kx_err_clear(void)
{
	errbuf[0] = '\0';
}
