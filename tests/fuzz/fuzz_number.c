/* SPDX-License-Identifier: MIT */
/* The sysfs number parser and the /proc/meminfo parser. A number that parses
 * must parse to the same value again when printed back. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/sysfacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint64_t v, again;
	char buf[32];
	int n;

	if (kx_parse_u64(s, size, &v) == 0) {
		n = snprintf(buf, sizeof(buf), (size & 1) ? "0x%" PRIx64 "\n" : "%" PRIu64, v);
		if (n <= 0 || kx_parse_u64(buf, (size_t)n, &again) != 0 || again != v)
			abort();
	}
	kx_meminfo_parse(s, size, &v);
	return 0;
}
