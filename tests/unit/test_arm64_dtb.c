/* SPDX-License-Identifier: MIT */
/*
 * arm64 only (libfdt): the readers of outside input behind the hand-off,
 * one row per case: the console and PSCI conduit from a device tree
 * (stdout-path as alias or path, with or without options, a UART that is no
 * PL011, a bus that translates addresses) and from ACPI (SPCR, FADT, short
 * or lying tables); memory nodes and reserved ranges; the vmlinux flattener
 * on damaged ELF files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "arch/arm64/dtb.h"
#include "arch/arm64/vmlinux.h"
#include "core/bytes.h"
#include "core/err.h"

#define UART_BASE 0x9000000ull

struct tree_opts {
	const char *stdout_path;  /* NULL: none */
	const char *compatible;   /* the UART's */
	bool alias;               /* /aliases serial0 = the UART */
	bool under_bus;           /* the UART under /soc */
	const char *bus_ranges;   /* NULL: "ranges" empty (identity) else a non-empty one */
	const char *psci_method;  /* NULL: no /psci */
};

static uint8_t *tree(const struct tree_opts *t)
{
	uint8_t *b = malloc(8192);
	uint64_t reg[2] = { cpu_to_fdt64(UART_BASE), cpu_to_fdt64(0x1000) };
	int parent = 0, n;

	assert_int_equal(fdt_create_empty_tree(b, 8192), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#size-cells", 2), 0);
	if (t->under_bus) {
		parent = fdt_add_subnode(b, 0, "soc");
		assert_int_equal(fdt_setprop_u32(b, parent, "#address-cells", 2), 0);
		assert_int_equal(fdt_setprop_u32(b, parent, "#size-cells", 2), 0);
		assert_int_equal(fdt_setprop(b, parent, "ranges", t->bus_ranges ? reg : NULL,
					     t->bus_ranges ? (int)sizeof(reg) : 0), 0);
	}
	n = fdt_add_subnode(b, parent, "serial@9000000");
	assert_int_equal(fdt_setprop_string(b, n, "compatible", t->compatible), 0);
	assert_int_equal(fdt_setprop(b, n, "reg", reg, sizeof(reg)), 0);
	if (t->alias) {
		n = fdt_add_subnode(b, 0, "aliases");
		assert_int_equal(fdt_setprop_string(b, n, "serial0", t->under_bus ?
						    "/soc/serial@9000000" : "/serial@9000000"), 0);
	}
	if (t->psci_method) {
		n = fdt_add_subnode(b, 0, "psci");
		assert_int_equal(fdt_setprop_string(b, n, "compatible", "arm,psci-0.2"), 0);
		assert_int_equal(fdt_setprop_string(b, n, "method", t->psci_method), 0);
	}
	n = fdt_add_subnode(b, 0, "chosen");
	if (t->stdout_path)
		assert_int_equal(fdt_setprop_string(b, n, "stdout-path", t->stdout_path), 0);
	assert_int_equal(fdt_pack(b), 0);
	return b;
}

static void test_platform_from_fdt(void **state)
{
	static const struct {
		const char *name;
		struct tree_opts t;
		enum kx_purg_uart uart;
		enum kx_purg_psci_conduit psci;
	} rows[] = {
		{ "path", { "/serial@9000000", "arm,pl011", false, false, NULL, "hvc" },
		  KX_PURG_UART_PL011, KX_PURG_PSCI_HVC },
		{ "alias with options", { "serial0:115200n8", "arm,pl011", true, false, NULL, "smc" },
		  KX_PURG_UART_PL011, KX_PURG_PSCI_SMC },
		{ "SBSA UART", { "/serial@9000000", "arm,sbsa-uart", false, false, NULL, NULL },
		  KX_PURG_UART_PL011, KX_PURG_PSCI_NONE },
		{ "a 16550 is not used", { "/serial@9000000", "ns16550a", false, false, NULL, "hvc" },
		  KX_PURG_UART_NONE, KX_PURG_PSCI_HVC },
		{ "alias missing", { "serial1", "arm,pl011", true, false, NULL, "hvc" },
		  KX_PURG_UART_NONE, KX_PURG_PSCI_HVC },
		{ "no stdout-path", { NULL, "arm,pl011", true, false, NULL, "bogus" },
		  KX_PURG_UART_NONE, KX_PURG_PSCI_NONE },
		{ "identity bus", { "serial0", "arm,pl011", true, true, NULL, "hvc" },
		  KX_PURG_UART_PL011, KX_PURG_PSCI_HVC },
		{ "translating bus", { "serial0", "arm,pl011", true, true, "x", "hvc" },
		  KX_PURG_UART_NONE, KX_PURG_PSCI_HVC },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *b = tree(&rows[i].t);
		struct kx_arm64_platform p;

		print_message("%s\n", rows[i].name);
		kx_arm64_platform_from_fdt(b, fdt_totalsize(b), &p);
		assert_int_equal(p.uart_type, rows[i].uart);
		assert_int_equal(p.uart_base, rows[i].uart == KX_PURG_UART_NONE ? 0 : UART_BASE);
		assert_int_equal(p.psci, rows[i].psci);
		/* Cut short: nothing is read, nothing is found. */
		kx_arm64_platform_from_fdt(b, 100, &p);
		assert_int_equal(p.uart_type, KX_PURG_UART_NONE);
		assert_int_equal(p.psci, KX_PURG_PSCI_NONE);
		free(b);
	}
}

static void acpi_header(uint8_t *t, const char *sig, uint32_t len)
{
	memcpy(t, sig, 4);
	kx_put32(t + 4, len);
}

static void test_platform_from_acpi(void **state)
{
	static const struct {
		const char *name;
		uint32_t spcr_len;      /* the header's length */
		size_t spcr_have;       /* bytes given */
		uint8_t type, space;
		uint64_t base;
		uint32_t fadt_len;
		size_t fadt_have;
		uint16_t flags;
		enum kx_purg_uart uart;
		enum kx_purg_psci_conduit psci;
	} rows[] = {
		{ "PL011, PSCI over HVC", 80, 80, 3, 0, UART_BASE, 276, 276, 3,
		  KX_PURG_UART_PL011, KX_PURG_PSCI_HVC },
		{ "SBSA UART, PSCI over SMC", 80, 80, 0x0e, 0, UART_BASE, 276, 276, 1,
		  KX_PURG_UART_PL011, KX_PURG_PSCI_SMC },
		{ "16550: not used; no PSCI", 80, 80, 0, 0, UART_BASE, 276, 276, 0,
		  KX_PURG_UART_NONE, KX_PURG_PSCI_NONE },
		{ "I/O space", 80, 80, 3, 1, UART_BASE, 276, 276, 3, KX_PURG_UART_NONE,
		  KX_PURG_PSCI_HVC },
		{ "base 0", 80, 80, 3, 0, 0, 276, 276, 3, KX_PURG_UART_NONE, KX_PURG_PSCI_HVC },
		{ "tables cut short", 80, 40, 3, 0, UART_BASE, 276, 100, 3, KX_PURG_UART_NONE,
		  KX_PURG_PSCI_NONE },
		{ "lengths too small", 44, 80, 3, 0, UART_BASE, 130, 276, 3, KX_PURG_UART_NONE,
		  KX_PURG_PSCI_NONE },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t spcr[80] = { 0 }, fadt[276] = { 0 };
		struct kx_arm64_platform p = { 0 };

		print_message("%s\n", rows[i].name);
		acpi_header(spcr, "SPCR", rows[i].spcr_len);
		spcr[36] = rows[i].type;
		spcr[40] = rows[i].space;
		kx_put64(spcr + 44, rows[i].base);
		acpi_header(fadt, "FACP", rows[i].fadt_len);
		kx_put16(fadt + 129, rows[i].flags);
		kx_arm64_platform_from_acpi(spcr, rows[i].spcr_have, fadt, rows[i].fadt_have, &p);
		assert_int_equal(p.uart_type, rows[i].uart);
		assert_int_equal(p.psci, rows[i].psci);
		/* What the DT said stays. */
		p = (struct kx_arm64_platform){ KX_PURG_UART_PL011, 0x1000, KX_PURG_PSCI_SMC };
		kx_arm64_platform_from_acpi(spcr, sizeof(spcr), fadt, sizeof(fadt), &p);
		assert_int_equal(p.uart_base, 0x1000);
		assert_int_equal(p.psci, KX_PURG_PSCI_SMC);
	}
	/* No tables at all. */
	{
		struct kx_arm64_platform p = { 0 };

		kx_arm64_platform_from_acpi(NULL, 0, NULL, 0, &p);
		assert_int_equal(p.uart_type, KX_PURG_UART_NONE);
	}
}

/* Memory nodes, the reservation block and /reserved-memory. */
static void test_memory_and_reserved(void **state)
{
	uint8_t *b = malloc(8192);
	uint64_t mem[4] = { cpu_to_fdt64(0x40000000), cpu_to_fdt64(0x40000000),
			    cpu_to_fdt64(0x100000000ull), cpu_to_fdt64(0x10000000) };
	uint64_t fw[2] = { cpu_to_fdt64(0x40600000), cpu_to_fdt64(0x400000) };
	struct kx_memmap ram = { 0 }, rsv = { 0 };
	int n;

	assert_int_equal(fdt_create_empty_tree(b, 8192), 0);
	assert_int_equal(fdt_add_mem_rsv(b, 0x40000000, 0x200000), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#size-cells", 2), 0);
	n = fdt_add_subnode(b, 0, "memory@40000000");
	assert_int_equal(fdt_setprop_string(b, n, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop(b, n, "reg", mem, sizeof(mem)), 0);
	n = fdt_add_subnode(b, 0, "reserved-memory");
	assert_int_equal(fdt_setprop_u32(b, n, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(b, n, "#size-cells", 2), 0);
	n = fdt_add_subnode(b, n, "fw@40600000");
	assert_int_equal(fdt_setprop(b, n, "reg", fw, sizeof(fw)), 0);
	assert_int_equal(fdt_pack(b), 0);

	assert_int_equal(kx_arm64_dtb_memory(b, fdt_totalsize(b), &ram), 0);
	assert_int_equal(ram.n, 2);
	assert_int_equal(ram.v[0].start, 0x40000000);
	assert_int_equal(ram.v[0].end, 0x80000000);
	assert_int_equal(ram.v[1].start, 0x100000000ull);
	assert_int_equal(ram.v[1].end, 0x110000000ull);
	assert_int_equal(kx_arm64_dtb_reserved(b, fdt_totalsize(b), &rsv), 0);
	assert_int_equal(rsv.n, 2);
	assert_int_equal(rsv.v[0].start, 0x40000000);
	assert_int_equal(rsv.v[0].end, 0x40200000);
	assert_int_equal(rsv.v[1].start, 0x40600000);
	assert_int_equal(rsv.v[1].end, 0x40a00000);
	kx_memmap_free(&ram);
	kx_memmap_free(&rsv);

	/* A reg that is not whole (address, size) pairs: refused, said. */
	n = fdt_path_offset(b, "/memory@40000000");
	assert_int_equal(fdt_open_into(b, b, 8192), 0);
	assert_int_equal(fdt_setprop(b, n, "reg", mem, 12), 0);
	kx_err_clear();
	assert_int_equal(kx_arm64_dtb_memory(b, fdt_totalsize(b), &ram), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "not a list of 4-cell"));
	kx_memmap_free(&ram);
	free(b);
}

/* An ELF64 EM_AARCH64 with one PT_LOAD at `off` of `filesz` bytes, the file
 * `len` bytes; the segment starts with an Image header unless `no_image`. */
static uint8_t *elf_of(size_t len, uint64_t off, uint64_t filesz, uint16_t machine, bool no_image)
{
	uint8_t *b = calloc(1, len);

	memcpy(b, "\177ELF\2\1\1", 7);
	kx_put16(b + 16, 2);
	kx_put16(b + 18, machine);
	kx_put32(b + 20, 1);
	kx_put64(b + 32, 64);
	kx_put16(b + 52, 64);
	kx_put16(b + 54, 56);
	kx_put16(b + 56, 1);
	kx_put32(b + 64, 1);
	kx_put64(b + 64 + 8, off);
	kx_put64(b + 64 + 16, 0xffff800008000000ull);
	kx_put64(b + 64 + 24, 0xffff800008000000ull);
	kx_put64(b + 64 + 32, filesz);
	kx_put64(b + 64 + 40, filesz);
	if (!no_image && off + 64 <= len)
		memcpy(b + off + 0x38, "ARM\x64", 4);
	return b;
}

static void test_vmlinux_flatten(void **state)
{
	static const struct {
		const char *name;
		size_t len;
		uint64_t off, filesz;
		uint16_t machine;
		bool no_image;
		int ret;
	} rows[] = {
		{ "one PT_LOAD with an Image", 8192, 4096, 4096, 183, false, 0 },
		{ "PT_LOAD past the end (truncated)", 8192, 4096, 8192, 183, false, -EINVAL },
		{ "x86_64 ELF", 8192, 4096, 4096, 62, false, -ENOEXEC },
		{ "no Image header in the first PT_LOAD", 8192, 4096, 4096, 183, true, -ENOEXEC },
		{ "no PT_LOAD bytes", 8192, 4096, 0, 183, false, -ENOEXEC },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *b = elf_of(rows[i].len, rows[i].off, rows[i].filesz, rows[i].machine,
				    rows[i].no_image);
		uint8_t *out;
		size_t n;

		print_message("%s\n", rows[i].name);
		kx_err_clear();
		assert_int_equal(kx_arm64_vmlinux_flatten(b, rows[i].len, &out, &n), rows[i].ret);
		if (rows[i].ret == 0) {
			assert_int_equal(n, rows[i].filesz);
			assert_memory_equal(out, b + rows[i].off, n);
			free(out);
		} else {
			assert_null(out);
			assert_true(kx_errmsg()[0] != '\0');
		}
		free(b);
	}
}

/* A property whose length wraps the walk backwards: refused with a message
 * (Debian 12's libfdt looped forever on it in fdt_check_full). */
static void test_prop_length_wraps(void **state)
{
	uint8_t *b = calloc(1, 4096), *out;
	struct kx_arm64_dtb_req r = { .base = b, .base_len = 4096, .base_name = "base" };
	size_t len;
	fdt32_t bad;
	int n, prop;

	(void)state;
	assert_int_equal(fdt_create_empty_tree(b, 4096), 0);
	n = fdt_add_subnode(b, 0, "memory@40000000");
	assert_true(n > 0);
	assert_int_equal(fdt_setprop_string(b, n, "device_type", "memory"), 0);
	assert_int_equal(fdt_pack(b), 0);
	r.base_len = fdt_totalsize(b);
	assert_int_equal(kx_arm64_dtb_build(&r, &out, &len), 0);
	free(out);
	prop = fdt_first_property_offset(b, n);
	assert_true(prop > 0);
	bad = cpu_to_fdt32(0xfffffff4);
	memcpy(b + fdt_off_dt_struct(b) + prop + 4, &bad, sizeof(bad));
	kx_err_clear();
	assert_int_equal(kx_arm64_dtb_build(&r, &out, &len), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(kx_errmsg(), "runs past the structure block"));
	free(b);
}

/* A second PT_LOAD: its file bytes may follow the first one's, but not
 * share an address with them (they would overwrite the Image header). */
static void test_vmlinux_two_loads(void **state)
{
	static const struct {
		const char *name;
		uint64_t vaddr_delta, off, filesz;
		int ret;
	} rows[] = {
		{ "right after the first", 4096, 0, 0x100, 0 },
		{ "a gap after the first", 8192, 0, 0x100, 0 },
		{ "over the first one's header", 0, 0x1800, 0x800, -EINVAL },
		{ "over the first one's tail", 0xf00, 0, 0x200, -EINVAL },
		{ "around the first", UINT64_MAX - 0xff, 0, 0x2000, -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *b = elf_of(8192, 4096, 4096, 183, false), *out, *ph = b + 64 + 56;
		uint64_t base = 0xffff800008000000ull, vaddr = base + rows[i].vaddr_delta;
		size_t n;

		print_message("%s\n", rows[i].name);
		kx_put16(b + 56, 2);
		kx_put32(ph, 1);
		kx_put64(ph + 8, rows[i].off);
		kx_put64(ph + 16, vaddr);
		kx_put64(ph + 24, vaddr);
		kx_put64(ph + 32, rows[i].filesz);
		kx_put64(ph + 40, rows[i].filesz);
		kx_err_clear();
		assert_int_equal(kx_arm64_vmlinux_flatten(b, 8192, &out, &n), rows[i].ret);
		if (rows[i].ret == 0) {
			assert_int_equal(n, rows[i].vaddr_delta + rows[i].filesz);
			assert_memory_equal(out, b + 4096, 4096);
			assert_memory_equal(out + rows[i].vaddr_delta, b + rows[i].off,
					    rows[i].filesz);
			free(out);
		} else {
			assert_null(out);
			assert_non_null(strstr(kx_errmsg(), "overlaps"));
		}
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform_from_fdt),
		cmocka_unit_test(test_platform_from_acpi),
		cmocka_unit_test(test_memory_and_reserved),
		cmocka_unit_test(test_vmlinux_flatten),
		cmocka_unit_test(test_vmlinux_two_loads),
		cmocka_unit_test(test_prop_length_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
