/* SPDX-License-Identifier: MIT */
/*
 * SHA-256: published vectors (FIPS 180-4 examples / NIST CSRC "SHA256.pdf" and
 * the long-message vectors), agreement of the scalar and SHA-NI block
 * functions on random data with every split of update, update_zeros against a
 * real zero buffer, and a cross-check with coreutils' sha256sum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sha256.h"

struct vector {
	const char *name;
	const char *msg;     /* NULL: one million 'a' */
	const char *digest;  /* hex */
};

static const struct vector vectors[] = {
	{ "empty", "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448-bit", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896-bit",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "million-a", NULL,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

#define MILLION 1000000

static void hex(const uint8_t d[KX_SHA256_DIGEST_SIZE], char out[2 * KX_SHA256_DIGEST_SIZE + 1])
{
	for (int i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Deterministic bytes so a failure reproduces (xorshift64). */
static void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

static void digest_of(enum kx_sha256_impl impl, const void *p, size_t len,
		      uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	struct kx_sha256 c;

	kx_sha256_init(&c, impl);
	kx_sha256_update(&c, p, len);
	kx_sha256_final(&c, out);
}

static void check_vectors(enum kx_sha256_impl impl)
{
	uint8_t *million = malloc(MILLION);

	assert_non_null(million);
	memset(million, 'a', MILLION);
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		const void *msg = v->msg ? (const void *)v->msg : million;
		size_t len = v->msg ? strlen(v->msg) : MILLION;
		uint8_t d[KX_SHA256_DIGEST_SIZE];
		char h[2 * KX_SHA256_DIGEST_SIZE + 1];
		struct kx_sha256 c;

		kx_sha256_init(&c, impl);
		assert_int_equal(c.impl, impl);
		kx_sha256_update(&c, msg, len);
		kx_sha256_final(&c, d);
		hex(d, h);
		if (strcmp(h, v->digest) != 0)
			fail_msg("%s (impl %d): got %s want %s", v->name, impl, h, v->digest);

		/* The same message fed one byte at a time. */
		kx_sha256_init(&c, impl);
		for (size_t j = 0; j < len; j++)
			kx_sha256_update(&c, (const uint8_t *)msg + j, 1);
		kx_sha256_final(&c, d);
		hex(d, h);
		if (strcmp(h, v->digest) != 0)
			fail_msg("%s bytewise (impl %d): got %s want %s", v->name, impl, h,
				 v->digest);
	}
	free(million);
}

static void test_vectors_scalar(void **state)
{
	check_vectors(KX_SHA256_SCALAR);
}

static void test_vectors_shani(void **state)
{
	if (!kx_sha256_have_accel()) {
		print_message("SKIP: CPU has no SHA-NI (CPUID.7.0:EBX[29])\n");
		skip();
	}
	check_vectors(KX_SHA256_ACCEL);
}

static void test_one_shot_and_auto(void **state)
{
	uint8_t a[KX_SHA256_DIGEST_SIZE], b[KX_SHA256_DIGEST_SIZE];
	struct kx_sha256 c;

	kx_sha256("abc", 3, a);
	digest_of(KX_SHA256_SCALAR, "abc", 3, b);
	assert_memory_equal(a, b, sizeof(a));

	kx_sha256_init(&c, KX_SHA256_AUTO);
	assert_int_equal(c.impl, kx_sha256_have_accel() ? KX_SHA256_ACCEL : KX_SHA256_SCALAR);
}

/* Hashes p in two updates split at `split`, then compares with a reference. */
static void check_split(enum kx_sha256_impl impl, const uint8_t *p, size_t len, size_t split,
			const uint8_t want[KX_SHA256_DIGEST_SIZE])
{
	uint8_t d[KX_SHA256_DIGEST_SIZE];
	struct kx_sha256 c;

	kx_sha256_init(&c, impl);
	kx_sha256_update(&c, p, split);
	kx_sha256_update(&c, p + split, len - split);
	kx_sha256_final(&c, d);
	if (memcmp(d, want, sizeof(d)) != 0)
		fail_msg("impl %d len %zu split %zu disagrees with the scalar digest", impl, len,
			 split);
}

static void test_scalar_shani_agree(void **state)
{
	static const size_t large[] = { 4095, 4096, 4097, 65536 + 17, 1048576 + 55 };
	bool shani = kx_sha256_have_accel();
	size_t maxlen = large[sizeof(large) / sizeof(large[0]) - 1];
	uint8_t *buf = malloc(maxlen);
	uint8_t want[KX_SHA256_DIGEST_SIZE], got[KX_SHA256_DIGEST_SIZE];

	assert_non_null(buf);
	if (!shani)
		print_message("SKIP part: no SHA-NI; checking scalar splits only\n");
	for (size_t len = 0; len <= 200; len++) {
		fill_random(buf, len, len);
		digest_of(KX_SHA256_SCALAR, buf, len, want);
		if (shani) {
			digest_of(KX_SHA256_ACCEL, buf, len, got);
			if (memcmp(got, want, sizeof(got)) != 0)
				fail_msg("len %zu: SHA-NI and scalar disagree", len);
		}
		for (size_t split = 0; split <= len; split++) {
			check_split(KX_SHA256_SCALAR, buf, len, split, want);
			if (shani)
				check_split(KX_SHA256_ACCEL, buf, len, split, want);
		}
	}
	for (size_t i = 0; i < sizeof(large) / sizeof(large[0]); i++) {
		static const size_t splits[] = { 0, 1, 63, 64, 65, 1000 };
		size_t len = large[i];

		fill_random(buf, len, 1000 + i);
		digest_of(KX_SHA256_SCALAR, buf, len, want);
		for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
			check_split(KX_SHA256_SCALAR, buf, len, splits[s], want);
			check_split(KX_SHA256_SCALAR, buf, len, len - splits[s], want);
			if (shani) {
				check_split(KX_SHA256_ACCEL, buf, len, splits[s], want);
				check_split(KX_SHA256_ACCEL, buf, len, len - splits[s], want);
			}
		}
	}
	free(buf);
}

static void check_zeros(enum kx_sha256_impl impl)
{
	/* Prefix lengths leave the buffer partly filled; zero lengths straddle
	 * block boundaries and the 8-block zero source. */
	static const size_t prefixes[] = { 0, 1, 55, 56, 63, 64, 100 };
	static const size_t zeros[] = { 0,   1,   8,   55,  56,  63,  64,  65,   127,  128,
					129, 511, 512, 513, 575, 576, 577, 1000, 4096, 100003 };
	size_t maxz = zeros[sizeof(zeros) / sizeof(zeros[0]) - 1];
	uint8_t *buf = calloc(1, 128 + maxz);
	uint8_t prefix[128];

	assert_non_null(buf);
	for (size_t pi = 0; pi < sizeof(prefixes) / sizeof(prefixes[0]); pi++) {
		size_t plen = prefixes[pi];

		fill_random(prefix, plen, 77 + plen);
		memcpy(buf, prefix, plen);
		for (size_t zi = 0; zi < sizeof(zeros) / sizeof(zeros[0]); zi++) {
			uint8_t want[KX_SHA256_DIGEST_SIZE], got[KX_SHA256_DIGEST_SIZE];
			struct kx_sha256 c;

			digest_of(impl, buf, plen + zeros[zi], want);
			kx_sha256_init(&c, impl);
			kx_sha256_update(&c, prefix, plen);
			kx_sha256_update_zeros(&c, zeros[zi]);
			kx_sha256_final(&c, got);
			if (memcmp(got, want, sizeof(got)) != 0)
				fail_msg("impl %d: %zu bytes then %zu zeros differ from update", impl,
					 plen, zeros[zi]);
		}
	}
	free(buf);
}

static void test_zeros_scalar(void **state)
{
	check_zeros(KX_SHA256_SCALAR);
}

static void test_zeros_shani(void **state)
{
	if (!kx_sha256_have_accel()) {
		print_message("SKIP: CPU has no SHA-NI\n");
		skip();
	}
	check_zeros(KX_SHA256_ACCEL);
}

/* A file hashed by coreutils must give the digest we compute in memory. */
static void test_against_sha256sum(void **state)
{
	const size_t len = 3u << 20;
	char path[] = "/tmp/kx-sha256-XXXXXX";
	char cmd[128], line[256];
	char h[2 * KX_SHA256_DIGEST_SIZE + 1];
	uint8_t d[KX_SHA256_DIGEST_SIZE];
	uint8_t *buf = malloc(len);
	int fd;
	FILE *f;

	assert_non_null(buf);
	if (system("command -v sha256sum >/dev/null 2>&1") != 0) {
		print_message("SKIP: sha256sum not installed\n");
		free(buf);
		skip();
	}
	fill_random(buf, len, 3);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(pclose(f), 0);
	unlink(path);

	kx_sha256(buf, len, d);
	hex(d, h);
	if (strncmp(line, h, 2 * KX_SHA256_DIGEST_SIZE) != 0)
		fail_msg("sha256sum says %.64s, kx says %s", line, h);

	digest_of(KX_SHA256_SCALAR, buf, len, d);
	hex(d, h);
	if (strncmp(line, h, 2 * KX_SHA256_DIGEST_SIZE) != 0)
		fail_msg("sha256sum says %.64s, kx scalar says %s", line, h);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_scalar),
		cmocka_unit_test(test_vectors_shani),
		cmocka_unit_test(test_one_shot_and_auto),
		cmocka_unit_test(test_scalar_shani_agree),
		cmocka_unit_test(test_zeros_scalar),
		cmocka_unit_test(test_zeros_shani),
		cmocka_unit_test(test_against_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
