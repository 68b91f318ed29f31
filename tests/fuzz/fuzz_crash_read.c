/* SPDX-License-Identifier: MIT */
/*
 * The kexec -p parsers (src/sys/crash_read.c) and the core header builder
 * (src/crash/corehdr.c). The first byte picks the target:
 *   0: /sys/devices/system/cpu/possible   1: /sys/kernel/vmcoreinfo
 *   2: the start of /proc/kcore           3: corehdr from fuzzed RAM/crash ranges
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "crash/corehdr.h"
#include "sys/crash_read.h"

static void fuzz_cpulist(const uint8_t *d, size_t n)
{
	uint32_t *cpus;
	size_t k;

	if (kx_cpulist_parse((const char *)d, n, &cpus, &k) != 0)
		return;
	for (size_t i = 0; i < k; i++)
		if (cpus[i] >= KX_CRASH_MAX_CPUS || (i && cpus[i] <= cpus[i - 1]))
			abort();
	free(cpus);
}

static void fuzz_vmcoreinfo(const uint8_t *d, size_t n)
{
	uint64_t a, s;

	if (kx_vmcoreinfo_sys_parse((const char *)d, n, &a, &s) == 0 &&
	    (!a || !s || a > UINT64_MAX - s))
		abort();
}

static void fuzz_kcore(const uint8_t *d, size_t n)
{
	struct kx_kcore_maps m;

	if (kx_kcore_parse(d, n, &m) == 0 && !m.text_size)
		abort();
}

static uint64_t take64(const uint8_t **d, size_t *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *n; i++, (*d)++, (*n)--)
		v |= (uint64_t)**d << (8 * i);
	return v;
}

static void fuzz_corehdr(const uint8_t *d, size_t n)
{
	struct kx_crash_note notes[3] = { { 0, 0x1000, 0x1a8 }, { 1, 0x2000, 0x1a8 },
					  { 2, 0x3000, 0x1a8 } };
	struct kx_crash_facts k = { .present = true, .notes = notes, .notes_n = 3,
				    .vmcoreinfo_addr = 0x4000, .vmcoreinfo_size = 0x1024,
				    .kernel_vaddr = 0xffffffff81000000ull,
				    .kernel_paddr = 0x1000000, .kernel_size = 0x2000000 };
	struct kx_memmap ram = { 0 }, crash = { 0 };
	uint8_t *buf;
	size_t len;

	k.page_offset = take64(&d, &n);
	while (n >= 17) {
		uint8_t which = *d++;
		uint64_t a, b;

		n--;
		a = take64(&d, &n);
		b = take64(&d, &n);
		if (a < b)
			kx_memmap_add(which & 1 ? &crash : &ram, a, b,
				      which & 1 ? KX_MEM_CRASH : KX_MEM_RAM);
	}
	if (kx_corehdr_build(&k, &ram, &crash, KX_COREHDR_ELF64, &buf, &len) == 0) {
		size_t phnum = (size_t)buf[56] | (size_t)buf[57] << 8;

		if (len != 64 + 56 * phnum || phnum < 5)
			abort();
		free(buf);
	}
	kx_memmap_free(&ram);
	kx_memmap_free(&crash);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0: fuzz_cpulist(data + 1, size - 1); break;
	case 1: fuzz_vmcoreinfo(data + 1, size - 1); break;
	case 2: fuzz_kcore(data + 1, size - 1); break;
	default: fuzz_corehdr(data + 1, size - 1); break;
	}
	return 0;
}
