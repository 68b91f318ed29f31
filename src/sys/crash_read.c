/* SPDX-License-Identifier: MIT */
#include "sys/crash_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch_defs.h"
#include "core/elf.h"
#include "core/err.h"
#include "sys/sysfacts.h"

#define MOD "kdump"
#define PATH_BUF 4096
#define CPU_POSSIBLE_PATH "/sys/devices/system/cpu/possible"
#define CPU_DIR "/sys/devices/system/cpu"
#define VMCOREINFO_PATH "/sys/kernel/vmcoreinfo"
#define KCORE_PATH "/proc/kcore"
#define HOTPLUG_SIZE_PATH "/sys/kernel/crash_elfcorehdr_size"
#define DM_CRYPT_COUNT_PATH "/sys/kernel/config/crash_dm_crypt_keys/count"
/* core/elf's messages about kcore: "kdump: /proc/kcore: ..." */
#define KCORE_MOD MOD ": " KCORE_PATH

/* fs/proc/kcore.c gives p_paddr -1 to every PT_LOAD that is neither the
 * direct map of RAM nor the kernel text; the text is the one at or above the
 * arch's KX_ARCH_KERNEL_TEXT_BASE (arch_defs.h). */
#define KCORE_NO_PADDR UINT64_MAX

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int parse_dec_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

int kx_cpulist_parse(const char *text, size_t len, uint32_t **cpus, size_t *n)
{
	/* One flag per CPU number keeps the result sorted and unique whatever
	 * order or overlap the list has. */
	uint8_t *seen;
	size_t pos = 0, count = 0, k = 0;
	uint32_t *v;

	*cpus = NULL;
	*n = 0;
	while (len > 0 && is_blank(text[len - 1]))
		len--;
	if (!len)
		return kx_err(EINVAL, MOD, "%s: empty CPU list", CPU_POSSIBLE_PATH);
	seen = calloc(KX_CRASH_MAX_CPUS, 1);
	if (!seen)
		return kx_err(ENOMEM, MOD, "out of memory");
	while (pos < len) {
		const char *item = text + pos, *comma = memchr(item, ',', len - pos);
		size_t ilen = comma ? (size_t)(comma - item) : len - pos;
		const char *dash = memchr(item, '-', ilen);
		uint32_t lo, hi;

		pos += ilen + 1;
		if (dash) {
			if (parse_dec_u32(item, (size_t)(dash - item), &lo) ||
			    parse_dec_u32(dash + 1, ilen - (size_t)(dash - item) - 1, &hi))
				goto bad;
		} else if (parse_dec_u32(item, ilen, &lo)) {
			goto bad;
		} else {
			hi = lo;
		}
		if (lo > hi)
			goto bad;
		if (hi >= KX_CRASH_MAX_CPUS) {
			free(seen);
			return kx_err(ERANGE, MOD, "%s: CPU %u is above the x86_64 limit of %u",
				      CPU_POSSIBLE_PATH, hi, KX_CRASH_MAX_CPUS - 1);
		}
		for (uint32_t c = lo; c <= hi; c++) {
			count += !seen[c];
			seen[c] = 1;
		}
	}
	v = malloc(count * sizeof(*v));
	if (!v) {
		free(seen);
		return kx_err(ENOMEM, MOD, "out of memory");
	}
	for (uint32_t c = 0; c < KX_CRASH_MAX_CPUS; c++)
		if (seen[c])
			v[k++] = c;
	free(seen);
	*cpus = v;
	*n = k;
	return 0;
bad:
	free(seen);
	return kx_err(EINVAL, MOD, "%s: not a CPU list: \"%.*s\"", CPU_POSSIBLE_PATH,
		      (int)(len > 64 ? 64 : len), text);
}

int kx_vmcoreinfo_sys_parse(const char *text, size_t len, uint64_t *addr, uint64_t *size)
{
	const char *sp;
	size_t i = 0;

	while (i < len && is_blank(text[i]))
		i++;
	sp = memchr(text + i, ' ', len - i);
	if (!sp || kx_parse_hex_u64(text + i, (size_t)(sp - text) - i, addr) ||
	    kx_parse_hex_u64(sp + 1, len - (size_t)(sp + 1 - text), size))
		return kx_err(EINVAL, MOD, "%s: expected \"<address> <size>\" in hex",
			      VMCOREINFO_PATH);
	if (!*addr || !*size || *addr > UINT64_MAX - *size)
		return kx_err(EINVAL, MOD, "%s: note at %#llx of %#llx bytes is not usable",
			      VMCOREINFO_PATH, (unsigned long long)*addr,
			      (unsigned long long)*size);
	return 0;
}

/* The ELF header of a kcore prefix (with the program header table when
 * `table`): a little-endian ELF64 core file, without extended numbering. */
static int kcore_headers(const uint8_t *buf, size_t len, bool table, struct kx_elf_hdr *h)
{
	int ret = table ? kx_elf_parse_headers(buf, len, KCORE_MOD, h)
			: kx_elf_parse_ehdr(buf, len, KCORE_MOD, h);

	if (ret == -ENOEXEC || (!ret && (!h->is64 || h->e_type != KX_ET_CORE)))
		return kx_err(EINVAL, MOD, "%s: not a little-endian ELF64 core file", KCORE_PATH);
	if (ret)
		return ret;
	if (h->e_phnum == KX_PN_XNUM)
		return kx_err(EINVAL, MOD, "%s: extended program header numbering", KCORE_PATH);
	return 0;
}

int kx_kcore_parse(const uint8_t *buf, size_t len, struct kx_kcore_maps *out)
{
	bool have_text = false, have_ram = false;
	struct kx_elf_hdr h;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kcore_headers(buf, len, true, &h);
	if (ret)
		return ret;
	for (uint16_t i = 0; i < h.e_phnum; i++) {
		struct kx_elf_phdr ph;
		uint64_t vaddr, paddr, memsz;

		kx_elf_get_phdr(&h, i, &ph);
		vaddr = ph.p_vaddr;
		paddr = ph.p_paddr;
		memsz = ph.p_memsz;
		if (ph.p_type != KX_PT_LOAD || paddr == KCORE_NO_PADDR)
			continue;
		if (vaddr >= KX_ARCH_KERNEL_TEXT_BASE) {
			if (have_text)
				return kx_err(EINVAL, MOD, "%s: two kernel text mappings", KCORE_PATH);
			if (!memsz || vaddr > UINT64_MAX - memsz)
				return kx_err(EINVAL, MOD, "%s: kernel text of %#llx bytes at %#llx",
					      KCORE_PATH, (unsigned long long)memsz,
					      (unsigned long long)vaddr);
			out->text_vaddr = vaddr;
			out->text_paddr = paddr;
			out->text_size = memsz;
			have_text = true;
		} else {
			/* Every RAM mapping has the same offset: it is __va(). */
			if (vaddr < paddr)
				return kx_err(EINVAL, MOD, "%s: RAM mapping %#llx below its address %#llx",
					      KCORE_PATH, (unsigned long long)vaddr,
					      (unsigned long long)paddr);
			if (have_ram && vaddr - paddr != out->page_offset)
				return kx_err(EINVAL, MOD, "%s: RAM mappings with different offsets "
					      "(%#llx, %#llx)", KCORE_PATH,
					      (unsigned long long)out->page_offset,
					      (unsigned long long)(vaddr - paddr));
			out->page_offset = vaddr - paddr;
			have_ram = true;
		}
	}
	if (!have_text)
		return kx_err(ENOENT, MOD, "%s: no kernel text mapping (PT_LOAD at or above %#llx)",
			      KCORE_PATH, KX_ARCH_KERNEL_TEXT_BASE);
	if (!have_ram)
		return kx_err(ENOENT, MOD, "%s: no direct mapping of RAM", KCORE_PATH);
	return 0;
}

/* /proc/kcore is as large as the address space: read only its headers. */
static int read_kcore_headers(const char *root, uint8_t **out, size_t *len)
{
	char full[PATH_BUF];
	uint8_t ehdr[KX_ELF64_EHDR_SIZE], *buf;
	struct kx_elf_hdr h;
	uint64_t want;
	ssize_t r;
	int fd, ret;

	ret = kx_path_join(full, sizeof(full), root, KCORE_PATH);
	if (ret)
		return ret;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_err(errno, MOD, "%s: %s (kexec -p reads the kernel's mappings from it: "
			      "run as root, with CONFIG_PROC_KCORE)", full, strerror(errno));
	r = pread(fd, ehdr, sizeof(ehdr), 0);
	if (r != (ssize_t)sizeof(ehdr)) {
		ret = kx_err(r < 0 ? errno : EINVAL, MOD, "%s: cannot read the ELF header", full);
		goto out;
	}
	ret = kcore_headers(ehdr, sizeof(ehdr), false, &h);
	if (ret)
		goto out;
	if (kx_elf_headers_size(&h, KCORE_MOD, &want) < 0 || want > KX_SYSFILE_MAX) {
		ret = kx_err(EINVAL, MOD, "%s: program headers beyond %zu bytes", full,
			     KX_SYSFILE_MAX);
		goto out;
	}
	buf = malloc(want);
	if (!buf) {
		ret = kx_err(ENOMEM, MOD, "out of memory");
		goto out;
	}
	r = pread(fd, buf, want, 0);
	if (r != (ssize_t)want) {
		free(buf);
		ret = kx_err(r < 0 ? errno : EINVAL, MOD, "%s: short read of the program headers",
			     full);
		goto out;
	}
	*out = buf;
	*len = want;
out:
	close(fd);
	return ret;
}

static int read_text(const char *root, const char *path, uint8_t **buf, size_t *len)
{
	int ret = kx_read_file(root, path, KX_SYSFILE_MAX, buf, len);

	if (ret)
		return kx_err_prefix(ret, MOD);
	return 0;
}

static int read_cpu_note(const char *root, uint32_t cpu, struct kx_crash_note *note, bool *have)
{
	char path[PATH_BUF];
	uint8_t *buf;
	size_t len;
	int ret;

	*have = false;
	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/crash_notes", cpu);
	ret = kx_read_file(root, path, KX_SYSFILE_MAX, &buf, &len);
	/* A possible CPU that is not present has no sysfs directory: nothing
	 * can run there, so there is no note to describe. */
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return kx_err_prefix(ret, MOD);
	ret = kx_parse_hex_u64((const char *)buf, len, &note->addr);
	free(buf);
	if (ret || !note->addr)
		return kx_err(EINVAL, MOD, "%s: not a physical address", path);
	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/crash_notes_size", cpu);
	ret = kx_read_u64(root, path, MOD, &note->size);
	if (ret)
		return ret;
	if (!note->size || note->addr > UINT64_MAX - note->size)
		return kx_err(EINVAL, MOD, "%s: %llu bytes at %#llx", path,
			      (unsigned long long)note->size, (unsigned long long)note->addr);
	note->cpu = cpu;
	*have = true;
	return 0;
}

static int read_notes(const char *root, struct kx_crash_facts *k)
{
	uint32_t *cpus;
	uint8_t *buf;
	size_t len, n;
	int ret;

	ret = read_text(root, CPU_POSSIBLE_PATH, &buf, &len);
	if (ret)
		return ret;
	ret = kx_cpulist_parse((const char *)buf, len, &cpus, &n);
	free(buf);
	if (ret)
		return ret;
	k->notes = calloc(n ? n : 1, sizeof(*k->notes));
	if (!k->notes) {
		free(cpus);
		return kx_err(ENOMEM, MOD, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		bool have;

		ret = read_cpu_note(root, cpus[i], &k->notes[k->notes_n], &have);
		if (ret)
			break;
		k->notes_n += have;
	}
	free(cpus);
	if (!ret && !k->notes_n)
		ret = kx_err(ENOENT, MOD, "no CPU has a %s/cpuN/crash_notes file "
			     "(kernel without CONFIG_CRASH_DUMP?)", CPU_DIR);
	return ret;
}

int kx_crash_facts_read(const char *root, struct kx_facts *f)
{
	struct kx_crash_facts *k = &f->kdump;
	struct kx_kcore_maps maps;
	uint8_t *buf;
	size_t len;
	int ret;

	free(k->notes);
	memset(k, 0, sizeof(*k));
	ret = read_notes(root, k);
	if (ret)
		goto fail;
	ret = read_text(root, VMCOREINFO_PATH, &buf, &len);
	if (ret)
		goto fail;
	ret = kx_vmcoreinfo_sys_parse((const char *)buf, len, &k->vmcoreinfo_addr,
				      &k->vmcoreinfo_size);
	free(buf);
	if (ret)
		goto fail;
	ret = read_kcore_headers(root, &buf, &len);
	if (ret == -ENOENT) {
		/* Only kexec_load needs it; the plan says so (src/lib/build.c). */
		k->no_kcore = true;
		kx_err_clear();
	} else if (ret) {
		goto fail;
	} else {
		ret = kx_kcore_parse(buf, len, &maps);
		free(buf);
		if (ret)
			goto fail;
		k->kernel_vaddr = maps.text_vaddr;
		k->kernel_paddr = maps.text_paddr;
		k->kernel_size = maps.text_size;
		k->page_offset = maps.page_offset;
	}
	/* Both are optional: older kernels have neither file. */
	ret = kx_read_u64(root, HOTPLUG_SIZE_PATH, MOD, &k->hotplug_hdr_size);
	if (ret == -ENOENT)
		k->hotplug_hdr_size = 0;
	else if (ret)
		goto fail;
	if (k->hotplug_hdr_size > KX_HOTPLUG_HDR_MAX) {
		ret = kx_err(EINVAL, MOD, "%s: %llu bytes is not a plausible core header size",
			     HOTPLUG_SIZE_PATH, (unsigned long long)k->hotplug_hdr_size);
		goto fail;
	}
	{
		uint64_t keys = 0;

		ret = kx_read_u64(root, DM_CRYPT_COUNT_PATH, MOD, &keys);
		if (ret && ret != -ENOENT)
			goto fail;
		k->dm_crypt_keys = keys > 0;
	}
	ret = 0;
	k->present = true;
	return 0;
fail:
	free(k->notes);
	memset(k, 0, sizeof(*k));
	return ret;
}
