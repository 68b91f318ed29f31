/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the ARMv8 Cryptographic Extension's SHA-256 instructions
 * (Arm ARM, "SHA256H, SHA256H2, SHA256SU0, SHA256SU1"), arm64's accelerated
 * block function for core/sha256.c. It is compiled into purgatory too, so the
 * same constraints hold: only the compiler's own headers (<arm_neon.h>), no
 * pointers in initialized data. Loads are byte-element loads (ld1 .16b):
 * purgatory runs with the MMU off, where every access is Device memory and
 * an unaligned wider access would fault.
 */
#include "core/sha256.h"

#include <arm_neon.h>

#if __STDC_HOSTED__
#include <sys/auxv.h>
#endif

/* ID_AA64ISAR0_EL1.SHA2, bits [15:12] (Arm ARM D19.2): 1 = SHA256H,
 * SHA256H2, SHA256SU0 and SHA256SU1; 2 adds SHA-512. */
#define ID_AA64ISAR0_SHA2_SHIFT 12
#define ID_AA64ISAR0_SHA2_MASK 0xfu
/* Linux's hwcap for the same (arch/arm64/include/uapi/asm/hwcap.h). */
#define KX_HWCAP_SHA2 (1ul << 6)

#define SHA2_TARGET __attribute__((target("+crypto")))

/*
 * The instructions keep the state as two vectors, ABCD and EFGH. Each
 * group of four rounds takes four message words plus their constants;
 * SHA256SU0/SU1 extend the schedule by four words, from the four groups
 * before it (W[t] for t = 16..63, FIPS 180-4 6.2.2 step 1).
 */
SHA2_TARGET void kx_sha256_blocks_accel(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	uint32x4_t abcd = vld1q_u32(&h[0]);
	uint32x4_t efgh = vld1q_u32(&h[4]);

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		uint32x4_t abcd_in = abcd, efgh_in = efgh;
		uint32x4_t w[4];

		/* The message words are big-endian (FIPS 180-4 3.1). */
		for (int i = 0; i < 4; i++)
			w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			uint32x4_t wk = vaddq_u32(w[i & 3], vld1q_u32(&kx_sha256_k[4 * i]));
			uint32x4_t abcd_prev = abcd;

			if (i < 12)
				w[i & 3] = vsha256su1q_u32(vsha256su0q_u32(w[i & 3], w[(i + 1) & 3]),
							   w[(i + 2) & 3], w[(i + 3) & 3]);
			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, abcd_prev, wk);
		}
		abcd = vaddq_u32(abcd, abcd_in);
		efgh = vaddq_u32(efgh, efgh_in);
	}
	vst1q_u32(&h[0], abcd);
	vst1q_u32(&h[4], efgh);
}

bool kx_sha256_have_accel(void)
{
#if __STDC_HOSTED__
	/* At EL0 the ID registers are the kernel's to tell (its MRS emulation
	 * needs HWCAP_CPUID); the hwcap is the documented way. */
	return (getauxval(AT_HWCAP) & KX_HWCAP_SHA2) != 0;
#else
	uint64_t isar0;

	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	return ((isar0 >> ID_AA64ISAR0_SHA2_SHIFT) & ID_AA64ISAR0_SHA2_MASK) >= 1;
#endif
}
