/* SPDX-License-Identifier: MIT */
/* /sys/firmware/efi/systab parser. */
#include <stdint.h>
#include <stdlib.h>

#include "sys/sysfacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t acpi20, smbios;

	if (kx_efi_systab_parse((const char *)data, size, &acpi20, &smbios) != 0 &&
	    (acpi20 != 0 || smbios != 0))
		abort();
	return 0;
}
