/* SPDX-License-Identifier: MIT */
/*
 * ELF probe: one source built three ways (tests/payloads/meson.build):
 * ELF64 ET_EXEC, ELF64 PIE (ET_DYN) and ELF32 ET_EXEC. Reports the registers
 * it was entered with, where it runs, the command line kx passed (generic ELF
 * convention, README: rdi/edi = command line, rsi/esi = initrd, rdx/edx =
 * initrd size) and whether the pointer table below holds the run-time
 * addresses, which for the PIE proves the loader applied R_X86_64_RELATIVE.
 */
#include "common/probe.h"

#if defined(__x86_64__)
#define REG_NAMES { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp" }
typedef uint64_t reg_t;
#define REG_CMDLINE 5
#define REG_INITRD 4
#define REG_INITRD_SIZE 3
#else
#define REG_NAMES { "eax", "ebx", "ecx", "edx", "esi", "edi", "esp", "ebp" }
typedef uint32_t reg_t;
#define REG_CMDLINE 5
#define REG_INITRD 4
#define REG_INITRD_SIZE 3
#endif
#define NREGS 8
/* The probe never reads more of a command line than this. */
#define CMDLINE_MAX 4096

#ifndef PROBE_NAME
#error "PROBE_NAME must be defined by the build"
#endif

extern void _start(void);

static const char marker_a[] = "a";
static const char marker_b[] = "b";
/* Initialised pointers: in a PIE each is an R_X86_64_RELATIVE (or
 * R_386_RELATIVE) relocation the loader must apply. volatile keeps the
 * compiler from folding the loads into RIP-relative address computations. */
static const char *const volatile pointer_table[] = { marker_a, marker_b };
static void (*const volatile entry_ptr)(void) = _start;

/* Sums the initrd's bytes so a scenario can check it arrived whole. */
static uint32_t initrd_sum(const uint8_t *p, reg_t len)
{
	uint32_t s = 0;

	for (reg_t i = 0; i < len; i++)
		s = s * 31 + p[i];
	return s;
}

__attribute__((used)) void probe_main(const reg_t *regs)
{
	static const char *const names[NREGS] = REG_NAMES;
	struct probe_json j;
	const char *cmdline = (const char *)(uintptr_t)regs[REG_CMDLINE];
	bool reloc_ok = pointer_table[0] == marker_a && pointer_table[1] == marker_b &&
			entry_ptr == _start;

	probe_serial_init();
	probe_begin(&j, PROBE_NAME);
	probe_u64(&j, "load_addr", (uintptr_t)&_start);
	probe_u64(&j, "bits", sizeof(reg_t) * 8);
	probe_obj_begin(&j, "entry_regs");
	for (int i = 0; i < NREGS; i++)
		probe_u64(&j, names[i], regs[i]);
	probe_obj_end(&j);
	if (cmdline)
		probe_strn(&j, "cmdline", cmdline, CMDLINE_MAX);
	else
		probe_str(&j, "cmdline", NULL);
	if (regs[REG_INITRD] && regs[REG_INITRD_SIZE])
		probe_u64(&j, "initrd_sum",
			  initrd_sum((const uint8_t *)(uintptr_t)regs[REG_INITRD],
				     regs[REG_INITRD_SIZE]));
	probe_bool(&j, "reloc_ok", reloc_ok);
	probe_end(&j);
	probe_poweroff();
}
