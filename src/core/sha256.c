/* SPDX-License-Identifier: MIT */
/*
 * SHA-256, FIPS 180-4: the portable block function and the stream around
 * it. The arch's file (src/arch/<arch>/sha256_accel.c) adds the block
 * function for the CPU's SHA-256 instructions and says when they exist.
 *
 * This file is also compiled into purgatory, a freestanding position
 * independent blob that is never relocated. Hence: no headers beyond the
 * compiler's own (purgatory may be built with -nostdinc), memcpy/memset only
 * through __builtin_ (purgatory provides the out-of-line ones), no pointers in initialized data
 * and no function pointers; the implementation is chosen by a branch on an
 * enum. Constant tables of numbers are fine: they are reached PC-relative.
 *
 * Purgatory must make the accelerated path usable before it hashes with
 * KX_SHA256_ACCEL or KX_SHA256_AUTO (on x86 it is entered with CR4.OSFXSR
 * clear, so it enables SSE; CPUID reports SHA-NI either way).
 */
#include "core/sha256.h"

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. Aligned so the SHA-NI path can load four
 * at a time. */
const uint32_t kx_sha256_k[64] __attribute__((aligned(16))) = {
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
		const uint32_t *k = kx_sha256_k;

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


static void sha256_blocks(struct kx_sha256 *c, const uint8_t *p, size_t nblocks)
{
	if (c->impl == KX_SHA256_ACCEL) {
		kx_sha256_blocks_accel(c->h, p, nblocks);
		return;
	}
	sha256_blocks_scalar(c->h, p, nblocks);
}

void kx_sha256_init(struct kx_sha256 *c, enum kx_sha256_impl impl)
{
	__builtin_memcpy(c->h, sha256_h0, sizeof(c->h));
	c->len = 0;
	c->buflen = 0;
	/* An explicit SHANI request is honoured only if the CPU can run it: an
	 * invalid opcode in purgatory would hang the machine instead of failing. */
	if (impl == KX_SHA256_SCALAR || !kx_sha256_have_accel())
		c->impl = KX_SHA256_SCALAR;
	else
		c->impl = KX_SHA256_ACCEL;
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
