/* SPDX-License-Identifier: MIT */
/*
 * The facts only x86_64's formats use: the running kernel's boot_params, the
 * ACPI root for Multiboot, and the 8250/VGA console purgatory can print on.
 * Read by src/sys (facts_read.c, acpi_read.c, console.c); part of struct
 * kx_facts (core/facts.h) through the arch include path.
 */
#ifndef KX_ARCH_FACTS_H
#define KX_ARCH_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where purgatory may print: parsed from the running kernel's console= options. */
struct kx_console {
	bool serial;       /* a console=ttySn / uart8250,io,... was given */
	uint16_t port;     /* I/O port, e.g. 0x3f8 for ttyS0 */
	uint32_t baud;     /* 0 when the option named none */
	bool vga;          /* console=tty0 / ttyN */
};

struct kx_arch_facts {
	/* /sys/kernel/boot_params/data: the running kernel's boot_params (4096 bytes). */
	uint8_t *boot_params;
	size_t boot_params_len;
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
};

void kx_arch_facts_free(struct kx_arch_facts *a);

#endif
