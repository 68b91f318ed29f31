/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sys/sysfacts.h"

#define IOMEM_PATH "/proc/iomem"
#define FWMEMMAP_DIR "/sys/firmware/memmap"
/* Longer names than this are no e820 type name; they are compared as unknown. */
#define NAME_BUF 64
#define PATH_BUF 4096
#define CRASH_NAME "Crash kernel"

void kx_iomem_free(struct kx_iomem *io)
{
	kx_memmap_free(&io->top);
	kx_memmap_free(&io->ram);
	kx_memmap_free(&io->crash);
	io->all_zero = false;
}

/* An inclusive end as /proc/iomem and /sys/firmware/memmap print it, made
 * exclusive. The last byte of the address space cannot be represented with an
 * exclusive uint64_t end; nothing the loader uses lives there, so it is dropped. */
static uint64_t exclusive_end(uint64_t inclusive)
{
	return inclusive == UINT64_MAX ? UINT64_MAX : inclusive + 1;
}

static int parse_hex(const char *s, size_t len, size_t *pos, uint64_t *out)
{
	size_t i = *pos;
	uint64_t v = 0;

	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX >> 4))
			return -ERANGE;
		v = (v << 4) | d;
	}
	if (i == *pos)
		return -EINVAL;
	*pos = i;
	*out = v;
	return 0;
}

/* Top-level /proc/iomem names that describe memory (the e820 types); the rest
 * (PCI windows, IOAPIC, ROMs) are not memory the next kernel is told about. */
static bool iomem_top_type(const char *name, enum kx_mem_type *type)
{
	if (!kx_mem_type_parse(name, type))
		return false;
	return *type != KX_MEM_CRASH;
}

static int iomem_add_line(struct kx_iomem *out, bool top, uint64_t start, uint64_t end,
			  const char *name, size_t name_len)
{
	char nbuf[NAME_BUF];
	enum kx_mem_type type;
	int ret = 0;

	if (end <= start)
		return 0;
	if (name_len >= sizeof(nbuf))
		return 0;
	memcpy(nbuf, name, name_len);
	nbuf[name_len] = '\0';
	if (top && iomem_top_type(nbuf, &type)) {
		ret = kx_memmap_add(&out->top, start, end, type);
		if (ret)
			return ret;
	}
	if (strcmp(nbuf, "System RAM") == 0)
		ret = kx_memmap_add(&out->ram, start, end, KX_MEM_RAM);
	/* x86 names the crashkernel=...,low reservation "Crash kernel" as well. */
	else if (strncmp(nbuf, CRASH_NAME, strlen(CRASH_NAME)) == 0)
		ret = kx_memmap_add(&out->crash, start, end, KX_MEM_CRASH);
	return ret;
}

int kx_iomem_parse(const char *text, size_t len, struct kx_iomem *out)
{
	size_t pos = 0, lineno = 0, entries = 0;
	bool any_nonzero = false;
	int ret;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - text) : len;
		size_t i = pos, name_start, name_end;
		uint64_t start, end;
		bool top;

		lineno++;
		while (i < eol && text[i] == ' ')
			i++;
		top = i == pos;
		if (i == eol || (i + 1 == eol && text[i] == '\r'))
			goto next;
		ret = parse_hex(text, eol, &i, &start);
		if (ret == 0 && (i >= eol || text[i] != '-'))
			ret = -EINVAL;
		if (ret == 0) {
			i++;
			ret = parse_hex(text, eol, &i, &end);
		}
		if (ret) {
			ret = kx_err(-ret, "iomem", "line %zu: %s", lineno,
				     ret == -ERANGE ? "address too large" : "expected start-end");
			goto fail;
		}
		if (eol - i < 3 || memcmp(text + i, " : ", 3) != 0) {
			ret = kx_err(EINVAL, "iomem", "line %zu: expected \" : \" after the range",
				     lineno);
			goto fail;
		}
		if (end < start) {
			ret = kx_err(EINVAL, "iomem", "line %zu: end %#llx before start %#llx",
				     lineno, (unsigned long long)end, (unsigned long long)start);
			goto fail;
		}
		name_start = i + 3;
		name_end = eol;
		while (name_end > name_start &&
		       (text[name_end - 1] == '\r' || text[name_end - 1] == ' '))
			name_end--;
		entries++;
		if (start || end)
			any_nonzero = true;
		ret = iomem_add_line(out, top, start, exclusive_end(end), text + name_start,
				     name_end - name_start);
		if (ret)
			goto fail;
next:
		pos = eol + 1;
	}
	/* Since Linux 4.15 (commit 51d7b120418e) addresses read as 0 for users
	 * without CAP_SYS_ADMIN; the layout is there but says nothing. */
	if (entries > 0 && !any_nonzero) {
		kx_iomem_free(out);
		out->all_zero = true;
		return 0;
	}
	kx_memmap_normalize(&out->top);
	kx_memmap_normalize(&out->ram);
	kx_memmap_normalize(&out->crash);
	return 0;
fail:
	kx_iomem_free(out);
	return ret;
}

int kx_iomem_read(const char *root, struct kx_iomem *out)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kx_read_file(root, IOMEM_PATH, KX_SYSFILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = kx_iomem_parse((const char *)buf, len, out);
	free(buf);
	if (ret)
		return kx_err_prefix(ret, "%s", IOMEM_PATH);
	if (out->all_zero)
		ret = kx_err(EACCES, "iomem", "%s shows only zero addresses (not root?)",
			     IOMEM_PATH);
	else if (out->top.n == 0 && out->ram.n == 0)
		ret = kx_err(ENOENT, "iomem", "%s lists no memory", IOMEM_PATH);
	if (ret)
		kx_iomem_free(out);
	return ret;
}

static int fwmemmap_read_entry(const char *root, uint64_t idx, struct kx_memmap *out)
{
	char path[PATH_BUF];
	uint64_t start, end;
	enum kx_mem_type type;
	uint8_t *buf;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), FWMEMMAP_DIR "/%llu/start", (unsigned long long)idx);
	ret = kx_read_u64(root, path, "memmap", &start);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), FWMEMMAP_DIR "/%llu/end", (unsigned long long)idx);
	ret = kx_read_u64(root, path, "memmap", &end);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), FWMEMMAP_DIR "/%llu/type", (unsigned long long)idx);
	ret = kx_read_file(root, path, KX_SYSFILE_MAX, &buf, &len);
	if (ret)
		return ret;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	/* A type this code does not know must still keep the next kernel away. */
	if (!kx_mem_type_parse((const char *)buf, &type) || type == KX_MEM_CRASH)
		type = KX_MEM_RESERVED;
	free(buf);
	/* firmware_map_add_entry() stores end = start + size - 1; size 0 gives
	 * end = start - 1, an empty entry. */
	if (end + 1 == start)
		return 0;
	if (end < start) {
		return kx_err(EINVAL, "memmap", "%s/%llu: end %#llx before start %#llx",
			      FWMEMMAP_DIR, (unsigned long long)idx,
			      (unsigned long long)end, (unsigned long long)start);
	}
	if (exclusive_end(end) <= start)
		return 0;
	return kx_memmap_add(out, start, exclusive_end(end), type);
}

int kx_fwmemmap_read(const char *root, struct kx_memmap *out)
{
	uint64_t *idx;
	size_t n, i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kx_sys_list_numeric_dir(root, FWMEMMAP_DIR, "memmap", &idx, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = fwmemmap_read_entry(root, idx[i], out);
		if (ret)
			goto fail;
	}
	free(idx);
	if (out->n == 0)
		return kx_err(ENOENT, "memmap", "%s has no entries", FWMEMMAP_DIR);
	kx_memmap_normalize(out);
	return 0;
fail:
	free(idx);
	kx_memmap_free(out);
	return ret;
}
