/* SPDX-License-Identifier: MIT */
/*
 * Guest helper for the kdump scenarios: locks one page in RAM, fills it with a
 * pattern made from a per-run token (pattern.h), prints the page's physical
 * address from /proc/self/pagemap, then stays alive so the page still holds
 * the pattern when the kernel crashes. vmcore_peek reads it back in the
 * capture kernel through /proc/vmcore.
 *
 * usage: pagefill TOKEN
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

/* Documentation/admin-guide/mm/pagemap.rst: one 64-bit entry per page,
 * bit 63 "page present", bits 0-54 the page frame number. */
#define PM_PRESENT (1ull << 63)
#define PM_PFN_MASK ((1ull << 55) - 1)

int main(int argc, char **argv)
{
	uint8_t *page;
	uint64_t entry;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: pagefill TOKEN\n");
		return 2;
	}
	page = mmap(NULL, KX_PATTERN_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (page == MAP_FAILED || mlock(page, KX_PATTERN_PAGE) != 0) {
		fprintf(stderr, "pagefill: mmap/mlock: %s\n", strerror(errno));
		return 1;
	}
	kx_pattern_fill(page, argv[1]);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, sizeof(entry),
			    (off_t)((uintptr_t)page / KX_PATTERN_PAGE * sizeof(entry))) !=
			      (ssize_t)sizeof(entry)) {
		fprintf(stderr, "pagefill: /proc/self/pagemap: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	if (!(entry & PM_PRESENT) || !(entry & PM_PFN_MASK)) {
		fprintf(stderr, "pagefill: page not present or PFN hidden (not root?)\n");
		return 1;
	}
	printf("KX-PAGEFILL phys=0x%llx\n",
	       (unsigned long long)((entry & PM_PFN_MASK) * KX_PATTERN_PAGE));
	fflush(stdout);
	for (;;)
		pause();
}
