/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage (Documentation/arch/x86/boot.rst): the real-mode setup
 * sectors with the setup header at 0x1f1, then the protected-mode kernel.
 * We load the protected-mode part and enter it at its 64-bit entry.
 */
#include "arch/x86_64/bzimage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/bootparams.h"
#include "core/bytes.h"
#include "core/err.h"

#define MOD "bzimage"
/* Protocol versions that introduced the fields we read (boot.rst). */
#define BP_PROTO_CMDLINE_SIZE 0x0206
#define BP_PROTO_PREF_ADDRESS 0x020a
#define BP_PROTO_XLOADFLAGS 0x020c
/* Defaults for older protocols (boot.rst). */
#define BP_OLD_CMDLINE_MAX 255
#define BP_OLD_INITRD_ADDR_MAX 0x37ffffff
#define BP_OLD_LOAD_ADDR 0x100000

#define HDR(field) offsetof(struct boot_params, hdr.field)

int bzimage_parse_header(const uint8_t *img, size_t len, struct bzimage_info *o)
{
	size_t hdr_end, sects;
	uint32_t syssize;

	memset(o, 0, sizeof(*o));
	if (len < HDR(version) + 2)
		return kx_err(ENOEXEC, MOD, "file too short for a setup header (%zu bytes)", len);
	if (kx_le16(img + HDR(boot_flag)) != BP_BOOT_FLAG || kx_le32(img + HDR(header)) != BP_HDR_MAGIC)
		return kx_err(ENOEXEC, MOD, "no Linux boot protocol header (HdrS at 0x202)");
	o->version = kx_le16(img + HDR(version));
	if (o->version < 0x0200)
		return kx_err(EINVAL, MOD, "boot protocol %u.%02u is too old to load",
			      o->version >> 8, o->version & 0xff);
	/* The header ends at 0x202 + the byte at 0x201 (boot.rst). */
	hdr_end = 0x202 + img[0x201];
	if (hdr_end > offsetof(struct boot_params, hdr) + sizeof(struct bp_setup_header))
		hdr_end = offsetof(struct boot_params, hdr) + sizeof(struct bp_setup_header);
	if (hdr_end > len)
		return kx_err(EINVAL, MOD, "image truncated inside the setup header (%zu < %zu bytes)",
			      len, hdr_end);
	o->hdr_len = hdr_end - BP_SETUP_HEADER_OFF;
	if (o->version < BP_PROTO_XLOADFLAGS || hdr_end < HDR(xloadflags) + 2)
		return kx_err(EINVAL, MOD,
			      "boot protocol %u.%02u has no 64-bit entry point (needs 2.12)",
			      o->version >> 8, o->version & 0xff);

	sects = img[HDR(setup_sects)];
	if (!sects)
		sects = BP_DEFAULT_SETUP_SECTS;
	o->setup_size = (sects + 1) * BP_SECTOR;
	if (o->setup_size >= len)
		return kx_err(EINVAL, MOD, "image truncated: %zu bytes, setup alone is %zu",
			      len, o->setup_size);
	o->kernel_off = o->setup_size;
	o->kernel_len = len - o->setup_size;
	/* syssize is the protected-mode size in 16-byte paragraphs (boot.rst),
	 * so a build may round it up: memtest86+ 6.10 x64 ends 8 bytes short
	 * of syssize * 16 and is whole. Less than one paragraph short is that
	 * rounding; a paragraph or more is a truncated file. */
	syssize = kx_le32(img + HDR(syssize));
	if ((uint64_t)syssize * 16 >= o->kernel_len + 16)
		return kx_err(EINVAL, MOD,
			      "image truncated: the header says %llu bytes of kernel, the file has %zu",
			      (unsigned long long)syssize * 16, o->kernel_len);

	o->loadflags = img[HDR(loadflags)];
	o->xloadflags = kx_le16(img + HDR(xloadflags));
	o->relocatable = img[HDR(relocatable_kernel)] != 0;
	o->kernel_alignment = kx_le32(img + HDR(kernel_alignment));
	o->initrd_addr_max = kx_le32(img + HDR(initrd_addr_max));
	o->cmdline_size = o->version >= BP_PROTO_CMDLINE_SIZE ? kx_le32(img + HDR(cmdline_size))
							       : BP_OLD_CMDLINE_MAX;
	if (o->version >= BP_PROTO_PREF_ADDRESS && hdr_end >= HDR(init_size) + 4) {
		o->pref_address = kx_le64(img + HDR(pref_address));
		o->init_size = kx_le32(img + HDR(init_size));
	} else {
		o->pref_address = BP_OLD_LOAD_ADDR;
	}
	if (!o->initrd_addr_max)
		o->initrd_addr_max = BP_OLD_INITRD_ADDR_MAX;

	if (!(o->xloadflags & BP_XLF_KERNEL_64))
		return kx_err(EINVAL, MOD, "this kernel has no 64-bit entry point (XLF_KERNEL_64 unset)");
	if (o->kernel_alignment & (o->kernel_alignment - 1))
		return kx_err(EINVAL, MOD, "kernel_alignment 0x%x is not a power of two",
			      o->kernel_alignment);
	if (o->pref_address & (KX_PAGE_SIZE - 1))
		return kx_err(EINVAL, MOD, "pref_address 0x%llx is not page aligned",
			      (unsigned long long)o->pref_address);
	return 0;
}

static int bzimage_probe(const uint8_t *img, size_t len)
{
	if (len < HDR(header) + 4 || kx_le16(img + HDR(boot_flag)) != BP_BOOT_FLAG ||
	    kx_le32(img + HDR(header)) != BP_HDR_MAGIC)
		return kx_err(ENOEXEC, MOD, "not a bzImage (no HdrS signature)");
	/* Without a 64-bit entry (protocol < 2.12 or XLF_KERNEL_64 unset) the
	 * image is linux16's: it enters in 32-bit or real mode (formats.c). */
	if (len < HDR(xloadflags) + 2 || kx_le16(img + HDR(version)) < BP_PROTO_XLOADFLAGS ||
	    0x202 + (size_t)img[0x201] < HDR(xloadflags) + 2 ||
	    !(kx_le16(img + HDR(xloadflags)) & BP_XLF_KERNEL_64))
		return kx_err(ENOEXEC, MOD, "no 64-bit entry point (XLF_KERNEL_64 unset)");
	return 0;
}

/* A capture kernel goes inside the crash region wherever the running kernel
 * reserved it: with crashkernel=X near the top of the RAM below 4 GiB (often
 * above 2 GiB), with crashkernel=X,high above 4 GiB. A kernel without
 * XLF_CAN_BE_LOADED_ABOVE_4G must lie below 4 GiB and finds its initrd only
 * below initrd_addr_max: say so when the region starts above either, rather
 * than leave the placer's "no free RAM". */
static int bzimage_check_crash_reach(const struct bzimage_info *bz, const struct kx_plan *p,
				     const struct kx_load_opts *o, const struct kx_facts *f)
{
	uint64_t lowest, reach = KX_4G, start, end;
	const char *what = "kernel";

	if (!p->capture.active || (bz->xloadflags & BP_XLF_CAN_BE_LOADED_ABOVE_4G) || !p->free.n)
		return 0;
	lowest = p->free.v[0].start;
	if (o->initrd && o->initrd_len && (uint64_t)bz->initrd_addr_max + 1 < reach) {
		reach = (uint64_t)bz->initrd_addr_max + 1;
		what = "initrd";
	}
	if (lowest < reach)
		return 0;
	start = lowest;
	end = p->free.v[0].end;
	for (size_t i = 0; i < f->crash.n; i++)
		if (f->crash.v[i].start <= lowest && lowest < f->crash.v[i].end) {
			start = f->crash.v[i].start;
			end = f->crash.v[i].end;
		}
	return kx_err(EADDRNOTAVAIL, MOD,
		      "the crash region (%#llx-%#llx) lies above what this kernel can reach: "
		      "without XLF_CAN_BE_LOADED_ABOVE_4G its %s must end below %#llx; "
		      "reserve the region lower (crashkernel=SIZE@OFFSET below that, no ,high) "
		      "or load a kernel that can be loaded above 4 GiB (protocol 2.12, Linux 3.9+)",
		      (unsigned long long)start, (unsigned long long)end, what,
		      (unsigned long long)reach);
}

static int bzimage_plan(const uint8_t *img, size_t len, const struct kx_load_opts *o,
			const struct kx_facts *f, struct kx_plan *p)
{
	struct bzimage_info bz;
	struct kx_place_req req;
	struct bp_layout lay = { .cmdline = o->cmdline };
	bool high_ok;
	char *crash_cmdline = NULL;
	size_t cmdlen;
	uint64_t align, memsz;
	int kern, ret;

	ret = bzimage_parse_header(img, len, &bz);
	if (ret < 0)
		return ret;
	ret = kx_bp_capture_layout(p, o, f, o->cmdline, &lay, &crash_cmdline);
	if (ret < 0)
		return ret;
	ret = bzimage_check_crash_reach(&bz, p, o, f);
	if (ret < 0)
		goto out;
	high_ok = bz.xloadflags & BP_XLF_CAN_BE_LOADED_ABOVE_4G;
	lay.high_ok = high_ok;
	cmdlen = lay.cmdline ? strlen(lay.cmdline) : 0;
	if (cmdlen > bz.cmdline_size) {
		ret = kx_err(E2BIG, MOD, "command line is %zu bytes%s, this kernel takes at most %u",
			     cmdlen, lay.crash ? " with elfcorehdr=" : "", bz.cmdline_size);
		goto out;
	}

	align = bz.kernel_alignment > KX_PAGE_SIZE ? bz.kernel_alignment : KX_PAGE_SIZE;
	memsz = bz.init_size > bz.kernel_len ? bz.init_size : bz.kernel_len;
	req = (struct kx_place_req){
		.align = align,
		.min = KX_MIB,
		/* The decompressor runs in the identity map the kernel set up; keep
		 * below 4 GiB unless the kernel says it may live above. */
		.max = high_ok ? 0 : KX_4G,
		.pref = bz.pref_address,
		.fixed = !bz.relocatable,
	};
	kern = kx_plan_add_placed(p, KX_ROLE_KERNEL, img + bz.kernel_off, bz.kernel_len, memsz,
				  &req, NULL);
	if (kern < 0) {
		ret = kern;
		goto out;
	}

	ret = kx_bp_plan(p, o, f, (uint64_t)bz.initrd_addr_max + 1, img + BP_SETUP_HEADER_OFF,
			 bz.hdr_len, &lay, NULL);
	if (ret < 0)
		goto out;

	p->handoff.mode = KX_ENTRY_LINUX64;
	memset(&p->handoff.regs64, 0, sizeof(p->handoff.regs64));
	p->handoff.regs64.rip = p->seg[kern].mem + BP_ENTRY64_OFFSET;
	p->handoff.regs64.rsi = lay.base;
	ret = 0;
out:
	free(crash_cmdline);
	return ret;
}

/* "bzImage" as a -t name is kexec-tools' 16/32-bit loader (registry.c). */
static const char *const bzimage_aliases[] = { "bzImage64", NULL };

const struct kx_format kx_format_bzimage = {
	.name = "bzImage",
	.kernel_file_load = true,
	.capture = true,
	.aliases = bzimage_aliases,
	.probe = bzimage_probe,
	.plan = bzimage_plan,
};
