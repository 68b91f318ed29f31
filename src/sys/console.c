/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sys/sysfacts.h"

/* The legacy PC COM ports ttyS0..ttyS3 (the kernel's SERIAL_PORT_DFNS on x86). */
static const uint16_t legacy_com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* A console= value longer than this is no console name we understand. */
#define CONSOLE_VALUE_MAX 128

struct span {
	const char *p;
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool span_starts(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

static bool span_eq(struct span s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

static struct span span_skip(struct span s, size_t n)
{
	return (struct span){ s.p + n, s.len - n };
}

/* Splits s at the first ',' into head and the rest (rest.p NULL when none). */
static void span_split_comma(struct span s, struct span *head, struct span *rest)
{
	const char *c = memchr(s.p, ',', s.len);

	if (!c) {
		*head = s;
		*rest = (struct span){ NULL, 0 };
		return;
	}
	*head = (struct span){ s.p, (size_t)(c - s.p) };
	*rest = (struct span){ c + 1, s.len - (size_t)(c - s.p) - 1 };
}

static bool span_all_digits(struct span s)
{
	size_t i;

	if (s.len == 0)
		return false;
	for (i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

/* The options "115200n8" start with the baud rate; the kernel's uart_parse_options()
 * reads the leading digits the same way. 0 when absent or absurd. */
static uint32_t parse_baud(struct span opts)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < opts.len && opts.p[i] >= '0' && opts.p[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(opts.p[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

static void set_serial(struct kx_console *out, uint16_t port, struct span opts)
{
	out->serial = true;
	out->port = port;
	out->baud = opts.p ? parse_baud(opts) : 0;
}

/* console=ttyS<n>[,options] */
static void console_ttys(struct span v, struct kx_console *out)
{
	struct span idx, opts;
	uint64_t n;

	span_split_comma(span_skip(v, strlen("ttyS")), &idx, &opts);
	if (!span_all_digits(idx) || kx_parse_u64(idx.p, idx.len, &n))
		return;
	if (n >= sizeof(legacy_com_ports) / sizeof(legacy_com_ports[0]))
		return; /* not a port purgatory can find without the kernel's probing */
	set_serial(out, legacy_com_ports[n], opts);
}

/* console=uart[8250],io,<addr>[,options]. The mmio forms need a mapping that
 * purgatory, which only does port I/O, does not have: ignored. */
static void console_uart(struct span v, struct kx_console *out)
{
	struct span rest, iotype, addr, opts;
	uint64_t port;

	span_split_comma(v, &iotype, &rest); /* skips "uart" / "uart8250" */
	if (!rest.p)
		return;
	span_split_comma(rest, &iotype, &rest);
	if (!span_eq(iotype, "io") || !rest.p)
		return;
	span_split_comma(rest, &addr, &opts);
	if (kx_parse_u64(addr.p, addr.len, &port) || port == 0 || port > UINT16_MAX)
		return;
	set_serial(out, (uint16_t)port, opts);
}

static void console_value(struct span v, struct kx_console *out)
{
	if (v.len == 0 || v.len > CONSOLE_VALUE_MAX)
		return;
	if (span_starts(v, "ttyS"))
		console_ttys(v, out);
	else if (span_starts(v, "uart8250,") || span_starts(v, "uart,"))
		console_uart(v, out);
	else if (span_starts(v, "tty") && span_all_digits(span_skip(v, strlen("tty"))))
		out->vga = true; /* tty0 is the foreground virtual terminal */
}

/* Tokenizes like the kernel's next_arg() (kernel/params.c): words are split at
 * blanks outside double quotes; quotes around a whole word or a value are
 * dropped; "--" ends the kernel's own parameters (the rest is init's). */
void kx_console_parse(const char *cmdline, size_t len, struct kx_console *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		size_t start, end, eq = 0;
		bool in_quote = false, quoted = false;
		struct span param, val = { NULL, 0 };

		while (pos < len && is_space(cmdline[pos]))
			pos++;
		if (pos >= len)
			break;
		if (cmdline[pos] == '"') {
			pos++;
			in_quote = quoted = true;
		}
		start = pos;
		for (; pos < len; pos++) {
			if (is_space(cmdline[pos]) && !in_quote)
				break;
			if (eq == 0 && cmdline[pos] == '=' && pos > start)
				eq = pos;
			if (cmdline[pos] == '"')
				in_quote = !in_quote;
		}
		end = pos;
		if (quoted && end > start && cmdline[end - 1] == '"')
			end--;
		if (eq && eq < end) {
			param = (struct span){ cmdline + start, eq - start };
			val = (struct span){ cmdline + eq + 1, end - eq - 1 };
			if (val.len > 0 && val.p[0] == '"') {
				val = span_skip(val, 1);
				if (val.len > 0 && val.p[val.len - 1] == '"')
					val.len--;
			}
		} else {
			param = (struct span){ cmdline + start, end - start };
		}
		if (!val.p && span_eq(param, "--"))
			break;
		if (val.p && span_eq(param, "console"))
			console_value(val, out);
	}
}
