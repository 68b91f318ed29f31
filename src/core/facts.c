/* SPDX-License-Identifier: MIT */
#include "core/facts.h"

#include <stdlib.h>
#include <string.h>

void kx_facts_free(struct kx_facts *f)
{
	kx_memmap_free(&f->firmware_map);
	kx_memmap_free(&f->ram);
	kx_memmap_free(&f->crash);
	free(f->efi.map);
	free(f->cmdline);
	free(f->kdump.notes);
	free(f->acpi_tables);
	kx_arch_facts_free(&f->arch);
	memset(f, 0, sizeof(*f));
}
