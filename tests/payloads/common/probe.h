/* SPDX-License-Identifier: MIT */
/*
 * Freestanding helpers for probe payloads: programs that kx loads and enters,
 * which report what they received as ONE JSON line on COM1 and power QEMU off.
 * Built for both 32-bit (-m32) and 64-bit code; no libc, no interrupts, no
 * paging assumptions beyond identity access to port I/O.
 *
 * A report looks like
 *   KX-PROBE {"probe":"elf64","load_addr":1048576,"cmdline":"x y",...}
 * The "KX-PROBE " prefix lets the host find the line in a kernel-style log;
 * the host check (tests/vm/checks/) parses what follows as JSON.
 *
 * Usage:
 *   struct probe_json j;
 *   probe_serial_init();
 *   probe_begin(&j, "elf64");
 *   probe_u64(&j, "load_addr", (uintptr_t)&marker);
 *   probe_str(&j, "cmdline", p);     // escapes quotes, backslashes, controls
 *   probe_obj_begin(&j, "entry_regs"); probe_u64(&j, "rdi", rdi); probe_obj_end(&j);
 *   probe_bool(&j, "reloc_ok", ok);
 *   probe_end(&j);                   // closes every open object, prints CRLF
 *   probe_poweroff();                // never returns
 */
#ifndef KX_PROBE_H
#define KX_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* COM1 base port, standard PC I/O map (8250/16550 UART). */
#define PROBE_COM1 0x3f8
/* isa-debug-exit device, added by a scenario with
 * `# qemu-args: -device isa-debug-exit,iobase=0xf4,iosize=0x04`:
 * QEMU exits with status (value << 1) | 1 when the port is written. */
#define PROBE_DEBUG_EXIT_PORT 0xf4
/* ACPI PM1a control of QEMU's q35 (ICH9, 0x604) and piix4 PM (0xb004 on old
 * machines): writing SLP_EN | SLP_TYP(S5) = 0x2000 powers off. Used when the
 * isa-debug-exit device is absent. */
#define PROBE_ACPI_PM1A_Q35 0x604
#define PROBE_ACPI_PM1A_PIIX 0xb004
#define PROBE_ACPI_S5 0x2000

void probe_serial_init(void);
void probe_putc(char c);
void probe_puts(const char *s);

#define PROBE_MAX_DEPTH 4

/* JSON writer state: whether the next member at each nesting level needs a
 * comma. Lives on the caller's stack (no mutable globals). */
struct probe_json {
	bool need_comma[PROBE_MAX_DEPTH];
	int depth;
};

void probe_begin(struct probe_json *j, const char *name);
void probe_str(struct probe_json *j, const char *key, const char *val); /* NULL -> null */
void probe_strn(struct probe_json *j, const char *key, const char *val, size_t max);
void probe_u64(struct probe_json *j, const char *key, uint64_t v); /* decimal number */
void probe_hex(struct probe_json *j, const char *key, uint64_t v); /* string "0x..." */
void probe_bool(struct probe_json *j, const char *key, bool v);
void probe_obj_begin(struct probe_json *j, const char *key);
void probe_obj_end(struct probe_json *j);
void probe_end(struct probe_json *j);

__attribute__((noreturn)) void probe_poweroff(void);

/* Minimal string helpers (the compiler may emit calls to these). */
size_t probe_strlen(const char *s);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#endif
