/* SPDX-License-Identifier: MIT */
/*
 * x86's part of ELF images (src/formats/elf.c, arch_elf.h): EM_X86_64 and
 * EM_386, the psABIs' RELATIVE relocation, the SysV argument registers, and
 * a vmlinux booted through the Linux boot protocol with boot_params.
 */
#include "formats/arch_elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/bootparams.h"
#include "core/err.h"

#define MOD "elf"

/* What a Linux vmlinux gets in the synthesized setup header: the values a
 * bzImage of a current kernel would carry (boot.rst). */
#define LINUX_BOOT_PROTOCOL 0x020f
#define LINUX_CMDLINE_SIZE 2047      /* COMMAND_LINE_SIZE (2048) minus the NUL */
#define LINUX_INITRD_ADDR_MAX 0x7fffffffu
#define LINUX_KERNEL_ALIGN 0x200000u /* CONFIG_PHYSICAL_ALIGN default */
/* PMD_SIZE: the 64-bit kernel maps itself with 2 MiB pages. */
#define LINUX64_MOVE_ALIGN 0x200000u

/*
 * An x86-64 vmlinux runs from any 2 MiB-aligned physical address, whatever its
 * CONFIG_RELOCATABLE: startup_64 (arch/x86/kernel/head_64.S) passes its own
 * RIP-relative address of _text to __startup_64 (arch/x86/kernel/head64.c),
 * which computes load_delta = physaddr - (_text - __START_KERNEL_map), stops
 * (for (;;)) unless it is a multiple of PMD_SIZE, and adds it to the early
 * page tables and phys_base, through which every later __pa() goes. The
 * kernel's relocation table is not needed: the virtual addresses stay as
 * linked, and on x86-64 the decompressor applies it only for a KASLR virtual
 * offset (arch/x86/boot/compressed/misc.c handle_relocations), never for a
 * physical move. CONFIG_RELOCATABLE only decides whether the bzImage's
 * decompressor leaves the kernel where it was loaded. A 32-bit kernel has no
 * such fix-up (it needs its relocations, which an ELF vmlinux does not hand
 * over), so it runs only at its link address.
 */
uint64_t kx_arch_elf_linux_move_align(const struct kx_elf_info *e)
{
	return e->is64 ? LINUX64_MOVE_ALIGN : 0;
}

/* The setup header a bzImage of this kernel would carry; a vmlinux has none.
 * The kernel's segments sit `moved` bytes above their p_paddr. */
static void linux_setup_header(const struct kx_elf_info *e, uint64_t moved,
			       struct bp_setup_header *h)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < e->phnum; i++) {
		const struct kx_elf_phdr *ph = &e->ph[i];

		if (ph->p_type != KX_PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_paddr < lo)
			lo = ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > hi)
			hi = ph->p_paddr + ph->p_memsz;
	}
	lo += moved;
	hi += moved;
	memset(h, 0, sizeof(*h));
	h->boot_flag = BP_BOOT_FLAG;
	h->header = BP_HDR_MAGIC;
	h->version = LINUX_BOOT_PROTOCOL;
	h->loadflags = BP_LOADED_HIGH;
	h->code32_start = (uint32_t)lo;
	h->initrd_addr_max = LINUX_INITRD_ADDR_MAX;
	h->kernel_alignment = LINUX_KERNEL_ALIGN;
	h->xloadflags = e->is64 ? BP_XLF_KERNEL_64 : 0;
	h->cmdline_size = LINUX_CMDLINE_SIZE;
	h->pref_address = lo;
	h->init_size = (uint32_t)(hi - lo);
}

int kx_arch_elf_plan_linux(const struct kx_elf_info *e, uint64_t entry, uint64_t moved,
			   const struct kx_load_opts *o, const struct kx_facts *f, struct kx_plan *p)
{
	struct bp_setup_header h;
	struct bp_layout lay = { .cmdline = o->cmdline };
	char *crash_cmdline = NULL;
	size_t cmdlen;
	int ret;

	linux_setup_header(e, moved, &h);
	/* A capture kernel: elfcorehdr= and the crash region's e820, as for a
	 * bzImage. */
	ret = kx_bp_capture_layout(p, o, f, o->cmdline, &lay, &crash_cmdline);
	if (ret < 0)
		return ret;
	cmdlen = lay.cmdline ? strlen(lay.cmdline) : 0;
	if (cmdlen > h.cmdline_size) {
		ret = kx_err(E2BIG, MOD, "command line is %zu bytes%s, Linux takes at most %u",
			     cmdlen, lay.crash ? " with elfcorehdr=" : "", h.cmdline_size);
		goto out;
	}
	ret = kx_bp_plan(p, o, f, (uint64_t)h.initrd_addr_max + 1, (const uint8_t *)&h,
			 sizeof(h), &lay, NULL);
	if (ret < 0)
		goto out;
	memset(&p->handoff, 0, sizeof(p->handoff));
	if (e->is64) {
		p->handoff.mode = KX_ENTRY_LINUX64;
		p->handoff.regs64.rip = entry;
		p->handoff.regs64.rsi = lay.base;
	} else {
		/* 32-bit boot protocol: protected mode, esi = boot_params (boot.rst). */
		p->handoff.mode = KX_ENTRY_PM32;
		p->handoff.regs32.eip = (uint32_t)entry;
		p->handoff.regs32.esi = (uint32_t)lay.base;
	}
	ret = 0;
out:
	free(crash_cmdline);
	return ret;
}

const char *const kx_arch_elf_aliases[] = { "elf-x86_64", "elf-x86", "elf32-x86_64", "elf64",
					    "elf32", "vmlinux", NULL };

int kx_arch_elf_check_machine(bool is64, uint16_t machine)
{
	/* An ELF32 may carry x86-64 code (the kernel's own 32-bit wrappers). */
	if (is64 ? machine == KX_EM_X86_64 : machine == KX_EM_386 || machine == KX_EM_X86_64)
		return 0;
	return kx_err(EINVAL, MOD, "ELF%d for machine %u, not x86 (EM_386 / EM_X86_64)",
		      is64 ? 64 : 32, machine);
}

/* x86-64 psABI 4.4 and the i386 psABI: R_*_NONE 0, R_*_RELATIVE 8. */
struct kx_arch_elf_relocs kx_arch_elf_relocs(bool is64)
{
	return (struct kx_arch_elf_relocs){
		.none = 0,
		.relative = 8,
		.relative_name = is64 ? "R_X86_64_RELATIVE" : "R_386_RELATIVE",
	};
}

/* ELF64: 64-bit mode, rdi, rsi, rdx (SysV); ELF32: 32-bit protected mode,
 * edi, esi, edx. Every other register is 0. */
void kx_arch_elf_enter(struct kx_plan *p, bool is64, uint64_t entry, uint64_t a0, uint64_t a1,
		       uint64_t a2)
{
	memset(&p->handoff, 0, sizeof(p->handoff));
	if (is64) {
		p->handoff.mode = KX_ENTRY_LINUX64;
		p->handoff.regs64.rip = entry;
		p->handoff.regs64.rdi = a0;
		p->handoff.regs64.rsi = a1;
		p->handoff.regs64.rdx = a2;
	} else {
		p->handoff.mode = KX_ENTRY_PM32;
		p->handoff.regs32.eip = (uint32_t)entry;
		p->handoff.regs32.edi = (uint32_t)a0;
		p->handoff.regs32.esi = (uint32_t)a1;
		p->handoff.regs32.edx = (uint32_t)a2;
	}
}
