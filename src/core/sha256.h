/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4). One implementation serves the loader and purgatory: it
 * is freestanding (no libc beyond what purgatory provides: memcpy, memset) and
 * picks the SHA-NI path at run time when CPUID says the CPU has it.
 */
#ifndef KX_SHA256_H
#define KX_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KX_SHA256_DIGEST_SIZE 32
#define KX_SHA256_BLOCK_SIZE 64

enum kx_sha256_impl {
	KX_SHA256_AUTO = 0,   /* SHA-NI when the CPU has it, else scalar */
	KX_SHA256_SCALAR,
	KX_SHA256_SHANI,      /* caller must have checked kx_sha256_have_shani() */
};

struct kx_sha256 {
	uint32_t h[8];
	uint64_t len;         /* bytes hashed so far */
	uint8_t buf[KX_SHA256_BLOCK_SIZE];
	size_t buflen;
	enum kx_sha256_impl impl; /* resolved: SCALAR or SHANI */
};

bool kx_sha256_have_shani(void);
void kx_sha256_init(struct kx_sha256 *c, enum kx_sha256_impl impl);
void kx_sha256_update(struct kx_sha256 *c, const void *data, size_t len);
/* Hashes len zero bytes without needing a buffer of that size. */
void kx_sha256_update_zeros(struct kx_sha256 *c, uint64_t len);
void kx_sha256_final(struct kx_sha256 *c, uint8_t out[KX_SHA256_DIGEST_SIZE]);
/* One-shot helper. */
void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE]);

#endif
