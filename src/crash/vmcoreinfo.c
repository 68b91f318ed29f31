/* SPDX-License-Identifier: MIT */
#include "crash/vmcoreinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define MOD "vmcoreinfo"

/* Longest key we build ("OFFSET(" + a struct.field name + ")="). */
#define VMCOREINFO_KEY_MAX 128

int kx_vmcoreinfo_get(const struct kx_vmcoreinfo *vi, const char *key, const char **val,
		      size_t *len)
{
	size_t klen = strlen(key);
	size_t pos = 0;

	while (pos < vi->len) {
		const char *line = vi->text + pos;
		const char *nl = memchr(line, '\n', vi->len - pos);
		size_t llen = nl ? (size_t)(nl - line) : vi->len - pos;

		if (llen >= klen && memcmp(line, key, klen) == 0) {
			*val = line + klen;
			*len = llen - klen;
			return 0;
		}
		pos += llen + 1;
	}
	return -ENOENT;
}

/* Parses the whole of s[0..len) as a number in base 10 or 16; a trailing '\r'
 * or blanks are not accepted: the kernel writes none. */
static bool parse_u64(const char *s, size_t len, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static int lookup_u64(const struct kx_vmcoreinfo *vi, const char *kind, const char *name,
		      unsigned base, uint64_t *out)
{
	char key[VMCOREINFO_KEY_MAX];
	const char *val;
	size_t len;
	int n, ret;

	if (name)
		n = snprintf(key, sizeof(key), "%s(%s)=", kind, name);
	else
		n = snprintf(key, sizeof(key), "%s=", kind);
	if (n < 0 || (size_t)n >= sizeof(key))
		return kx_err(EINVAL, MOD, "key name too long: %s(%s)", kind, name ? name : "");
	ret = kx_vmcoreinfo_get(vi, key, &val, &len);
	if (ret)
		return ret;
	/* The kernel prints SYMBOL() with %lx; accept a "0x" some writers add.
	 * Base 0: hex after a "0x", else decimal (arm64's NUMBER()s in hex). */
	if (base != 10 && len > 2 && val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		val += 2;
		len -= 2;
		base = 16;
	} else if (base == 0) {
		base = 10;
	}
	if (!parse_u64(val, len, base, out))
		return kx_err(EINVAL, MOD, "%s: not a %s number: \"%.*s\"", key,
			      base == 16 ? "hex" : "decimal", (int)(len > 40 ? 40 : len), val);
	return 0;
}

int kx_vmcoreinfo_symbol(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out)
{
	return lookup_u64(vi, "SYMBOL", name, 16, out);
}

int kx_vmcoreinfo_offset(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out)
{
	return lookup_u64(vi, "OFFSET", name, 10, out);
}

int kx_vmcoreinfo_size(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out)
{
	return lookup_u64(vi, "SIZE", name, 10, out);
}

int kx_vmcoreinfo_length(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out)
{
	return lookup_u64(vi, "LENGTH", name, 10, out);
}

int kx_vmcoreinfo_pagesize(const struct kx_vmcoreinfo *vi, uint64_t *out)
{
	return lookup_u64(vi, "PAGESIZE", NULL, 10, out);
}

int kx_vmcoreinfo_kerneloffset(const struct kx_vmcoreinfo *vi, uint64_t *out)
{
	return lookup_u64(vi, "KERNELOFFSET", NULL, 16, out);
}

int kx_vmcoreinfo_number(const struct kx_vmcoreinfo *vi, const char *name, int64_t *out)
{
	char key[VMCOREINFO_KEY_MAX];
	const char *val;
	size_t len;
	uint64_t mag;
	bool neg;
	int n, ret;

	n = snprintf(key, sizeof(key), "NUMBER(%s)=", name);
	if (n < 0 || (size_t)n >= sizeof(key))
		return kx_err(EINVAL, MOD, "key name too long: NUMBER(%s)", name);
	ret = kx_vmcoreinfo_get(vi, key, &val, &len);
	if (ret)
		return ret;
	neg = len > 0 && val[0] == '-';
	if (!parse_u64(val + neg, len - neg, 10, &mag) ||
	    mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return kx_err(EINVAL, MOD, "%s: not a decimal number: \"%.*s\"", key,
			      (int)(len > 40 ? 40 : len), val);
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

int kx_vmcoreinfo_number_u64(const struct kx_vmcoreinfo *vi, const char *name, uint64_t *out)
{
	return lookup_u64(vi, "NUMBER", name, 0, out);
}

int kx_vmcoreinfo_osrelease(const struct kx_vmcoreinfo *vi, char *buf, size_t size)
{
	const char *val;
	size_t len;
	int ret;

	if (size == 0)
		return kx_err(EINVAL, MOD, "no room for OSRELEASE");
	ret = kx_vmcoreinfo_get(vi, "OSRELEASE=", &val, &len);
	if (ret)
		return ret;
	if (len >= size)
		len = size - 1;
	memcpy(buf, val, len);
	buf[len] = '\0';
	return 0;
}
