/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the Intel SHA extensions (SHA-NI), x86's accelerated block
 * function for core/sha256.c. The same constraints hold: it is compiled into
 * purgatory too, so no headers beyond the compiler's own (<cpuid.h>), no
 * <immintrin.h> (it drags in <stdlib.h>), no pointers in initialized data.
 */
#include "core/sha256.h"

#include <cpuid.h>

/* CPUID bits (Intel SDM vol. 2A, CPUID): leaf 1 ECX, leaf 7 subleaf 0 EBX. */
#define CPUID_LEAF_FEATURES 1
#define CPUID_LEAF_EXT_FEATURES 7
#define CPUID1_ECX_SSSE3 (1u << 9)
#define CPUID1_ECX_SSE41 (1u << 19)
#define CPUID7_EBX_SHA (1u << 29)

/* GCC/clang vector types stand in for <immintrin.h>'s __m128i. The _u variant
 * may be unaligned and may alias anything, for loads from the caller's bytes.
 * Lane moves are written as __builtin_shufflevector (GCC >= 12, clang) rather
 * than the pshufd/palignr/pblendw builtins, whose signatures differ between
 * the two compilers; the compiler picks those instructions itself. */
typedef int v4si __attribute__((vector_size(16)));
typedef unsigned int v4su __attribute__((vector_size(16)));
typedef char v16qi __attribute__((vector_size(16)));
typedef v4si v4si_u __attribute__((aligned(1), may_alias));

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* _mm_alignr_epi8(hi, lo, 4 * n) on 32-bit lanes: lanes n..n+3 of lo:hi. */
#define alignr_lanes(hi, lo, n) \
	__builtin_shufflevector((lo), (hi), (n), (n) + 1, (n) + 2, (n) + 3)

/* Message words are big-endian (FIPS 180-4 section 3.1): swap each 32-bit lane. */
static SHANI_TARGET inline v4si load_be_v4(const uint8_t *p)
{
	v16qi x = (v16qi) * (const v4si_u *)p;

	return (v4si)__builtin_shufflevector(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15,
					     14, 13, 12);
}

/*
 * The SHA-NI instructions keep the state as two registers, ABEF and CDGH
 * (lane 3 first: Intel, "Intel SHA Extensions", 2013), and sha256rnds2 does
 * two rounds with the two message+constant words in the low half of its third
 * operand. Each group of four rounds i also advances the message schedule:
 * msg2 finishes W for group i+1, msg1 starts W for group i+3.
 */
SHANI_TARGET void kx_sha256_blocks_accel(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	v4si abcd = *(const v4si_u *)&h[0];
	v4si efgh = *(const v4si_u *)&h[4];
	v4si abef = __builtin_shufflevector(efgh, abcd, 1, 0, 5, 4);
	v4si cdgh = __builtin_shufflevector(efgh, abcd, 3, 2, 7, 6);

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		v4si abef_in = abef, cdgh_in = cdgh;
		v4si w[4];

#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			v4si msg;

			if (i < 4)
				w[i] = load_be_v4(p + 16 * i);
			msg = (v4si)((v4su)w[i & 3] + *(const v4su *)&kx_sha256_k[4 * i]);
			cdgh = __builtin_ia32_sha256rnds2(cdgh, abef, msg);
			if (i >= 3 && i <= 14) {
				v4si next = (v4si)((v4su)w[(i + 1) & 3] +
						   (v4su)alignr_lanes(w[i & 3], w[(i - 1) & 3], 1));

				w[(i + 1) & 3] = __builtin_ia32_sha256msg2(next, w[i & 3]);
			}
			msg = __builtin_shufflevector(msg, msg, 2, 3, 0, 0);
			abef = __builtin_ia32_sha256rnds2(abef, cdgh, msg);
			if (i >= 1 && i <= 12)
				w[(i - 1) & 3] = __builtin_ia32_sha256msg1(w[(i - 1) & 3], w[i & 3]);
		}
		abef = (v4si)((v4su)abef + (v4su)abef_in);
		cdgh = (v4si)((v4su)cdgh + (v4su)cdgh_in);
	}

	*(v4si_u *)&h[0] = __builtin_shufflevector(abef, cdgh, 3, 2, 7, 6);
	*(v4si_u *)&h[4] = __builtin_shufflevector(abef, cdgh, 1, 0, 5, 4);
}

bool kx_sha256_have_accel(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(CPUID_LEAF_FEATURES, &eax, &ebx, &ecx, &edx))
		return false;
	if ((ecx & (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41)) !=
	    (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41))
		return false;
	if (!__get_cpuid_count(CPUID_LEAF_EXT_FEATURES, 0, &eax, &ebx, &ecx, &edx))
		return false;
	return (ebx & CPUID7_EBX_SHA) != 0;
}
