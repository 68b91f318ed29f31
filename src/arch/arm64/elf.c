/* SPDX-License-Identifier: MIT */
/*
 * arm64's part of ELF images (src/formats/elf.c, arch_elf.h): EM_AARCH64,
 * the AArch64 ELF ABI's RELATIVE relocation, the AAPCS64 argument registers.
 * A Linux vmlinux is the vmlinux format's (vmlinux.c), probed first.
 */
#include "formats/arch_elf.h"

#include <errno.h>

#include "core/err.h"

#define MOD "elf"

/* ELF for the Arm 64-bit Architecture (AArch64): e_machine, relocations. */
#define EM_AARCH64 183
#define R_AARCH64_NONE 0
#define R_AARCH64_RELATIVE 1027

const char *const kx_arch_elf_aliases[] = { "elf-arm64", NULL };

int kx_arch_elf_check_machine(bool is64, uint16_t machine)
{
	if (is64 && machine == EM_AARCH64)
		return 0;
	return kx_err(ENOEXEC, MOD, "e_machine %u (%s): not an arm64 image (EM_AARCH64, "
		      "ELFCLASS64)", machine, is64 ? "ELFCLASS64" : "ELFCLASS32");
}

struct kx_arch_elf_relocs kx_arch_elf_relocs(bool is64)
{
	return (struct kx_arch_elf_relocs){ R_AARCH64_NONE, R_AARCH64_RELATIVE,
					    "R_AARCH64_RELATIVE" };
}

void kx_arch_elf_enter(struct kx_plan *p, bool is64, uint64_t entry, uint64_t a0, uint64_t a1,
		       uint64_t a2)
{
	/* AAPCS64 passes the first arguments in x0-x2; purgatory's hand-off is
	 * booting.rst's, x0 only (abi_arch.h). */
	p->handoff.mode = KX_ENTRY_LINUX_ARM64;
	p->handoff.pc = entry;
	p->handoff.x0 = a0;
}

uint64_t kx_arch_elf_linux_move_align(const struct kx_elf_info *e)
{
	/* booting.rst: the kernel runs from any 2 MiB-aligned base. */
	return 2u << 20;
}

int kx_arch_elf_plan_linux(const struct kx_elf_info *e, uint64_t entry, uint64_t moved,
			   const struct kx_load_opts *o, const struct kx_facts *f, struct kx_plan *p)
{
	/* Reached with -t elf only: the vmlinux format probes first. */
	return kx_err(EINVAL, "elf", "an arm64 Linux vmlinux is loaded as the Image inside it: "
		      "use -t vmlinux (or no -t)");
}
