/* SPDX-License-Identifier: MIT */
/* See dtb.h. */
#include "arch/arm64/dtb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "arch_facts.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/fdt.h"

#define MOD "dtb"

/* Room for what /chosen gains, beyond the command line: property names,
 * the seeds, the crash ranges, a new /chosen node. */
#define DTB_EXTRA 8192
/* Devicetree Specification 2.3.5: without #address-cells / #size-cells a
 * parent's children use 2 and 1. */
#define DT_MAX_CELLS 2
/* ACPI 6.5, 5.2.6 System Description Table Header: 36 bytes, length at 4. */
#define ACPI_HDR_LEN 36
#define ACPI_HDR_LENGTH 4
/* SPCR (Microsoft "Serial Port Console Redirection Table"): interface type
 * at 36, the base address (an ACPI Generic Address Structure) at 40, its
 * address space id first and its 64-bit address at 44. */
#define SPCR_INTERFACE_TYPE 36
#define SPCR_BASE_SPACE_ID 40
#define SPCR_BASE_ADDRESS 44
#define SPCR_MIN_LEN 52
#define SPCR_TYPE_PL011 0x03
#define SPCR_TYPE_SBSA_32BIT 0x0d
#define SPCR_TYPE_SBSA 0x0e
#define ACPI_SPACE_MEMORY 0
/* FADT (ACPI 6.5, 5.2.9): ARM_BOOT_ARCH, 16 bits at 129; bit 0 PSCI
 * compliant, bit 1 PSCI uses HVC instead of SMC. */
#define FADT_ARM_BOOT_ARCH 129
#define FADT_PSCI_COMPLIANT (1u << 0)
#define FADT_PSCI_USE_HVC (1u << 1)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int fdt_fail(int fdt_ret, const char *name, const char *what)
{
	return kx_err(EINVAL, MOD, "%s: %s: %s", name, what, fdt_strerror(fdt_ret));
}

/* The structure block's tags, each inside the block, before libfdt walks
 * them: Debian 12's libfdt (1.6.1) loops forever in fdt_check_full on a
 * property whose length wraps the offset backwards (found by the fuzz
 * campaign). kx_fdt_check has put the block inside the tree; each step
 * takes at least 4 bytes, so the walk ends. */
static int check_tags(const uint8_t *fdt, const char *name)
{
	uint32_t off = be32(fdt + 8), end = off + be32(fdt + 36), p;

	if (off % 4)
		return kx_err(EINVAL, MOD, "%s: the structure block is misaligned", name);
	for (p = off; end - p >= 4;) {
		uint32_t tag = be32(fdt + p), len;
		const uint8_t *nul;

		p += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			nul = memchr(fdt + p, 0, end - p);
			if (!nul)
				return kx_err(EINVAL, MOD, "%s: a node name runs past the "
					      "structure block", name);
			p = (uint32_t)(nul - fdt) + 1;
			break;
		case FDT_PROP:
			if (end - p < 8 || (len = be32(fdt + p)) > end - p - 8)
				return kx_err(EINVAL, MOD, "%s: a property at offset %u runs past "
					      "the structure block", name, p - 4);
			p += 8 + len;
			break;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		case FDT_END:
			return 0;
		default:
			return kx_err(EINVAL, MOD, "%s: unknown tag 0x%x at offset %u", name, tag,
				      p - 4);
		}
		p = (p + 3) & ~3u; /* p <= end <= 2 MiB here: no wrap */
		if (p > end)
			p = end;
	}
	return kx_err(EINVAL, MOD, "%s: the structure block has no end tag", name);
}

/* The header as core/fdt.c checks it, then libfdt's full structure check:
 * every node and property inside its blocks, names terminated. */
static int check_tree(const uint8_t *fdt, size_t len, const char *name)
{
	uint32_t size;
	int ret;

	ret = kx_fdt_check(fdt, len, name, &size);
	if (ret < 0)
		return ret;
	if (size > KX_ARM64_DTB_MAX)
		return kx_err(EINVAL, MOD, "%s: %u bytes, more than the 2 MiB a kernel accepts "
			      "(booting.rst)", name, size);
	ret = check_tags(fdt, name);
	if (ret < 0)
		return ret;
	ret = fdt_check_full(fdt, size);
	if (ret < 0)
		return fdt_fail(ret, name, "the device tree is damaged");
	return 0;
}

/* A reg-like value: cells big-endian 32-bit words, addr then size. */
static size_t put_cells(uint8_t *p, uint64_t v, int cells)
{
	for (int i = cells - 1; i >= 0; i--, p += 4)
		put_be32(p, (uint32_t)(v >> (32 * i)));
	return (size_t)cells * 4;
}

static uint64_t get_cells(const uint8_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* The root's cell counts, refused when a 64-bit number cannot hold them. */
static int root_cells(const void *fdt, const char *name, int *ac, int *sc)
{
	*ac = fdt_address_cells(fdt, 0);
	*sc = fdt_size_cells(fdt, 0);
	if (*ac < 1 || *ac > DT_MAX_CELLS || *sc < 0 || *sc > DT_MAX_CELLS)
		return kx_err(EINVAL, MOD, "%s: the root's #address-cells/#size-cells (%d/%d) are "
			      "not 1-2 / 0-2", name, *ac, *sc);
	return 0;
}

static int set_ranges(void *fdt, int node, const char *prop, const uint64_t *pairs, size_t n,
		      int ac, int sc, const char *name)
{
	uint8_t buf[16 * 2 * 8];
	size_t off = 0;
	int ret;

	if (n > sizeof(buf) / 16)
		return kx_err(E2BIG, MOD, "%s: %zu ranges are too many for %s", name, n, prop);
	for (size_t i = 0; i < n; i++) {
		off += put_cells(buf + off, pairs[2 * i], ac);
		off += put_cells(buf + off, pairs[2 * i + 1], sc);
	}
	ret = fdt_setprop(fdt, node, prop, buf, (int)off);
	return ret < 0 ? fdt_fail(ret, name, prop) : 0;
}

static int del_prop(void *fdt, int node, const char *prop, const char *name)
{
	int ret = fdt_delprop(fdt, node, prop);

	return ret < 0 && ret != -FDT_ERR_NOTFOUND ? fdt_fail(ret, name, prop) : 0;
}

/* Properties of /chosen that describe the boot that is ending: the old
 * initrd, a capture kernel's core header and memory. The EFI stub's
 * linux,uefi-* entries are kept: they describe the firmware, which stays. */
static const char *const stale_props[] = {
	"linux,initrd-start", "linux,initrd-end", "linux,elfcorehdr",
	"linux,usable-memory-range", "kaslr-seed", "rng-seed", "bootargs",
};

static int edit_chosen(void *fdt, const struct kx_arm64_dtb_req *r)
{
	const char *name = r->base_name;
	int chosen, ac, sc, ret;

	ret = root_cells(fdt, name, &ac, &sc);
	if (ret < 0)
		return ret;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return fdt_fail(chosen, name, "/chosen");
	for (size_t i = 0; i < sizeof(stale_props) / sizeof(stale_props[0]); i++) {
		ret = del_prop(fdt, chosen, stale_props[i], name);
		if (ret < 0)
			return ret;
	}
	ret = fdt_setprop_string(fdt, chosen, "bootargs", r->cmdline ? r->cmdline : "");
	if (ret < 0)
		return fdt_fail(ret, name, "bootargs");
	if (r->initrd) {
		/* drivers/of/fdt.c reads either as a number of any cell count. */
		ret = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", r->initrd_start);
		if (ret >= 0)
			ret = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", r->initrd_end);
		if (ret < 0)
			return fdt_fail(ret, name, "linux,initrd-start/end");
	}
	if (r->kaslr_seed) {
		ret = fdt_setprop(fdt, chosen, "kaslr-seed", r->kaslr_seed,
				  KX_ARM64_KASLR_SEED_SIZE);
		if (ret < 0)
			return fdt_fail(ret, name, "kaslr-seed");
	}
	if (r->rng_seed) {
		ret = fdt_setprop(fdt, chosen, "rng-seed", r->rng_seed, KX_ARM64_RNG_SEED_SIZE);
		if (ret < 0)
			return fdt_fail(ret, name, "rng-seed");
	}
	if (r->crash) {
		uint64_t hdr[2] = { r->elfcorehdr, r->elfcorehdr_size };
		uint64_t usable[2 * 16];
		size_t n = r->usable ? r->usable->n : 0;

		ret = set_ranges(fdt, chosen, "linux,elfcorehdr", hdr, 1, ac, sc, name);
		if (ret < 0)
			return ret;
		if (n > 16)
			return kx_err(E2BIG, MOD, "%zu crash kernel ranges, at most 16", n);
		for (size_t i = 0; i < n; i++) {
			usable[2 * i] = r->usable->v[i].start;
			usable[2 * i + 1] = r->usable->v[i].end - r->usable->v[i].start;
		}
		ret = set_ranges(fdt, chosen, "linux,usable-memory-range", usable, n, ac, sc, name);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int kx_arm64_dtb_build(const struct kx_arm64_dtb_req *r, uint8_t **out, size_t *len)
{
	size_t cmdlen = r->cmdline ? strlen(r->cmdline) : 0;
	uint8_t *buf;
	size_t size;
	int ret;

	*out = NULL;
	*len = 0;
	ret = check_tree(r->base, r->base_len, r->base_name);
	if (ret < 0)
		return ret;
	size = fdt_totalsize(r->base) + cmdlen + DTB_EXTRA;
	if (cmdlen > KX_ARM64_DTB_MAX || size > KX_ARM64_DTB_MAX)
		return kx_err(E2BIG, MOD, "%s: with a %zu-byte command line the device tree "
			      "would exceed 2 MiB", r->base_name, cmdlen);
	buf = malloc(size);
	if (!buf)
		return kx_err(ENOMEM, MOD, "out of memory for a %zu-byte device tree", size);
	ret = fdt_open_into(r->base, buf, (int)size);
	if (ret < 0) {
		ret = fdt_fail(ret, r->base_name, "cannot open the device tree");
		goto fail;
	}
	ret = edit_chosen(buf, r);
	if (ret < 0)
		goto fail;
	ret = fdt_pack(buf);
	if (ret < 0) {
		ret = fdt_fail(ret, r->base_name, "cannot pack the device tree");
		goto fail;
	}
	*out = buf;
	*len = fdt_totalsize(buf);
	return 0;
fail:
	free(buf);
	return ret;
}

/* Each (address, size) pair of a reg property under the root's cells. */
static int add_reg_ranges(const void *fdt, int node, int ac, int sc, struct kx_memmap *out,
			  enum kx_mem_type type, const char *what)
{
	const uint8_t *reg;
	int rlen, step = 4 * (ac + sc), ret;

	reg = fdt_getprop(fdt, node, "reg", &rlen);
	if (!reg)
		return 0;
	if (rlen % step)
		return kx_err(EINVAL, MOD, "%s: reg of %d bytes is not a list of %d-cell "
			      "(address, size) pairs", what, rlen, ac + sc);
	for (int off = 0; off < rlen; off += step) {
		uint64_t start = get_cells(reg + off, ac);
		uint64_t size = sc ? get_cells(reg + off + 4 * ac, sc) : 0;

		if (!size)
			continue;
		if (start + size < start)
			return kx_err(EINVAL, MOD, "%s: range 0x%llx + 0x%llx wraps around", what,
				      (unsigned long long)start, (unsigned long long)size);
		ret = kx_memmap_add(out, start, start + size, type);
		if (ret)
			return ret;
	}
	return 0;
}

int kx_arm64_dtb_memory(const uint8_t *fdt, size_t len, struct kx_memmap *ram)
{
	int ac, sc, node, ret;

	ret = check_tree(fdt, len, "device tree");
	if (ret < 0)
		return ret;
	ret = root_cells(fdt, "device tree", &ac, &sc);
	if (ret < 0)
		return ret;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory"))
			continue;
		ret = add_reg_ranges(fdt, node, ac, sc, ram, KX_MEM_RAM, "memory node");
		if (ret < 0)
			return ret;
	}
	kx_memmap_normalize(ram);
	return 0;
}

int kx_arm64_dtb_reserved(const uint8_t *fdt, size_t len, struct kx_memmap *out)
{
	int n, rsv, node, ac, sc, ret;

	ret = check_tree(fdt, len, "device tree");
	if (ret < 0)
		return ret;
	n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t a, s;

		if (fdt_get_mem_rsv(fdt, i, &a, &s) < 0 || !s || a + s < a)
			continue;
		ret = kx_memmap_add(out, a, a + s, KX_MEM_RESERVED);
		if (ret)
			return ret;
	}
	rsv = fdt_path_offset(fdt, "/reserved-memory");
	if (rsv >= 0) {
		ac = fdt_address_cells(fdt, rsv);
		sc = fdt_size_cells(fdt, rsv);
		if (ac < 1 || ac > DT_MAX_CELLS || sc < 0 || sc > DT_MAX_CELLS)
			return kx_err(EINVAL, MOD, "/reserved-memory: #address-cells/#size-cells "
				      "%d/%d", ac, sc);
		fdt_for_each_subnode(node, fdt, rsv) {
			ret = add_reg_ranges(fdt, node, ac, sc, out, KX_MEM_RESERVED,
					     "/reserved-memory");
			if (ret < 0)
				return ret;
		}
	}
	kx_memmap_normalize(out);
	return 0;
}

/* The node stdout-path names: "serial0:115200n8" (an alias) or a path. */
static int stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), plen;
	const char *path, *colon;
	char buf[256];
	size_t n;

	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &plen);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &plen);
	if (!path || plen < 1 || path[plen - 1])
		return -1;
	colon = strchr(path, ':');
	n = colon ? (size_t)(colon - path) : strlen(path);
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	if (buf[0] != '/') {
		const char *alias = fdt_get_alias(fdt, buf);

		if (!alias)
			return -1;
		return fdt_path_offset(fdt, alias);
	}
	return fdt_path_offset(fdt, buf);
}

/* The first reg address of node, when its parent's bus maps addresses
 * one to one (the root, or an empty ranges). */
static bool node_address(const void *fdt, int node, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, node), ac, rlen;
	const uint8_t *reg;

	if (parent < 0)
		return false;
	if (parent != 0) {
		int len;

		if (!fdt_getprop(fdt, parent, "ranges", &len) || len != 0)
			return false;
		if (fdt_parent_offset(fdt, parent) != 0)
			return false;
	}
	ac = fdt_address_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &rlen);
	if (!reg || ac < 1 || ac > DT_MAX_CELLS || rlen < 4 * ac)
		return false;
	*addr = get_cells(reg, ac);
	return true;
}

static enum kx_purg_psci_conduit psci_method(const void *fdt)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	const char *m;
	int node = -1, len;

	for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]) && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
	if (node < 0)
		return KX_PURG_PSCI_NONE;
	m = fdt_getprop(fdt, node, "method", &len);
	if (!m || len < 1 || m[len - 1])
		return KX_PURG_PSCI_NONE;
	if (!strcmp(m, "hvc"))
		return KX_PURG_PSCI_HVC;
	if (!strcmp(m, "smc"))
		return KX_PURG_PSCI_SMC;
	return KX_PURG_PSCI_NONE;
}

void kx_arm64_platform_from_fdt(const uint8_t *fdt, size_t len, struct kx_arm64_platform *out)
{
	int node;

	memset(out, 0, sizeof(*out));
	if (!fdt || check_tree(fdt, len, "device tree") < 0) {
		kx_err_clear();
		return;
	}
	node = stdout_node(fdt);
	if (node >= 0 && (!fdt_node_check_compatible(fdt, node, "arm,pl011") ||
			  !fdt_node_check_compatible(fdt, node, "arm,sbsa-uart")) &&
	    node_address(fdt, node, &out->uart_base))
		out->uart_type = KX_PURG_UART_PL011;
	out->psci = psci_method(fdt);
}

/* An ACPI table of sig with at least min bytes, its length inside len. */
static bool acpi_table_ok(const uint8_t *t, size_t len, const char *sig, size_t min)
{
	uint32_t tlen;

	if (!t || len < ACPI_HDR_LEN || memcmp(t, sig, 4))
		return false;
	tlen = kx_le32(t + ACPI_HDR_LENGTH);
	return tlen <= len && tlen >= min;
}

void kx_arm64_platform_from_acpi(const uint8_t *spcr, size_t spcr_len, const uint8_t *fadt,
				 size_t fadt_len, struct kx_arm64_platform *out)
{
	if (out->uart_type == KX_PURG_UART_NONE &&
	    acpi_table_ok(spcr, spcr_len, "SPCR", SPCR_MIN_LEN) &&
	    spcr[SPCR_BASE_SPACE_ID] == ACPI_SPACE_MEMORY) {
		uint8_t type = spcr[SPCR_INTERFACE_TYPE];
		uint64_t base = kx_le64(spcr + SPCR_BASE_ADDRESS);

		if (base && (type == SPCR_TYPE_PL011 || type == SPCR_TYPE_SBSA ||
			     type == SPCR_TYPE_SBSA_32BIT)) {
			out->uart_type = KX_PURG_UART_PL011;
			out->uart_base = base;
		}
	}
	if (out->psci == KX_PURG_PSCI_NONE &&
	    acpi_table_ok(fadt, fadt_len, "FACP", FADT_ARM_BOOT_ARCH + 2)) {
		uint16_t flags = kx_le16(fadt + FADT_ARM_BOOT_ARCH);

		if (flags & FADT_PSCI_COMPLIANT)
			out->psci = (flags & FADT_PSCI_USE_HVC) ? KX_PURG_PSCI_HVC : KX_PURG_PSCI_SMC;
	}
}
