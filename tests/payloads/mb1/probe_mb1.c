/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 probe: reports the registers it was entered with, where it
 * runs, and what the multiboot_info at ebx holds (Multiboot 0.6.96, 3.3):
 * memory summary, command line, boot loader name, modules (with an FNV-1a
 * of each module's bytes) and the memory map. tests/vm/checks/probe_mb.py
 * compares the report with the plan kx printed.
 */
#include "common/probe.h"
#include "mb1/mb_common.h"

/* Multiboot 0.6.96, 3.3: multiboot_info flags and field offsets. */
#define MBI_F_MEMORY (1u << 0)
#define MBI_F_CMDLINE (1u << 2)
#define MBI_F_MODS (1u << 3)
#define MBI_F_MMAP (1u << 6)
#define MBI_F_LOADER_NAME (1u << 9)
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME 64
/* 3.3 module structure: mod_start, mod_end, string, reserved. */
#define MOD_SIZE 16
/* 3.3 mmap entry: size (not counting itself), base_addr, length, type. */
#define MMAP_BASE 4
#define MMAP_LEN 12
#define MMAP_TYPE 20

__attribute__((used)) void probe_main(uint32_t eax, uint32_t ebx, uint32_t base)
{
	const uint8_t *mbi = (const uint8_t *)(uintptr_t)ebx;
	struct probe_json j;
	uint32_t flags = rd32(mbi + MBI_FLAGS);

	probe_serial_init();
	probe_begin(&j, "mb1");
	probe_u64(&j, "eax", eax);
	probe_u64(&j, "ebx", ebx);
	probe_u64(&j, "load_addr", base);
	probe_u64(&j, "flags", flags);
	if (flags & MBI_F_MEMORY) {
		probe_u64(&j, "mem_lower", rd32(mbi + MBI_MEM_LOWER));
		probe_u64(&j, "mem_upper", rd32(mbi + MBI_MEM_UPPER));
	}
	if (flags & MBI_F_CMDLINE)
		probe_strn(&j, "cmdline", (const char *)(uintptr_t)rd32(mbi + MBI_CMDLINE),
			   PROBE_STR_MAX);
	if (flags & MBI_F_LOADER_NAME)
		probe_strn(&j, "boot_loader_name",
			   (const char *)(uintptr_t)rd32(mbi + MBI_LOADER_NAME), PROBE_STR_MAX);
	if (flags & MBI_F_MODS) {
		uint32_t n = rd32(mbi + MBI_MODS_COUNT);
		const uint8_t *m = (const uint8_t *)(uintptr_t)rd32(mbi + MBI_MODS_ADDR);

		probe_obj_begin(&j, "mods");
		for (uint32_t i = 0; i < n && i < PROBE_MAX_ITEMS; i++, m += MOD_SIZE)
			report_module(&j, i, rd32(m), rd32(m + 4), (const char *)(uintptr_t)rd32(m + 8));
		probe_obj_end(&j);
	}
	if (flags & MBI_F_MMAP) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)rd32(mbi + MBI_MMAP_ADDR);
		const uint8_t *end = p + rd32(mbi + MBI_MMAP_LENGTH);

		probe_obj_begin(&j, "mmap");
		for (uint32_t i = 0; p < end && i < PROBE_MAX_ITEMS; i++, p += rd32(p) + 4)
			report_mmap_entry(&j, i, rd64(p + MMAP_BASE), rd64(p + MMAP_LEN),
					  rd32(p + MMAP_TYPE));
		probe_obj_end(&j);
	}
	probe_end(&j);
	probe_poweroff();
}
