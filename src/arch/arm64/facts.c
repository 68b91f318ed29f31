/* SPDX-License-Identifier: MIT */
#include "arch_facts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "arch/arm64/dtb.h"
#include "core/err.h"
#include "core/facts.h"
#include "sys/sysfacts.h"

#define FDT_PATH "/sys/firmware/fdt"
#define SPCR_PATH "/sys/firmware/acpi/tables/SPCR"
#define FADT_PATH "/sys/firmware/acpi/tables/FACP"
/* Linux refuses DTBs larger than this anyway (booting.rst: "must not
 * exceed 2 megabytes in size"). */
#define FDT_MAX ((size_t)2 << 20)
#define ACPI_TABLE_MAX ((size_t)1 << 16)
#define FAKE_SEED_BYTE 0x5a

void kx_arch_facts_free(struct kx_arch_facts *a)
{
	free(a->boot_params);
	free(a->fdt);
	free(a->spcr);
	free(a->fadt);
	memset(a, 0, sizeof(*a));
}

static bool is_missing(int ret)
{
	return ret == -ENOENT || ret == -EACCES || ret == -EPERM;
}

/* An optional file: missing or root-only leaves NULL. */
static int read_optional(const char *root, const char *path, size_t max, uint8_t **out,
			 size_t *len)
{
	int ret = kx_read_file(root, path, max, out, len);

	if (is_missing(ret)) {
		kx_err_clear();
		*out = NULL;
		*len = 0;
		return 0;
	}
	return ret;
}

static bool root_is_real(const char *root)
{
	return !root || !root[0] || !strcmp(root, "/");
}

static void read_seeds(const char *root, struct kx_arch_facts *a)
{
	uint8_t buf[KX_ARM64_KASLR_SEED_SIZE + KX_ARM64_RNG_SEED_SIZE];

	if (!root_is_real(root)) {
		memset(buf, FAKE_SEED_BYTE, sizeof(buf));
	} else if (getrandom(buf, sizeof(buf), GRND_NONBLOCK) != (ssize_t)sizeof(buf)) {
		/* The pool is not ready this early in boot: no seeds rather
		 * than predictable ones (the kernel then boots without KASLR). */
		return;
	}
	memcpy(a->kaslr_seed, buf, sizeof(a->kaslr_seed));
	memcpy(a->rng_seed, buf + sizeof(a->kaslr_seed), sizeof(a->rng_seed));
	a->have_seed = true;
}

/* What the running tree keeps from the OS (its memory reservation block,
 * /reserved-memory) is no place for a segment, even where /proc/iomem
 * lists it as System RAM: firmware may still use it after the kexec. A
 * tree that cannot be read says so when the plan builds from it. */
static int remove_dt_reserved(struct kx_facts *f)
{
	struct kx_memmap rsv = { 0 };
	int ret = 0;

	if (kx_arm64_dtb_reserved(f->arch.fdt, f->arch.fdt_len, &rsv) < 0) {
		kx_err_clear();
		return 0;
	}
	for (size_t i = 0; i < rsv.n && !ret; i++)
		ret = kx_memmap_remove(&f->ram, rsv.v[i].start, rsv.v[i].end);
	kx_memmap_free(&rsv);
	return ret;
}

int kx_arch_facts_read(const char *root, struct kx_facts *f)
{
	struct kx_arch_facts *a = &f->arch;
	int ret;

	ret = read_optional(root, FDT_PATH, FDT_MAX, &a->fdt, &a->fdt_len);
	if (!ret)
		ret = read_optional(root, SPCR_PATH, ACPI_TABLE_MAX, &a->spcr, &a->spcr_len);
	if (!ret)
		ret = read_optional(root, FADT_PATH, ACPI_TABLE_MAX, &a->fadt, &a->fadt_len);
	if (!ret && a->fdt)
		ret = remove_dt_reserved(f);
	if (ret)
		return ret;
	read_seeds(root, a);
	return 0;
}
