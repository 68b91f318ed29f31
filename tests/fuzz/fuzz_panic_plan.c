/* SPDX-License-Identifier: MIT */
/*
 * `kexec -p` plans (lib/build.h kx_build_plan with o.panic) for every format,
 * on fuzzed crash facts: crash regions, CPU crash notes, the VMCOREINFO
 * address and size, the kernel mapping, the RAM to dump.
 *
 * Input: facts (fuzz_facts.h; FZF_KDUMP says the crash facts were read),
 * u8 flags (bits 0-6: 0 probes the format, n forces the n-th of kx_formats;
 * bit 7 hashes the segments), the command line (u8 length, bytes), u16
 * initrd length + bytes; the rest is the image.
 *
 * Invariants: a format that cannot be a capture kernel refuses with -EINVAL;
 * on success every segment lies in the crash regions without overlap; the
 * core header segment is where p->capture says, an ELF64 core file whose
 * program headers fit in it: one PT_NOTE per CPU note and one for
 * VMCOREINFO, as the facts give them and none wrapping, PT_LOADs of RAM
 * outside the crash regions; a Linux boot_params carries elfcorehdr= with
 * that address and an e820 whose RAM above 1 MiB is crash memory without the
 * header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/elf.h"
#include "core/err.h"
#include "lib/build.h"
#include "arch/x86_64/bootparams.h"
#include "fuzz_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HASH_MAX (1ull << 20) /* as fuzz_mb_plan.c */
#define OFF_E820_ENTRIES 0x1e8
#define OFF_E820_TABLE 0x2d0

static bool overlaps_crash(const struct kx_facts *f, uint64_t start, uint64_t len)
{
	for (size_t i = 0; i < f->crash.n; i++)
		if (start < f->crash.v[i].end && f->crash.v[i].start < start + len)
			return true;
	return false;
}

static void check_corehdr(const struct kx_plan *p, const struct kx_facts *f)
{
	int h = fuzz_find_role(p, KX_ROLE_ELFCOREHDR, 0);
	const uint8_t *b;
	size_t len, phnum, notes = 0;

	if (h < 0 || fuzz_find_role(p, KX_ROLE_ELFCOREHDR, (size_t)h + 1) >= 0 || !p->capture.active ||
	    p->capture.elfcorehdr != p->seg[h].mem || p->capture.elfcorehdr_size != p->seg[h].memsz)
		abort();
	b = p->seg[h].buf;
	len = p->seg[h].bufsz;
	if (len < KX_ELF64_EHDR_SIZE || memcmp(b, "\177ELF\2\1\1", 7) || kx_le16(b + 16) != KX_ET_CORE ||
	    kx_le64(b + 32) != KX_ELF64_EHDR_SIZE || kx_le16(b + 54) != KX_ELF64_PHDR_SIZE)
		abort();
	phnum = kx_le16(b + 56);
	if (phnum * KX_ELF64_PHDR_SIZE != len - KX_ELF64_EHDR_SIZE)
		abort();
	for (size_t i = 0; i < phnum; i++) {
		const uint8_t *ph = b + KX_ELF64_EHDR_SIZE + i * KX_ELF64_PHDR_SIZE;
		uint32_t type = kx_le32(ph);
		uint64_t off = kx_le64(ph + 8), filesz = kx_le64(ph + 32);

		if (!filesz || off + filesz < off)
			abort(); /* empty or wrapping: vmcore.c reads [off, off + filesz) */
		if (type == KX_PT_NOTE) {
			bool want = notes < f->kdump.notes_n;
			uint64_t a = want ? f->kdump.notes[notes].addr : f->kdump.vmcoreinfo_addr;
			uint64_t s = want ? f->kdump.notes[notes].size : f->kdump.vmcoreinfo_size;

			if (notes > f->kdump.notes_n || off != a || filesz != s)
				abort();
			notes++;
		} else if (type == KX_PT_LOAD) {
			/* The first is the kernel image mapping; the others are RAM. */
			if (i != notes && (overlaps_crash(f, off, filesz) || off < KX_MIB))
				abort();
		} else {
			abort();
		}
	}
	if (notes != f->kdump.notes_n + 1)
		abort();
}

static void check_boot_params(const struct kx_plan *p, const struct kx_facts *f)
{
	int s = fuzz_find_role(p, KX_ROLE_BOOT_PARAMS, 0);
	const uint8_t *b;
	char want[32];
	size_t n;

	if (s < 0)
		return;
	b = p->seg[s].buf;
	snprintf(want, sizeof(want), "elfcorehdr=%#llx", (unsigned long long)p->capture.elfcorehdr);
	if (p->seg[s].bufsz <= BP_SIZE || !memchr(b + BP_SIZE, 0, p->seg[s].bufsz - BP_SIZE) ||
	    !strstr((const char *)b + BP_SIZE, want))
		abort();
	n = b[OFF_E820_ENTRIES];
	for (size_t i = 0; i < n && i < BP_E820_MAX_ZEROPAGE; i++) {
		const uint8_t *e = b + OFF_E820_TABLE + i * 20;
		uint64_t start = kx_le64(e), end = start + kx_le64(e + 8);

		/* Below 1 MiB the e820 has the firmware's RAM as it is, as the
		 * kernel's loader gives it (a crash region there, which Linux
		 * never reserves, merges with it): only the part above counts. */
		if (kx_le32(e + 16) != KX_MEM_RAM || end <= KX_MIB)
			continue;
		if (start < KX_MIB)
			start = KX_MIB;
		if (!fuzz_range_in(&f->crash, start, end - start) ||
		    (start < p->capture.elfcorehdr + p->capture.elfcorehdr_size &&
		     p->capture.elfcorehdr < end))
			abort();
	}
}

/* What kx_build_plan had to say about an image it did not plan. */
static void check_refusal(const uint8_t *img, size_t len, const char *type, int ret)
{
	const struct kx_format *fmt = NULL;
	struct kx_unwrapped u;

	if (kx_unwrap_image(img, len, type, &u))
		return;
	if (kx_format_detect(u.img, u.len, kx_unwrapped_type(type), &fmt) == 0 && !fmt->capture && ret != -EINVAL)
		abort();
	kx_unwrapped_free(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct kx_load_opts o = { .panic = true, .defer_digests = true };
	struct kx_facts f;
	struct kx_plan p;
	size_t nfmt = 0, got;
	unsigned flags;
	char *cmdline;
	int ret;

	if (!fuzz_facts_take(&in, &f))
		return 0;
	flags = fz_u8(&in);
	while (kx_formats[nfmt])
		nfmt++;
	if ((flags & 0x7f) % (nfmt + 1))
		o.type = kx_formats[(flags & 0x7f) % (nfmt + 1) - 1]->name;
	cmdline = fuzz_take_string(&in);
	o.cmdline = cmdline;
	o.initrd = fz_bytes(&in, fz_u16(&in), &got);
	o.initrd_len = got;
	if (!got)
		o.initrd = NULL;
	if (!cmdline)
		goto out;

	kx_err_clear();
	ret = kx_build_plan(in.p, in.n, &o, &f, &p);
	if (ret > 0 || (ret < 0 && !kx_errmsg()[0]))
		abort();
	if (ret < 0) {
		check_refusal(in.p, in.n, o.type, ret);
		goto out;
	}
	if (!kx_format_by_name(p.format) || !kx_format_by_name(p.format)->capture)
		abort();
	fuzz_check_placement(&p, &f.crash, 0, 0);
	check_corehdr(&p, &f);
	check_boot_params(&p, &f);
	if (flags & 0x80) {
		uint64_t total = 0;

		for (size_t i = 0; i < p.n; i++)
			total += p.seg[i].memsz;
		if (total <= HASH_MAX)
			kx_plan_digest(&p, NULL);
	}
	kx_plan_free(&p);
out:
	free(cmdline);
	kx_facts_free(&f);
	return 0;
}
