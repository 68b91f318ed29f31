/* SPDX-License-Identifier: MIT */
/*
 * Guest helper for the kdump scenarios, run in the capture kernel: finds the
 * PT_LOAD of /proc/vmcore that holds physical address PHYS and compares the
 * page there with pagefill's pattern for TOKEN. It also checks that every RAM
 * PT_LOAD maps with one offset (the direct map) and prints what it found.
 *
 * usage: vmcore_peek VMCORE PHYS TOKEN
 * exit 0: the page is exact; 1: it differs or is not in the dump; 2: usage.
 *
 * usage: vmcore_peek --summary VMCORE
 * prints "vmcore_peek: prstatus=N ram_above_4g=BYTES": the NT_PRSTATUS notes
 * (one per CPU that was online at the crash) and how much RAM above 4 GiB
 * the PT_LOADs cover (crash hotplug: a hot-added CPU and DIMM appear only if
 * the kernel updated the core header). Exit 0 unless the file is unreadable.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pattern.h"

#define X86_START_KERNEL_MAP 0xffffffff80000000ull

static int summary(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned long long above = 0;
	int fd = open(path, O_RDONLY), prstatus = 0;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		fprintf(stderr, "vmcore_peek: %s: not an ELF64 core\n", path);
		return 1;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return 1;
		if (ph.p_type == PT_LOAD && ph.p_vaddr < X86_START_KERNEL_MAP &&
		    ph.p_paddr + ph.p_memsz > 0x100000000ull)
			above += ph.p_paddr + ph.p_memsz - (ph.p_paddr > 0x100000000ull ?
							      ph.p_paddr : 0x100000000ull);
		if (ph.p_type != PT_NOTE || ph.p_filesz > (1u << 20))
			continue;
		uint8_t *n = malloc(ph.p_filesz);
		size_t off = 0;

		if (!n || pread(fd, n, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			return 1;
		while (off + sizeof(Elf64_Nhdr) <= ph.p_filesz) {
			Elf64_Nhdr nh;

			memcpy(&nh, n + off, sizeof(nh));
			if (!nh.n_namesz && !nh.n_descsz)
				break;
			prstatus += nh.n_type == NT_PRSTATUS;
			off += sizeof(nh) + ((nh.n_namesz + 3) & ~3u) + ((nh.n_descsz + 3) & ~3u);
		}
		free(n);
	}
	printf("vmcore_peek: prstatus=%d ram_above_4g=%llu\n", prstatus, above);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t want[KX_PATTERN_PAGE], got[KX_PATTERN_PAGE];
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	unsigned long long phys;
	int fd, found = -1, notes = 0, loads = 0;

	if (argc == 3 && !strcmp(argv[1], "--summary"))
		return summary(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: vmcore_peek VMCORE PHYS TOKEN\n");
		return 2;
	}
	phys = strtoull(argv[2], NULL, 0);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		fprintf(stderr, "vmcore_peek: %s: not an ELF64 core (%s)\n", argv[1], strerror(errno));
		return 1;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
			   (ssize_t)(eh.e_phnum * sizeof(*ph))) {
		fprintf(stderr, "vmcore_peek: cannot read program headers\n");
		return 1;
	}
	for (int i = 0; i < eh.e_phnum; i++) {
		notes += ph[i].p_type == PT_NOTE;
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		if (ph[i].p_vaddr >= X86_START_KERNEL_MAP)
			continue; /* the kernel image: the same bytes, another mapping */
		if (phys >= ph[i].p_paddr && phys - ph[i].p_paddr + KX_PATTERN_PAGE <= ph[i].p_filesz)
			found = i;
	}
	printf("vmcore_peek: %d PT_NOTE (merged), %d PT_LOAD\n", notes, loads);
	if (found < 0) {
		printf("vmcore_peek: 0x%llx is in no PT_LOAD\n", phys);
		return 1;
	}
	printf("vmcore_peek: 0x%llx in PT_LOAD %d: paddr 0x%llx vaddr 0x%llx size 0x%llx\n", phys,
	       found, (unsigned long long)ph[found].p_paddr, (unsigned long long)ph[found].p_vaddr,
	       (unsigned long long)ph[found].p_filesz);
	if (pread(fd, got, sizeof(got), (off_t)(ph[found].p_offset + (phys - ph[found].p_paddr))) !=
	    (ssize_t)sizeof(got)) {
		printf("vmcore_peek: read failed: %s\n", strerror(errno));
		return 1;
	}
	kx_pattern_fill(want, argv[3]);
	for (unsigned i = 0; i < KX_PATTERN_PAGE; i++) {
		if (got[i] != want[i]) {
			unsigned at = i & ~15u;

			printf("vmcore_peek: first difference at byte %u: %.*s\n", i,
			       (int)(KX_PATTERN_PAGE - at < 40 ? KX_PATTERN_PAGE - at : 40),
			       (const char *)got + at);
			return 1;
		}
	}
	printf("vmcore_peek: page exact: %.32s...\n", (const char *)got);
	return 0;
}
