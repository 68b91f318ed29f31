/* SPDX-License-Identifier: MIT */
/*
 * What the loader needs to know about the running system, gathered once by the
 * readers in src/sys (which take a root directory, so tests pass a fake tree)
 * and then used by pure code. Nothing here touches the system.
 */
#ifndef KX_FACTS_H
#define KX_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch_facts.h"
#include "core/memmap.h"

/* Where purgatory may print: parsed from the running kernel's console= options. */
struct kx_console {
	bool serial;       /* a console=ttySn / uart8250,io,... was given */
	uint16_t port;     /* I/O port, e.g. 0x3f8 for ttyS0 */
	uint32_t baud;     /* 0 when the option named none */
	bool vga;          /* console=tty0 / ttyN */
};

/* One entry of /sys/firmware/efi/runtime-map/N (UEFI spec, EFI_MEMORY_DESCRIPTOR). */
struct kx_efi_map_entry {
	uint32_t type;
	uint64_t phys_addr;
	uint64_t virt_addr;
	uint64_t num_pages;
	uint64_t attribute;
};

struct kx_efi_facts {
	bool present;          /* /sys/firmware/efi exists */
	uint64_t fw_vendor;    /* /sys/firmware/efi/fw_vendor */
	uint64_t runtime;      /* /sys/firmware/efi/runtime */
	uint64_t config_table; /* /sys/firmware/efi/config_table */
	uint64_t smbios;       /* SMBIOS3= or SMBIOS= in /sys/firmware/efi/systab, 0 if none */
	uint64_t acpi20;       /* ACPI20= (else ACPI=) in /sys/firmware/efi/systab, 0 if none */
	struct kx_efi_map_entry *map; /* runtime map, in directory order */
	size_t map_n;
};

/* One CPU's crash note buffer: /sys/devices/system/cpu/cpuN/crash_notes (its
 * physical address) and crash_notes_size. The crashing kernel writes the CPU's
 * NT_PRSTATUS there (kernel/crash_core.c); the capture kernel reads it through
 * the core header's PT_NOTE. */
struct kx_crash_note {
	uint32_t cpu;
	uint64_t addr;
	uint64_t size;
};

/* What a capture kernel's core header needs about the running kernel; read
 * only for `kexec -p` (src/sys/crash_read.c), never for normal loads. */
struct kx_crash_facts {
	bool present;               /* filled by kx_crash_facts_read */
	struct kx_crash_note *notes; /* possible CPUs that have a crash_notes file */
	size_t notes_n;
	uint64_t vmcoreinfo_addr;   /* /sys/kernel/vmcoreinfo: "addr size" in hex */
	uint64_t vmcoreinfo_size;
	/* The kernel image mapping [_text, _end) as /proc/kcore's KCORE_TEXT
	 * PT_LOAD shows it: virtual address (KASLR-randomized), physical, size. */
	uint64_t kernel_vaddr;
	uint64_t kernel_paddr;
	uint64_t kernel_size;
	/* The direct map base (page_offset_base, KASLR-randomized): __va(0). */
	uint64_t page_offset;
	/* Crash hotplug (Linux 6.6+, CONFIG_CRASH_HOTPLUG): the size the kernel
	 * needs for a core header it may rewrite when CPUs or memory come and
	 * go (/sys/kernel/crash_elfcorehdr_size); 0 when the kernel has none. */
	uint64_t hotplug_hdr_size;
	/* dm-crypt keys are set up for the capture kernel
	 * (/sys/kernel/config/crash_dm_crypt_keys/count > 0): only
	 * kexec_file_load hands them over. */
	bool dm_crypt_keys;
	/* No /proc/kcore (CONFIG_PROC_KCORE off): the kernel image mapping is
	 * unknown, so kx cannot write a core header; kexec_file_load, whose
	 * header the kernel writes, still can load a capture kernel. */
	bool no_kcore;
};

struct kx_facts {
	/* The firmware's map: /sys/firmware/memmap, else the top level of /proc/iomem.
	 * This is what the next kernel is told (e820). */
	struct kx_memmap firmware_map;
	/* Where segments may be placed: "System RAM" of /proc/iomem (else the RAM of
	 * firmware_map), without the crash kernel region. */
	struct kx_memmap ram;
	/* "Crash kernel" regions of /proc/iomem (type KX_MEM_CRASH). */
	struct kx_memmap crash;
	struct kx_efi_facts efi;
	char *cmdline;          /* /proc/cmdline without the trailing newline */
	bool map_is_guess;      /* the real map was unreadable (not root): a generic PC map */
	/* The ACPI RSDP as the firmware wrote it (ACPI spec 5.2.5.3: 20 bytes for
	 * revision 0, `length` bytes, normally 36, from revision 2), read by
	 * src/sys/acpi_read.c; rsdp_len 0 when unknown. Multiboot2 hands it over. */
	uint64_t rsdp_addr;
	uint8_t rsdp[36];
	size_t rsdp_len;
	/* When the RSDP is unreadable (x86 IO_STRICT_DEVMEM keeps /dev/mem off the
	 * busy ACPI ranges where UEFI firmware puts it), the tables the root table
	 * lists, as the running kernel exports them in /sys/firmware/acpi/tables
	 * (the XSDT itself is not exported), back to back, FACP first; DSDT and
	 * FACS are left out: the FADT copy keeps pointing at the firmware's. Enough
	 * to recreate an RSDP and XSDT for loaded copies. 0 when not needed. */
	uint8_t *acpi_tables;
	size_t acpi_tables_len;
	struct kx_console console;
	/* What only this arch's formats use (arch_facts.h, from src/arch/<arch>). */
	struct kx_arch_facts arch;
	/* Only for -p: the crashed kernel's notes, VMCOREINFO and mappings. */
	struct kx_crash_facts kdump;
};

void kx_facts_free(struct kx_facts *f);

#endif
