/* SPDX-License-Identifier: MIT */
#include "core/fdt.h"

#include <errno.h>
#include <stdbool.h>

#include "core/err.h"

#define MOD "dtb"

/* The header's fields are big-endian 32-bit words (Devicetree Specification
 * 5.2), in this order. */
enum fdt_field {
	FDT_MAGIC,
	FDT_TOTALSIZE,
	FDT_OFF_DT_STRUCT,
	FDT_OFF_DT_STRINGS,
	FDT_OFF_MEM_RSVMAP,
	FDT_VERSION,
	FDT_LAST_COMP_VERSION,
	FDT_BOOT_CPUID_PHYS,
	FDT_SIZE_DT_STRINGS,
	FDT_SIZE_DT_STRUCT,
};
_Static_assert((FDT_SIZE_DT_STRUCT + 1) * 4 == KX_FDT_HEADER_SIZE, "fdt header layout");

static uint32_t be32_field(const uint8_t *buf, enum fdt_field f)
{
	const uint8_t *p = buf + 4 * (unsigned)f;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* [off, off + size) lies inside [KX_FDT_HEADER_SIZE, total). */
static bool block_inside(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= KX_FDT_HEADER_SIZE && off <= total && size <= total - off;
}

int kx_fdt_check(const uint8_t *buf, size_t len, const char *name, uint32_t *size)
{
	uint32_t total, version, last_comp;

	*size = 0;
	if (!buf || len < KX_FDT_HEADER_SIZE)
		return kx_err(EINVAL, MOD, "%s is not a flattened device tree: %zu bytes, shorter "
			      "than its %u-byte header; pass a compiled .dtb (dtc -O dtb)", name,
			      len, KX_FDT_HEADER_SIZE);
	if (be32_field(buf, FDT_MAGIC) != KX_FDT_MAGIC)
		return kx_err(EINVAL, MOD, "%s is not a flattened device tree (no magic 0x%08x at "
			      "its start); pass a compiled .dtb (dtc -O dtb), not a .dts", name,
			      KX_FDT_MAGIC);
	total = be32_field(buf, FDT_TOTALSIZE);
	if (total < KX_FDT_HEADER_SIZE || total > len)
		return kx_err(EINVAL, MOD, "%s: the header's totalsize %u does not fit the file "
			      "(%zu bytes): the DTB is truncated or damaged", name, total, len);
	version = be32_field(buf, FDT_VERSION);
	last_comp = be32_field(buf, FDT_LAST_COMP_VERSION);
	if (version < KX_FDT_LAST_COMP_VERSION || last_comp > 17)
		return kx_err(EINVAL, MOD, "%s: DTB version %u (compatible with %u): Linux reads "
			      "versions 16 and 17; recompile it with dtc", name, version, last_comp);
	/* The reservation map runs to the structure block: only its start is
	 * bounded here; the blocks with sizes must lie inside totalsize. */
	if (!block_inside(be32_field(buf, FDT_OFF_MEM_RSVMAP), 0, total) ||
	    !block_inside(be32_field(buf, FDT_OFF_DT_STRUCT), be32_field(buf, FDT_SIZE_DT_STRUCT),
			  total) ||
	    !block_inside(be32_field(buf, FDT_OFF_DT_STRINGS),
			  be32_field(buf, FDT_SIZE_DT_STRINGS), total))
		return kx_err(EINVAL, MOD, "%s: a block of the DTB lies outside its %u bytes: the "
			      "DTB is damaged", name, total);
	*size = total;
	return 0;
}
