/* SPDX-License-Identifier: MIT */
/*
 * The boot-params segment (bootparams.c: kx_bp_plan, kx_bp_build) with fuzzed
 * facts: long firmware maps (e820 entries past the 128 of the zero page),
 * EFI runtime maps, a fuzzed running boot_params, crash regions; and a fuzzed
 * setup header, command line and initrd.
 *
 * Input: facts (fuzz_facts.h), u8 flags (bit 0: a capture kernel's layout,
 * placed in the crash regions), the command line (u8 length, bytes), u16
 * setup header length + bytes, u16 initrd length + bytes, u64 initrd_max,
 * u64 core header address, u64 its size.
 *
 * Invariants: the segment is as long as kx_bp_segment_size_for says and
 * holds what the layout says: e820_entries <= 128 and equal to the e820's
 * first entries, the rest in one SETUP_E820_EXT node; the setup_data chain
 * stays inside the segment, each node once; cmd_line_ptr points at the
 * command line inside it; the EFI memory map (when the running kernel has
 * EFI) is inside it and as long as the runtime map.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "arch/x86_64/bootparams.h"
#include "fuzz_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define E820_SIZE 20
#define OFF_EXT_CMD_LINE_PTR 0xc8
#define OFF_EFI_INFO 0x1c0
#define OFF_E820_ENTRIES 0x1e8
#define OFF_CMD_LINE_PTR 0x228
#define OFF_SETUP_DATA 0x250
#define OFF_E820_TABLE 0x2d0

static void check_e820(const uint8_t *e, const struct kx_mem_region *r)
{
	if (kx_le64(e) != r->start || kx_le64(e + 8) != r->end - r->start || kx_le32(e + 16) != r->type)
		abort();
}

/* The e820 the layout asks for, computed apart from the builder. */
static void expected_e820(const struct kx_facts *f, const struct bp_layout *lay, struct kx_memmap *m)
{
	memset(m, 0, sizeof(*m));
	if (lay->crash) {
		if (kx_bp_crash_e820(f, lay->elfcorehdr, lay->elfcorehdr_size, m))
			abort(); /* the builder just built it */
		return;
	}
	for (size_t i = 0; i < f->firmware_map.n; i++)
		if (f->firmware_map.v[i].type != KX_MEM_CRASH &&
		    kx_memmap_add(m, f->firmware_map.v[i].start, f->firmware_map.v[i].end,
				  f->firmware_map.v[i].type))
			abort();
}

static bool efi_expected(const struct kx_facts *f)
{
	const uint8_t *bp = f->arch.boot_params;

	return f->efi.present && f->efi.map_n && bp && f->arch.boot_params_len >= BP_SIZE &&
	       kx_le32(bp + OFF_EFI_INFO) &&
	       (kx_le32(bp + OFF_EFI_INFO + 4) || kx_le32(bp + OFF_EFI_INFO + 24));
}

static void check_segment(const uint8_t *b, size_t len, uint64_t base, const struct kx_facts *f,
			  const struct bp_layout *lay, const char *cmdline)
{
	struct kx_memmap e820;
	uint64_t sd, cmd;
	size_t n, in_zp, cl = strlen(cmdline) + 1;
	bool ext = false, efi = false;

	if (len != kx_bp_segment_size_for(f, lay) || len < BP_SIZE)
		abort();
	expected_e820(f, lay, &e820);
	n = e820.n;
	in_zp = n < BP_E820_MAX_ZEROPAGE ? n : BP_E820_MAX_ZEROPAGE;
	if (b[OFF_E820_ENTRIES] != in_zp)
		abort();
	for (size_t i = 0; i < in_zp; i++)
		check_e820(b + OFF_E820_TABLE + i * E820_SIZE, &e820.v[i]);
	cmd = kx_le32(b + OFF_CMD_LINE_PTR) | (uint64_t)kx_le32(b + OFF_EXT_CMD_LINE_PTR) << 32;
	if (cmd != base + BP_SIZE || len - BP_SIZE < cl || memcmp(b + BP_SIZE, cmdline, cl))
		abort();
	sd = kx_le64(b + OFF_SETUP_DATA);
	for (int hops = 0; sd; hops++) {
		uint64_t off = sd - base, next;
		uint32_t type, nlen;
		const uint8_t *node;

		if (hops == 2 || sd < base + BP_SIZE + cl || off > len || len - off < 16)
			abort(); /* a loop, or outside the segment, or over the command line */
		node = b + off;
		next = kx_le64(node);
		type = kx_le32(node + 8);
		nlen = kx_le32(node + 12);
		if (nlen > len - off - 16)
			abort();
		if (type == BP_SETUP_E820_EXT && !ext) {
			ext = true;
			if (n <= BP_E820_MAX_ZEROPAGE || nlen != (n - BP_E820_MAX_ZEROPAGE) * E820_SIZE)
				abort();
			for (size_t i = BP_E820_MAX_ZEROPAGE; i < n; i++)
				check_e820(node + 16 + (i - BP_E820_MAX_ZEROPAGE) * E820_SIZE, &e820.v[i]);
		} else if (type == BP_SETUP_EFI && !efi) {
			efi = true;
			if (nlen != sizeof(struct bp_efi_setup_data))
				abort();
		} else {
			abort();
		}
		sd = next;
	}
	if (ext != (n > BP_E820_MAX_ZEROPAGE) || efi != efi_expected(f))
		abort();
	if (efi) {
		const uint8_t *ei = b + OFF_EFI_INFO;
		uint64_t map = kx_le32(ei + 16) | (uint64_t)kx_le32(ei + 28) << 32;
		uint32_t msize = kx_le32(ei + 20);

		if (kx_le32(ei + 8) != sizeof(struct bp_efi_memdesc) ||
		    msize != f->efi.map_n * sizeof(struct bp_efi_memdesc) || map < base ||
		    map - base > len || msize > len - (map - base))
			abort();
	}
	kx_memmap_free(&e820);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct kx_load_opts o = { 0 };
	struct bp_layout lay = { 0 };
	struct kx_facts f;
	struct kx_plan p;
	const uint8_t *hdr;
	size_t hdr_len, got;
	uint64_t initrd_max;
	uint8_t *bp = NULL;
	char *cmdline;
	int ret, seg;

	if (!fuzz_facts_take(&in, &f))
		return 0;
	lay.crash = fz_u8(&in) & 1;
	cmdline = fuzz_take_string(&in);
	hdr = fz_bytes(&in, fz_u16(&in), &hdr_len);
	o.initrd = fz_bytes(&in, fz_u16(&in), &got);
	o.initrd_len = got;
	if (!got)
		o.initrd = NULL;
	initrd_max = fz_u64(&in);
	lay.elfcorehdr = fz_u64(&in);
	lay.elfcorehdr_size = fz_u64(&in);
	if (!lay.crash)
		lay.elfcorehdr = lay.elfcorehdr_size = 0;
	lay.cmdline = cmdline;
	if (!cmdline || kx_plan_init(&p, lay.crash ? &f.crash : &f.ram, 0, 0))
		goto out;
	kx_err_clear();
	ret = kx_bp_plan(&p, &o, &f, initrd_max, hdr, hdr_len, &lay, &bp);
	if (ret > 0 || (ret < 0 && !kx_errmsg()[0]))
		abort();
	if (ret == 0) {
		fuzz_check_placement(&p, lay.crash ? &f.crash : &f.ram, 0, 0);
		seg = fuzz_find_role(&p, KX_ROLE_BOOT_PARAMS, 0);
		if (seg < 0 || p.seg[seg].buf != bp || p.seg[seg].mem != lay.base ||
		    lay.base + p.seg[seg].memsz > KX_4G)
			abort();
		if ((fuzz_find_role(&p, KX_ROLE_INITRD, 0) >= 0) != (lay.initrd_addr != 0))
			abort();
		check_segment(bp, p.seg[seg].bufsz, lay.base, &f, &lay, cmdline);
	}
	kx_plan_free(&p);
out:
	free(cmdline);
	kx_facts_free(&f);
	return 0;
}
