/* SPDX-License-Identifier: MIT */
/* See probe.h. Polled 8250 output and a streaming JSON writer. */
#include "probe.h"

/* 8250 registers, offsets from the base port (PC16550D data sheet). */
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_DLL 0
#define UART_DLM 1
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_LSR_THRE 0x20
#define UART_DIVISOR_115200 1

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

size_t probe_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void probe_serial_init(void)
{
	outb(PROBE_COM1 + UART_IER, 0);
	outb(PROBE_COM1 + UART_LCR, UART_LCR_DLAB);
	outb(PROBE_COM1 + UART_DLL, UART_DIVISOR_115200);
	outb(PROBE_COM1 + UART_DLM, 0);
	outb(PROBE_COM1 + UART_LCR, UART_LCR_8N1);
	outb(PROBE_COM1 + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(PROBE_COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void probe_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the probe forever. */
	for (unsigned i = 0; i < 100000 && !(inb(PROBE_COM1 + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(PROBE_COM1 + UART_THR, (uint8_t)c);
}

void probe_puts(const char *s)
{
	while (*s)
		probe_putc(*s++);
}

static void put_u64(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf);

	buf[--i] = 0;
	do {
		/* 64-bit division would need libgcc's __udivdi3 in 32-bit code. */
		uint64_t q = 0, r = 0;

		for (int b = 63; b >= 0; b--) {
			r = (r << 1) | ((v >> b) & 1);
			if (r >= 10) {
				r -= 10;
				q |= 1ull << b;
			}
		}
		buf[--i] = (char)('0' + r);
		v = q;
	} while (v);
	probe_puts(buf + i);
}

static void put_hex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	bool started = false;

	probe_puts("0x");
	for (int s = 60; s >= 0; s -= 4) {
		unsigned d = (unsigned)(v >> s) & 0xf;

		if (d || started || !s) {
			probe_putc(digits[d]);
			started = true;
		}
	}
}

static void put_json_string(const char *s, size_t max)
{
	static const char digits[] = "0123456789abcdef";

	probe_putc('"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			probe_putc('\\');
			probe_putc((char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			/* Non-ASCII bytes too: the line must stay valid JSON whatever
			 * garbage the probe was handed. */
			probe_puts("\\u00");
			probe_putc(digits[c >> 4]);
			probe_putc(digits[c & 0xf]);
		} else {
			probe_putc((char)c);
		}
	}
	probe_putc('"');
}

static void member(struct probe_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		probe_putc(',');
	j->need_comma[j->depth] = true;
	put_json_string(key, (size_t)-1);
	probe_putc(':');
}

void probe_begin(struct probe_json *j, const char *name)
{
	j->depth = 0;
	for (int i = 0; i < PROBE_MAX_DEPTH; i++)
		j->need_comma[i] = false;
	probe_puts("\r\nKX-PROBE {");
	probe_str(j, "probe", name);
}

void probe_str(struct probe_json *j, const char *key, const char *val)
{
	probe_strn(j, key, val, (size_t)-1);
}

void probe_strn(struct probe_json *j, const char *key, const char *val, size_t max)
{
	member(j, key);
	if (val)
		put_json_string(val, max);
	else
		probe_puts("null");
}

void probe_u64(struct probe_json *j, const char *key, uint64_t v)
{
	member(j, key);
	put_u64(v);
}

void probe_hex(struct probe_json *j, const char *key, uint64_t v)
{
	member(j, key);
	probe_putc('"');
	put_hex(v);
	probe_putc('"');
}

void probe_bool(struct probe_json *j, const char *key, bool v)
{
	member(j, key);
	probe_puts(v ? "true" : "false");
}

void probe_obj_begin(struct probe_json *j, const char *key)
{
	member(j, key);
	probe_putc('{');
	if (j->depth + 1 < PROBE_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void probe_obj_end(struct probe_json *j)
{
	probe_putc('}');
	if (j->depth > 0)
		j->depth--;
}

void probe_end(struct probe_json *j)
{
	while (j->depth > 0)
		probe_obj_end(j);
	probe_puts("}\r\n");
}

void probe_poweroff(void)
{
	/* Let the UART drain before QEMU goes away. */
	for (unsigned i = 0; i < 100000 && !(inb(PROBE_COM1 + UART_LSR) & 0x40); i++)
		;
	outb(PROBE_DEBUG_EXIT_PORT, 0);
	outw(PROBE_ACPI_PM1A_Q35, PROBE_ACPI_S5);
	outw(PROBE_ACPI_PM1A_PIIX, PROBE_ACPI_S5);
	for (;;)
		__asm__ volatile("cli; hlt");
}
