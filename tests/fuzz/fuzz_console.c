/* SPDX-License-Identifier: MIT */
/* Kernel command line -> console: never fails, and a serial console always
 * has a port purgatory can write to. */
#include <stdint.h>
#include <stdlib.h>

#include "sys/sysfacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_console c;

	kx_console_parse((const char *)data, size, &c);
	if (c.serial ? c.port == 0 : (c.port != 0 || c.baud != 0))
		abort();
	return 0;
}
