/* SPDX-License-Identifier: MIT */
#include "sys/acpi_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/sysfacts.h"

#define PATH_BUF 4096
#define RSDP_REVISION 15
#define RSDP_LENGTH 20
#define RSDP_ALIGN 16              /* ACPI 5.2.5.1: on a 16-byte boundary */
#define BDA_EBDA_SEG 0x40e         /* BIOS data area: EBDA segment */
#define EBDA_SEARCH_LEN 1024
#define BIOS_ROM_START 0xe0000ull
#define BIOS_ROM_END 0x100000ull
#define BP_ACPI_RSDP_ADDR 0x070    /* boot_params.acpi_rsdp_addr (zero-page.rst) */

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

size_t kx_rsdp_check(const uint8_t *buf, size_t len)
{
	uint32_t xlen;

	if (len < KX_RSDP_V1_LEN || memcmp(buf, KX_RSDP_SIG, 8) || sum8(buf, KX_RSDP_V1_LEN))
		return 0;
	if (buf[RSDP_REVISION] < 2)
		return KX_RSDP_V1_LEN;
	if (len < KX_RSDP_V2_LEN)
		return 0;
	xlen = (uint32_t)buf[RSDP_LENGTH] | (uint32_t)buf[RSDP_LENGTH + 1] << 8 |
	       (uint32_t)buf[RSDP_LENGTH + 2] << 16 | (uint32_t)buf[RSDP_LENGTH + 3] << 24;
	/* Later revisions may grow the table; we hand over the 36 bytes we know. */
	if (xlen < KX_RSDP_V2_LEN || sum8(buf, KX_RSDP_V2_LEN))
		return 0;
	return KX_RSDP_V2_LEN;
}

static bool read_at(int fd, uint64_t addr, uint8_t *buf, size_t n)
{
	return pread(fd, buf, n, (off_t)addr) == (ssize_t)n;
}

static bool try_addr(int fd, uint64_t addr, struct kx_facts *f)
{
	uint8_t b[KX_RSDP_V2_LEN];
	size_t n;

	memset(b, 0, sizeof(b));
	if (!addr || !read_at(fd, addr, b, KX_RSDP_V1_LEN))
		return false;
	if (b[RSDP_REVISION] >= 2)
		read_at(fd, addr, b, KX_RSDP_V2_LEN);
	n = kx_rsdp_check(b, sizeof(b));
	if (!n)
		return false;
	memcpy(f->rsdp, b, n);
	f->rsdp_len = n;
	f->rsdp_addr = addr;
	return true;
}

static bool scan(int fd, uint64_t start, uint64_t end, struct kx_facts *f)
{
	static const size_t chunk = BIOS_ROM_END - BIOS_ROM_START;
	uint8_t buf[BIOS_ROM_END - BIOS_ROM_START];
	size_t n = end - start;

	if (n > chunk || !read_at(fd, start, buf, n))
		return false;
	for (size_t off = 0; off + KX_RSDP_V1_LEN <= n; off += RSDP_ALIGN)
		if (kx_rsdp_check(buf + off, n - off))
			return try_addr(fd, start + off, f);
	return false;
}

/* ACPI 6.5 5.2.6: every table starts with a 36-byte header, `length` at 4,
 * checksum over `length` bytes. */
#define SDT_HEADER_LEN 36
#define SDT_LENGTH 4
#define ACPI_TABLES_DIR "/sys/firmware/acpi/tables"
#define ACPI_TABLE_MAX (1u << 20)
#define ACPI_TABLES_MAX (4u << 20)

size_t kx_acpi_table_check(const uint8_t *buf, size_t len)
{
	uint32_t tlen;

	if (len < SDT_HEADER_LEN)
		return 0;
	tlen = (uint32_t)buf[SDT_LENGTH] | (uint32_t)buf[SDT_LENGTH + 1] << 8 |
	       (uint32_t)buf[SDT_LENGTH + 2] << 16 | (uint32_t)buf[SDT_LENGTH + 3] << 24;
	if (tlen < SDT_HEADER_LEN || tlen != len || sum8(buf, tlen))
		return 0;
	return tlen;
}

/* The tables a recreated XSDT lists: not the DSDT and FACS, which the FADT
 * points at (5.2.9), nor the root tables themselves. */
static bool listed_by_root(const char *name)
{
	return strncmp(name, "DSDT", 4) && strncmp(name, "FACS", 4) && strncmp(name, "XSDT", 4) &&
	       strncmp(name, "RSDT", 4);
}

/* FACP first, as firmware lists it; then by name, for a stable plan. */
static int table_order(const struct dirent **a, const struct dirent **b)
{
	bool fa = !strncmp((*a)->d_name, "FACP", 4), fb = !strncmp((*b)->d_name, "FACP", 4);

	if (fa != fb)
		return fa ? -1 : 1;
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_tables(const struct dirent *d)
{
	return d->d_name[0] != '.' && d->d_type != DT_DIR && listed_by_root(d->d_name);
}

/* The kernel exports every table it loaded under /sys/firmware/acpi/tables
 * (drivers/acpi/sysfs.c), readable by root whatever the /dev/mem policy. */
static void read_tables(const char *root, struct kx_facts *f)
{
	char dir[PATH_BUF], file[PATH_BUF];
	struct dirent **names = NULL;
	uint8_t *all = NULL;
	size_t len = 0;
	bool fadt = false;
	int n;

	if (kx_path_join(dir, sizeof(dir), root, ACPI_TABLES_DIR))
		return;
	n = scandir(dir, &names, only_tables, table_order);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		uint8_t *buf = NULL, *grown;
		size_t blen = 0;

		snprintf(file, sizeof(file), ACPI_TABLES_DIR "/%s", names[i]->d_name);
		if (kx_read_file(root, file, ACPI_TABLE_MAX, &buf, &blen) < 0 ||
		    !kx_acpi_table_check(buf, blen) || len + blen > ACPI_TABLES_MAX) {
			free(buf);
			continue;
		}
		fadt |= !memcmp(buf, "FACP", 4);
		grown = realloc(all, len + blen);
		if (!grown) {
			free(buf);
			break;
		}
		all = grown;
		memcpy(all + len, buf, blen);
		len += blen;
		free(buf);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	/* Without a FADT no OS gets far with the rest. */
	if (!fadt) {
		free(all);
		return;
	}
	f->acpi_tables = all;
	f->acpi_tables_len = len;
}

int kx_acpi_rsdp_read(const char *root, struct kx_facts *f)
{
	char path[PATH_BUF];
	uint8_t seg[2];
	uint64_t ebda;
	int fd, ret;

	f->rsdp_len = 0;
	ret = kx_path_join(path, sizeof(path), root, "/dev/mem");
	if (ret)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		read_tables(root, f);
		return 0;
	}
	if (f->efi.acpi20 && try_addr(fd, f->efi.acpi20, f))
		goto out;
	if (f->arch.boot_params && f->arch.boot_params_len >= BP_ACPI_RSDP_ADDR + 8) {
		uint64_t a = 0;

		for (int i = 7; i >= 0; i--)
			a = a << 8 | f->arch.boot_params[BP_ACPI_RSDP_ADDR + i];
		if (try_addr(fd, a, f))
			goto out;
	}
	if (read_at(fd, BDA_EBDA_SEG, seg, 2)) {
		ebda = (uint64_t)(seg[0] | seg[1] << 8) << 4;
		if (ebda >= 0x400 && ebda < BIOS_ROM_START && scan(fd, ebda, ebda + EBDA_SEARCH_LEN, f))
			goto out;
	}
	scan(fd, BIOS_ROM_START, BIOS_ROM_END, f);
out:
	close(fd);
	if (!f->rsdp_len)
		read_tables(root, f);
	return 0;
}
