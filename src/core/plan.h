/* SPDX-License-Identifier: MIT */
/*
 * The plan: what a load consists of, as pure data. Formats add segments with
 * placement constraints; one function (kx_plan_place) chooses every address,
 * checking alignment, bounds and overlap; then segments are hashed and
 * purgatory is filled. The plan can be printed (--dry-run), compared in tests
 * and handed to kexec_load unchanged.
 */
#ifndef KX_PLAN_H
#define KX_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/handoff.h"
#include "core/memmap.h"
#include "core/sha256.h"
#include "purgatory/abi.h"

#define KX_PAGE_SIZE 4096ull
#define KX_MIB (1ull << 20)
#define KX_GIB (1ull << 30)
#define KX_4G (4ull << 30)
/* The kernel refuses more segments than this (KEXEC_SEGMENT_MAX, include/linux/kexec.h). */
#define KX_MAX_SEGMENTS 16
#define KX_NO_PREF UINT64_MAX

enum kx_seg_role {
	KX_ROLE_KERNEL,
	KX_ROLE_INITRD,
	KX_ROLE_BOOT_PARAMS,
	KX_ROLE_CMDLINE,
	KX_ROLE_PURGATORY,
	KX_ROLE_SETUP_DATA,
	KX_ROLE_MODULE,
	KX_ROLE_ELFCOREHDR,
	KX_ROLE_BACKUP,
	KX_ROLE_BOOT_INFO,
	KX_ROLE_OTHER,
};

/* What a format asks of a segment's address; it never picks the address itself. */
struct kx_place_req {
	uint64_t align;  /* power of two, at least KX_PAGE_SIZE */
	uint64_t min;    /* lowest start address */
	uint64_t max;    /* the segment must end at or below this address */
	/* When not 0: end at or below this address if there is room there, else
	 * anywhere up to max. For what a consumer reads best low but can also
	 * take high (a kernel that takes its initrd above 4 GiB). */
	uint64_t pref_max;
	uint64_t pref;   /* preferred start (KX_NO_PREF: none) */
	bool top_down;   /* search from the highest address down (initrds, like GRUB) */
	bool fixed;      /* must sit exactly at pref (ELF ET_EXEC, legacy layouts) */
	/* With fixed: pref may lie in memory below 1 MiB that the running kernel
	 * keeps for the firmware rather than listing it as free RAM (page 0: the
	 * real-mode IVT and BIOS data area, reserved by Linux's X86_RESERVE_LOW).
	 * The span must end at or below 1 MiB, stay inside --mem-min/--mem-max
	 * and overlap no other segment. Only for a format that must recreate
	 * what firmware would have left there (the BDA a UEFI machine lacks). */
	bool firmware_low;
};

struct kx_segment {
	enum kx_seg_role role;
	const uint8_t *buf;  /* bufsz bytes copied to mem; the rest up to memsz is zero */
	size_t bufsz;
	uint64_t memsz;      /* page multiple, >= bufsz */
	void *owned;         /* freed with the plan (NULL when buf belongs to someone else) */
	struct kx_place_req req;
	uint64_t mem;
	bool placed;
	bool verify;         /* purgatory checks its SHA-256 before entry */
	uint8_t sha256[KX_SHA256_DIGEST_SIZE]; /* over memsz bytes as they will sit in memory */
};

/* The file wrapped the kernel (a UKI): the sections the load uses, where
 * the command line and the initrd came from; strings are static. */
#define KX_PLAN_MAX_PARTS 4
struct kx_plan_part {
	const char *name;    /* ".linux", ... */
	uint64_t offset;     /* in the file */
	uint64_t size;
};
struct kx_plan_wrapper {
	const char *kind;    /* "uki"; NULL: the file was the image itself */
	struct kx_plan_part part[KX_PLAN_MAX_PARTS];
	size_t n;
	unsigned profiles;   /* .profile sections: 0 for a single-profile UKI */
	const char *cmdline_from;
	const char *initrd_from;
};

/* What the plan was built for, as its printers show it; set by the loader. */
struct kx_plan_meta {
	bool panic;
	const char *cmdline;   /* the complete command line (owned by the loader) */
	const char *syscall;   /* the syscall the loader will use */
	const char *syscall_reason; /* why, in a sentence (static text) */
	bool map_is_guess;
	struct kx_plan_wrapper wrapper;
};

/* A capture kernel's layout (-p), as plan data: the core header's place.
 * The loader records it when it places the header; the arch turns it into
 * what the capture kernel is told (on x86: elfcorehdr= and an e820 of the
 * crash region, kx_bp_capture_layout). */
struct kx_capture {
	bool active;
	uint64_t elfcorehdr;      /* physical address of the ELF core header */
	uint64_t elfcorehdr_size; /* its size in memory (a page multiple) */
	/* Crash hotplug: the kernel may rewrite the header in place when CPUs
	 * or memory come and go (kexec_load with KX_ARCH_KEXEC_HOTPLUG_FLAG),
	 * so it is sized for that and left out of purgatory's digests. */
	bool hotplug;
};

struct kx_plan {
	struct kx_segment seg[KX_MAX_SEGMENTS];
	size_t n;
	/* Memory still free for placement: RAM within --mem-min/--mem-max (or the
	 * crash region) minus what is placed already. */
	struct kx_memmap free;
	uint64_t mem_min, mem_max; /* the window given to kx_plan_init, for messages */
	uint64_t entry;          /* where the running kernel jumps: purgatory's entry */
	const char *format;      /* name of the format that planned it */
	/* The image was a compressed file (gzip, xz, ...): its codec, and the
	 * decompressed bytes, which segments point into; freed with the plan. */
	const char *compression;
	void *image_owned;
	/* How purgatory enters the image (set by the format; the arch's
	 * arch_handoff.h defines it). */
	struct kx_handoff handoff;
	/* Digests come last (kx_plan_digest), only when someone needs them: a
	 * kexec_file_load has the kernel hash, so the loader's own pass over a
	 * large initrd would be wasted. Until then purgatory's regions hold
	 * zeros; region r verifies segment purg_region_seg[r]. */
	bool digested;
	bool bad_digest;         /* test hook: spoil region 0's digest once known */
	struct kx_purg_params *purg_params; /* in the purgatory segment's buffer */
	size_t purg_seg;
	uint8_t purg_region_seg[KX_PURG_MAX_REGIONS];
	struct kx_capture capture;
	/* Why only kexec_file_load can take this plan (NULL: both can): a
	 * capture kernel planned without kx's core header. */
	const char *file_load_only;
	struct kx_plan_meta meta;
};

/* Lets the caller drop pages of a file mapping once they are hashed (the cli
 * uses madvise), so a dry run of a large initrd is never resident all at once.
 * `buf` may point anywhere (also into malloc'd memory): the hook must check. */
struct kx_release_hook {
	void (*release)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

const char *kx_role_name(enum kx_seg_role role);

/* Starts a plan whose segments may go in the RAM regions of `ram`, clipped to
 * [mem_min, mem_max) (mem_max 0: no limit). */
int kx_plan_init(struct kx_plan *p, const struct kx_memmap *ram, uint64_t mem_min, uint64_t mem_max);
void kx_plan_free(struct kx_plan *p);

/* Adds a segment; memsz is rounded up to a page and to at least bufsz.
 * `owned`, when not NULL, is freed with the plan (also on failure).
 * Returns the index of the segment or a negative errno. */
int kx_plan_add(struct kx_plan *p, enum kx_seg_role role, const void *buf, size_t bufsz,
		uint64_t memsz, const struct kx_place_req *req, void *owned);

/* Chooses the address of segment i within its constraints and the free memory. */
int kx_plan_place(struct kx_plan *p, size_t i);

/* Adds and places in one step; returns the index or a negative errno. */
int kx_plan_add_placed(struct kx_plan *p, enum kx_seg_role role, const void *buf, size_t bufsz,
		       uint64_t memsz, const struct kx_place_req *req, void *owned);

/* Hashes a segment over memsz (zero tail included), as purgatory will. */
void kx_segment_hash(struct kx_segment *s);
/* The same, handing each hashed stretch of buf to `rel` (NULL: none). */
void kx_segment_hash_release(struct kx_segment *s, const struct kx_release_hook *rel);
void kx_plan_hash(struct kx_plan *p);
/* Hashes every segment, writes the digests into purgatory's regions, then
 * hashes the purgatory segment itself. Idempotent. */
void kx_plan_digest(struct kx_plan *p, const struct kx_release_hook *rel);
/* kx_plan_digest in two steps, for a caller that hashes on several threads:
 * kx_segment_hash_release on each segment i for which kx_plan_digest_needs
 * (distinct segments may be hashed concurrently), then kx_plan_digest_seal. */
bool kx_plan_digest_needs(const struct kx_plan *p, size_t i);
void kx_plan_digest_seal(struct kx_plan *p);

/* The lowest address >= `from` in [lo, hi) of `free` where size bytes fit with
 * `align`; pure helper, exposed for tests. Returns false when none. */
bool kx_find_hole(const struct kx_memmap *free, uint64_t size, uint64_t align, uint64_t lo,
		  uint64_t hi, bool top_down, uint64_t *out);

#endif
