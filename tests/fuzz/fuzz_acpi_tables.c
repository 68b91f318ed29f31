/* SPDX-License-Identifier: MIT */
/*
 * The page-0 BIOS data area and ACPI root that mbinfo.c recreates on a UEFI
 * machine (mb_add_uefi_bda, write_made_tables, mb_uefi_made_rsdp) from
 * fuzzed table copies (f->acpi_tables) or a fuzzed firmware RSDP.
 *
 * Input: u8 flags (bit 0: the firmware RSDP is known), u8 RSDP length [37],
 * 36 RSDP bytes, then the table copies (the rest, exactly that long).
 *
 * Invariants: the segment is one firmware_low request at 0 ending below
 * 64 KiB; the RSDP's checksums hold; the XSDT's length is its header plus
 * one pointer per table copy, its checksum holds, and each pointer leads to
 * a byte-exact copy inside the segment, 16-byte aligned, overlapping neither
 * the XSDT nor another copy; every other byte of the segment is zero but the
 * two BDA fields; the handed-over memory map marks the recreated range ACPI.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "arch/x86_64/mbinfo.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_MEM_KB 0x413
#define EBDA 0x800
#define RSDP_LEN 36
#define SDT_HEADER 36
#define LOW_MAX 0x10000u

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Marks [off, off + n) as written on purpose; aborts when outside len. */
static void claim(uint8_t *used, size_t len, uint64_t off, uint64_t n)
{
	if (off > len || n > len - off)
		abort();
	memset(used + off, 1, (size_t)n);
}

static size_t check_made_tables(const uint8_t *b, size_t len, uint8_t *used,
				const uint8_t *tables, size_t tables_len)
{
	const uint8_t *x = b + MB_UEFI_ROOT_ADDR;
	uint32_t xlen;
	size_t n, off = 0, end = 0;

	if (len < MB_UEFI_ROOT_ADDR + SDT_HEADER || memcmp(x, "XSDT", 4))
		abort();
	xlen = kx_le32(x + 4);
	if (xlen < SDT_HEADER || (xlen - SDT_HEADER) % 8)
		abort();
	claim(used, len, MB_UEFI_ROOT_ADDR, xlen);
	if (sum8(x, xlen))
		abort();
	n = (xlen - SDT_HEADER) / 8;
	if (!n)
		abort(); /* the FADT at least */
	for (size_t i = 0; i < n; i++) {
		uint64_t at = kx_le64(x + SDT_HEADER + 8 * i);
		uint32_t tlen;

		/* The copies walk the input back to back, each its own length. */
		if (off > tables_len || tables_len - off < SDT_HEADER)
			abort();
		tlen = kx_le32(tables + off + 4);
		if (tlen < SDT_HEADER || tlen > tables_len - off || at % 16 ||
		    at < MB_UEFI_ROOT_ADDR + xlen)
			abort();
		for (uint64_t k = at; k < at + tlen && k < len; k++)
			if (used[k])
				abort(); /* overlaps the XSDT or another copy */
		claim(used, len, at, tlen);
		if (memcmp(b + at, tables + off, tlen))
			abort();
		off += tlen;
		end = at + tlen;
	}
	/* Every whole table of the input is listed: the next one, if any, is cut. */
	if (off <= tables_len && tables_len - off >= SDT_HEADER) {
		uint32_t next = kx_le32(tables + off + 4);

		if (next >= SDT_HEADER && next <= tables_len - off)
			abort();
	}
	if (end > LOW_MAX)
		abort();
	return end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_mem_region ram[] = {
		{ 0, 0xa0000, KX_MEM_RAM },
		{ 0x100000, 0x8000000, KX_MEM_RAM },
	};
	struct fz in = { data, size };
	struct kx_facts f;
	struct kx_plan p;
	struct kx_memmap hand;
	uint8_t made[RSDP_LEN], *used = NULL;
	size_t got, made_len, end = 0;
	const uint8_t *rsdp;
	uint8_t flags, rsdp_len;

	memset(&f, 0, sizeof(f));
	f.efi.present = true;
	f.firmware_map.v = f.ram.v = ram;
	f.firmware_map.n = f.firmware_map.cap = f.ram.n = f.ram.cap = 2;
	flags = fz_u8(&in);
	rsdp_len = fz_u8(&in);
	f.rsdp_len = flags & 1 ? rsdp_len % (RSDP_LEN + 1) : 0;
	rsdp = fz_bytes(&in, RSDP_LEN, &got);
	memcpy(f.rsdp, rsdp, got);
	if (in.n) {
		f.acpi_tables = malloc(in.n);
		if (!f.acpi_tables)
			return 0;
		memcpy(f.acpi_tables, in.p, in.n);
		f.acpi_tables_len = in.n;
	}

	made_len = mb_uefi_made_rsdp(&f, made);
	if (made_len && (made_len != RSDP_LEN || f.rsdp_len || sum8(made, 20) ||
			 sum8(made, RSDP_LEN) || kx_le64(made + 24) != MB_UEFI_ROOT_ADDR))
		abort();
	if (kx_plan_init(&p, &f.ram, 0, 0))
		abort();
	if (mb_add_uefi_bda(&f, &p))
		abort(); /* page 0 is free here, and the measure must hold */
	if (p.n != 1 || p.seg[0].mem != 0 || !p.seg[0].req.firmware_low || p.seg[0].bufsz != p.seg[0].memsz)
		abort();
	used = calloc(1, p.seg[0].bufsz);
	if (!used)
		abort();
	{
		const uint8_t *b = p.seg[0].buf;
		size_t len = p.seg[0].bufsz;

		claim(used, len, BDA_BASE_MEM_KB, 2);
		if (f.rsdp_len || made_len) {
			claim(used, len, BDA_EBDA_SEGMENT, 2);
			if (kx_le16(b + BDA_EBDA_SEGMENT) != EBDA >> 4)
				abort();
		}
		if (f.rsdp_len) {
			claim(used, len, EBDA, f.rsdp_len);
			if (memcmp(b + EBDA, f.rsdp, f.rsdp_len))
				abort();
		} else if (made_len) {
			claim(used, len, EBDA, RSDP_LEN);
			if (memcmp(b + EBDA, made, RSDP_LEN))
				abort();
			end = check_made_tables(b, len, used, f.acpi_tables, f.acpi_tables_len);
		}
		for (size_t i = 0; i < len; i++)
			if (!used[i] && b[i])
				abort(); /* written where nothing belongs */
	}
	/* What an image may take for free RAM excludes the recreated tables. */
	if (mb_handover_map(&f, &hand))
		abort();
	for (size_t i = 0; i < hand.n; i++)
		if (hand.v[i].type == KX_MEM_RAM && end && hand.v[i].start < end &&
		    hand.v[i].end > EBDA)
			abort();
	kx_memmap_free(&hand);
	free(used);
	kx_plan_free(&p);
	free(f.acpi_tables);
	return 0;
}
