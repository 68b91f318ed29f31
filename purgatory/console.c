/* SPDX-License-Identifier: MIT */
#include "purgatory/console.h"

#include "purgatory/abi.h"
#include "purgatory/io.h"

/* 8250/16550 UART registers, offsets from the base port (PC16550D data sheet). */
#define UART_THR 0 /* transmit holding (DLAB = 0) */
#define UART_DLL 0 /* divisor latch low (DLAB = 1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB = 1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE_CLEAR 0x07 /* FIFO on, both FIFOs cleared */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE 0x20
#define UART_CLOCK_DIV1 115200 /* 1.8432 MHz / 16 */
/* A missing UART reads as 0xff on the ISA bus; stop waiting after this many
 * polls so output to nothing cannot hang the boot. */
#define UART_POLLS 100000

/* VGA text buffer and CRT controller (IBM VGA Technical Reference). */
#define VGA_TEXT_BASE 0xb8000u
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07 /* light grey on black */
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA 0x3d5
#define VGA_CRTC_CURSOR_HI 0x0e
#define VGA_CRTC_CURSOR_LO 0x0f

static void serial_init(uint16_t port, uint32_t baud)
{
	uint32_t div;

	if (!baud)
		return;
	div = UART_CLOCK_DIV1 / baud;
	if (!div)
		div = 1;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, (uint8_t)div);
	outb(port + UART_DLM, (uint8_t)(div >> 8));
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, UART_MCR_DTR_RTS);
}

static void serial_putc(struct kx_purg_console *con, char ch)
{
	for (uint32_t i = 0; i < UART_POLLS; i++) {
		uint8_t lsr = inb(con->port + UART_LSR);

		if (lsr == 0xff) {
			con->serial = false;
			return;
		}
		if (lsr & UART_LSR_THRE)
			break;
	}
	outb(con->port + UART_THR, (uint8_t)ch);
}

static volatile uint16_t *vga_cell(uint32_t row, uint32_t col)
{
	return (volatile uint16_t *)(uintptr_t)VGA_TEXT_BASE + row * VGA_COLS + col;
}

static void vga_scroll(void)
{
	for (uint32_t r = 1; r < VGA_ROWS; r++)
		for (uint32_t c = 0; c < VGA_COLS; c++)
			*vga_cell(r - 1, c) = *vga_cell(r, c);
	for (uint32_t c = 0; c < VGA_COLS; c++)
		*vga_cell(VGA_ROWS - 1, c) = (uint16_t)(VGA_ATTR << 8 | ' ');
}

static void vga_set_cursor(uint32_t row, uint32_t col)
{
	uint16_t pos = (uint16_t)(row * VGA_COLS + col);

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HI);
	outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LO);
	outb(VGA_CRTC_DATA, (uint8_t)pos);
}

static void vga_newline(struct kx_purg_console *con)
{
	con->col = 0;
	if (++con->row == VGA_ROWS) {
		vga_scroll();
		con->row = VGA_ROWS - 1;
	}
}

static void vga_putc(struct kx_purg_console *con, char ch)
{
	if (ch == '\n') {
		vga_newline(con);
		return;
	}
	*vga_cell(con->row, con->col) = (uint16_t)(VGA_ATTR << 8 | (uint8_t)ch);
	if (++con->col == VGA_COLS)
		vga_newline(con);
}

/* Start below whatever the previous kernel left on screen: its hardware
 * cursor says where that ends. */
static void vga_init(struct kx_purg_console *con)
{
	uint16_t pos;

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HI);
	pos = (uint16_t)(inb(VGA_CRTC_DATA) << 8);
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LO);
	pos |= inb(VGA_CRTC_DATA);
	con->row = pos < VGA_ROWS * VGA_COLS ? pos / VGA_COLS : VGA_ROWS - 1;
	con->col = 0;
	if (pos % VGA_COLS || pos >= VGA_ROWS * VGA_COLS)
		vga_newline(con);
}

void con_init(struct kx_purg_console *con, uint32_t flags, uint16_t port, uint32_t baud)
{
	con->serial = (flags & KX_PURG_F_SERIAL) && port;
	con->vga = flags & KX_PURG_F_VGA;
	con->port = port;
	con->row = con->col = 0;
	if (con->serial)
		serial_init(port, baud);
	if (con->vga)
		vga_init(con);
}

void con_puts(struct kx_purg_console *con, const char *s)
{
	if (!con->serial && !con->vga)
		return;
	for (; *s; s++) {
		if (con->serial) {
			if (*s == '\n')
				serial_putc(con, '\r');
			serial_putc(con, *s);
		}
		if (con->vga)
			vga_putc(con, *s);
	}
	if (con->vga)
		vga_set_cursor(con->row, con->col);
}

void con_hex(struct kx_purg_console *con, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	con_puts(con, &buf[i]);
}

void con_dec(struct kx_purg_console *con, uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	con_puts(con, &buf[i]);
}
