/* SPDX-License-Identifier: MIT */
/*
 * arm64 purgatory's C side: the digest check, the report on the UART, and
 * the choice between entering the kernel and resetting through PSCI. It
 * never returns to the old kernel and never waits forever.
 */
#include <stddef.h>
#include <stdint.h>

#include "handoff.h"
#include "purgatory/abi.h"
#include "purgatory/verify.h"

_Static_assert(KX_HDR_MAGIC == KX_PURG_MAGIC, "entry.S header magic");
_Static_assert(KX_HDR_VERSION == KX_PURG_VERSION, "entry.S header version");
_Static_assert(KX_HDR_SIZE == sizeof(struct kx_purg_header), "entry.S header size");
_Static_assert(KX_PARAMS_SIZE == sizeof(struct kx_purg_params), "entry.S params size");

/*
 * The block the loader fills (header.params_offset points here). Initialised
 * data, not bss, so it is part of the image the loader copies.
 */
__attribute__((section(".kx.params"), aligned(8), used))
struct kx_purg_params kx_purg_params;

/* PL011 (Arm PrimeCell UART (PL011) TRM, 3.2): data register and flag
 * register; FR.TXFF = transmit FIFO full. The SBSA generic UART has both at
 * the same offsets. */
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_BUSY (1u << 3)
/* Stop waiting for a full FIFO after this many polls: output to a dead
 * UART must not hang the boot. */
#define UART_POLLS 1000000

/* PSCI (Arm DEN 0022D, 5.1): SYSTEM_RESET and SYSTEM_OFF, SMC32 ids. */
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

struct console {
	uintptr_t base; /* 0: no output */
};

static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static void con_putc(struct console *con, char ch)
{
	uint32_t i;

	if (!con->base)
		return;
	for (i = 0; i < UART_POLLS && (mmio_read32(con->base + PL011_FR) & PL011_FR_TXFF); i++)
		;
	if (i == UART_POLLS) {
		con->base = 0; /* never drained: stop using it */
		return;
	}
	mmio_write32(con->base + PL011_DR, (uint8_t)ch);
}

static void con_puts(struct console *con, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			con_putc(con, '\r');
		con_putc(con, *s);
	}
}

static void con_hex(struct console *con, uint64_t v)
{
	con_puts(con, "0x");
	for (int shift = 60; shift >= 0; shift -= 4) {
		unsigned d = (v >> shift) & 0xf;

		if (d || shift == 0 || v >> shift)
			con_putc(con, (char)(d < 10 ? '0' + d : 'a' + d - 10));
	}
}

static void con_dec(struct console *con, uint64_t v)
{
	char buf[21];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		con_putc(con, buf[--n]);
}

/* Waits until the UART has sent everything: the reset would cut the line. */
static void con_drain(struct console *con)
{
	for (uint32_t i = 0; con->base && i < UART_POLLS; i++)
		if (!(mmio_read32(con->base + PL011_FR) & PL011_FR_BUSY))
			return;
}

static void console_init(struct console *con, const struct kx_purg_params *p)
{
	con->base = 0;
	if ((p->flags & KX_PURG_F_SERIAL) && p->arch.uart_type == KX_PURG_UART_PL011)
		con->base = (uintptr_t)p->arch.uart_base;
}

static uint64_t psci_call(uint32_t conduit, uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	if (conduit == KX_PURG_PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return x0;
}

/*
 * PSCI SYSTEM_RESET through the conduit the running kernel used (DT /psci
 * method or the FADT's flags). Without one: SMC at EL2 (there is no
 * hypervisor above to take an HVC), HVC at EL1. Should the call return,
 * SYSTEM_OFF; if that returns too, nothing is left but to stop the CPU.
 */
static __attribute__((noreturn)) void machine_reset(struct console *con, uint64_t el,
						    uint32_t conduit)
{
	con_drain(con);
	if (conduit != KX_PURG_PSCI_HVC && conduit != KX_PURG_PSCI_SMC)
		conduit = el >= 2 ? KX_PURG_PSCI_SMC : KX_PURG_PSCI_HVC;
	psci_call(conduit, PSCI_SYSTEM_RESET);
	psci_call(conduit, PSCI_SYSTEM_OFF);
	for (;;)
		__asm__ volatile("wfi");
}

static const struct kx_purg_params *params(void)
{
	const struct kx_purg_params *p = &kx_purg_params;

	/* The compiler sees a zero-initialised object nobody writes; the loader
	 * wrote it. Hide its origin so no field is folded to a constant. */
	__asm__("" : "+r"(p));
	return p;
}

void kx_purg_exception(uint64_t el, uint64_t esr, uint64_t elr, uint64_t far)
{
	const struct kx_purg_params *p = params();
	struct console con;

	console_init(&con, p);
	con_puts(&con, "kx purgatory: exception at EL");
	con_dec(&con, el);
	con_puts(&con, " (ESR ");
	con_hex(&con, esr);
	con_puts(&con, ", ELR ");
	con_hex(&con, elr);
	con_puts(&con, ", FAR ");
	con_hex(&con, far);
	con_puts(&con, "), resetting\n");
	machine_reset(&con, el, p->arch.psci_conduit);
}

static bool identity_map(void *ctx, uint64_t addr, uint64_t len, const void **out)
{
	(void)ctx;
	(void)len;
	*out = (const void *)(uintptr_t)addr;
	return true;
}

static void report_failure(struct console *con, const struct kx_purg_params *p,
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

void kx_purg_main(uint64_t el, struct kx_purg_handoff *out)
{
	const struct kx_purg_params *p = params();
	enum kx_sha256_impl impl = (p->flags & KX_PURG_F_SCALAR) ? KX_SHA256_SCALAR
								 : KX_SHA256_AUTO;
	struct kx_purg_verify_result res;
	struct console con;

	console_init(&con, p);
	if (p->nr_regions <= KX_PURG_MAX_REGIONS) {
		con_puts(&con, "kx purgatory: verifying ");
		con_dec(&con, p->nr_regions);
		con_puts(&con, " regions at EL");
		con_dec(&con, el);
		con_puts(&con, "\n");
	}
	if (kx_purg_verify_impl(p, impl, identity_map, NULL, &res) != KX_PURG_OK) {
		report_failure(&con, p, &res);
		machine_reset(&con, el, p->arch.psci_conduit);
	}
	/* After the check: the destination is a segment hashed as loaded. */
	if (p->backup_len)
		__builtin_memmove((void *)(uintptr_t)p->backup_dst,
				  (const void *)(uintptr_t)p->backup_src, (size_t)p->backup_len);

	con_puts(&con, "kx purgatory: all regions verified (");
	con_dec(&con, res.bytes >> 10);
	con_puts(&con, res.shani ? " KiB, sha2-ce), entering image at " :
				   " KiB, scalar), entering image at ");
	con_hex(&con, p->arch.pc);
	con_puts(&con, " with x0 ");
	con_hex(&con, p->arch.x0);
	con_puts(&con, "\n");
	con_drain(&con);
	out->pc = p->arch.pc;
	out->x0 = p->arch.x0;
}
