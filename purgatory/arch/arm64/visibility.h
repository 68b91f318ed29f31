/* SPDX-License-Identifier: MIT */
/*
 * Included before every arm64 purgatory source (-include): every symbol,
 * declared or defined, is hidden, so the compiler reaches it with adrp/add
 * instead of through the GOT. A GOT slot holds an absolute address, which
 * would need the relocation the blob never gets (check_relocs.py).
 */
#pragma GCC visibility push(hidden)
