/* SPDX-License-Identifier: MIT */
/* core/elf: any bytes parse or fail with a message. What parses is read both
 * ways the callers do (the whole prefix, or the header then the table on its
 * own), every program header is read, and the notes of every PT_NOTE inside
 * the input are walked, at the segment's alignment and at 4. Properties: a
 * parsed table lies inside the input, the two ways agree, a note's name and
 * desc lie inside its segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/elf.h"
#include "core/err.h"

static void walk_notes(const uint8_t *seg, size_t len, uint64_t align)
{
	struct kx_elf_note_iter it;
	struct kx_elf_note n;
	size_t count = 0;

	kx_elf_notes_begin(&it, seg, len, align);
	while (kx_elf_notes_next(&it, &n)) {
		if (n.name < seg || n.desc < n.name || n.desc > seg + len ||
		    n.n_descsz > (size_t)(seg + len - n.desc) ||
		    n.n_namesz > (size_t)(n.desc - n.name))
			abort();
		/* Each note takes at least its header: the walk ends. */
		if (++count > len / KX_ELF_NOTE_HDR_SIZE)
			abort();
		(void)kx_elf_note_named(&n, "Linux");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_elf_hdr h, eh;
	uint64_t need;
	int ret;

	ret = kx_elf_parse_headers(data, size, "fuzz", &h);
	if (ret < 0 && !kx_errmsg()[0])
		abort();
	if (ret < 0)
		return 0;
	if (kx_elf_headers_size(&h, "fuzz", &need) < 0 || need > size)
		abort();
	if (h.e_phnum && (h.phdrs < data || h.phdrs + kx_elf_phdrs_size(&h) > data + size))
		abort();
	if (kx_elf_parse_ehdr(data, size, "fuzz", &eh) < 0)
		abort();
	if (h.e_phnum && kx_elf_attach_phdrs(&eh, data + eh.e_phoff, size - eh.e_phoff, "fuzz") < 0)
		abort();
	for (size_t i = 0; i < h.e_phnum; i++) {
		struct kx_elf_phdr ph, ph2;

		kx_elf_get_phdr(&h, i, &ph);
		kx_elf_get_phdr(&eh, i, &ph2);
		if (memcmp(&ph, &ph2, sizeof(ph)))
			abort();
		if (!h.is64 && (ph.p_offset >> 32 || ph.p_filesz >> 32 || ph.p_align >> 32))
			abort();
		if (ph.p_type != KX_PT_NOTE || !kx_elf_segment_in_file(&ph, size))
			continue;
		walk_notes(data + ph.p_offset, (size_t)ph.p_filesz, ph.p_align);
		walk_notes(data + ph.p_offset, (size_t)ph.p_filesz, 4);
	}
	return 0;
}
