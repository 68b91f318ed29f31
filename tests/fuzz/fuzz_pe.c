/* SPDX-License-Identifier: MIT */
/* core/pe and formats/uki: any bytes parse or fail with a message. What
 * parses has every section's file bytes inside the input and no two sharing
 * bytes; kx_pe_parse agrees with kx_pe_parse_headers + kx_pe_check_sections;
 * a UKI's parts lie inside the input, .linux is not empty, and its .cmdline
 * reads as a NUL-terminated line without control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/pe.h"
#include "formats/uki.h"

static void check_uki(const uint8_t *data, size_t size)
{
	struct kx_uki u;
	char *c;

	if (kx_uki_parse(data, size, false, &u) < 0) {
		if (!kx_errmsg()[0])
			abort();
		return;
	}
	if (!u.part[KX_UKI_LINUX].present || !u.part[KX_UKI_LINUX].size)
		abort();
	for (int p = 0; p < KX_UKI_PARTS; p++) {
		const struct kx_uki_section *s = &u.part[p];

		if (s->present && (s->data != data + s->offset || s->offset > size ||
				   s->size > size - s->offset))
			abort();
	}
	c = kx_uki_cmdline(&u);
	if (!c)
		abort();
	for (const char *q = c; *q; q++)
		if ((unsigned char)*q < 0x20)
			abort();
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_pe pe, ph;
	int ret, hret;

	kx_err_clear();
	ret = kx_pe_parse(data, size, &pe);
	if (ret < 0 && !kx_errmsg()[0])
		abort();
	hret = kx_pe_parse_headers(data, size, &ph);
	if (hret == 0)
		hret = kx_pe_check_sections(&ph, size);
	if ((ret == 0) != (hret == 0))
		abort();
	if (ret == 0) {
		if (pe.n_sections > KX_PE_MAX_SECTIONS)
			abort();
		for (size_t i = 0; i < pe.n_sections; i++) {
			const struct kx_pe_section *s = &pe.sections[i];

			if (s->file_size && (s->file_offset > size || s->file_size > size - s->file_offset))
				abort();
			if (s->file_size > s->size_of_raw_data || strlen(s->name) > 8)
				abort();
			for (size_t j = i + 1; j < pe.n_sections; j++) {
				const struct kx_pe_section *t = &pe.sections[j];

				if (s->file_size && t->file_size && s->file_offset < t->file_offset + t->file_size &&
				    t->file_offset < s->file_offset + s->file_size)
					abort();
			}
		}
	} else if (pe.n_sections) {
		abort();
	}
	kx_err_clear();
	check_uki(data, size);
	return 0;
}
