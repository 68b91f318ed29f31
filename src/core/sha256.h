/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4). One implementation serves the loader and purgatory: it
 * is freestanding (no libc beyond what purgatory provides: memcpy, memset) and
 * picks the CPU's SHA-256 instructions at run time when the CPU has them
 * (src/arch/<arch>/sha256_accel.c: SHA-NI on x86).
 */
#ifndef KX_SHA256_H
#define KX_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KX_SHA256_DIGEST_SIZE 32
#define KX_SHA256_BLOCK_SIZE 64

enum kx_sha256_impl {
	KX_SHA256_AUTO = 0,   /* the CPU's SHA-256 instructions when it has them, else scalar */
	KX_SHA256_SCALAR,
	KX_SHA256_ACCEL,      /* caller must have checked kx_sha256_have_accel() */
};

struct kx_sha256 {
	uint32_t h[8];
	uint64_t len;         /* bytes hashed so far */
	uint8_t buf[KX_SHA256_BLOCK_SIZE];
	size_t buflen;
	enum kx_sha256_impl impl; /* resolved: SCALAR or ACCEL */
};

/* The arch's accelerated path (sha256_accel.c): whether this CPU has it, and
 * the block function, which only runs when it does. */
bool kx_sha256_have_accel(void);
void kx_sha256_blocks_accel(uint32_t h[8], const uint8_t *p, size_t nblocks);
/* FIPS 180-4 4.2.2: the round constants, shared with the arch's path. */
extern const uint32_t kx_sha256_k[64];
void kx_sha256_init(struct kx_sha256 *c, enum kx_sha256_impl impl);
void kx_sha256_update(struct kx_sha256 *c, const void *data, size_t len);
/* Hashes len zero bytes without needing a buffer of that size. */
void kx_sha256_update_zeros(struct kx_sha256 *c, uint64_t len);
void kx_sha256_final(struct kx_sha256 *c, uint8_t out[KX_SHA256_DIGEST_SIZE]);
/* One-shot helper. */
void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE]);

#endif
