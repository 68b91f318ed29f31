/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "sys/sysfacts.h"

#define MIB (1024ull * 1024)
#define GIB (1024ull * MIB)

/* ---- fake trees ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void tree_remove(const char *root)
{
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void tree_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];
	size_t i, n;

	n = (size_t)snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_true(n < sizeof(path));
	for (i = strlen(root) + 1; i <= n; i++) {
		if (path[i] == '/' || path[i] == '\0') {
			char c = path[i];

			path[i] = '\0';
			if (mkdir(path, 0755) != 0)
				assert_int_equal(errno, EEXIST);
			path[i] = c;
		}
	}
}

static void tree_write_len(const char *root, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		tree_mkdirs(root, dir);
	}
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void tree_write(const char *root, const char *rel, const char *text)
{
	tree_write_len(root, rel, text, strlen(text));
}

static void tree_memmap_entry(const char *root, int n, uint64_t start, uint64_t end_incl,
			      const char *type)
{
	char rel[128], val[64];

	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/start", n);
	snprintf(val, sizeof(val), "0x%llx\n", (unsigned long long)start);
	tree_write(root, rel, val);
	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/end", n);
	snprintf(val, sizeof(val), "0x%llx\n", (unsigned long long)end_incl);
	tree_write(root, rel, val);
	snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/type", n);
	snprintf(val, sizeof(val), "%s\n", type);
	tree_write(root, rel, val);
}

static int tree_setup(void **state)
{
	char *root = strdup("/tmp/kx-sysread-XXXXXX");

	assert_non_null(root);
	assert_non_null(mkdtemp(root));
	*state = root;
	return 0;
}

static int tree_teardown(void **state)
{
	tree_remove(*state);
	free(*state);
	return 0;
}

static void expect_region(const struct kx_memmap *m, size_t i, uint64_t start, uint64_t end,
			  enum kx_mem_type type)
{
	assert_true(i < m->n);
	assert_int_equal(m->v[i].start, start);
	assert_int_equal(m->v[i].end, end);
	assert_int_equal(m->v[i].type, type);
}

/* ---- numbers ---- */

static void test_parse_u64(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint64_t v;
	} rows[] = {
		/* Hex as sysfs prints it (/sys/firmware/memmap, the EFI runtime
		 * map): the 0x must be skipped before the digits are read, whatever
		 * order the compiler evaluates arguments in (a clang build). */
		{ "0x1000\n", 0, 0x1000 },
		{ "0x1000", 0, 0x1000 },
		{ "0x7fb7e014\n", 0, 0x7fb7e014 },
		{ "\t0x0\r\n", 0, 0 },
		{ "0xA", 0, 0xa },
		{ " 42 ", 0, 42 },
		{ "007", 0, 7 },
		{ "0x 1", -EINVAL, 0 },
		{ "0xg", -EINVAL, 0 },
		{ "0x0x1", -EINVAL, 0 },
		{ "x10", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ "0x1\n2", -EINVAL, 0 },
		{ "0x00000000000000001", 0, 1 },
		{ "0x1ffffffffffffffff", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "4096\n", 0, 4096 },
		{ "  0XfFfF  ", 0, 0xffff },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "\n", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "0x\n", -EINVAL, 0 },
		{ "12ab", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "1 2", -EINVAL, 0 },
		{ "0", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = 0;

		print_message("u64: '%s'\n", rows[i].in);
		assert_int_equal(kx_parse_u64(rows[i].in, strlen(rows[i].in), &v), rows[i].ret);
		if (rows[i].ret == 0)
			assert_int_equal(v, rows[i].v);
	}
}

/* ---- /proc/iomem ---- */

static const char iomem_bios[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-000fffff : Reserved\n"
	"  000a0000-000bffff : PCI Bus 0000:00\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-bffdffff : System RAM\n"
	"  01000000-01e00fff : Kernel code\n"
	"  2b000000-32ffffff : Crash kernel\n"
	"bffe0000-bfffffff : Reserved\n"
	"c0000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:02.0\n"
	"fec00000-fec003ff : IOAPIC 0\n"
	"fed00000-fed003ff : HPET 0\n"
	"feffc000-feffffff : reserved\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-23fffffff : System RAM\n"
	"240000000-2bfffffff : PCI Bus 0000:00\n";

static void test_iomem_bios(void **state)
{
	struct kx_iomem io;

	assert_int_equal(kx_iomem_parse(iomem_bios, strlen(iomem_bios), &io), 0);
	assert_false(io.all_zero);
	assert_int_equal(io.top.n, 8);
	expect_region(&io.top, 0, 0, 0x1000, KX_MEM_RESERVED);
	expect_region(&io.top, 1, 0x1000, 0x9fc00, KX_MEM_RAM);
	expect_region(&io.top, 2, 0x9fc00, 0x100000, KX_MEM_RESERVED);
	expect_region(&io.top, 3, 0x100000, 0xbffe0000, KX_MEM_RAM);
	expect_region(&io.top, 4, 0xbffe0000, 0xc0000000, KX_MEM_RESERVED);
	expect_region(&io.top, 5, 0xfeffc000, 0xff000000, KX_MEM_RESERVED); /* "reserved" */
	expect_region(&io.top, 6, 0xfffc0000, 0x100000000, KX_MEM_RESERVED);
	expect_region(&io.top, 7, 0x100000000, 0x240000000, KX_MEM_RAM);
	assert_int_equal(io.ram.n, 3);
	assert_int_equal(io.crash.n, 1);
	expect_region(&io.crash, 0, 0x2b000000, 0x33000000, KX_MEM_CRASH);
	kx_iomem_free(&io);
}

static void test_iomem_nonroot_zeros(void **state)
{
	static const char zeros[] =
		"00000000-00000000 : Reserved\n"
		"00000000-00000000 : System RAM\n"
		"  00000000-00000000 : Kernel code\n"
		"  00000000-00000000 : Crash kernel\n"
		"00000000-00000000 : PCI Bus 0000:00\n";
	struct kx_iomem io;

	assert_int_equal(kx_iomem_parse(zeros, strlen(zeros), &io), 0);
	assert_true(io.all_zero);
	assert_int_equal(io.top.n, 0);
	assert_int_equal(io.ram.n, 0);
	assert_int_equal(io.crash.n, 0);
	kx_iomem_free(&io);
}

static void test_iomem_odd(void **state)
{
	static const struct {
		const char *in;
		int ret;
		size_t ram_n;
		const char *msg;
	} rows[] = {
		{ "", 0, 0, NULL },
		{ "\n\n", 0, 0, NULL },
		{ "00001000-0009ffff : System RAM", 0, 1, NULL },  /* no final newline */
		{ "00001000-0009ffff : System RAM\r\n", 0, 1, NULL },
		{ "garbage\n", -EINVAL, 0, "iomem: line 1: expected start-end" },
		{ "00001000-0009ffff : System RAM\n0000-\n", -EINVAL, 0, "iomem: line 2" },
		{ "00001000 : System RAM\n", -EINVAL, 0, "line 1: expected start-end" },
		{ "00001000-0009ffff System RAM\n", -EINVAL, 0, "expected \" : \"" },
		{ "00002000-00001000 : System RAM\n", -EINVAL, 0, "before start" },
		{ "10000000000000000-10000000000000001 : System RAM\n", -ERANGE, 0,
		  "address too large" },
		{ "ffffffffffff0000-ffffffffffffffff : System RAM\n", 0, 1, NULL },
		{ "00001000-0009ffff : \n", 0, 0, NULL }, /* empty name */
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kx_iomem io;

		print_message("iomem: %s\n", rows[i].in);
		kx_err_clear();
		assert_int_equal(kx_iomem_parse(rows[i].in, strlen(rows[i].in), &io), rows[i].ret);
		assert_int_equal(io.ram.n, rows[i].ram_n);
		if (rows[i].msg)
			assert_non_null(strstr(kx_errmsg(), rows[i].msg));
		kx_iomem_free(&io);
	}
}

/* ---- console= ---- */

static void test_console(void **state)
{
	static const struct {
		const char *cmdline;
		bool serial;
		uint16_t port;
		uint32_t baud;
		bool vga;
	} rows[] = {
		{ "", false, 0, 0, false },
		{ "quiet root=/dev/sda1", false, 0, 0, false },
		{ "console=ttyS0", true, 0x3f8, 0, false },
		{ "console=ttyS1,115200n8", true, 0x2f8, 115200, false },
		{ "console=ttyS2,9600", true, 0x3e8, 9600, false },
		{ "console=ttyS3,38400n8r", true, 0x2e8, 38400, false },
		{ "console=ttyS0,9600 console=ttyS1,115200", true, 0x2f8, 115200, false },
		{ "console=ttyS1,115200 console=tty0", true, 0x2f8, 115200, true },
		{ "console=tty0", false, 0, 0, true },
		{ "console=tty1", false, 0, 0, true },
		{ "console=ttyS4,115200", false, 0, 0, false },        /* not a legacy port */
		{ "console=ttyS0 console=ttyS7", true, 0x3f8, 0, false },
		{ "console=uart8250,io,0x3f8,115200n8", true, 0x3f8, 115200, false },
		{ "console=uart,io,0x2f8", true, 0x2f8, 0, false },
		{ "console=uart8250,io,1016,57600", true, 0x3f8, 57600, false },
		{ "console=uart8250,mmio,0xfe000000,115200", false, 0, 0, false },
		{ "console=uart,mmio32,0xfe000000", false, 0, 0, false },
		{ "console=uart8250,io,0x10000,115200", false, 0, 0, false }, /* not 16-bit */
		{ "console=uart8250,io,", false, 0, 0, false },
		{ "console=uart8250,io", false, 0, 0, false },
		{ "console=uart8250", false, 0, 0, false },
		{ "console=", false, 0, 0, false },
		{ "console", false, 0, 0, false },
		{ "console=ttyS", false, 0, 0, false },
		{ "console=ttyS0,", true, 0x3f8, 0, false },             /* trailing comma */
		{ "console=ttyS0,,,", true, 0x3f8, 0, false },
		{ "console=ttyS0,99999999999999999999", true, 0x3f8, 0, false }, /* huge baud */
		{ "console=ttyS99999999999999999999999", false, 0, 0, false },
		{ "console=ttyS0x", false, 0, 0, false },
		{ "console=\"ttyS1,115200\"", true, 0x2f8, 115200, false },
		{ "\"console=ttyS2,9600\"", true, 0x3e8, 9600, false },
		{ "foo=\"a b console=ttyS1\" console=ttyS0", true, 0x3f8, 0, false },
		{ "console=ttyS0 -- console=ttyS1", true, 0x3f8, 0, false }, /* init's args */
		{ "console=ttyUSB0,115200 console=hvc0 console=null", false, 0, 0, false },
		{ "console=tty", false, 0, 0, false },
		{ "console=ttyx", false, 0, 0, false },
		{ "\tconsole=ttyS1\n", true, 0x2f8, 0, false },
		{ "\"", false, 0, 0, false },
		{ "console=\"", false, 0, 0, false },
		{ "xconsole=ttyS0 consolex=ttyS1", false, 0, 0, false },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kx_console c;

		print_message("console: %s\n", rows[i].cmdline);
		kx_console_parse(rows[i].cmdline, strlen(rows[i].cmdline), &c);
		assert_int_equal(c.serial, rows[i].serial);
		assert_int_equal(c.port, rows[i].port);
		assert_int_equal(c.baud, rows[i].baud);
		assert_int_equal(c.vga, rows[i].vga);
	}
}

/* ---- EFI systab, meminfo, guess map ---- */

static void test_efi_systab(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint64_t acpi20, smbios;
	} rows[] = {
		{ "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS=0x7f9cb000\n", 0, 0x7fb7e014,
		  0x7f9cb000 },
		{ "ACPI=0x7fb7e000\nSMBIOS3=0x7f9ca000\nSMBIOS=0x7f9cb000\n", 0, 0x7fb7e000,
		  0x7f9ca000 },
		{ "SMBIOS=0x7f9cb000\nSMBIOS3=0x7f9ca000\n", 0, 0, 0x7f9ca000 },
		{ "", 0, 0, 0 },
		{ "MPS=0xfc9e0\nHCDP=0x1\nBOOTINFO=zzz\nnoequals\n", 0, 0, 0 },
		{ "ACPI20=nonsense\n", -EINVAL, 0, 0 },
		{ "ACPI20=0x1", 0, 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t a = 1, s = 1;

		assert_int_equal(kx_efi_systab_parse(rows[i].in, strlen(rows[i].in), &a, &s),
				 rows[i].ret);
		if (rows[i].ret == 0) {
			assert_int_equal(a, rows[i].acpi20);
			assert_int_equal(s, rows[i].smbios);
		}
	}
}

static void test_guess_map(void **state)
{
	struct kx_memmap m;
	uint64_t total;
	static const char meminfo[] = "MemTotal:        2048000 kB\nMemFree:  1 kB\n";

	assert_int_equal(kx_meminfo_parse(meminfo, strlen(meminfo), &total), 0);
	assert_int_equal(total, 2048000ull * 1024);
	assert_int_equal(kx_meminfo_parse("MemFree: 1 kB\n", 14, &total), -ENOENT);
	assert_int_equal(kx_meminfo_parse("MemTotal: lots\n", 15, &total), -EINVAL);

	assert_int_equal(kx_guess_pc_map(512 * MIB, &m), 0);
	assert_int_equal(m.n, 3);
	expect_region(&m, 0, 0x1000, 0x9f000, KX_MEM_RAM);
	expect_region(&m, 1, 0x9f000, 0x100000, KX_MEM_RESERVED);
	expect_region(&m, 2, 0x100000, 513 * MIB, KX_MEM_RAM);
	kx_memmap_free(&m);

	/* 8 GiB: 3 GiB below the PCI hole, the other 5 GiB + 1 MiB from 4 GiB. */
	assert_int_equal(kx_guess_pc_map(8 * GIB, &m), 0);
	assert_int_equal(m.n, 4);
	expect_region(&m, 2, 0x100000, 3 * GIB, KX_MEM_RAM);
	expect_region(&m, 3, 4 * GIB, 9 * GIB + MIB, KX_MEM_RAM);
	kx_memmap_free(&m);

	assert_int_equal(kx_guess_pc_map(UINT64_MAX, &m), 0);
	kx_memmap_free(&m);
	assert_int_equal(kx_guess_pc_map(0, &m), 0);
	assert_int_equal(m.n, 2);
	kx_memmap_free(&m);
}

/* ---- kx_facts_read on fake trees ---- */

static void test_facts_bios_tree(void **state)
{
	const char *root = *state;
	uint8_t bp[4096];
	struct kx_facts f;

	memset(bp, 0xab, sizeof(bp));
	tree_memmap_entry(root, 0, 0, 0x9fbff, "System RAM");
	tree_memmap_entry(root, 1, 0x9fc00, 0x9ffff, "Reserved");
	tree_memmap_entry(root, 2, 0xf0000, 0xfffff, "Reserved");
	tree_memmap_entry(root, 3, 0x100000, 0xbffdffff, "System RAM");
	tree_memmap_entry(root, 4, 0xbffe0000, 0xbfffffff, "Reserved");
	tree_memmap_entry(root, 5, 0xfeffc000, 0xfeffffff, "Reserved");
	tree_memmap_entry(root, 6, 0xfffc0000, 0xffffffff, "Reserved");
	tree_memmap_entry(root, 7, 0x7ffe0000, 0x7fffffff, "ACPI Tables"); /* sorted by start */
	tree_memmap_entry(root, 10, 0x100000000, 0x23fffffff, "System RAM");
	tree_memmap_entry(root, 11, 0x300000000, 0x3000fffff, "Something New");
	tree_write(root, "proc/iomem", iomem_bios);
	tree_write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0,115200n8\n");
	tree_write_len(root, "sys/kernel/boot_params/data", bp, sizeof(bp));

	assert_int_equal(kx_facts_read(root, &f), 0);
	assert_false(f.map_is_guess);
	assert_false(f.efi.present);
	assert_string_equal(f.cmdline, "BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0,115200n8");
	assert_true(f.console.serial);
	assert_int_equal(f.console.port, 0x3f8);
	assert_int_equal(f.console.baud, 115200);
	assert_int_equal(f.arch.boot_params_len, 4096);
	assert_memory_equal(f.arch.boot_params, bp, sizeof(bp));

	/* The firmware map comes from /sys/firmware/memmap: entry 10 after 7. */
	assert_int_equal(f.firmware_map.n, 10);
	expect_region(&f.firmware_map, 0, 0, 0x9fc00, KX_MEM_RAM);
	expect_region(&f.firmware_map, 4, 0x7ffe0000, 0x80000000, KX_MEM_ACPI);
	expect_region(&f.firmware_map, 8, 0x100000000, 0x240000000, KX_MEM_RAM);
	expect_region(&f.firmware_map, 9, 0x300000000, 0x300100000, KX_MEM_RESERVED);

	/* RAM is /proc/iomem's System RAM without the crash kernel. */
	assert_int_equal(f.crash.n, 1);
	expect_region(&f.crash, 0, 0x2b000000, 0x33000000, KX_MEM_CRASH);
	assert_int_equal(f.ram.n, 4);
	expect_region(&f.ram, 0, 0x1000, 0x9fc00, KX_MEM_RAM);
	expect_region(&f.ram, 1, 0x100000, 0x2b000000, KX_MEM_RAM);
	expect_region(&f.ram, 2, 0x33000000, 0xbffe0000, KX_MEM_RAM);
	expect_region(&f.ram, 3, 0x100000000, 0x240000000, KX_MEM_RAM);
	kx_facts_free(&f);
	assert_null(f.cmdline);
}

static void test_facts_uefi_tree(void **state)
{
	const char *root = *state;
	struct kx_facts f;
	int i;

	/* No /sys/firmware/memmap: the top level of /proc/iomem is the map. */
	tree_write(root, "proc/iomem",
		   "00000000-00000fff : Reserved\n"
		   "00001000-0009ffff : System RAM\n"
		   "00100000-007fffff : System RAM\n"
		   "00800000-00807fff : ACPI Non-volatile Storage\n"
		   "00808000-7e8eefff : System RAM\n"
		   "  5b000000-6affffff : Crash kernel\n"
		   "7e8ef000-7e9eefff : Reserved\n"
		   "7e9ef000-7eb9efff : ACPI Tables\n"
		   "100000000-17fffffff : System RAM\n");
	tree_write(root, "proc/cmdline", "root=/dev/vda2 console=tty0 console=ttyS1,9600\n");
	tree_write(root, "sys/firmware/efi/fw_vendor", "0x7f6b5018\n");
	tree_write(root, "sys/firmware/efi/runtime", "0x7e9e8b98\n");
	tree_write(root, "sys/firmware/efi/config_table", "0x7f5a0918\n");
	tree_write(root, "sys/firmware/efi/systab",
		   "ACPI20=0x7eb7e014\nACPI=0x7eb7e000\nSMBIOS=0x7e9cb000\nSMBIOS3=0x7e9ca000\n");
	/* Twelve entries: "10" and "11" sort after "9". */
	for (i = 0; i < 12; i++) {
		char rel[128], val[64];
		static const char *const fields[] = { "type", "phys_addr", "virt_addr",
						      "num_pages", "attribute" };
		size_t k;

		for (k = 0; k < 5; k++) {
			snprintf(rel, sizeof(rel), "sys/firmware/efi/runtime-map/%d/%s", i,
				 fields[k]);
			snprintf(val, sizeof(val), "0x%x\n", k == 0 ? 5 + (i & 1) : i * 0x1000 + (int)k);
			tree_write(root, rel, val);
		}
	}

	assert_int_equal(kx_facts_read(root, &f), 0);
	assert_false(f.map_is_guess);
	assert_true(f.efi.present);
	assert_int_equal(f.efi.fw_vendor, 0x7f6b5018);
	assert_int_equal(f.efi.runtime, 0x7e9e8b98);
	assert_int_equal(f.efi.config_table, 0x7f5a0918);
	assert_int_equal(f.efi.acpi20, 0x7eb7e014);
	assert_int_equal(f.efi.smbios, 0x7e9ca000);
	assert_int_equal(f.efi.map_n, 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(f.efi.map[i].type, 5 + (i & 1));
		assert_int_equal(f.efi.map[i].phys_addr, i * 0x1000 + 1);
		assert_int_equal(f.efi.map[i].virt_addr, i * 0x1000 + 2);
		assert_int_equal(f.efi.map[i].num_pages, i * 0x1000 + 3);
		assert_int_equal(f.efi.map[i].attribute, i * 0x1000 + 4);
	}
	assert_null(f.arch.boot_params);
	assert_true(f.console.vga);
	assert_true(f.console.serial);
	assert_int_equal(f.console.port, 0x2f8);

	assert_int_equal(f.firmware_map.n, 8);
	expect_region(&f.firmware_map, 3, 0x800000, 0x808000, KX_MEM_NVS);
	expect_region(&f.firmware_map, 7, 0x100000000, 0x180000000, KX_MEM_RAM);
	assert_int_equal(f.ram.n, 5);
	expect_region(&f.ram, 2, 0x808000, 0x5b000000, KX_MEM_RAM);
	expect_region(&f.ram, 3, 0x6b000000, 0x7e8ef000, KX_MEM_RAM);
	kx_facts_free(&f);
}

static void test_facts_nothing_readable(void **state)
{
	const char *root = *state;
	struct kx_facts f;

	/* What a user without root sees: zeros in /proc/iomem, and
	 * /sys/firmware/memmap absent (its files are root-only). */
	tree_write(root, "proc/iomem",
		   "00000000-00000000 : Reserved\n"
		   "00000000-00000000 : System RAM\n"
		   "  00000000-00000000 : Crash kernel\n");
	tree_write(root, "proc/meminfo", "MemTotal:        4194304 kB\nMemFree: 1000 kB\n");
	tree_write(root, "proc/cmdline", "quiet\n");

	assert_int_equal(kx_facts_read(root, &f), 0);
	assert_true(f.map_is_guess);
	assert_int_equal(f.firmware_map.n, 4);
	expect_region(&f.firmware_map, 2, 0x100000, 3 * GIB, KX_MEM_RAM);
	expect_region(&f.firmware_map, 3, 4 * GIB, 5 * GIB + MIB, KX_MEM_RAM);
	assert_int_equal(f.ram.n, 3);
	assert_int_equal(f.crash.n, 0);
	assert_false(f.console.serial);
	kx_facts_free(&f);
}

static void test_facts_errors_name_the_file(void **state)
{
	const char *root = *state;
	struct kx_facts f;

	tree_memmap_entry(root, 0, 0, 0x9fbff, "System RAM");
	tree_write(root, "sys/firmware/memmap/3/start", "0x100000\n");
	tree_write(root, "sys/firmware/memmap/3/end", "lots\n");
	tree_write(root, "sys/firmware/memmap/3/type", "System RAM\n");
	assert_int_equal(kx_facts_read(root, &f), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "memmap: "));
	assert_non_null(strstr(kx_errmsg(), "/sys/firmware/memmap/3/end: not a number"));
	assert_null(f.cmdline);

	/* Fixed, but no /proc/cmdline: an error naming it. */
	tree_write(root, "sys/firmware/memmap/3/end", "0x7fffffff\n");
	assert_int_equal(kx_facts_read(root, &f), -ENOENT);
	assert_non_null(strstr(kx_errmsg(), "/proc/cmdline"));

	tree_write(root, "proc/cmdline", "quiet\n");
	tree_write(root, "sys/kernel/boot_params/data", "short");
	assert_int_equal(kx_facts_read(root, &f), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "boot_params/data: 5 bytes, expected 4096"));
}

static void test_facts_no_maps_no_meminfo(void **state)
{
	const char *root = *state;
	struct kx_facts f;

	tree_write(root, "proc/cmdline", "quiet\n");
	assert_int_equal(kx_facts_read(root, &f), -ENOENT);
	assert_non_null(strstr(kx_errmsg(), "/proc/meminfo"));
}

static void test_read_file_cap(void **state)
{
	const char *root = *state;
	uint8_t *buf;
	size_t len;
	char big[10000];

	memset(big, 'x', sizeof(big));
	tree_write_len(root, "big", big, sizeof(big));
	assert_int_equal(kx_read_file(root, "/big", sizeof(big), &buf, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_int_equal(buf[len], '\0');
	free(buf);
	assert_int_equal(kx_read_file(root, "/big", sizeof(big) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	tree_write(root, "empty", "");
	assert_int_equal(kx_read_file(root, "/empty", 100, &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);
}

/* A FIFO (or device) in the tree is refused at once: open() without
 * O_NONBLOCK would wait for a writer forever. */
static void test_read_file_not_regular(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	uint8_t *buf;
	size_t len;

	tree_mkdirs(root, "proc");
	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(kx_read_file(root, "/proc/cmdline", 100, &buf, &len), -EINVAL);
	assert_null(buf);
	assert_non_null(strstr(kx_errmsg(), "not a regular file"));
	assert_int_equal(kx_read_file(root, "/proc", 100, &buf, &len), -EISDIR);
}

static void test_path_join(void **state)
{
	char buf[64];

	assert_int_equal(kx_path_join(buf, sizeof(buf), "/", "/proc/iomem"), 0);
	assert_string_equal(buf, "/proc/iomem");
	assert_int_equal(kx_path_join(buf, sizeof(buf), "/tmp/x/", "/proc/iomem"), 0);
	assert_string_equal(buf, "/tmp/x/proc/iomem");
	assert_int_equal(kx_path_join(buf, sizeof(buf), "", "proc"), 0);
	assert_string_equal(buf, "/proc");
	assert_int_equal(kx_path_join(buf, 8, "/tmp/x", "/proc/iomem"), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_iomem_bios),
		cmocka_unit_test(test_iomem_nonroot_zeros),
		cmocka_unit_test(test_iomem_odd),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_efi_systab),
		cmocka_unit_test(test_guess_map),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test_setup_teardown(test_read_file_cap, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_read_file_not_regular, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_facts_bios_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_facts_uefi_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_facts_nothing_readable, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_facts_errors_name_the_file, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_facts_no_maps_no_meminfo, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
