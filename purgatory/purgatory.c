/* SPDX-License-Identifier: MIT */
/*
 * Purgatory's C side: optional jobs, the digest check, and the choice between
 * entering the next image and resetting. It never returns to the caller's
 * image on a failure and never waits forever.
 */
#include <stddef.h>
#include <stdint.h>

#include "purgatory/abi.h"
#include "purgatory/console.h"
#include "purgatory/handoff.h"
#include "purgatory/io.h"
#include "purgatory/verify.h"

_Static_assert(KX_HDR_MAGIC == KX_PURG_MAGIC, "entry.S header magic");
_Static_assert(KX_HDR_VERSION == KX_PURG_VERSION, "entry.S header version");
_Static_assert(KX_HDR_SIZE == sizeof(struct kx_purg_header), "entry.S header size");
_Static_assert(KX_PARAMS_SIZE == sizeof(struct kx_purg_params), "entry.S params size");
_Static_assert(KX_HO_LINUX64 == KX_ENTRY_LINUX64, "handoff mode");
_Static_assert(KX_HO_PM32 == KX_ENTRY_PM32, "handoff mode");

/*
 * The block the loader fills (header.params_offset points here). Initialised
 * data, not bss, so it is part of the image the loader copies.
 */
__attribute__((section(".kx.params"), aligned(8), used))
struct kx_purg_params kx_purg_params;

/* 8259A PIC programming (Intel 8259A data sheet): ICW1-ICW4, then OCW1. */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define PIC1_VECTOR_BASE 0x08   /* the vectors a PC BIOS programs: IRQ0-7 */
#define PIC2_VECTOR_BASE 0x70   /* IRQ8-15 */
#define PIC1_ICW3_SLAVE_ON_IRQ2 0x04
#define PIC2_ICW3_CASCADE_ID 0x02
#define PIC_ICW4_8086 0x01
#define PIC_MASK_NONE 0x00

/* 8254 PIT (Intel 8254 data sheet): channel 0, lobyte/hibyte access, mode 3
 * (square wave), binary, divisor 0 = 65536: the 18.2 Hz tick a PC BIOS
 * programs and its timer interrupt handler counts in the BDA. */
#define PIT_CH0_DATA 0x40
#define PIT_MODE 0x43
#define PIT_CH0_LOHI_MODE3 0x36
#define PIT_DIVISOR_BIOS 0

/* Real-mode trampoline descriptors (SDM vol. 3A, 3.4.5): byte granular,
 * limit 0xffff, 16-bit default size, present, accessed preset; and the
 * real-mode IVT (SDM vol. 3A, 20.1.4). */
#define DESC_ACCESS_CODE16 0x9b
#define DESC_ACCESS_DATA16 0x93
#define REALMODE_LIMIT 0xffff
#define REALMODE_IVT_LIMIT 0x3ff
#define REALMODE_TOP 0x100000ull

/* Reset paths, tried in order (each one should not return). */
#define KBC_CMD 0x64
#define KBC_PULSE_RESET 0xfe     /* 8042: pulse the CPU reset line */
#define RST_CNT 0xcf9            /* PCI reset control register (ICH/PCH, QEMU) */
#define RST_CNT_SYS_RST 0x02
#define RST_CNT_RST_CPU 0x04
#define RESET_WAIT_IO_DELAYS 100000 /* ~0.1 s of port 0x80 writes */

static void pic_reset(void)
{
	outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
	io_delay();
	outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
	io_delay();
	outb(PIC1_DATA, PIC1_VECTOR_BASE);
	io_delay();
	outb(PIC2_DATA, PIC2_VECTOR_BASE);
	io_delay();
	outb(PIC1_DATA, PIC1_ICW3_SLAVE_ON_IRQ2);
	io_delay();
	outb(PIC2_DATA, PIC2_ICW3_CASCADE_ID);
	io_delay();
	outb(PIC1_DATA, PIC_ICW4_8086);
	io_delay();
	outb(PIC2_DATA, PIC_ICW4_8086);
	io_delay();
	outb(PIC1_DATA, PIC_MASK_NONE);
	outb(PIC2_DATA, PIC_MASK_NONE);
}

static void pit_reset(void)
{
	outb(PIT_MODE, PIT_CH0_LOHI_MODE3);
	io_delay();
	outb(PIT_CH0_DATA, PIT_DIVISOR_BIOS & 0xff);
	io_delay();
	outb(PIT_CH0_DATA, PIT_DIVISOR_BIOS >> 8);
	io_delay();
}

static __attribute__((noreturn)) void machine_reset(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };

	outb(KBC_CMD, KBC_PULSE_RESET);
	io_delay_n(RESET_WAIT_IO_DELAYS);
	outb(RST_CNT, RST_CNT_SYS_RST);
	io_delay();
	outb(RST_CNT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
	io_delay_n(RESET_WAIT_IO_DELAYS);
	/* No IDT: the breakpoint cannot be delivered, nor the double fault,
	 * so the CPU shuts down, which the chipset turns into a reset. */
	__asm__ volatile("lidt %0\n\tint3" : : "m"(no_idt));
	for (;;)
		__asm__ volatile("ud2");
}

static __attribute__((noreturn)) void fail(struct kx_purg_console *con, const char *why)
{
	con_puts(con, "kx purgatory: ");
	con_puts(con, why);
	con_puts(con, ", resetting\n");
	machine_reset();
}

static bool identity_map(void *ctx, uint64_t addr, uint64_t len, const void **out)
{
	(void)ctx;
	(void)len;
	*out = (const void *)(uintptr_t)addr;
	return true;
}

static void report_failure(struct kx_purg_console *con, const struct kx_purg_params *p,
			   const struct kx_purg_verify_result *res)
{
	const struct kx_purg_region *r = &p->regions[res->region];

	switch (res->status) {
	case KX_PURG_TOO_MANY_REGIONS:
		con_puts(con, "kx purgatory: bad parameters: ");
		con_dec(con, p->nr_regions);
		con_puts(con, " regions (at most 32)");
		break;
	case KX_PURG_BAD_ENTRY_MODE:
		con_puts(con, "kx purgatory: bad parameters: unknown entry mode ");
		con_dec(con, p->arch.entry_mode);
		break;
	case KX_PURG_REGION_WRAPS:
		con_puts(con, "kx purgatory: bad parameters: a region wraps around the address space");
		break;
	case KX_PURG_REGION_UNMAPPED:
	case KX_PURG_MISMATCH:
		con_puts(con, "kx purgatory: SHA-256 mismatch in region ");
		con_dec(con, res->region);
		con_puts(con, " (start ");
		con_hex(con, r->start);
		con_puts(con, ", len ");
		con_hex(con, r->len);
		con_puts(con, "): refusing to boot");
		break;
	case KX_PURG_OK:
		break;
	}
	con_puts(con, ", resetting\n");
}

static uint64_t entry_address(const struct kx_purg_params *p)
{
	if (p->arch.entry_mode == KX_ENTRY_REAL16)
		return ((uint64_t)p->arch.regs16.cs << 4) + p->arch.regs16.ip;
	return p->arch.entry_mode == KX_ENTRY_LINUX64 ? p->arch.regs64.rip : p->arch.regs32.eip;
}

static void put16(uint8_t *page, unsigned off, uint16_t v)
{
	__builtin_memcpy(page + off, &v, sizeof(v));
}

static void put32(uint8_t *page, unsigned off, uint32_t v)
{
	__builtin_memcpy(page + off, &v, sizeof(v));
}

static void put_desc16(uint8_t *page, unsigned off, uint32_t base, uint8_t access)
{
	uint64_t d = REALMODE_LIMIT | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
		     (uint64_t)(base >> 24) << 56;

	__builtin_memcpy(page + off, &d, sizeof(d));
}

/*
 * Copies the real-mode trampoline to its page and turns the REAL16 request
 * into a 32-bit hand-off to it (entry.S, kx_real16_tramp). The page must lie
 * wholly below 1 MiB: real mode reaches nothing above.
 */
static void prepare_real16(struct kx_purg_console *con, const struct kx_purg_params *p,
			   struct kx_purg_handoff *out)
{
	uint32_t base = (uint32_t)p->arch.regs16.trampoline_seg << 4;
	uint8_t *page = (uint8_t *)(uintptr_t)base;
	size_t code = (size_t)(kx_real16_tramp_end - kx_real16_tramp);
	const struct kx_purg_regs16 *r = &p->arch.regs16;

	if (!base || (base & (KX_RT_SIZE - 1)) || base + KX_RT_SIZE > REALMODE_TOP)
		fail(con, "bad parameters: real-mode trampoline page not a page below 1 MiB");
	__builtin_memset(page, 0, KX_RT_SIZE);
	__builtin_memcpy(page, kx_real16_tramp, code);
	put_desc16(page, KX_RT_GDT + KX_RT_SEL_CODE16, base, DESC_ACCESS_CODE16);
	put_desc16(page, KX_RT_GDT + KX_RT_SEL_DATA16, base, DESC_ACCESS_DATA16);
	put16(page, KX_RT_GDTR, 3 * 8 - 1);
	put32(page, KX_RT_GDTR + 2, base + KX_RT_GDT);
	put16(page, KX_RT_IDTR, REALMODE_IVT_LIMIT);
	put32(page, KX_RT_IDTR + 2, 0);
	put16(page, KX_RT_RMSEG, p->arch.regs16.trampoline_seg);
	put32(page, KX_RT_EAX, r->eax);
	put32(page, KX_RT_EBX, r->ebx);
	put32(page, KX_RT_ECX, r->ecx);
	put32(page, KX_RT_EDX, r->edx);
	put32(page, KX_RT_ESI, r->esi);
	put32(page, KX_RT_EDI, r->edi);
	put32(page, KX_RT_ESP, r->esp);
	put32(page, KX_RT_EBP, r->ebp);
	put16(page, KX_RT_IP, r->ip);
	put16(page, KX_RT_CS, r->cs);
	put16(page, KX_RT_DS, r->ds);
	put16(page, KX_RT_ES, r->es);
	put16(page, KX_RT_SS, r->ss);
	put16(page, KX_RT_FS, r->fs);
	put16(page, KX_RT_GS, r->gs);

	__builtin_memset(out, 0, sizeof(*out));
	out->mode = KX_ENTRY_PM32;
	out->rip = base;
	out->rsi = base;
	out->rsp = base + KX_RT_SIZE;
}

static void fill_handoff(const struct kx_purg_params *p, struct kx_purg_handoff *out)
{
	out->mode = p->arch.entry_mode;
	if (p->arch.entry_mode == KX_ENTRY_LINUX64) {
		out->rax = p->arch.regs64.rax;
		out->rbx = p->arch.regs64.rbx;
		out->rcx = p->arch.regs64.rcx;
		out->rdx = p->arch.regs64.rdx;
		out->rsi = p->arch.regs64.rsi;
		out->rdi = p->arch.regs64.rdi;
		out->rsp = p->arch.regs64.rsp;
		out->rbp = p->arch.regs64.rbp;
		out->rip = p->arch.regs64.rip;
	} else {
		out->rax = p->arch.regs32.eax;
		out->rbx = p->arch.regs32.ebx;
		out->rcx = p->arch.regs32.ecx;
		out->rdx = p->arch.regs32.edx;
		out->rsi = p->arch.regs32.esi;
		out->rdi = p->arch.regs32.edi;
		out->rsp = p->arch.regs32.esp;
		out->rbp = p->arch.regs32.ebp;
		out->rip = p->arch.regs32.eip;
	}
}

void kx_purg_main(struct kx_purg_handoff *out)
{
	struct kx_purg_params *p = &kx_purg_params;
	struct kx_purg_console con;
	struct kx_purg_verify_result res;

	/* The compiler sees a zero-initialised object nobody writes; the loader
	 * wrote it. Hide its origin so no field is folded to a constant. */
	__asm__("" : "+r"(p));

	if (p->flags & KX_PURG_F_RESET_VGA)
		vga_reset_text_mode();
	con_init(&con, p->flags, p->arch.serial_port, p->arch.serial_baud);

	if (p->nr_regions <= KX_PURG_MAX_REGIONS) {
		con_puts(&con, "kx purgatory: verifying ");
		con_dec(&con, p->nr_regions);
		con_puts(&con, " regions\n");
	}
	if (kx_purg_verify(p, identity_map, NULL, &res) != KX_PURG_OK) {
		report_failure(&con, p, &res);
		machine_reset();
	}
	/* After the check, as kexec-tools' purgatory does: the backup
	 * destination is a segment the loader hashed as loaded (zeros), and
	 * the copy must not be made from or into memory already found bad. */
	if (p->backup_len)
		__builtin_memmove((void *)(uintptr_t)p->backup_dst,
				  (const void *)(uintptr_t)p->backup_src, (size_t)p->backup_len);

	con_puts(&con, "kx purgatory: all regions verified (");
	con_dec(&con, res.bytes >> 10);
	con_puts(&con, res.shani ? " KiB, sha-ni), entering image at " :
				   " KiB, scalar), entering image at ");
	con_hex(&con, entry_address(p));
	con_puts(&con, "\n");

	if (p->arch.entry_mode == KX_ENTRY_REAL16) {
		pic_reset();
		pit_reset();
		prepare_real16(&con, p, out);
		return;
	}
	if (p->flags & KX_PURG_F_RESET_PIC)
		pic_reset();
	fill_handoff(p, out);
}
