/* SPDX-License-Identifier: MIT */
/* The page pattern shared by pagefill and vmcore_peek: the token and the byte
 * offset, repeated, so a page from the wrong place or a shifted read differs. */
#ifndef KX_GUEST_PATTERN_H
#define KX_GUEST_PATTERN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define KX_PATTERN_PAGE 4096u

static inline void kx_pattern_fill(uint8_t *page, const char *token)
{
	char rec[64];
	size_t at = 0;

	while (at < KX_PATTERN_PAGE) {
		int n = snprintf(rec, sizeof(rec), "<%s@%04zx>", token, at);
		size_t k = (size_t)n < KX_PATTERN_PAGE - at ? (size_t)n : KX_PATTERN_PAGE - at;

		memcpy(page + at, rec, k);
		at += k;
	}
}

#endif
