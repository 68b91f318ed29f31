/* SPDX-License-Identifier: MIT */
/*
 * Linux boot-protocol images without a 64-bit entry (Documentation/arch/x86/
 * boot.rst): 32-bit kernels, memtest86+'s ia32 build, iPXE's .lkrn. They are
 * entered either at code32_start in 32-bit protected mode with boot_params in
 * esi ("32-bit boot protocol"), or in real mode at the setup code, which then
 * asks the BIOS for the memory map itself ("Running the kernel").
 */
#include "arch/x86_64/linux16.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/bootparams.h"
#include "core/bytes.h"
#include "core/err.h"

#define MOD "linux16"

/* Protocol versions that introduced what we rely on (boot.rst). */
#define BP_PROTO_HEAP 0x0201          /* heap_end_ptr, CAN_USE_HEAP */
#define BP_PROTO_CMD_LINE_PTR 0x0202  /* cmd_line_ptr; the 32-bit protocol needs it */
#define BP_PROTO_INITRD_MAX 0x0203
#define BP_PROTO_RELOCATABLE 0x0205
#define BP_PROTO_CMDLINE_SIZE 0x0206
#define BP_PROTO_PREF_ADDRESS 0x020a
#define BP_PROTO_XLOADFLAGS 0x020c
#define BP_OLD_CMDLINE_MAX 255
#define BP_OLD_INITRD_ADDR_MAX 0x37ffffff
#define BP_BZIMAGE_LOAD_ADDR 0x100000 /* LOADED_HIGH: protected-mode part at 1 MiB */

/*
 * The real-mode segment, as boot.rst's sample boot configuration lays it
 * out: setup code from X, its stack and heap up to X + heap_end, then the
 * command line. The segment must lie in conventional memory, below the EBDA;
 * the low 64 KiB stay with the BIOS data and the interrupt vector table.
 * cs = (X >> 4) + 0x20: the setup code starts one sector in, after the boot
 * sector.
 */
#define RM_HEAP_END 0xe000
#define RM_HEAP_END_PTR (RM_HEAP_END - 0x200)
#define RM_CMDLINE_MAX 0x7ff          /* boot.rst: "up to 0x7ff bytes" after heap_end */
#define RM_SEG_SIZE (RM_HEAP_END + RM_CMDLINE_MAX + 1)
#define RM_LOW_MIN 0x10000
#define RM_LOW_MAX 0xa0000            /* end of conventional memory */
#define RM_CS_SETUP_OFFSET 0x20       /* paragraphs: the 512-byte boot sector */
#define RM_TRAMPOLINE_SIZE 4096       /* purgatory's real-mode switch (abi.h) */

#define HDR(field) offsetof(struct boot_params, hdr.field)
/* True when the image's header is long enough to hold `field`. */
#define HAS(info, field) \
	(BP_SETUP_HEADER_OFF + (info)->hdr_len >= HDR(field) + sizeof(((struct bp_setup_header *)0)->field))

int linux16_parse_header(const uint8_t *img, size_t len, struct linux16_info *o)
{
	size_t hdr_end, sects;
	uint32_t syssize;

	memset(o, 0, sizeof(*o));
	if (len < HDR(version) + 2 || kx_le16(img + HDR(boot_flag)) != BP_BOOT_FLAG ||
	    kx_le32(img + HDR(header)) != BP_HDR_MAGIC)
		return kx_err(ENOEXEC, MOD, "no Linux boot protocol header (HdrS at 0x202)");
	o->version = kx_le16(img + HDR(version));
	if (o->version < BP_PROTO_CMD_LINE_PTR)
		return kx_err(EINVAL, MOD, "boot protocol %u.%02u is too old (kx needs 2.02: cmd_line_ptr)",
			      o->version >> 8, o->version & 0xff);
	/* The header ends at 0x202 + the byte at 0x201 (boot.rst). */
	hdr_end = 0x202 + img[0x201];
	if (hdr_end > BP_SETUP_HEADER_OFF + sizeof(struct bp_setup_header))
		hdr_end = BP_SETUP_HEADER_OFF + sizeof(struct bp_setup_header);
	if (hdr_end > len)
		return kx_err(EINVAL, MOD, "image truncated inside the setup header (%zu < %zu bytes)",
			      len, hdr_end);
	o->hdr_len = hdr_end - BP_SETUP_HEADER_OFF;
	if (!HAS(o, cmd_line_ptr))
		return kx_err(EINVAL, MOD, "setup header too short for protocol %u.%02u (%zu bytes)",
			      o->version >> 8, o->version & 0xff, o->hdr_len);

	sects = img[HDR(setup_sects)];
	if (!sects)
		sects = BP_DEFAULT_SETUP_SECTS;
	o->setup_size = (sects + 1) * BP_SECTOR;
	if (o->setup_size >= len)
		return kx_err(EINVAL, MOD, "image truncated: %zu bytes, setup alone is %zu",
			      len, o->setup_size);
	if (o->setup_size > RM_HEAP_END_PTR)
		return kx_err(EINVAL, MOD, "setup code of %zu bytes leaves no room for its heap",
			      o->setup_size);
	o->kernel_len = len - o->setup_size;
	/* syssize counts 16-byte paragraphs of the protected-mode part; some
	 * builders (memtest86+) round it up past the end of the file. */
	syssize = kx_le32(img + HDR(syssize));
	if ((uint64_t)syssize * 16 >= (uint64_t)o->kernel_len + 16)
		return kx_err(EINVAL, MOD,
			      "image truncated: the header says %llu bytes of kernel, the file has %zu",
			      (unsigned long long)syssize * 16, o->kernel_len);

	o->loadflags = img[HDR(loadflags)];
	o->code32_start = kx_le32(img + HDR(code32_start));
	o->load_address = BP_BZIMAGE_LOAD_ADDR;
	o->cmdline_size = BP_OLD_CMDLINE_MAX;
	o->initrd_addr_max = BP_OLD_INITRD_ADDR_MAX;
	if (o->version >= BP_PROTO_INITRD_MAX && HAS(o, initrd_addr_max) &&
	    kx_le32(img + HDR(initrd_addr_max)))
		o->initrd_addr_max = kx_le32(img + HDR(initrd_addr_max));
	if (o->version >= BP_PROTO_RELOCATABLE && HAS(o, relocatable_kernel)) {
		o->relocatable = img[HDR(relocatable_kernel)] != 0;
		o->kernel_alignment = kx_le32(img + HDR(kernel_alignment));
	}
	if (o->version >= BP_PROTO_CMDLINE_SIZE && HAS(o, cmdline_size))
		o->cmdline_size = kx_le32(img + HDR(cmdline_size));
	if (o->version >= BP_PROTO_XLOADFLAGS && HAS(o, xloadflags))
		o->xloadflags = kx_le16(img + HDR(xloadflags));
	if (o->version >= BP_PROTO_PREF_ADDRESS && HAS(o, init_size)) {
		uint64_t pref = kx_le64(img + HDR(pref_address));

		if (pref)
			o->load_address = pref;
		o->init_size = kx_le32(img + HDR(init_size));
	}

	if (!(o->loadflags & BP_LOADED_HIGH))
		return kx_err(EINVAL, MOD,
			      "a zImage (LOADED_HIGH unset) loads at 0x10000 under its setup code; "
			      "kx loads only bzImage-style images");
	if (o->load_address & (KX_PAGE_SIZE - 1) || o->load_address < KX_MIB ||
	    o->load_address >= KX_4G)
		return kx_err(EINVAL, MOD, "load address 0x%llx is not a page in [1 MiB, 4 GiB)",
			      (unsigned long long)o->load_address);
	if (o->relocatable && (o->kernel_alignment & (o->kernel_alignment - 1)))
		return kx_err(EINVAL, MOD, "kernel_alignment 0x%x is not a power of two",
			      o->kernel_alignment);
	if (o->cmdline_size > RM_CMDLINE_MAX)
		o->cmdline_size = RM_CMDLINE_MAX;
	return 0;
}

/*
 * Without --entry-32bit / --real-mode: the 32-bit entry when the image names
 * one, real mode otherwise. code32_start is "the address to jump to in
 * protected mode" (boot.rst); a Linux kernel sets it to its own load address.
 * Images whose setup code computes the jump itself (iPXE) leave it 0, and
 * those can only be entered in real mode. An image with a 64-bit entry never
 * gets here unforced: bzImage claims it first.
 */
enum kx_linux_entry linux16_auto_entry(const struct linux16_info *info)
{
	return info->code32_start ? KX_LINUX_ENTRY_PM32 : KX_LINUX_ENTRY_REAL16;
}

static int linux16_probe(const uint8_t *img, size_t len)
{
	if (len < HDR(header) + 4 || kx_le16(img + HDR(boot_flag)) != BP_BOOT_FLAG ||
	    kx_le32(img + HDR(header)) != BP_HDR_MAGIC)
		return kx_err(ENOEXEC, MOD, "not a Linux boot protocol image (no HdrS signature)");
	return 0;
}

/* The protected-mode part: at its load address unless it says it may move. */
static int plan_kernel(const uint8_t *img, const struct linux16_info *in, struct kx_plan *p)
{
	uint64_t memsz = in->init_size > in->kernel_len ? in->init_size : in->kernel_len;
	uint64_t align = in->relocatable && in->kernel_alignment > KX_PAGE_SIZE ?
			 in->kernel_alignment : KX_PAGE_SIZE;
	struct kx_place_req req = {
		.align = align,
		.min = KX_MIB,
		.max = KX_4G,
		.pref = in->load_address,
		.fixed = !in->relocatable,
	};

	return kx_plan_add_placed(p, KX_ROLE_KERNEL, img + in->setup_size, in->kernel_len, memsz,
				  &req, NULL);
}

/* Where the image's code32_start points once its protected-mode part sits
 * at `loaded` rather than at its default address. */
static uint32_t entry32(const struct linux16_info *in, uint64_t loaded, uint64_t memsz)
{
	if (in->code32_start >= in->load_address && in->code32_start < in->load_address + memsz)
		return (uint32_t)(loaded + (in->code32_start - in->load_address));
	return (uint32_t)loaded;
}

static int plan_pm32(const uint8_t *img, const struct linux16_info *in,
		     const struct kx_load_opts *o, const struct kx_facts *f, struct kx_plan *p)
{
	struct bp_layout lay = { .cmdline = o->cmdline };
	uint8_t *bp;
	int kern, ret;

	kern = plan_kernel(img, in, p);
	if (kern < 0)
		return kern;
	ret = kx_bp_plan(p, o, f, (uint64_t)in->initrd_addr_max + 1, img + BP_SETUP_HEADER_OFF,
			 in->hdr_len, &lay, &bp);
	if (ret < 0)
		return ret;
	/* The kernel reads where it was put from code32_start (boot.rst). */
	kx_put32(bp + HDR(code32_start), (uint32_t)p->seg[kern].mem);

	/* boot.rst, "32-bit boot protocol": %esi = boot_params, %ebp = %edi =
	 * %ebx = 0, interrupts off, __BOOT_CS/__BOOT_DS flat (purgatory). */
	p->handoff.mode = KX_ENTRY_PM32;
	memset(&p->handoff.regs32, 0, sizeof(p->handoff.regs32));
	p->handoff.regs32.eip = entry32(in, p->seg[kern].mem, p->seg[kern].memsz);
	p->handoff.regs32.esi = (uint32_t)lay.base;
	return 0;
}

/*
 * Real mode, the way a BIOS boot loader starts Linux (boot.rst, "Running the
 * kernel" and "Sample boot configuration"): the boot sector and setup code
 * at X with the header filled in, heap and stack up to X + heap_end, the
 * command line right after, the protected-mode part at its load address.
 */
static int plan_real16(const uint8_t *img, const struct linux16_info *in,
		       const struct kx_load_opts *o, struct kx_plan *p)
{
	struct kx_place_req req = { .align = KX_PAGE_SIZE, .min = RM_LOW_MIN, .max = RM_LOW_MAX,
				    .pref = KX_NO_PREF, .top_down = true };
	size_t cmdlen = strlen(o->cmdline ? o->cmdline : "");
	uint64_t initrd = 0, x;
	uint8_t *rm;
	int kern, rmi, tri, ret;

	kern = plan_kernel(img, in, p);
	if (kern < 0)
		return kern;
	ret = kx_plan_add_initrd(p, o, (uint64_t)in->initrd_addr_max + 1, false, &initrd);
	if (ret < 0)
		return ret;

	rm = calloc(1, RM_SEG_SIZE);
	if (!rm)
		return kx_err(ENOMEM, MOD, "out of memory");
	rmi = kx_plan_add_placed(p, KX_ROLE_BOOT_PARAMS, rm, RM_SEG_SIZE, RM_SEG_SIZE, &req, rm);
	if (rmi < 0)
		return kx_err_prefix(rmi, "real-mode setup (%u bytes below 640 KiB)", RM_SEG_SIZE);
	x = p->seg[rmi].mem;
	tri = kx_plan_add_placed(p, KX_ROLE_OTHER, NULL, 0, RM_TRAMPOLINE_SIZE, &req, NULL);
	if (tri < 0)
		return kx_err_prefix(tri, "real-mode trampoline page below 640 KiB");

	memcpy(rm, img, in->setup_size);
	memcpy(rm + RM_HEAP_END, o->cmdline ? o->cmdline : "", cmdlen + 1);
	rm[HDR(type_of_loader)] = BP_LOADER_TYPE_KEXEC;
	rm[HDR(loadflags)] = (uint8_t)(in->loadflags | BP_CAN_USE_HEAP);
	kx_put16(rm + HDR(heap_end_ptr), RM_HEAP_END_PTR);
	kx_put32(rm + HDR(cmd_line_ptr), (uint32_t)(x + RM_HEAP_END));
	kx_put32(rm + HDR(ramdisk_image), (uint32_t)initrd);
	kx_put32(rm + HDR(ramdisk_size), initrd ? (uint32_t)o->initrd_len : 0);
	/* Only a kernel that names a protected-mode entry reads it back. */
	if (in->code32_start)
		kx_put32(rm + HDR(code32_start), entry32(in, p->seg[kern].mem, p->seg[kern].memsz));

	p->handoff.mode = KX_ENTRY_REAL16;
	memset(&p->handoff.regs16, 0, sizeof(p->handoff.regs16));
	p->handoff.regs16.cs = (uint16_t)((x >> 4) + RM_CS_SETUP_OFFSET);
	p->handoff.regs16.ip = 0;
	p->handoff.regs16.ds = p->handoff.regs16.es = p->handoff.regs16.fs = p->handoff.regs16.gs = p->handoff.regs16.ss =
		(uint16_t)(x >> 4);
	p->handoff.regs16.esp = RM_HEAP_END;
	p->handoff.regs16.trampoline_seg = (uint16_t)(p->seg[tri].mem >> 4);
	return 0;
}

static int linux16_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
			const struct kx_facts *f, struct kx_plan *p)
{
	struct linux16_info in;
	size_t cmdlen = o->cmdline ? strlen(o->cmdline) : 0;
	enum kx_linux_entry entry;
	int ret;

	ret = linux16_parse_header(img, len, &in);
	if (ret < 0)
		return ret;
	if (cmdlen > in.cmdline_size)
		return kx_err(E2BIG, MOD, "command line is %zu bytes, this image takes at most %u",
			      cmdlen, in.cmdline_size);
	entry = o->linux_entry != KX_LINUX_ENTRY_AUTO ? o->linux_entry : linux16_auto_entry(&in);
	if (entry == KX_LINUX_ENTRY_PM32 && !in.code32_start)
		return kx_err(EINVAL, MOD, "this image has no 32-bit entry (code32_start is 0); "
			      "boot it in real mode (--real-mode)");
	if (entry == KX_LINUX_ENTRY_REAL16 && (in.version < BP_PROTO_HEAP))
		return kx_err(EINVAL, MOD, "real-mode entry needs boot protocol 2.01 (heap)");
	if (entry == KX_LINUX_ENTRY_REAL16 && o->panic)
		return kx_err(EINVAL, MOD, "a real-mode image cannot be a crash kernel: its setup code "
			      "must sit below 1 MiB, outside the crash region");
	if (entry == KX_LINUX_ENTRY_REAL16)
		return plan_real16(img, &in, o, p);
	return plan_pm32(img, &in, o, f, p);
}

static const char *const linux16_aliases[] = { "bzImage32", "lkrn", NULL };

const struct kx_format kx_format_linux16 = {
	.name = "linux16",
	.aliases = linux16_aliases,
	.probe = linux16_probe,
	.plan = linux16_plan,
};
