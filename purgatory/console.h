/* SPDX-License-Identifier: MIT */
/* Purgatory's output: the 8250 UART and the VGA text screen, each optional. */
#ifndef KX_PURG_CONSOLE_H
#define KX_PURG_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct kx_purg_console {
	bool serial;
	bool vga;
	uint16_t port;
	uint32_t row, col; /* VGA cursor */
};

/* flags: KX_PURG_F_* of the parameter block. */
void con_init(struct kx_purg_console *con, uint32_t flags, uint16_t port, uint32_t baud);
void con_puts(struct kx_purg_console *con, const char *s);
void con_hex(struct kx_purg_console *con, uint64_t v);
void con_dec(struct kx_purg_console *con, uint64_t v);
/* Programs the VGA registers for mode 3 (80x25 colour text) and clears it. */
void vga_reset_text_mode(void);

#endif
