/* SPDX-License-Identifier: MIT */
/*
 * arm64 has no purgatory yet: an empty blob, which src/lib/build.c turns
 * into "loading on arm64 is not implemented yet" instead of a load.
 */
#include <stddef.h>

#include "core/purgatory.h"

const unsigned char kx_purgatory_blob[1] = { 0 };
const size_t kx_purgatory_blob_size = 0;
