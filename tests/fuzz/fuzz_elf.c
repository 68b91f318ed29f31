/* SPDX-License-Identifier: MIT */
/* ELF format: any bytes must parse or fail with a message; what parses is
 * planned against a fixed fake machine (relocations included), and every
 * planned segment must sit inside the file or be owned by the plan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/format.h"
#include "formats/elf.h"

static void fake_facts(struct kx_facts *f)
{
	memset(f, 0, sizeof(*f));
	kx_memmap_add(&f->firmware_map, 0, 0x9fc00, KX_MEM_RAM);
	kx_memmap_add(&f->firmware_map, 0x100000, 0x7ffe0000, KX_MEM_RAM);
	kx_memmap_add(&f->ram, 0x1000, 0x9f000, KX_MEM_RAM);
	kx_memmap_add(&f->ram, 0x100000, 0x7ffe0000, KX_MEM_RAM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_elf_info *e = malloc(sizeof(*e));
	static const uint8_t rd[] = "initrd";
	struct kx_load_opts o = { .cmdline = "fuzz", .initrd = rd, .initrd_len = 6,
				  .type = "elf" };
	struct kx_facts f;
	struct kx_plan p;
	int ret;

	ret = kx_elf_parse(data, size, e);
	if (ret < 0 && !kx_errmsg()[0])
		abort();
	if (ret == 0) {
		uint64_t total = 0;

		for (size_t i = 0; i < e->phnum; i++)
			if (e->ph[i].p_type == 1 &&
			    (e->ph[i].p_offset > size || e->ph[i].p_filesz > size - e->ph[i].p_offset ||
			     e->ph[i].p_filesz > e->ph[i].p_memsz))
				abort();
		/* Planning hashes every segment over its memsz: keep the runs fast. */
		for (size_t i = 0; i < e->phnum; i++)
			if (e->ph[i].p_type == 1)
				total += e->ph[i].p_memsz > (64u << 20) ? (64u << 20) : e->ph[i].p_memsz;
		if (total > (1u << 20)) {
			free(e);
			return 0;
		}
		fake_facts(&f);
		/* The format's own plan (no purgatory, no hashing): fast runs. */
		if (kx_plan_init(&p, &f.ram, 0, 0) == 0 &&
		    kx_format_elf.plan(data, size, &o, &f, &p) == 0) {
			for (size_t i = 0; i < p.n; i++) {
				const struct kx_segment *s = &p.seg[i];
				volatile uint8_t sink = 0;

				if (s->bufsz > s->memsz || (s->mem & (KX_PAGE_SIZE - 1)))
					abort();
				/* Touch the ends: ASan catches a buffer that is not as
				 * long as the plan says. */
				if (s->bufsz)
					sink ^= s->buf[0] ^ s->buf[s->bufsz - 1];
				(void)sink;
			}
		}
		kx_plan_free(&p);
		kx_facts_free(&f);
	}
	free(e);
	return 0;
}
