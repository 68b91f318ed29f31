/* SPDX-License-Identifier: MIT */
#include "sys/acpi_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
	if (fd < 0)
		return 0;
	if (f->efi.acpi20 && try_addr(fd, f->efi.acpi20, f))
		goto out;
	if (f->boot_params && f->boot_params_len >= BP_ACPI_RSDP_ADDR + 8) {
		uint64_t a = 0;

		for (int i = 7; i >= 0; i--)
			a = a << 8 | f->boot_params[BP_ACPI_RSDP_ADDR + i];
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
	return 0;
}
