/* SPDX-License-Identifier: MIT */
/* Port I/O for purgatory; nothing here is built for the host. */
#ifndef KX_PURG_IO_H
#define KX_PURG_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Port 0x80 is the POST code port: a write takes about a microsecond on the
 * ISA bus and has no other effect, the traditional delay between writes to
 * slow legacy devices (8259, 8042). */
#define IO_DELAY_PORT 0x80

static inline void io_delay(void)
{
	outb(IO_DELAY_PORT, 0);
}

static inline void io_delay_n(uint32_t n)
{
	while (n--)
		io_delay();
}

#endif
