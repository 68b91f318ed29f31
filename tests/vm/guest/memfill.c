/* SPDX-License-Identifier: MIT */
/*
 * Guest helper for the vmcore-save scenarios and benchmark: puts pagefill's
 * marked page (pattern.h) in a page the kernel owns, so that a dump at
 * level 31, which leaves user pages out, must still hold it, and fills
 * anonymous memory.
 *
 * The marked page is the value area of a one-page BPF array map made with
 * BPF_F_MMAPABLE: the kernel allocates it (vmalloc, not on any LRU, no
 * anonymous mapping), user space maps it, writes the pattern through the
 * mapping and finds its frame in /proc/self/pagemap. It prints
 * "KX-PAGEFILL phys=0x..." as pagefill does.
 *
 * Then it allocates ANON_MIB MiB of anonymous memory (transparent huge pages
 * where the kernel gives them), writes a different, compressible record into
 * every 4 KiB page, and stays alive so all of it is in use at the crash.
 *
 * usage: memfill TOKEN ANON_MIB
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pattern.h"

/* Documentation/admin-guide/mm/pagemap.rst */
#define PM_PRESENT (1ull << 63)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define VALUE_SIZE 8u

static int map_create_page(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = VALUE_SIZE;
	attr.max_entries = KX_PATTERN_PAGE / VALUE_SIZE;
	attr.map_flags = BPF_F_MMAPABLE;
	return (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

static int phys_of(const void *p, uint64_t *phys)
{
	uint64_t entry;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &entry, sizeof(entry),
			    (off_t)((uintptr_t)p / KX_PATTERN_PAGE * sizeof(entry))) !=
			      (ssize_t)sizeof(entry)) {
		fprintf(stderr, "memfill: /proc/self/pagemap: %s\n", strerror(errno));
		return -1;
	}
	close(fd);
	if (!(entry & PM_PRESENT) || !(entry & PM_PFN_MASK)) {
		fprintf(stderr, "memfill: page not present or PFN hidden (not root?)\n");
		return -1;
	}
	*phys = (entry & PM_PFN_MASK) * KX_PATTERN_PAGE;
	return 0;
}

static void fill_anon(size_t mib)
{
	size_t len = mib << 20;
	uint8_t *mem;

	if (!len)
		return;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "memfill: %zu MiB: %s\n", mib, strerror(errno));
		return;
	}
	for (size_t off = 0; off < len; off += KX_PATTERN_PAGE) {
		int n = snprintf((char *)mem + off, 64, "anon page %zu of memfill ", off >> 12);

		/* half a page of text, half of one byte: compresses like real data */
		for (size_t i = (size_t)n; i < KX_PATTERN_PAGE / 2; i++)
			mem[off + i] = (uint8_t)(mem[off + i % (size_t)n] + i / 64);
		memset(mem + off + KX_PATTERN_PAGE / 2, (int)(off >> 12) | 1, KX_PATTERN_PAGE / 2);
	}
	printf("KX-MEMFILL anon=%zu MiB\n", mib);
}

int main(int argc, char **argv)
{
	uint8_t *page;
	uint64_t phys;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: memfill TOKEN ANON_MIB\n");
		return 2;
	}
	fd = map_create_page();
	if (fd < 0) {
		fprintf(stderr, "memfill: BPF_MAP_CREATE: %s\n", strerror(errno));
		return 1;
	}
	page = mmap(NULL, KX_PATTERN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED) {
		fprintf(stderr, "memfill: mmap of the map: %s\n", strerror(errno));
		return 1;
	}
	kx_pattern_fill(page, argv[1]);
	if (phys_of(page, &phys))
		return 1;
	printf("KX-PAGEFILL phys=0x%llx\n", (unsigned long long)phys);
	fflush(stdout);
	fill_anon((size_t)strtoul(argv[2], NULL, 10));
	fflush(stdout);
	for (;;)
		pause();
}
