/* SPDX-License-Identifier: MIT */
/*
 * Readers of what a capture kernel's ELF core header describes (kexec -p):
 * the possible CPUs and their crash note buffers, the VMCOREINFO note, the
 * kernel image mapping and the direct map base under KASLR. Each takes the
 * filesystem root like the other readers; the text and ELF parsers are pure
 * and fuzzed (tests/fuzz/fuzz_crash_read.c).
 */
#ifndef KX_CRASH_READ_H
#define KX_CRASH_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"

/* NR_CPUS is at most 8192 on x86_64 (arch/x86/Kconfig, MAXSMP). */
#define KX_CRASH_MAX_CPUS 8192u

/* /sys/kernel/crash_elfcorehdr_size is an ELF header and one program header
 * per possible CPU, VMCOREINFO, the kernel map and CRASH_MAX_MEMORY_RANGES
 * (arch/x86/kernel/crash.c arch_crash_get_elfcorehdr_size): under 1 MiB at
 * the Kconfig limits. Anything above this bound is a bad reading. */
#define KX_HOTPLUG_HDR_MAX (16ull << 20)

/* Parses a sysfs CPU list ("0-3,5\n", Documentation/ABI/testing/sysfs-devices-system-cpu)
 * into ascending, unique CPU numbers below KX_CRASH_MAX_CPUS. *cpus is malloc'ed. */
int kx_cpulist_parse(const char *text, size_t len, uint32_t **cpus, size_t *n);
/* Parses /sys/kernel/vmcoreinfo: "<addr> <size>\n", "%pa %x" (0x-prefixed
 * address, bare hex size: kernel/ksysfs.c vmcoreinfo_show). */
int kx_vmcoreinfo_sys_parse(const char *text, size_t len, uint64_t *addr, uint64_t *size);

/* What /proc/kcore's program headers tell about the kernel's mappings. */
struct kx_kcore_maps {
	uint64_t text_vaddr, text_paddr, text_size; /* KCORE_TEXT: [_text, _end) */
	uint64_t page_offset;                        /* KCORE_RAM: p_vaddr - p_paddr */
};
/* Parses the start of /proc/kcore (the ELF header and program headers, the
 * first `len` bytes): the PT_LOAD at or above __START_KERNEL_map with a
 * physical address is the kernel text; the PT_LOADs below it with a physical
 * address are the direct map of RAM (fs/proc/kcore.c sets p_paddr to -1 for
 * every other kind). -EINVAL when the bytes are not such a file;
 * -ENOENT when a mapping is missing. */
int kx_kcore_parse(const uint8_t *buf, size_t len, struct kx_kcore_maps *out);

/* Reads every crash fact into f->kdump (freed by kx_facts_free). */
int kx_crash_facts_read(const char *root, struct kx_facts *f);

#endif
