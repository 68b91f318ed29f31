/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "sys/sysfacts.h"

#define CMDLINE_PATH "/proc/cmdline"
#define MEMINFO_PATH "/proc/meminfo"
#define BOOT_PARAMS_PATH "/sys/kernel/boot_params/data"
#define EFI_DIR "/sys/firmware/efi"
#define EFI_RUNTIME_MAP_DIR EFI_DIR "/runtime-map"
#define PATH_BUF 4096

/* struct boot_params is one 4 KiB page (Documentation/arch/x86/zero-page.rst). */
#define BOOT_PARAMS_SIZE 4096

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define PAGE_SIZE_4K 4096ull

/* The generic PC map (see kx_guess_pc_map): the real-mode IVT/BDA page is left
 * out, the EBDA and the legacy VGA/ROM hole up to 1 MiB are reserved, and the
 * 32-bit PCI hole sits between 3 and 4 GiB. */
#define GUESS_LOW_RAM_START 0x1000ull
#define GUESS_EBDA_START 0x9f000ull
#define GUESS_HIGH_RAM_START (1 * MIB)
#define GUESS_PCI_HOLE_START (3 * GIB)
#define GUESS_ABOVE_4G (4 * GIB)

static bool is_missing(int ret)
{
	return ret == -ENOENT || ret == -EACCES || ret == -EPERM;
}

static bool line_key_is(const char *line, size_t klen, const char *key)
{
	return klen == strlen(key) && memcmp(line, key, klen) == 0;
}

int kx_efi_systab_parse(const char *text, size_t len, uint64_t *acpi20, uint64_t *smbios)
{
	uint64_t acpi = 0, acpi2 = 0, smb = 0, smb3 = 0;
	size_t pos = 0;

	*acpi20 = 0;
	*smbios = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - text) : len;
		const char *line = text + pos;
		const char *eq = memchr(line, '=', eol - pos);
		uint64_t *slot = NULL, v;
		size_t klen;

		pos = eol + 1;
		if (!eq)
			continue;
		klen = (size_t)(eq - line);
		if (line_key_is(line, klen, "ACPI20"))
			slot = &acpi2;
		else if (line_key_is(line, klen, "ACPI"))
			slot = &acpi;
		else if (line_key_is(line, klen, "SMBIOS3"))
			slot = &smb3;
		else if (line_key_is(line, klen, "SMBIOS"))
			slot = &smb;
		if (!slot)
			continue;
		if (kx_parse_u64(eq + 1, (size_t)(text + eol - (eq + 1)), &v))
			return kx_err(EINVAL, "efi", "systab: %.*s: not a number", (int)klen, line);
		*slot = v;
	}
	*acpi20 = acpi2 ? acpi2 : acpi;
	*smbios = smb3 ? smb3 : smb;
	return 0;
}

int kx_meminfo_parse(const char *text, size_t len, uint64_t *memtotal)
{
	static const char key[] = "MemTotal:";
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - text) : len;
		size_t i = pos + strlen(key), end;
		uint64_t kib;

		if (eol - pos > strlen(key) && memcmp(text + pos, key, strlen(key)) == 0) {
			end = eol;
			/* "MemTotal:       16318412 kB": the unit is always kB. */
			if (end - i >= 3 && memcmp(text + end - 3, " kB", 3) == 0)
				end -= 3;
			if (kx_parse_u64(text + i, end - i, &kib) || kib > UINT64_MAX / KIB)
				return kx_err(EINVAL, "meminfo", "MemTotal: not a number of kB");
			*memtotal = kib * KIB;
			return 0;
		}
		pos = eol + 1;
	}
	return kx_err(ENOENT, "meminfo", "no MemTotal line");
}

int kx_guess_pc_map(uint64_t memtotal, struct kx_memmap *out)
{
	uint64_t top, low_end;
	int ret;

	memset(out, 0, sizeof(*out));
	/* Ends are rounded down to pages; the first MiB is not counted in
	 * MemTotal, so the map ends at MemTotal + 1 MiB. */
	memtotal &= ~(PAGE_SIZE_4K - 1);
	top = memtotal > UINT64_MAX - GUESS_HIGH_RAM_START - GIB ? UINT64_MAX - GIB
								  : memtotal + GUESS_HIGH_RAM_START;
	low_end = top < GUESS_PCI_HOLE_START ? top : GUESS_PCI_HOLE_START;
	ret = kx_memmap_add(out, GUESS_LOW_RAM_START, GUESS_EBDA_START, KX_MEM_RAM);
	if (!ret)
		ret = kx_memmap_add(out, GUESS_EBDA_START, GUESS_HIGH_RAM_START, KX_MEM_RESERVED);
	if (!ret && low_end > GUESS_HIGH_RAM_START)
		ret = kx_memmap_add(out, GUESS_HIGH_RAM_START, low_end, KX_MEM_RAM);
	if (!ret && top > GUESS_PCI_HOLE_START)
		ret = kx_memmap_add(out, GUESS_ABOVE_4G,
				    GUESS_ABOVE_4G + (top - GUESS_PCI_HOLE_START), KX_MEM_RAM);
	if (ret)
		kx_memmap_free(out);
	return ret;
}

/* Reads an optional EFI value: missing or root-only files leave 0. */
static int efi_read_value(const char *root, const char *path, uint64_t *out)
{
	int ret = kx_read_u64(root, path, "efi", out);

	if (is_missing(ret)) {
		*out = 0;
		return 0;
	}
	return ret;
}

static int efi_read_runtime_map(const char *root, struct kx_efi_facts *efi)
{
	static const char *const fields[] = { "type", "phys_addr", "virt_addr", "num_pages",
					      "attribute" };
	uint64_t *idx, vals[5];
	size_t n, i, k;
	int ret;

	_Static_assert(sizeof(fields) / sizeof(fields[0]) == sizeof(vals) / sizeof(vals[0]),
		       "one value per runtime-map field");
	ret = kx_sys_list_numeric_dir(root, EFI_RUNTIME_MAP_DIR, "efi", &idx, &n);
	if (is_missing(ret))
		return 0; /* no CONFIG_EFI_RUNTIME_MAP, or not root */
	if (ret)
		return ret;
	if (n) {
		efi->map = calloc(n, sizeof(*efi->map));
		if (!efi->map) {
			free(idx);
			return kx_err(ENOMEM, "efi", "out of memory for %zu runtime-map entries", n);
		}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
			char path[PATH_BUF];

			snprintf(path, sizeof(path), EFI_RUNTIME_MAP_DIR "/%llu/%s",
				 (unsigned long long)idx[i], fields[k]);
			ret = kx_read_u64(root, path, "efi", &vals[k]);
			if (ret)
				goto fail;
		}
		if (vals[0] > UINT32_MAX) {
			ret = kx_err(ERANGE, "efi", "%s/%llu/type: %#llx is not a memory type",
				     EFI_RUNTIME_MAP_DIR, (unsigned long long)idx[i],
				     (unsigned long long)vals[0]);
			goto fail;
		}
		efi->map[i] = (struct kx_efi_map_entry){
			.type = (uint32_t)vals[0],
			.phys_addr = vals[1],
			.virt_addr = vals[2],
			.num_pages = vals[3],
			.attribute = vals[4],
		};
	}
	efi->map_n = n;
	free(idx);
	return 0;
fail:
	free(idx);
	free(efi->map);
	efi->map = NULL;
	return ret;
}

int kx_efi_read(const char *root, struct kx_efi_facts *efi)
{
	char full[PATH_BUF];
	struct stat st;
	uint8_t *buf;
	size_t len;
	int ret;

	memset(efi, 0, sizeof(*efi));
	ret = kx_path_join(full, sizeof(full), root, EFI_DIR);
	if (ret)
		return ret;
	if (stat(full, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	efi->present = true;
	ret = efi_read_value(root, EFI_DIR "/fw_vendor", &efi->fw_vendor);
	if (!ret)
		ret = efi_read_value(root, EFI_DIR "/runtime", &efi->runtime);
	if (!ret)
		ret = efi_read_value(root, EFI_DIR "/config_table", &efi->config_table);
	if (ret)
		return ret;
	ret = kx_read_file(root, EFI_DIR "/systab", KX_SYSFILE_MAX, &buf, &len);
	if (ret == 0) {
		ret = kx_efi_systab_parse((const char *)buf, len, &efi->acpi20, &efi->smbios);
		free(buf);
		if (ret)
			return kx_err_prefix(ret, "%s", EFI_DIR "/systab");
	} else if (!is_missing(ret)) {
		return ret;
	}
	return efi_read_runtime_map(root, efi);
}

static int read_cmdline(const char *root, struct kx_facts *f)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = kx_read_file(root, CMDLINE_PATH, KX_SYSFILE_MAX, &buf, &len);
	if (ret)
		return ret;
	if (memchr(buf, '\0', len)) {
		free(buf);
		return kx_err(EINVAL, "cmdline", "%s contains a NUL byte", CMDLINE_PATH);
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	f->cmdline = (char *)buf;
	kx_console_parse(f->cmdline, len, &f->console);
	return 0;
}

static int read_boot_params(const char *root, struct kx_facts *f)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = kx_read_file(root, BOOT_PARAMS_PATH, KX_SYSFILE_MAX, &buf, &len);
	if (is_missing(ret))
		return 0; /* no CONFIG_X86_BOOT_PARAMS sysfs: the caller builds from scratch */
	if (ret)
		return ret;
	if (len != BOOT_PARAMS_SIZE) {
		free(buf);
		return kx_err(EINVAL, "boot_params", "%s: %zu bytes, expected %d", BOOT_PARAMS_PATH,
			      len, BOOT_PARAMS_SIZE);
	}
	f->arch.boot_params = buf;
	f->arch.boot_params_len = len;
	return 0;
}

static int ram_of(const struct kx_memmap *map, struct kx_memmap *ram)
{
	size_t i;
	int ret;

	for (i = 0; i < map->n; i++) {
		if (map->v[i].type != KX_MEM_RAM)
			continue;
		ret = kx_memmap_add(ram, map->v[i].start, map->v[i].end, KX_MEM_RAM);
		if (ret)
			return ret;
	}
	kx_memmap_normalize(ram);
	return 0;
}

static int read_guess_map(const char *root, struct kx_facts *f)
{
	uint64_t memtotal;
	uint8_t *buf;
	size_t len;
	int ret;

	ret = kx_read_file(root, MEMINFO_PATH, KX_SYSFILE_MAX, &buf, &len);
	if (ret)
		return kx_err_prefix(ret, "no readable memory map and no %s", MEMINFO_PATH);
	ret = kx_meminfo_parse((const char *)buf, len, &memtotal);
	free(buf);
	if (ret)
		return kx_err_prefix(ret, "%s", MEMINFO_PATH);
	ret = kx_guess_pc_map(memtotal, &f->firmware_map);
	if (ret)
		return ret;
	f->map_is_guess = true;
	return ram_of(&f->firmware_map, &f->ram);
}

static int read_memory_maps(const char *root, struct kx_facts *f)
{
	struct kx_iomem io;
	bool have_iomem;
	size_t i;
	int ret;

	ret = kx_iomem_read(root, &io);
	if (ret && !is_missing(ret))
		return ret;
	have_iomem = ret == 0;

	ret = kx_fwmemmap_read(root, &f->firmware_map);
	if (ret && !is_missing(ret))
		goto out;
	if (ret && have_iomem) {
		/* Without /sys/firmware/memmap (CONFIG_FIRMWARE_MEMMAP off) the top
		 * level of /proc/iomem is the firmware's map as the kernel kept it. */
		f->firmware_map = io.top;
		memset(&io.top, 0, sizeof(io.top));
		ret = 0;
	}
	if (ret) {
		ret = read_guess_map(root, f);
		goto out;
	}
	if (have_iomem && io.ram.n > 0) {
		f->ram = io.ram;
		memset(&io.ram, 0, sizeof(io.ram));
	} else {
		ret = ram_of(&f->firmware_map, &f->ram);
		if (ret)
			goto out;
	}
	if (have_iomem) {
		f->crash = io.crash;
		memset(&io.crash, 0, sizeof(io.crash));
	}
	/* The crash kernel's region is not free RAM for a normal load: the
	 * panic kernel waiting there must survive until it is replaced. */
	for (i = 0; i < f->crash.n; i++) {
		ret = kx_memmap_remove(&f->ram, f->crash.v[i].start, f->crash.v[i].end);
		if (ret)
			goto out;
	}
out:
	if (have_iomem)
		kx_iomem_free(&io);
	return ret;
}

int kx_facts_read(const char *root, struct kx_facts *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	ret = read_memory_maps(root, f);
	if (!ret)
		ret = read_boot_params(root, f);
	if (!ret)
		ret = kx_efi_read(root, &f->efi);
	if (!ret)
		ret = read_cmdline(root, f);
	if (!ret)
		ret = kx_arch_facts_read(root, f);
	if (ret)
		kx_facts_free(f);
	return ret;
}
