/* SPDX-License-Identifier: MIT */
/* See zboot.h. */
#include "formats/zboot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/pe.h"

#define MOD "zboot"

/*
 * drivers/firmware/efi/libstub/Makefile.zboot names the compression with
 * its command's name ("gzip", "lz4", "lzma", "lzo", "xzkern", "zstd22"):
 * the prefix says the codec; the payload's own magic must agree.
 */
static const struct {
	const char *prefix;
	enum kx_compression comp;
} zboot_codecs[] = {
	{ "gzip", KX_COMP_GZIP },
	{ "xz", KX_COMP_XZ },
	{ "zstd", KX_COMP_ZSTD },
	{ "lz4", KX_COMP_LZ4_LEGACY }, /* the kernel build's lz4 -l */
};

/* What the payload of a zboot image for a PE machine must be: the kernel's
 * Image header magic (arm64: booting.rst, "ARM\x64" at 0x38). */
static const struct {
	uint16_t machine;
	const char *what;
	size_t offset;
	const char *magic;
} zboot_kernels[] = {
	{ KX_PE_MACHINE_ARM64, "an arm64 Image", 0x38, "ARM\x64" },
};

bool kx_zboot_is(const uint8_t *buf, size_t len)
{
	return len >= KX_ZBOOT_HDR_SIZE && kx_pe_is_mz(buf, len) &&
	       !memcmp(buf + KX_ZBOOT_MAGIC_OFFSET, KX_ZBOOT_MAGIC, KX_ZBOOT_MAGIC_SIZE);
}

static int zboot_codec(struct kx_zboot *z)
{
	for (size_t i = 0; i < sizeof(zboot_codecs) / sizeof(zboot_codecs[0]); i++)
		if (!strncmp(z->comp_type, zboot_codecs[i].prefix,
			     strlen(zboot_codecs[i].prefix))) {
			z->comp = zboot_codecs[i].comp;
			return 0;
		}
	return kx_err(EOPNOTSUPP, MOD, "payload compressed with \"%s\": kx unpacks gzip, xz, "
		      "zstd and lz4 (build the kernel with one of them)", z->comp_type);
}

int kx_zboot_parse(const uint8_t *img, size_t len, struct kx_zboot *z)
{
	const char *name = (const char *)img + KX_ZBOOT_COMP_TYPE;
	struct kx_pe pe;
	int ret;

	memset(z, 0, sizeof(*z));
	if (!kx_zboot_is(img, len))
		return kx_err(ENOEXEC, MOD, "not an EFI zboot image (no \"zimg\" at offset 4)");
	z->payload_offset = kx_le32(img + KX_ZBOOT_PAYLOAD_OFFSET);
	z->payload_size = kx_le32(img + KX_ZBOOT_PAYLOAD_SIZE);
	if (!memchr(name, 0, KX_ZBOOT_COMP_TYPE_MAX))
		return kx_err(EINVAL, MOD, "the compression name at 0x%x has no NUL: the header "
			      "is damaged", KX_ZBOOT_COMP_TYPE);
	memcpy(z->comp_type, name, strlen(name));
	if (!z->payload_size || z->payload_offset < KX_ZBOOT_HDR_SIZE ||
	    (uint64_t)z->payload_offset + z->payload_size > len)
		return kx_err(EINVAL, MOD, "payload of 0x%x bytes at 0x%x lies outside the file "
			      "(%zu bytes): the image is truncated or damaged", z->payload_size,
			      z->payload_offset, len);
	ret = kx_pe_parse(img, len, &pe);
	if (ret < 0)
		return kx_err_prefix(-EINVAL, MOD);
	z->machine = pe.machine;
	return zboot_codec(z);
}

static int check_kernel(const struct kx_zboot *z, const uint8_t *k, size_t len)
{
	for (size_t i = 0; i < sizeof(zboot_kernels) / sizeof(zboot_kernels[0]); i++) {
		size_t off = zboot_kernels[i].offset, n = strlen(zboot_kernels[i].magic);

		if (zboot_kernels[i].machine != z->machine)
			continue;
		if (len < off + n || memcmp(k + off, zboot_kernels[i].magic, n))
			return kx_err(EINVAL, MOD, "the payload (%zu bytes) is not %s, as the PE "
				      "machine 0x%x says it must be", len, zboot_kernels[i].what,
				      z->machine);
	}
	return 0;
}

int kx_zboot_unwrap(const uint8_t *img, size_t len, size_t cap, uint8_t **out, size_t *out_len)
{
	const uint8_t *payload;
	struct kx_zboot z;
	int ret;

	*out = NULL;
	*out_len = 0;
	ret = kx_zboot_parse(img, len, &z);
	if (ret < 0)
		return ret;
	payload = img + z.payload_offset;
	if (kx_compression_detect(payload, z.payload_size) != z.comp)
		return kx_err(EINVAL, MOD, "the header says \"%s\", but the payload at 0x%x is not "
			      "%s data: the image is damaged", z.comp_type, z.payload_offset,
			      kx_compression_name(z.comp));
	ret = kx_decompress(payload, z.payload_size, cap, out, out_len);
	if (ret < 0)
		return kx_err_prefix(ret, MOD ": payload");
	ret = check_kernel(&z, *out, *out_len);
	if (ret < 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return ret;
}
