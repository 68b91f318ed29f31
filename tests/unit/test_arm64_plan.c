/* SPDX-License-Identifier: MIT */
/* arm64 only: the Image format's placement (a 2 MiB-aligned base in RAM,
 * the Image text_offset above it, image_size free from there), one row per
 * memory layout, and the whole build: the initrd, the DTB (its /chosen) and
 * what purgatory is told. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "arch/arm64/image.h"
#include "arm64_fixture.h"
#include "core/bytes.h"
#include "core/err.h"
#include "lib/build.h"

#define M1 0x100000ull
#define M2 0x200000ull
#define G1 0x40000000ull

static const struct place_row {
	const char *name;
	uint64_t ram_start, ram_end;   /* one RAM range */
	uint64_t mem_min;
	uint64_t text_offset, image_size;
	int ret;
	uint64_t want_mem;             /* where the Image's first byte goes */
} place_rows[] = {
	/* QEMU virt: RAM at 1 GiB; a 6.12 kernel's text_offset is 0. */
	{ "virt RAM, text_offset 0", G1, 2 * G1, 0, 0, 8 * M1, 0, G1 },
	{ "text_offset 0x80000", G1, 2 * G1, 0, 0x80000, 8 * M1, 0, G1 + 0x80000 },
	{ "RAM start not 2 MiB aligned", G1 + M1, 2 * G1, 0, 0, 8 * M1, 0, G1 + M2 },
	{ "--mem-min", G1, 2 * G1, G1 + 3 * M1, 0x80000, 8 * M1, 0, G1 + 2 * M2 + 0x80000 },
	{ "exactly fits", G1, G1 + 8 * M1, 0, 0, 8 * M1, 0, G1 },
	{ "text_offset makes it not fit", G1, G1 + 8 * M1, 0, 0x80000, 8 * M1, -ENOMEM, 0 },
	{ "RAM too small", G1, G1 + 4 * M1, 0, 0, 8 * M1, -ENOMEM, 0 },
};

static uint8_t *image_of(uint64_t text_offset, uint64_t image_size, size_t len)
{
	uint8_t *b = calloc(1, len);

	kx_put64(b + KX_ARM64_HDR_TEXT_OFFSET, text_offset);
	kx_put64(b + KX_ARM64_HDR_IMAGE_SIZE, image_size);
	kx_put64(b + KX_ARM64_HDR_FLAGS, 0xa);
	memcpy(b + KX_ARM64_HDR_MAGIC, KX_ARM64_MAGIC, KX_ARM64_MAGIC_SIZE);
	return b;
}

static uint8_t *virt_tree(size_t *len, const char *method);

/* The kernel's place; the DTB goes to a second RAM range above. */
static void test_placement(void **state)
{
	for (size_t i = 0; i < sizeof(place_rows) / sizeof(place_rows[0]); i++) {
		const struct place_row *r = &place_rows[i];
		struct kx_memmap ram = { 0 };
		struct kx_load_opts o = { .cmdline = "" };
		struct kx_facts f = { 0 };
		struct kx_plan p;
		uint8_t *img = image_of(r->text_offset, r->image_size, 4096);
		int ret;

		print_message("%s\n", r->name);
		f.arch.fdt = virt_tree(&f.arch.fdt_len, "hvc");
		assert_int_equal(kx_memmap_add(&ram, r->ram_start, r->ram_end, KX_MEM_RAM), 0);
		assert_int_equal(kx_memmap_add(&ram, 4 * G1, 4 * G1 + M2, KX_MEM_RAM), 0);
		assert_int_equal(kx_plan_init(&p, &ram, r->mem_min, 0), 0);
		kx_err_clear();
		ret = kx_format_arm64_image.plan(img, 4096, &o, &f, &p);
		if (ret < 0)
			print_message("  %s\n", kx_errmsg());
		assert_int_equal(ret < 0 ? -ENOMEM : 0, r->ret);
		if (ret == 0) {
			assert_int_equal(p.n, 2);
			assert_int_equal(p.seg[1].role, KX_ROLE_BOOT_INFO);
			assert_int_equal(p.seg[0].mem, r->want_mem);
			assert_int_equal((p.seg[0].mem - r->text_offset) % M2, 0);
			assert_true(p.seg[0].memsz >= r->image_size);
			assert_true(p.seg[0].mem + p.seg[0].memsz <= r->ram_end);
			assert_int_equal(p.handoff.pc, r->want_mem);
			assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX_ARM64);
		} else {
			assert_non_null(strstr(kx_errmsg(), "Image: no 2 MiB-aligned room"));
		}
		kx_plan_free(&p);
		kx_memmap_free(&ram);
		free(img);
		free(f.arch.fdt);
	}
}

/* A QEMU virt-like tree: 2/2 cells, a PL011 console through an alias,
 * PSCI over hvc, memory at 1 GiB, and a /chosen from the boot that is
 * ending (an old initrd, old bootargs, the EFI stub's linux,uefi-*). */
#define UART_BASE 0x9000000ull
static uint8_t *virt_tree(size_t *len, const char *method)
{
	size_t size = 8192;
	uint8_t *t = malloc(size);
	uint64_t mem[2] = { cpu_to_fdt64(G1), cpu_to_fdt64(G1) };
	uint64_t uart[2] = { cpu_to_fdt64(UART_BASE), cpu_to_fdt64(0x1000) };
	int chosen, n;

	assert_int_equal(fdt_create_empty_tree(t, (int)size), 0);
	assert_int_equal(fdt_setprop_u32(t, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(t, 0, "#size-cells", 2), 0);
	n = fdt_add_subnode(t, 0, "pl011@9000000");
	assert_true(n >= 0);
	assert_int_equal(fdt_setprop(t, n, "compatible", "arm,pl011\0arm,primecell", 23), 0);
	assert_int_equal(fdt_setprop(t, n, "reg", uart, sizeof(uart)), 0);
	n = fdt_add_subnode(t, 0, "psci");
	assert_int_equal(fdt_setprop(t, n, "compatible", "arm,psci-1.0\0arm,psci-0.2", 26), 0);
	assert_int_equal(fdt_setprop_string(t, n, "method", method), 0);
	n = fdt_add_subnode(t, 0, "memory@40000000");
	assert_int_equal(fdt_setprop_string(t, n, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop(t, n, "reg", mem, sizeof(mem)), 0);
	n = fdt_add_subnode(t, 0, "aliases");
	assert_int_equal(fdt_setprop_string(t, n, "serial0", "/pl011@9000000"), 0);
	chosen = fdt_add_subnode(t, 0, "chosen");
	assert_int_equal(fdt_setprop_string(t, chosen, "stdout-path", "serial0:115200n8"), 0);
	assert_int_equal(fdt_setprop_string(t, chosen, "bootargs", "old"), 0);
	assert_int_equal(fdt_setprop_u64(t, chosen, "linux,initrd-start", 0x48000000), 0);
	assert_int_equal(fdt_setprop_u64(t, chosen, "linux,initrd-end", 0x48100000), 0);
	assert_int_equal(fdt_setprop_u64(t, chosen, "linux,elfcorehdr", 0x1), 0);
	assert_int_equal(fdt_setprop_u64(t, chosen, "linux,uefi-system-table", 0x5bcd0018), 0);
	assert_int_equal(fdt_setprop_u32(t, chosen, "linux,uefi-mmap-size", 0x1230), 0);
	assert_int_equal(fdt_pack(t), 0);
	*len = fdt_totalsize(t);
	return t;
}

static const void *chosen_prop(const uint8_t *dtb, const char *name, int *len)
{
	return fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), name, len);
}

static const struct kx_segment *seg_of(const struct kx_plan *p, enum kx_seg_role role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role == role)
			return &p->seg[i];
	return NULL;
}

/* The whole build: the Image, the initrd, the DTB and purgatory; what the
 * DTB's /chosen says and what purgatory is told. */
static void test_build_image_plan(void **state)
{
	static const uint8_t initrd[5000] = { 1, 2, 3 };
	static const char *const methods[] = { "hvc", "smc" };
	size_t tlen;

	for (size_t m = 0; m < 2; m++) {
		uint8_t *tree = virt_tree(&tlen, methods[m]);
		struct kx_load_opts o = { .cmdline = "console=ttyAMA0 kx=1", .initrd = initrd,
					  .initrd_len = sizeof(initrd) };
		struct kx_facts f = { .arch = { .fdt = tree, .fdt_len = tlen, .have_seed = true } };
		const struct kx_segment *k, *i, *d;
		uint8_t *img = image_of(0, 8 * M1, 4096);
		struct kx_plan p;
		const uint8_t *dtb;
		const char *s;
		int len;

		memset(f.arch.kaslr_seed, 0xab, sizeof(f.arch.kaslr_seed));
		memset(f.arch.rng_seed, 0xcd, sizeof(f.arch.rng_seed));
		assert_int_equal(kx_memmap_add(&f.ram, G1, 2 * G1, KX_MEM_RAM), 0);
		kx_err_clear();
		assert_int_equal(kx_build_plan(img, 4096, &o, &f, &p), 0);
		k = seg_of(&p, KX_ROLE_KERNEL);
		i = seg_of(&p, KX_ROLE_INITRD);
		d = seg_of(&p, KX_ROLE_BOOT_INFO);
		assert_non_null(k);
		assert_non_null(i);
		assert_non_null(d);
		assert_int_equal(k->mem, G1);
		assert_true(i->mem >= k->mem + k->memsz);
		assert_true(d->mem >= k->mem + k->memsz);
		assert_int_equal(d->mem % M2, 0);
		assert_int_equal(p.handoff.x0, d->mem);
		assert_int_equal(p.handoff.pc, G1);
		assert_int_equal(p.handoff.uart_type, KX_PURG_UART_PL011);
		assert_int_equal(p.handoff.uart_base, UART_BASE);
		assert_int_equal(p.handoff.psci, m ? KX_PURG_PSCI_SMC : KX_PURG_PSCI_HVC);
		/* Purgatory is told the same, and to print. */
		assert_int_equal(p.purg_params->arch.x0, d->mem);
		assert_int_equal(p.purg_params->arch.pc, G1);
		assert_int_equal(p.purg_params->arch.uart_base, UART_BASE);
		assert_int_equal(p.purg_params->arch.psci_conduit, p.handoff.psci);
		assert_true(p.purg_params->flags & KX_PURG_F_SERIAL);
		assert_int_equal(p.purg_params->nr_regions, 3);

		dtb = d->buf;
		assert_int_equal(fdt_check_full(dtb, d->bufsz), 0);
		s = chosen_prop(dtb, "bootargs", &len);
		assert_string_equal(s, o.cmdline);
		assert_int_equal(fdt64_to_cpu(*(const fdt64_t *)chosen_prop(dtb, "linux,initrd-start",
									 &len)), i->mem);
		assert_int_equal(fdt64_to_cpu(*(const fdt64_t *)chosen_prop(dtb, "linux,initrd-end",
									 &len)), i->mem + sizeof(initrd));
		assert_memory_equal(chosen_prop(dtb, "kaslr-seed", &len), f.arch.kaslr_seed, 8);
		assert_int_equal(len, 8);
		assert_memory_equal(chosen_prop(dtb, "rng-seed", &len), f.arch.rng_seed, 64);
		assert_null(chosen_prop(dtb, "linux,elfcorehdr", &len));
		assert_null(chosen_prop(dtb, "linux,usable-memory-range", &len));
		assert_non_null(chosen_prop(dtb, "linux,uefi-system-table", &len));
		assert_non_null(chosen_prop(dtb, "linux,uefi-mmap-size", &len));
		assert_string_equal(chosen_prop(dtb, "stdout-path", &len), "serial0:115200n8");
		kx_plan_free(&p);
		kx_memmap_free(&f.ram);
		free(img);
		free(tree);
	}
}

/* Without a tree (not root, no --dtb) or with a damaged one: a message
 * that says what to do, and no plan. */
static void test_build_bad_or_no_tree(void **state)
{
	struct kx_load_opts o = { .cmdline = "" };
	struct kx_facts f = { 0 };
	uint8_t *img = image_of(0, 8 * M1, 4096);
	struct kx_plan p;
	size_t tlen;
	uint8_t *tree = virt_tree(&tlen, "hvc");

	assert_int_equal(kx_memmap_add(&f.ram, G1, 2 * G1, KX_MEM_RAM), 0);
	kx_err_clear();
	assert_int_equal(kx_build_plan(img, 4096, &o, &f, &p), -ENOENT);
	assert_non_null(strstr(kx_errmsg(), "--dtb=FILE"));
	/* A structure block cut short: fdt_check_full finds it. */
	kx_put64(tree + 36, 0); /* size_dt_struct = 0 and size_dt_strings' high half */
	tree[40 - 4] = 0;
	o.dtb = tree;
	o.dtb_len = tlen;
	kx_err_clear();
	assert_true(kx_build_plan(img, 4096, &o, &f, &p) < 0);
	assert_non_null(strstr(kx_errmsg(), "--dtb"));
	kx_memmap_free(&f.ram);
	free(tree);
	free(img);
}

/* The fixture kernel, as Image.gz and as zboot, gives the same plan. */
static void test_build_fixture(void **state)
{
	static const char *const files[] = { "vmlinuz.efi", "Image.gz" };
	struct kx_load_opts o = { .cmdline = "console=ttyAMA0" };
	struct kx_facts f = { 0 };
	size_t tlen;

	f.arch.fdt = virt_tree(&tlen, "hvc");
	f.arch.fdt_len = tlen;
	assert_int_equal(kx_memmap_add(&f.ram, G1, 2 * G1, KX_MEM_RAM), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct kx_plan p;
		size_t len;
		uint8_t *img = arm64fix_read(files[i], &len);

		if (!img)
			skip();
		kx_err_clear();
		assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
		assert_string_equal(p.format, "Image");
		/* zboot's payload is padded to image_size; Image.gz's is the file. */
		assert_true(seg_of(&p, KX_ROLE_KERNEL)->bufsz >= ARM64FIX_IMAGE_SIZE);
		assert_non_null(seg_of(&p, KX_ROLE_BOOT_INFO));
		kx_plan_free(&p);
		free(img);
	}
	kx_memmap_free(&f.ram);
	free(f.arch.fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_build_image_plan),
		cmocka_unit_test(test_build_bad_or_no_tree),
		cmocka_unit_test(test_build_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
