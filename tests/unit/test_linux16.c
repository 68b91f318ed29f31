/* SPDX-License-Identifier: MIT */
/* linux16: which entry a Linux boot-protocol image gets, and where its pieces
 * go: real-mode setup, heap and command line below 640 KiB, the trampoline
 * page, nothing else in the first MiB; 32-bit entry registers. Table-driven
 * over generated setup headers (bzfixture.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/bootparams.h"
#include "bzfixture.h"
#include "core/err.h"
#include "core/format.h"
#include "lib/build.h"
#include "arch/x86_64/linux16.h"

#define CONV_END 0x9fc00 /* the fake map's EBDA starts here */

static void fake_facts(struct kx_facts *f)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0, CONV_END, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, CONV_END, 0xa0000, KX_MEM_RESERVED), 0);
	assert_int_equal(kx_memmap_add(&f->firmware_map, 0x100000, 0x7ffe0000, KX_MEM_RAM), 0);
	for (size_t i = 0; i < f->firmware_map.n; i++)
		if (f->firmware_map.v[i].type == KX_MEM_RAM)
			assert_int_equal(kx_memmap_add(&f->ram, f->firmware_map.v[i].start,
						       f->firmware_map.v[i].end, KX_MEM_RAM), 0);
}

enum img_kind {
	IMG_REALMODE_ONLY, /* iPXE-like: protocol 2.07, code32_start 0 */
	IMG_32BIT,         /* protocol 2.15, code32_start = pref_address, no KERNEL_64 */
	IMG_64BIT,         /* a bzImage with a 64-bit entry */
	IMG_ZIMAGE,        /* LOADED_HIGH unset */
	IMG_PROTO_201,
	IMG_SYSSIZE_ROUNDED, /* syssize rounded up past the file by 8 bytes (memtest86+) */
	IMG_SYSSIZE_SHORT,   /* a whole paragraph missing */
};

static uint8_t *make_image(enum img_kind k, size_t *len)
{
	struct bzfix fx = bzfix_default();
	uint8_t *img;

	fx.xloadflags = 0;
	if (k == IMG_REALMODE_ONLY || k == IMG_ZIMAGE || k == IMG_PROTO_201) {
		fx.version = k == IMG_PROTO_201 ? 0x0201 : 0x0207;
		fx.relocatable = 0;
	}
	if (k == IMG_64BIT)
		fx.xloadflags = BP_XLF_KERNEL_64;
	img = bzfix_make(&fx, len);
	if (k == IMG_32BIT || k == IMG_64BIT || k == IMG_SYSSIZE_ROUNDED || k == IMG_SYSSIZE_SHORT)
		bzfix_put(img, BZ_OFF(code32_start), fx.pref_address, 4);
	if (k == IMG_ZIMAGE)
		img[BZ_OFF(loadflags)] = 0;
	if (k == IMG_SYSSIZE_ROUNDED)
		*len -= 8;
	if (k == IMG_SYSSIZE_SHORT)
		*len -= 16;
	return img;
}

static const struct kx_segment *find_role(const struct kx_plan *p, enum kx_seg_role r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->seg[i].role == r)
			return &p->seg[i];
	return NULL;
}

static uint32_t rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static uint16_t rd16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static const char cmdline[] = "echo kx && exit";
static const uint8_t initrd[3000] = { 7 };

/* The real-mode layout: boot.rst's sample configuration, below the EBDA. */
static void check_real16(const struct kx_plan *p, const uint8_t *img, bool with_initrd)
{
	const struct kx_segment *rm = find_role(p, KX_ROLE_BOOT_PARAMS);
	const struct kx_segment *tr = find_role(p, KX_ROLE_OTHER);
	const struct kx_segment *k = find_role(p, KX_ROLE_KERNEL);
	const struct kx_segment *rd = find_role(p, KX_ROLE_INITRD);
	uint64_t x;

	assert_int_equal(p->handoff.mode, KX_ENTRY_REAL16);
	assert_non_null(rm);
	assert_non_null(tr);
	assert_non_null(k);
	x = rm->mem;
	assert_true(x >= 0x10000 && x + rm->memsz <= CONV_END);
	assert_true(tr->mem >= 0x10000 && tr->mem + tr->memsz <= CONV_END);
	assert_int_equal(tr->memsz, 4096);
	assert_true(tr->mem + tr->memsz <= x || x + rm->memsz <= tr->mem);
	assert_int_equal(p->handoff.regs16.trampoline_seg, tr->mem >> 4);
	assert_int_equal(p->handoff.regs16.cs, (x >> 4) + 0x20);
	assert_int_equal(p->handoff.regs16.ip, 0);
	assert_int_equal(p->handoff.regs16.ds, x >> 4);
	assert_int_equal(p->handoff.regs16.es, x >> 4);
	assert_int_equal(p->handoff.regs16.fs, x >> 4);
	assert_int_equal(p->handoff.regs16.gs, x >> 4);
	assert_int_equal(p->handoff.regs16.ss, x >> 4);
	assert_int_equal(p->handoff.regs16.esp, 0xe000);
	/* setup sectors copied, header filled for the setup code */
	assert_memory_equal(rm->buf, img, 0x1f1);
	assert_int_equal(rm->buf[BZ_OFF(type_of_loader)], BP_LOADER_TYPE_KEXEC);
	assert_true(rm->buf[BZ_OFF(loadflags)] & BP_CAN_USE_HEAP);
	assert_true(rm->buf[BZ_OFF(loadflags)] & BP_LOADED_HIGH);
	assert_int_equal(rd16(rm->buf, BZ_OFF(heap_end_ptr)), 0xe000 - 0x200);
	assert_int_equal(rd32(rm->buf, BZ_OFF(cmd_line_ptr)), x + 0xe000);
	assert_string_equal((const char *)rm->buf + 0xe000, cmdline);
	assert_true(0xe000 + sizeof(cmdline) <= rm->bufsz);
	if (with_initrd) {
		assert_non_null(rd);
		assert_int_equal(rd32(rm->buf, BZ_OFF(ramdisk_image)), rd->mem);
		assert_int_equal(rd32(rm->buf, BZ_OFF(ramdisk_size)), sizeof(initrd));
	} else {
		assert_int_equal(rd32(rm->buf, BZ_OFF(ramdisk_image)), 0);
	}
	/* Nothing but the setup segment and the trampoline in the first MiB. */
	for (size_t i = 0; i < p->n; i++)
		if (&p->seg[i] != rm && &p->seg[i] != tr)
			assert_true(p->seg[i].mem >= 0x100000);
}

static void check_pm32(const struct kx_plan *p)
{
	const struct kx_segment *bp = find_role(p, KX_ROLE_BOOT_PARAMS);
	const struct kx_segment *k = find_role(p, KX_ROLE_KERNEL);

	assert_int_equal(p->handoff.mode, KX_ENTRY_PM32);
	assert_non_null(bp);
	assert_non_null(k);
	/* boot.rst, 32-bit boot protocol: esi = boot_params, ebx = edi = ebp = 0 */
	assert_int_equal(p->handoff.regs32.eip, k->mem);
	assert_int_equal(p->handoff.regs32.esi, bp->mem);
	assert_int_equal(p->handoff.regs32.ebx, 0);
	assert_int_equal(p->handoff.regs32.edi, 0);
	assert_int_equal(p->handoff.regs32.ebp, 0);
	assert_int_equal(rd32(bp->buf, BZ_OFF(code32_start)), k->mem);
	assert_int_equal(rd32(bp->buf, BZ_OFF(cmd_line_ptr)), bp->mem + 4096);
	assert_int_equal(bp->buf[0x1e8], 3); /* e820_entries */
	assert_null(find_role(p, KX_ROLE_OTHER));
	for (size_t i = 0; i < p->n; i++)
		assert_true(p->seg[i].mem >= 0x100000 && p->seg[i].mem + p->seg[i].memsz <= KX_4G);
}

enum expect { X_REAL16, X_PM32, X_BZIMAGE, X_ERR };

static const struct {
	const char *name;
	enum img_kind img;
	const char *type;
	enum kx_linux_entry entry;
	bool initrd;
	enum expect want;
	int err;
} cases[] = {
	{ "real-mode only image", IMG_REALMODE_ONLY, NULL, KX_LINUX_ENTRY_AUTO, true, X_REAL16, 0 },
	{ "real-mode only, no initrd", IMG_REALMODE_ONLY, NULL, KX_LINUX_ENTRY_AUTO, false, X_REAL16, 0 },
	{ "32-bit image", IMG_32BIT, NULL, KX_LINUX_ENTRY_AUTO, true, X_PM32, 0 },
	{ "32-bit image forced to real mode", IMG_32BIT, NULL, KX_LINUX_ENTRY_REAL16, true,
	  X_REAL16, 0 },
	{ "real-mode only image forced to 32-bit", IMG_REALMODE_ONLY, NULL, KX_LINUX_ENTRY_PM32,
	  false, X_ERR, -EINVAL },
	{ "64-bit image goes to bzImage", IMG_64BIT, NULL, KX_LINUX_ENTRY_AUTO, false, X_BZIMAGE, 0 },
	{ "64-bit image, -t linux16 --real-mode", IMG_64BIT, "linux16", KX_LINUX_ENTRY_REAL16,
	  false, X_REAL16, 0 },
	{ "64-bit image, -t linux16 --entry-32bit", IMG_64BIT, "linux16", KX_LINUX_ENTRY_PM32,
	  false, X_PM32, 0 },
	{ "zImage refused", IMG_ZIMAGE, NULL, KX_LINUX_ENTRY_AUTO, false, X_ERR, -EINVAL },
	{ "protocol 2.01 refused", IMG_PROTO_201, NULL, KX_LINUX_ENTRY_AUTO, false, X_ERR, -EINVAL },
	{ "syssize rounded up a few bytes", IMG_SYSSIZE_ROUNDED, NULL, KX_LINUX_ENTRY_AUTO, false,
	  X_PM32, 0 },
	{ "syssize a paragraph past the file", IMG_SYSSIZE_SHORT, NULL, KX_LINUX_ENTRY_AUTO, false,
	  X_ERR, -EINVAL },
};

static void test_plan_table(void **state)
{
	struct kx_facts f;

	(void)state;
	fake_facts(&f);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct kx_load_opts o = { .cmdline = cmdline, .type = cases[c].type,
					  .linux_entry = cases[c].entry };
		struct kx_plan p;
		size_t len;
		uint8_t *img = make_image(cases[c].img, &len);
		int ret;

		print_message("case: %s\n", cases[c].name);
		if (cases[c].initrd) {
			o.initrd = initrd;
			o.initrd_len = sizeof(initrd);
		}
		ret = kx_build_plan(img, len, &o, &f, &p);
		if (cases[c].want == X_ERR) {
			assert_int_equal(ret, cases[c].err);
			assert_true(strlen(kx_errmsg()) > 10);
			free(img);
			continue;
		}
		assert_int_equal(ret, 0);
		if (cases[c].want == X_BZIMAGE) {
			assert_string_equal(p.format, "bzImage");
			assert_int_equal(p.handoff.mode, KX_ENTRY_LINUX64);
		} else {
			assert_string_equal(p.format, "linux16");
		}
		if (cases[c].want == X_REAL16)
			check_real16(&p, img, cases[c].initrd);
		if (cases[c].want == X_PM32)
			check_pm32(&p);
		kx_plan_free(&p);
		free(img);
	}
	kx_facts_free(&f);
}

/* The command line must fit what the image takes and the real-mode area. */
static void test_cmdline_limits(void **state)
{
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = make_image(IMG_REALMODE_ONLY, &len);
	char *big = malloc(3000);
	struct kx_load_opts o = { .cmdline = big };

	(void)state;
	fake_facts(&f);
	memset(big, 'a', 2047);
	big[2047] = 0;
	/* cmdline_size 2047 (fixture) fits exactly, NUL included, below the EBDA */
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), 0);
	assert_int_equal(find_role(&p, KX_ROLE_BOOT_PARAMS)->buf[0xe000 + 2047], 0);
	kx_plan_free(&p);
	memset(big, 'a', 2048);
	big[2048] = 0;
	assert_int_equal(kx_build_plan(img, len, &o, &f, &p), -E2BIG);
	free(big);
	free(img);
	kx_facts_free(&f);
}

/* No conventional memory left: a clear error, not a segment above 640 KiB. */
static void test_no_low_memory(void **state)
{
	struct kx_facts f;
	struct kx_plan p;
	size_t len;
	uint8_t *img = make_image(IMG_REALMODE_ONLY, &len);
	struct kx_load_opts o = { .cmdline = "" };

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(kx_memmap_add(&f.firmware_map, 0, 0x18000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f.firmware_map, 0x100000, 0x7ffe0000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f.ram, 0, 0x18000, KX_MEM_RAM), 0);
	assert_int_equal(kx_memmap_add(&f.ram, 0x100000, 0x7ffe0000, KX_MEM_RAM), 0);
	assert_true(kx_build_plan(img, len, &o, &f, &p) < 0);
	assert_non_null(strstr(kx_errmsg(), "real-mode"));
	free(img);
	kx_facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_table),
		cmocka_unit_test(test_cmdline_limits),
		cmocka_unit_test(test_no_low_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
