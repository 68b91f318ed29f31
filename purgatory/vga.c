/* SPDX-License-Identifier: MIT */
/*
 * Puts a VGA back into BIOS mode 3 (80x25, 16 colours, text at 0xb8000) by
 * programming the registers directly: purgatory has no BIOS to call. The
 * values are the standard mode 3 set (IBM VGA Technical Reference; FreeVGA
 * register descriptions). The font in plane 2 is not reloaded: after a
 * graphics mode the glyphs may be garbage until the next kernel loads one.
 */
#include "purgatory/console.h"

#include "purgatory/io.h"

#define VGA_AC_INDEX   0x3c0 /* attribute controller: index and data, one port */
#define VGA_MISC_WRITE 0x3c2
#define VGA_SEQ_INDEX  0x3c4
#define VGA_SEQ_DATA   0x3c5
#define VGA_DAC_MASK   0x3c6
#define VGA_DAC_WRITE  0x3c8
#define VGA_DAC_DATA   0x3c9
#define VGA_GC_INDEX   0x3ce
#define VGA_GC_DATA    0x3cf
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA  0x3d5
#define VGA_INSTAT1    0x3da /* reading it resets the AC index/data flip-flop */

#define VGA_MISC_MODE3      0x67 /* colour I/O at 0x3dx, 28 MHz clock, +/- sync for 400 lines */
#define VGA_SEQ_RESET       0x00
#define VGA_SEQ_RESET_SYNC  0x01
#define VGA_SEQ_RESET_RUN   0x03
#define VGA_CRTC_HBLANK_END 0x03 /* bit 7 must be set to reach vertical retrace regs */
#define VGA_CRTC_VRETRACE_END 0x11 /* bit 7 write-protects CRTC 0-7 */
#define VGA_CRTC_PROTECT    0x80
#define VGA_AC_PALETTE_ON   0x20 /* index bit: give the palette back to the display */
#define VGA_DAC_ENTRIES     64
#define VGA_TEXT_BASE       0xb8000u
#define VGA_TEXT_CELLS      (80 * 25)
#define VGA_BLANK_CELL      0x0720 /* space, light grey on black */

/* Sequencer registers 1-4 (register 0 is the reset sequence above). */
static const uint8_t mode3_seq[] = { 0x00, 0x03, 0x00, 0x02 };

static const uint8_t mode3_crtc[] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f,
	0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x50,
	0x9c, 0x0e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3,
	0xff,
};

static const uint8_t mode3_gc[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};

static const uint8_t mode3_ac[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x0c, 0x00, 0x0f, 0x08, 0x00,
};

_Static_assert(sizeof(mode3_crtc) == 25, "CRTC registers 0x00-0x18");
_Static_assert(sizeof(mode3_gc) == 9, "graphics controller registers 0-8");
_Static_assert(sizeof(mode3_ac) == 21, "attribute controller registers 0x00-0x14");

static void write_indexed(uint16_t index_port, uint16_t data_port, uint8_t i, uint8_t v)
{
	outb(index_port, i);
	outb(data_port, v);
}

/* The EGA-compatible 64 colours mode 3's attribute palette points into:
 * index bits 0-2 are blue, green, red at 2/3 intensity, bits 3-5 the same
 * colours at 1/3; DAC components are 6 bits. */
static uint8_t ega_component(unsigned idx, unsigned bit)
{
	return (uint8_t)((idx >> bit & 1) * 0x2a + (idx >> (bit + 3) & 1) * 0x15);
}

static void load_ega_palette(void)
{
	outb(VGA_DAC_MASK, 0xff);
	outb(VGA_DAC_WRITE, 0);
	for (unsigned i = 0; i < VGA_DAC_ENTRIES; i++) {
		outb(VGA_DAC_DATA, ega_component(i, 2));
		outb(VGA_DAC_DATA, ega_component(i, 1));
		outb(VGA_DAC_DATA, ega_component(i, 0));
	}
}

void vga_reset_text_mode(void)
{
	volatile uint16_t *text = (volatile uint16_t *)(uintptr_t)VGA_TEXT_BASE;
	uint8_t v;

	write_indexed(VGA_SEQ_INDEX, VGA_SEQ_DATA, VGA_SEQ_RESET, VGA_SEQ_RESET_SYNC);
	outb(VGA_MISC_WRITE, VGA_MISC_MODE3);
	for (unsigned i = 0; i < sizeof(mode3_seq); i++)
		write_indexed(VGA_SEQ_INDEX, VGA_SEQ_DATA, (uint8_t)(i + 1), mode3_seq[i]);
	write_indexed(VGA_SEQ_INDEX, VGA_SEQ_DATA, VGA_SEQ_RESET, VGA_SEQ_RESET_RUN);

	outb(VGA_CRTC_INDEX, VGA_CRTC_HBLANK_END);
	v = inb(VGA_CRTC_DATA);
	outb(VGA_CRTC_DATA, v | 0x80);
	outb(VGA_CRTC_INDEX, VGA_CRTC_VRETRACE_END);
	v = inb(VGA_CRTC_DATA);
	outb(VGA_CRTC_DATA, v & (uint8_t)~VGA_CRTC_PROTECT);
	for (unsigned i = 0; i < sizeof(mode3_crtc); i++) {
		v = mode3_crtc[i];
		if (i == VGA_CRTC_VRETRACE_END)
			v &= (uint8_t)~VGA_CRTC_PROTECT;
		write_indexed(VGA_CRTC_INDEX, VGA_CRTC_DATA, (uint8_t)i, v);
	}

	for (unsigned i = 0; i < sizeof(mode3_gc); i++)
		write_indexed(VGA_GC_INDEX, VGA_GC_DATA, (uint8_t)i, mode3_gc[i]);

	(void)inb(VGA_INSTAT1);
	for (unsigned i = 0; i < sizeof(mode3_ac); i++)
		write_indexed(VGA_AC_INDEX, VGA_AC_INDEX, (uint8_t)i, mode3_ac[i]);
	load_ega_palette();
	(void)inb(VGA_INSTAT1);
	outb(VGA_AC_INDEX, VGA_AC_PALETTE_ON);

	for (unsigned i = 0; i < VGA_TEXT_CELLS; i++)
		text[i] = VGA_BLANK_CELL;
}
