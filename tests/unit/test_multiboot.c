/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "arch/x86_64/mbinfo.h"
#include "arch/x86_64/multiboot.h"
#include "mb_fixture.h"

#define IMG_SIZE 0x3000

static void put_header(uint8_t *img, size_t off, uint32_t flags, uint32_t checksum_delta)
{
	put32(img + off, MB1_HEADER_MAGIC);
	put32(img + off + 4, flags);
	put32(img + off + 8, (uint32_t)(0u - MB1_HEADER_MAGIC - flags) + checksum_delta);
}

struct find_row {
	const char *name;
	size_t off;
	uint32_t flags;
	uint32_t checksum_delta;
	int want;
};

static void test_find_header(void **state)
{
	static const struct find_row rows[] = {
		{ "at 0", 0, MB1_F_ADDRESS, 0, 0 },
		{ "at 4", 4, MB1_F_ADDRESS, 0, 0 },
		{ "last slot in 8 KiB", 8192 - 32, MB1_F_ADDRESS, 0, 0 },
		{ "past 8 KiB", 8192, MB1_F_ADDRESS, 0, -ENOEXEC },
		{ "misaligned", 6, MB1_F_ADDRESS, 0, -ENOEXEC },
		{ "bad checksum", 16, MB1_F_ADDRESS, 1, -ENOEXEC },
		{ "unknown required flag", 16, MB1_F_ADDRESS | (1u << 3), 0, -EINVAL },
		{ "unknown optional flag", 16, MB1_F_ADDRESS | (1u << 20), 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *img = calloc(1, IMG_SIZE);
		struct mb1_header h;
		int ret;

		put_header(img, rows[i].off, rows[i].flags, rows[i].checksum_delta);
		ret = mb1_find_header(img, IMG_SIZE, &h);
		if (ret != rows[i].want)
			fail_msg("%s: got %d, want %d (%s)", rows[i].name, ret, rows[i].want,
				 kx_errmsg());
		if (!ret)
			assert_int_equal(h.offset, rows[i].off);
		free(img);
	}
}

static void test_header_truncated(void **state)
{
	uint8_t img[20] = { 0 };
	struct mb1_header h;

	(void)state;
	put_header(img, 0, MB1_F_ADDRESS, 0);
	assert_int_equal(mb1_find_header(img, sizeof(img), &h), -EINVAL);
}

/* Address form: header at 0x40 says the file's first byte goes to 1 MiB. */
static uint8_t *make_addr_image(size_t *len)
{
	uint8_t *img = calloc(1, IMG_SIZE);

	put_header(img, 0x40, MB1_F_ADDRESS | MB1_F_PAGE_ALIGN | MB1_F_MEMORY_INFO, 0);
	put32(img + 0x4c, 0x100040);  /* header_addr */
	put32(img + 0x50, 0x100000);  /* load_addr */
	put32(img + 0x54, 0);         /* load_end_addr: whole file */
	put32(img + 0x58, 0x110000);  /* bss_end_addr */
	put32(img + 0x5c, 0x100080);  /* entry_addr */
	memset(img + 0x1000, 0xab, 0x100);
	*len = IMG_SIZE;
	return img;
}

static void test_plan_address_form(void **state)
{
	static const uint8_t mod1[] = "first module";
	static const uint8_t mod2[] = { 1, 2, 3, 4, 5 };
	const struct kx_module mods[] = {
		{ mod1, sizeof(mod1), "/boot/m1 a=1" },
		{ mod2, sizeof(mod2), "/boot/m2" },
	};
	struct kx_load_opts o = { .cmdline = "console=com1", .image_name = "/boot/img",
				  .modules = mods, .n_modules = 2 };
	struct kx_facts f;
	struct kx_plan p;
	const struct kx_segment *k, *info;
	const uint8_t *mi, *e;
	size_t len;
	uint8_t *img = make_addr_image(&len);

	(void)state;
	fixture_facts(&f);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot.plan(img, len, &o, &f, &p), 0);
	k = seg_of(&p, KX_ROLE_KERNEL);
	assert_non_null(k);
	assert_int_equal(k->mem, 0x100000);
	assert_int_equal(k->bufsz, IMG_SIZE);
	assert_int_equal(k->memsz, 0x10000);
	assert_ptr_equal(k->buf, img);
	assert_int_equal(p.handoff.mode, KX_ENTRY_PM32);
	assert_int_equal(p.handoff.regs32.eax, MB1_BOOTLOADER_MAGIC);
	assert_int_equal(p.handoff.regs32.eip, 0x100080);
	info = seg_of(&p, KX_ROLE_BOOT_INFO);
	assert_non_null(info);
	assert_int_equal(p.handoff.regs32.ebx, info->mem);
	assert_true(info->mem >= KX_MIB && info->mem + info->memsz <= KX_4G);

	mi = info->buf;
	assert_int_equal(get32(mi), MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
				       MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME);
	assert_int_equal(get32(mi + 4), 0x9fc00 / 1024);
	assert_int_equal(get32(mi + 8), (RAM_TOP - KX_MIB) / 1024);
	assert_string_equal((const char *)at_phys(&p, get32(mi + 16), 1), "/boot/img console=com1");
	assert_string_equal((const char *)at_phys(&p, get32(mi + 64), 1), "kx");
	/* Modules: each its own page-aligned segment, exclusive mod_end, string. */
	assert_int_equal(get32(mi + 20), 2);
	for (int i = 0; i < 2; i++) {
		const uint8_t *m = at_phys(&p, get32(mi + 24) + 16u * i, 16);
		uint32_t start = get32(m), end = get32(m + 4);

		assert_non_null(m);
		assert_int_equal(start % KX_PAGE_SIZE, 0);
		assert_int_equal(end - start, mods[i].len);
		assert_memory_equal(at_phys(&p, start, mods[i].len), mods[i].data, mods[i].len);
		assert_string_equal((const char *)at_phys(&p, get32(m + 8), 1), mods[i].string);
	}
	/* Memory map: every firmware entry with size 20. */
	assert_int_equal(get32(mi + 44), 5 * 24);
	e = at_phys(&p, get32(mi + 48), 5 * 24);
	assert_non_null(e);
	for (size_t i = 0; i < 5; i++, e += 24) {
		assert_int_equal(get32(e), 20);
		assert_int_equal(get64(e + 4), f.firmware_map.v[i].start);
		assert_int_equal(get64(e + 12), f.firmware_map.v[i].end - f.firmware_map.v[i].start);
		assert_int_equal(get32(e + 20), (uint32_t)f.firmware_map.v[i].type);
	}
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

/* ELF32 with one PT_LOAD at 2 MiB: the v1 header carries no address fields. */
static uint8_t *make_elf_image(size_t *len)
{
	uint8_t *img = calloc(1, IMG_SIZE);

	memcpy(img, "\177ELF\1\1\1", 7);
	put16(img + 16, 2);          /* ET_EXEC */
	put16(img + 18, 3);          /* EM_386 */
	put32(img + 24, 0x200010);   /* e_entry */
	put32(img + 28, 52);         /* e_phoff */
	put16(img + 42, 32);         /* e_phentsize */
	put16(img + 44, 1);          /* e_phnum */
	put32(img + 52, 1);          /* PT_LOAD */
	put32(img + 56, 0x1000);     /* p_offset */
	put32(img + 60, 0x200000);   /* p_vaddr */
	put32(img + 64, 0x200000);   /* p_paddr */
	put32(img + 68, 0x1000);     /* p_filesz */
	put32(img + 72, 0x5000);     /* p_memsz */
	put_header(img, 0x1000, MB1_F_PAGE_ALIGN | MB1_F_MEMORY_INFO, 0);
	*len = IMG_SIZE;
	return img;
}

static void test_plan_elf_form(void **state)
{
	struct kx_load_opts o = { .cmdline = "", .image_name = "xen" };
	struct kx_facts f;
	struct kx_plan p;
	const struct kx_segment *k;
	size_t len;
	uint8_t *img = make_elf_image(&len);

	(void)state;
	fixture_facts(&f);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot.plan(img, len, &o, &f, &p), 0);
	k = seg_of(&p, KX_ROLE_KERNEL);
	assert_int_equal(k->mem, 0x200000);
	assert_int_equal(k->memsz, 0x5000);
	assert_int_equal(k->bufsz, 0x1000);
	assert_memory_equal(k->buf, img + 0x1000, 0x1000);
	assert_int_equal(p.handoff.regs32.eip, 0x200010);
	assert_string_equal((const char *)at_phys(&p, get32(seg_of(&p, KX_ROLE_BOOT_INFO)->buf + 16), 1),
			    "xen");
	kx_plan_free(&p);

	/* A segment past the end of the file is refused, not read. */
	put32(img + 68, 0x3000);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot.plan(img, len, &o, &f, &p), -EINVAL);
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

struct flipper {
	uint8_t *filesz;   /* p_filesz of the image's PT_LOAD */
	int stop;
};

/* Another writer of the file: p_filesz between a size that fits the file and
 * one that runs past its end (and past the copy sized from the first). */
static void *flip_filesz(void *arg)
{
	struct flipper *fl = arg;
	uint32_t v[2] = { 0x800, 0x2800 };

	for (unsigned i = 0; !__atomic_load_n(&fl->stop, __ATOMIC_RELAXED); i++)
		__atomic_store_n((uint32_t *)(void *)fl->filesz, v[i & 1], __ATOMIC_RELAXED);
	return NULL;
}

/* Regression (security review D4): the program headers were read from the
 * mapped file twice, validated in the first pass and copied by the second,
 * so a concurrent writer overflowed the copy (ASan: heap-buffer-overflow).
 * Now every result matches one consistent snapshot: a copy of 0x800 bytes,
 * or a refusal of the segment that runs past the end of the file. */
static void test_elf_form_concurrent_writer(void **state)
{
	size_t len;
	uint8_t *img = make_elf_image(&len);
	struct flipper fl = { .filesz = img + 68 };
	pthread_t th;
	unsigned ok = 0, refused = 0;

	(void)state;
	put32(img + 68, 0x800);
	assert_int_equal(pthread_create(&th, NULL, flip_filesz, &fl), 0);
	for (int i = 0; i < 20000; i++) {
		struct mb_load_image out;
		int ret = mb_image_from_elf(img, len, "multiboot", &out);

		if (ret == 0) {
			assert_int_equal(out.bufsz, 0x800);
			free(out.owned);
			ok++;
		} else {
			assert_int_equal(ret, -EINVAL);
			refused++;
		}
	}
	__atomic_store_n(&fl.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	assert_true(ok + refused == 20000);
	free(img);
}

static void test_initrd_refused(void **state)
{
	struct kx_load_opts o = { .cmdline = "", .initrd = (const uint8_t *)"x", .initrd_len = 1 };
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = make_addr_image(&len);

	(void)state;
	fixture_facts(&f);
	assert_int_equal(kx_plan_init(&p, &f.ram, 0, 0), 0);
	assert_int_equal(kx_format_multiboot.plan(img, len, &o, &f, &p), -EINVAL);
	assert_non_null(strstr(kx_errmsg(), "--module"));
	kx_plan_free(&p);
	kx_facts_free(&f);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_header),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_plan_address_form),
		cmocka_unit_test(test_plan_elf_form),
		cmocka_unit_test(test_elf_form_concurrent_writer),
		cmocka_unit_test(test_initrd_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
