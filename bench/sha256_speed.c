/* SPDX-License-Identifier: MIT */
/*
 * Throughput of kx's SHA-256 block functions over one large buffer, the size
 * of a big initrd, so the number compares with `openssl dgst -sha256` on a
 * file that sits in the page cache.
 * Output, one line per implementation: "<impl> <MB/s> MB/s <hex digest>",
 * then "zeros": kx_sha256_update_zeros (best implementation) over as many zeros.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sha256.h"

#define DEFAULT_MIB 256
#define MIB (1024.0 * 1024.0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best of `runs`: the machine is shared, the fastest run is the least disturbed. */
static double measure(enum kx_sha256_impl impl, const uint8_t *buf, size_t len, int runs,
		      uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	double best = 0;

	for (int r = 0; r < runs; r++) {
		struct kx_sha256 c;
		double t0 = now(), dt;

		kx_sha256_init(&c, impl);
		kx_sha256_update(&c, buf, len);
		kx_sha256_final(&c, out);
		dt = now() - t0;
		if (best == 0 || dt < best)
			best = dt;
	}
	return (double)len / MIB / best;
}

/* kx_sha256_update_zeros: the zero tail of a kernel's init_size is hashed
 * from a small static block, so it should run at the block function's speed. */
static double measure_zeros(size_t len, int runs, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	double best = 0;

	for (int r = 0; r < runs; r++) {
		struct kx_sha256 c;
		double t0 = now(), dt;

		kx_sha256_init(&c, KX_SHA256_AUTO);
		kx_sha256_update_zeros(&c, len);
		kx_sha256_final(&c, out);
		dt = now() - t0;
		if (best == 0 || dt < best)
			best = dt;
	}
	return (double)len / MIB / best;
}

static void report(const char *name, double mbs, const uint8_t d[KX_SHA256_DIGEST_SIZE])
{
	printf("%-7s %8.1f MB/s ", name, mbs);
	for (int i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
		printf("%02x", d[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : DEFAULT_MIB;
	size_t len = mib << 20;
	uint8_t d[KX_SHA256_DIGEST_SIZE];
	uint8_t *buf;
	uint64_t x = 0x243f6a8885a308d3ull;

	if (mib == 0) {
		fprintf(stderr, "usage: %s [MiB]\n", argv[0]);
		return 2;
	}
	buf = malloc(len);
	if (!buf) {
		fprintf(stderr, "sha256_speed: cannot allocate %zu MiB\n", mib);
		return 1;
	}
	/* Touch every page before timing, so page faults are not measured. */
	for (size_t i = 0; i < len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	report("scalar", measure(KX_SHA256_SCALAR, buf, len, 2, d), d);
	if (kx_sha256_have_accel())
		report("sha-ni", measure(KX_SHA256_ACCEL, buf, len, 3, d), d);
	else
		printf("sha-ni  unavailable (CPU has no SHA extensions)\n");
	report("zeros", measure_zeros(len, 3, d), d);
	free(buf);
	return 0;
}
