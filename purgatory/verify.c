/* SPDX-License-Identifier: MIT */
#include "purgatory/verify.h"

#include "core/sha256.h"

enum kx_purg_status kx_purg_check_params(const struct kx_purg_params *p)
{
	if (p->nr_regions > KX_PURG_MAX_REGIONS)
		return KX_PURG_TOO_MANY_REGIONS;
	if (!kx_purg_entry_mode_known(p->arch.entry_mode))
		return KX_PURG_BAD_ENTRY_MODE;
	for (uint32_t i = 0; i < p->nr_regions; i++) {
		const struct kx_purg_region *r = &p->regions[i];

		if (r->len && r->start + (r->len - 1) < r->start)
			return KX_PURG_REGION_WRAPS;
	}
	return KX_PURG_OK;
}

/* Not constant time: the digests are no secret, only a corruption check. */
static bool digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (unsigned i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static enum kx_purg_status verify_region(const struct kx_purg_region *r,
					 enum kx_sha256_impl impl, kx_purg_map_fn map, void *ctx,
					 struct kx_purg_verify_result *res)
{
	struct kx_sha256 c;
	uint8_t digest[KX_SHA256_DIGEST_SIZE];

	kx_sha256_init(&c, impl);
	res->shani = c.impl == KX_SHA256_ACCEL;
	if (r->len) {
		const void *mem;

		if (!map(ctx, r->start, r->len, &mem))
			return KX_PURG_REGION_UNMAPPED;
		kx_sha256_update(&c, mem, (size_t)r->len);
	}
	kx_sha256_final(&c, digest);
	res->bytes += r->len;
	return digest_equal(digest, r->sha256) ? KX_PURG_OK : KX_PURG_MISMATCH;
}

enum kx_purg_status kx_purg_verify_impl(const struct kx_purg_params *p,
					enum kx_sha256_impl impl, kx_purg_map_fn map, void *ctx,
					struct kx_purg_verify_result *res)
{
	res->status = kx_purg_check_params(p);
	res->region = 0;
	res->bytes = 0;
	res->shani = impl != KX_SHA256_SCALAR && kx_sha256_have_accel();
	if (res->status != KX_PURG_OK)
		return res->status;
	for (uint32_t i = 0; i < p->nr_regions; i++) {
		res->region = i;
		res->status = verify_region(&p->regions[i], impl, map, ctx, res);
		if (res->status != KX_PURG_OK)
			return res->status;
	}
	return KX_PURG_OK;
}

enum kx_purg_status kx_purg_verify(const struct kx_purg_params *p, kx_purg_map_fn map,
				   void *ctx, struct kx_purg_verify_result *res)
{
	return kx_purg_verify_impl(p, KX_SHA256_AUTO, map, ctx, res);
}
