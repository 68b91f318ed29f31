/* SPDX-License-Identifier: MIT */
/*
 * Synthetic kdump cores for tests: a small "physical memory" image holding the
 * kernel variables and a printk log in one of the three formats, a VMCOREINFO
 * text describing it, and a writer that wraps both into an ELF64 core the way
 * the kernel presents /proc/vmcore (PT_NOTE, then PT_LOADs for the kernel image
 * mapping and the direct map). Tests edit mem and info before writing.
 */
#ifndef KX_TEST_VMCORE_FIXTURE_H
#define KX_TEST_VMCORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crash/printk.h"

#define FX_MEM_PADDR UINT64_C(0x1000000)
#define FX_MEM_SIZE 0x1000u
#define FX_MEM_FILESZ 0xf00u /* the last 0x100 bytes are p_memsz only: zeros */
#define FX_KTEXT_SIZE 0x200u /* the image mapping covers the variables only */
#define FX_KTEXT (UINT64_C(0xffffffff80000000) + FX_MEM_PADDR)
#define FX_PAGE_OFFSET UINT64_C(0xffff888000000000)
#define FX_DMAP (FX_PAGE_OFFSET + FX_MEM_PADDR)

/* Where things sit in mem (offsets from FX_MEM_PADDR). */
enum {
	FX_SYM_PRB = 0x00,         /* struct printk_ringbuffer *prb */
	FX_SYM_LOG_BUF = 0x08,     /* char *log_buf */
	FX_SYM_LOG_BUF_LEN = 0x10, /* u32 */
	FX_SYM_FIRST_IDX = 0x14,   /* u32 log_first_idx */
	FX_SYM_NEXT_IDX = 0x18,    /* u32 log_next_idx */
	FX_SYM_LOG_END = 0x1c,     /* unsigned log_end */
	FX_PRB = 0x100,            /* struct printk_ringbuffer (in the image) */
	FX_DESCS = 0x200,
	FX_INFOS = 0x300,
	FX_DATA = 0x600,
	FX_LOGBUF = 0x700,
	FX_LEGACY = 0x800,
};
#define FX_COUNT_BITS 3
#define FX_DATA_BITS 8
#define FX_STRUCT_LEN 256
#define FX_LEGACY_LEN 64

struct fx {
	uint8_t mem[FX_MEM_SIZE];
	char info[4096];
	bool no_ktext_load; /* leave out the image PT_LOAD: reads go by phys_base */
	bool dmap_vaddr_unknown; /* direct-map PT_LOAD with p_vaddr 0 */
	bool no_vmcoreinfo; /* name the note something else */
	uint16_t machine; /* e_machine; 0: EM_X86_64 */
	/* More RAM, a PT_LOAD of its own at ram_paddr (any alignment): ram_len
	 * bytes in the file, zeros up to ram_memsz. Not owned. */
	const uint8_t *ram;
	size_t ram_len, ram_memsz;
	uint64_t ram_paddr;
};

/* Fills mem and info for a log of the given format; old_names uses SIZE(log)
 * and OFFSET(log.*) (kernels 3.5 to 3.10) for the structured format. */
void fx_init(struct fx *f, enum kx_log_format fmt, bool old_names);
/* The text vmcore-dmesg must print for fx_init's log. */
const char *fx_expected(enum kx_log_format fmt);
/* The byte of physical memory the core built from f holds at paddr (0
 * where no PT_LOAD has data). */
uint8_t fx_phys_byte(const struct fx *f, uint64_t paddr);
/* Writes the ELF core; *out is malloc'ed. */
void fx_build(const struct fx *f, uint8_t **out, size_t *len);
/* Replaces the first line starting with key in info by line (or deletes it
 * when line is NULL); appends line when no line has the key. */
/* Writes only an ELF core header whose program headers are n PT_NOTEs of the
 * given p_filesz, all at file offset note_off: no note bytes follow (the file
 * that holds it may be sparse, zeros up to any size). *out is malloc'ed. */
void fx_build_notes_header(const uint64_t *filesz, size_t n, uint64_t note_off,
			   uint8_t **out, size_t *len);
/* The D1 core of the security review: PT_NOTE sizes 0x100000, four times
 * 2^62 - 0x40000, then 16, all at FX_WRAP_NOTE_OFF; they add up to 2^64 + 16,
 * which wraps to 16. The file must claim FX_WRAP_FILE_SIZE bytes so every
 * note lies inside it. */
#define FX_WRAP_NOTE_OFF UINT64_C(0x1000)
#define FX_WRAP_FILE_SIZE ((UINT64_C(1) << 62) + FX_WRAP_NOTE_OFF)
extern const uint64_t fx_wrap_notes[6];
void fx_set_info(struct fx *f, const char *key, const char *line);
void fx_put64(struct fx *f, uint32_t off, uint64_t v);
void fx_put32(struct fx *f, uint32_t off, uint32_t v);

#endif
