/* SPDX-License-Identifier: MIT */
/*
 * SHA-256, FIPS 180-4, with a portable block function and one for the Intel
 * SHA extensions (SHA-NI).
 *
 * This file is also compiled into purgatory, a freestanding position
 * independent blob that is never relocated. Hence: no headers beyond the
 * compiler's own (purgatory may be built with -nostdinc), memcpy/memset only
 * through __builtin_ (purgatory provides the out-of-line ones), no <immintrin.h> (it drags in <stdlib.h>), no pointers in initialized data
 * and no function pointers; the implementation is chosen by a branch on an
 * enum. Constant tables of numbers are fine: they are reached PC-relative.
 *
 * Purgatory is entered with CR4.OSFXSR clear, so it must enable SSE before it
 * hashes with KX_SHA256_SHANI or KX_SHA256_AUTO (CPUID reports the feature
 * whether or not the OS has turned SSE on).
 */
#include "core/sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define KX_SHA256_X86 1
#endif

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. Aligned so the SHA-NI path can load four
 * at a time. */
static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 section 5.3.3: initial hash value H(0) for SHA-256. */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Source of zero blocks for kx_sha256_update_zeros: several blocks so each
 * call into a block function amortises its state load and store. */
#define SHA256_ZERO_BLOCKS 8
static const uint8_t sha256_zero[SHA256_ZERO_BLOCKS * KX_SHA256_BLOCK_SIZE];

/* The message length is appended as a 64-bit big-endian bit count
 * (FIPS 180-4 section 5.1.1), after a 0x80 byte. */
#define SHA256_LEN_FIELD 8
#define SHA256_PAD_BYTE 0x80

/* CPUID bits (Intel SDM vol. 2A, CPUID): leaf 1 ECX, leaf 7 subleaf 0 EBX. */
#define CPUID_LEAF_FEATURES 1
#define CPUID_LEAF_EXT_FEATURES 7
#define CPUID1_ECX_SSSE3 (1u << 9)
#define CPUID1_ECX_SSE41 (1u << 19)
#define CPUID7_EBX_SHA (1u << 29)

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FIPS 180-4 section 4.1.2 (Ch, Maj in forms with one operation fewer) and
 * section 6.2.2. A round renames the eight working variables instead of
 * moving them: the macro is called with them rotated by one each time, so a
 * group of 16 rounds is straight-line code with no moves and no branches,
 * which also matters under emulation (QEMU's TCG, where purgatory and the
 * loader run scalar). The message schedule is a rolling window of 16 words. */
#define SHA256_S0(x) (ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define SHA256_S1(x) (ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))
#define SHA256_ROUND(a, b, c, d, e, f, g, h, i)                                           \
	do {                                                                              \
		uint32_t t1_ = (h) + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +         \
			       ((((f) ^ (g)) & (e)) ^ (g)) + k[i] + w[i];                 \
		uint32_t t2_ = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +              \
			       (((a) & (b)) | ((c) & ((a) | (b))));                       \
		(d) += t1_;                                                               \
		(h) = t1_ + t2_;                                                          \
	} while (0)
#define SHA256_ROUNDS8(i)                                                                 \
	do {                                                                              \
		SHA256_ROUND(a, b, c, d, e, f, g, hh, (i) + 0);                           \
		SHA256_ROUND(hh, a, b, c, d, e, f, g, (i) + 1);                           \
		SHA256_ROUND(g, hh, a, b, c, d, e, f, (i) + 2);                           \
		SHA256_ROUND(f, g, hh, a, b, c, d, e, (i) + 3);                           \
		SHA256_ROUND(e, f, g, hh, a, b, c, d, (i) + 4);                           \
		SHA256_ROUND(d, e, f, g, hh, a, b, c, (i) + 5);                           \
		SHA256_ROUND(c, d, e, f, g, hh, a, b, (i) + 6);                           \
		SHA256_ROUND(b, c, d, e, f, g, hh, a, (i) + 7);                           \
	} while (0)
/* W[t] for the next 16 rounds, in place: w[i] holds W[t-16] until replaced. */
#define SHA256_SCHED(i)                                                                   \
	(w[i] += SHA256_S1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] +                      \
		 SHA256_S0(w[((i) + 1) & 15]))

static void sha256_blocks_scalar(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[16];

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
		uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
		const uint32_t *k = sha256_k;

		for (int i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		for (int t = 0; t < 64; t += 16, k += 16) {
			if (t) {
				SHA256_SCHED(0); SHA256_SCHED(1); SHA256_SCHED(2); SHA256_SCHED(3);
				SHA256_SCHED(4); SHA256_SCHED(5); SHA256_SCHED(6); SHA256_SCHED(7);
				SHA256_SCHED(8); SHA256_SCHED(9); SHA256_SCHED(10); SHA256_SCHED(11);
				SHA256_SCHED(12); SHA256_SCHED(13); SHA256_SCHED(14); SHA256_SCHED(15);
			}
			SHA256_ROUNDS8(0);
			SHA256_ROUNDS8(8);
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

#ifdef KX_SHA256_X86
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
static SHANI_TARGET void sha256_blocks_shani(uint32_t h[8], const uint8_t *p,
					     size_t nblocks)
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
			msg = (v4si)((v4su)w[i & 3] + *(const v4su *)&sha256_k[4 * i]);
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
#endif

bool kx_sha256_have_shani(void)
{
#ifdef KX_SHA256_X86
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(CPUID_LEAF_FEATURES, &eax, &ebx, &ecx, &edx))
		return false;
	if ((ecx & (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41)) !=
	    (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41))
		return false;
	if (!__get_cpuid_count(CPUID_LEAF_EXT_FEATURES, 0, &eax, &ebx, &ecx, &edx))
		return false;
	return (ebx & CPUID7_EBX_SHA) != 0;
#else
	return false;
#endif
}

static void sha256_blocks(struct kx_sha256 *c, const uint8_t *p, size_t nblocks)
{
#ifdef KX_SHA256_X86
	if (c->impl == KX_SHA256_SHANI) {
		sha256_blocks_shani(c->h, p, nblocks);
		return;
	}
#endif
	sha256_blocks_scalar(c->h, p, nblocks);
}

void kx_sha256_init(struct kx_sha256 *c, enum kx_sha256_impl impl)
{
	__builtin_memcpy(c->h, sha256_h0, sizeof(c->h));
	c->len = 0;
	c->buflen = 0;
	/* An explicit SHANI request is honoured only if the CPU can run it: an
	 * invalid opcode in purgatory would hang the machine instead of failing. */
	if (impl == KX_SHA256_SCALAR || !kx_sha256_have_shani())
		c->impl = KX_SHA256_SCALAR;
	else
		c->impl = KX_SHA256_SHANI;
}

void kx_sha256_update(struct kx_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->len += len;
	if (c->buflen) {
		size_t take = KX_SHA256_BLOCK_SIZE - c->buflen;

		if (take > len)
			take = len;
		__builtin_memcpy(c->buf + c->buflen, p, take);
		c->buflen += take;
		p += take;
		len -= take;
		if (c->buflen < KX_SHA256_BLOCK_SIZE)
			return;
		sha256_blocks(c, c->buf, 1);
		c->buflen = 0;
	}
	if (len >= KX_SHA256_BLOCK_SIZE) {
		size_t n = len / KX_SHA256_BLOCK_SIZE;

		sha256_blocks(c, p, n);
		p += n * KX_SHA256_BLOCK_SIZE;
		len -= n * KX_SHA256_BLOCK_SIZE;
	}
	if (len) {
		__builtin_memcpy(c->buf, p, len);
		c->buflen = len;
	}
}

void kx_sha256_update_zeros(struct kx_sha256 *c, uint64_t len)
{
	if (c->buflen) {
		size_t take = KX_SHA256_BLOCK_SIZE - c->buflen;

		if (take > len)
			take = (size_t)len;
		kx_sha256_update(c, sha256_zero, take);
		len -= take;
	}
	/* Here the buffer is empty (or len is 0), so whole blocks go straight to
	 * the block function. */
	c->len += len - len % KX_SHA256_BLOCK_SIZE;
	while (len >= KX_SHA256_BLOCK_SIZE) {
		uint64_t n = len / KX_SHA256_BLOCK_SIZE;

		if (n > SHA256_ZERO_BLOCKS)
			n = SHA256_ZERO_BLOCKS;
		sha256_blocks(c, sha256_zero, (size_t)n);
		len -= n * KX_SHA256_BLOCK_SIZE;
	}
	if (len)
		kx_sha256_update(c, sha256_zero, (size_t)len);
}

void kx_sha256_final(struct kx_sha256 *c, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	uint64_t bits = c->len * 8;

	c->buf[c->buflen++] = SHA256_PAD_BYTE;
	if (c->buflen > KX_SHA256_BLOCK_SIZE - SHA256_LEN_FIELD) {
		__builtin_memset(c->buf + c->buflen, 0, KX_SHA256_BLOCK_SIZE - c->buflen);
		sha256_blocks(c, c->buf, 1);
		c->buflen = 0;
	}
	__builtin_memset(c->buf + c->buflen, 0,
			 KX_SHA256_BLOCK_SIZE - SHA256_LEN_FIELD - c->buflen);
	store_be32(c->buf + KX_SHA256_BLOCK_SIZE - 8, (uint32_t)(bits >> 32));
	store_be32(c->buf + KX_SHA256_BLOCK_SIZE - 4, (uint32_t)bits);
	sha256_blocks(c, c->buf, 1);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->h[i]);
}

void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	struct kx_sha256 c;

	kx_sha256_init(&c, KX_SHA256_AUTO);
	kx_sha256_update(&c, data, len);
	kx_sha256_final(&c, out);
}
