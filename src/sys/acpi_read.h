/* SPDX-License-Identifier: MIT */
#ifndef KX_ACPI_READ_H
#define KX_ACPI_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"

/* ACPI spec 6.5, 5.2.5.3: "RSD PTR " signature, checksum over the first 20
 * bytes, extended checksum over `length` bytes from revision 2. */
#define KX_RSDP_SIG "RSD PTR "
#define KX_RSDP_V1_LEN 20
#define KX_RSDP_V2_LEN 36

/* Checks an RSDP candidate at buf (len bytes available) and returns its
 * length (20 or 36), or 0 when it is not a valid RSDP. Pure; fuzzed. */
size_t kx_rsdp_check(const uint8_t *buf, size_t len);

/* Checks one ACPI table as the kernel exports it: header, `length` equal to
 * len, checksum. Returns its length or 0. Pure. */
size_t kx_acpi_table_check(const uint8_t *buf, size_t len);

/* Finds the firmware's RSDP and copies its bytes into f->rsdp. Where:
 * the EFI system table's ACPI20/ACPI entry (f->efi.acpi20), else the
 * acpi_rsdp_addr the running kernel was handed in boot_params, else the
 * BIOS search areas of ACPI 5.2.5.1 (the first KiB of the EBDA whose segment
 * is at 0x40E, then 0xE0000-0xFFFFF), all read through root/dev/mem. x86's
 * STRICT_DEVMEM lets root read the first MiB and firmware (non-RAM) ranges,
 * which is where an RSDP lives on BIOS machines; UEFI firmware puts it in
 * ACPI memory, which IO_STRICT_DEVMEM refuses (EPERM). Then the tables the
 * kernel exports in sysfs go into f->acpi_tables instead, so a format can
 * recreate an RSDP and XSDT for copies of them. Leaves f->rsdp_len 0 (and returns 0) when nothing
 * valid is found: the RSDP is optional information. */
int kx_acpi_rsdp_read(const char *root, struct kx_facts *f);

#endif
