/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 probe: reports the registers it was entered with, where it
 * runs (computed at run time: the image is relocatable) and the boot
 * information tags at ebx (Multiboot2 1.6, 3.6): every tag type seen, the
 * command line, boot loader name, modules (with an FNV-1a of each module's
 * bytes), basic memory information, the memory map, the load base address
 * and the ACPI RSDP copies. tests/vm/checks/probe_mb.py compares the report
 * with the plan kx printed.
 */
#include "common/probe.h"
#include "mb1/mb_common.h"

/* Multiboot2 1.6, 3.6: tag types and their field offsets from the tag. */
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER_NAME 2
#define TAG_MODULE 3
#define TAG_BASIC_MEMINFO 4
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define TAG_LOAD_BASE_ADDR 21
#define TAG_ALIGN 8
#define TAG_HDR 8
/* 3.6.8 memory map: entry_size, entry_version, then entries of base_addr,
 * length, type. */
#define MMAP_ENTRY_SIZE 8
#define MMAP_ENTRIES 16
/* ACPI 6.5, 5.2.5.3: RSDP signature, revision, RsdtAddress, XsdtAddress. */
#define RSDP_SIG_LEN 8
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_XSDT 24
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

/* Appends the decimal v and a comma to buf at *n (bounded by cap). */
static void list_append(char *buf, size_t *n, size_t cap, uint32_t v)
{
	char d[10];
	int k = 0;

	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (*n + (size_t)k + 2 > cap)
		return;
	if (*n)
		buf[(*n)++] = ',';
	while (k)
		buf[(*n)++] = d[--k];
	buf[*n] = 0;
}

static bool sum_is_zero(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s == 0;
}

static void report_rsdp(struct probe_json *j, const char *key, const uint8_t *r, uint32_t len)
{
	char sig[RSDP_SIG_LEN + 1];

	probe_obj_begin(j, key);
	for (int i = 0; i < RSDP_SIG_LEN; i++)
		sig[i] = len >= RSDP_SIG_LEN ? (char)r[i] : 0;
	sig[RSDP_SIG_LEN] = 0;
	probe_str(j, "signature", sig);
	if (len >= RSDP_V1_LEN) {
		probe_u64(j, "revision", r[RSDP_REVISION]);
		probe_u64(j, "rsdt", rd32(r + RSDP_RSDT));
		probe_bool(j, "checksum_ok", sum_is_zero(r, RSDP_V1_LEN));
	}
	if (len >= RSDP_V2_LEN) {
		probe_u64(j, "xsdt", rd64(r + RSDP_XSDT));
		probe_bool(j, "ext_checksum_ok", sum_is_zero(r, RSDP_V2_LEN));
	}
	probe_obj_end(j);
}

static void report_mmap(struct probe_json *j, const uint8_t *t, uint32_t size)
{
	uint32_t esz = rd32(t + MMAP_ENTRY_SIZE), i = 0;

	probe_u64(j, "mmap_entry_size", esz);
	if (esz < 24)
		return;
	probe_obj_begin(j, "mmap");
	for (uint32_t off = MMAP_ENTRIES; off + esz <= size && i < PROBE_MAX_ITEMS; off += esz, i++)
		report_mmap_entry(j, i, rd64(t + off), rd64(t + off + 8), rd32(t + off + 16));
	probe_obj_end(j);
}

__attribute__((used)) void probe_main(uint32_t eax, uint32_t ebx, uint32_t base)
{
	const uint8_t *mbi = (const uint8_t *)(uintptr_t)ebx;
	uint32_t total = rd32(mbi), nmods = 0;
	char types[3 * PROBE_MAX_ITEMS + 1] = "";
	size_t ntypes = 0;
	struct probe_json j;
	const uint8_t *t;

	probe_serial_init();
	probe_begin(&j, "mb2");
	probe_u64(&j, "eax", eax);
	probe_u64(&j, "ebx", ebx);
	probe_u64(&j, "load_addr", base);
	probe_u64(&j, "total_size", total);
	/* First pass: the tag list and the single-valued tags. */
	for (t = mbi + TAG_HDR; t + TAG_HDR <= mbi + total;) {
		uint32_t type = rd32(t), size = rd32(t + 4);

		list_append(types, &ntypes, sizeof(types), type);
		if (type == TAG_END || size < TAG_HDR)
			break;
		switch (type) {
		case TAG_CMDLINE:
			probe_strn(&j, "cmdline", (const char *)t + TAG_HDR, size - TAG_HDR);
			break;
		case TAG_LOADER_NAME:
			probe_strn(&j, "boot_loader_name", (const char *)t + TAG_HDR, size - TAG_HDR);
			break;
		case TAG_BASIC_MEMINFO:
			probe_u64(&j, "mem_lower", rd32(t + 8));
			probe_u64(&j, "mem_upper", rd32(t + 12));
			break;
		case TAG_MMAP:
			report_mmap(&j, t, size);
			break;
		case TAG_LOAD_BASE_ADDR:
			probe_u64(&j, "load_base_addr", rd32(t + 8));
			break;
		case TAG_ACPI_OLD:
			report_rsdp(&j, "acpi_old", t + TAG_HDR, size - TAG_HDR);
			break;
		case TAG_ACPI_NEW:
			report_rsdp(&j, "acpi_new", t + TAG_HDR, size - TAG_HDR);
			break;
		}
		t += (size + TAG_ALIGN - 1) & ~(uint32_t)(TAG_ALIGN - 1);
	}
	probe_str(&j, "tags", types);
	/* Second pass: modules, gathered into one object. */
	probe_obj_begin(&j, "mods");
	for (t = mbi + TAG_HDR; t + TAG_HDR <= mbi + total && nmods < PROBE_MAX_ITEMS;) {
		uint32_t type = rd32(t), size = rd32(t + 4);

		if (type == TAG_END || size < TAG_HDR)
			break;
		if (type == TAG_MODULE && size >= 16)
			report_module(&j, nmods++, rd32(t + 8), rd32(t + 12), (const char *)t + 16);
		t += (size + TAG_ALIGN - 1) & ~(uint32_t)(TAG_ALIGN - 1);
	}
	probe_obj_end(&j);
	probe_end(&j);
	probe_poweroff();
}
