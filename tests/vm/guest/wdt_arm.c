/* SPDX-License-Identifier: MIT */
/*
 * Arms QEMU's ib700 ISA watchdog (`-device ib700`) so a VM that runs a
 * payload which never ends on its own (memtest86+) is reset after a fixed
 * time; with -no-reboot QEMU then exits cleanly. The watchdog keeps counting
 * across kexec, since no kernel driver of the next image knows it.
 * QEMU hw/watchdog/wdt_ib700.c: a write of N to port 0x443 starts the timer
 * with 30 - 2 * N seconds (N = 0..15).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define IB700_ENABLE_PORT 0x443
#define IB700_MAX_SECONDS 30

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : IB700_MAX_SECONDS;

	if (secs < 0 || secs > IB700_MAX_SECONDS) {
		fprintf(stderr, "wdt_arm: seconds must be 0..%d\n", IB700_MAX_SECONDS);
		return 2;
	}
	if (ioperm(IB700_ENABLE_PORT, 1, 1) < 0) {
		perror("wdt_arm: ioperm");
		return 1;
	}
	outb((unsigned char)((IB700_MAX_SECONDS - secs) / 2), IB700_ENABLE_PORT);
	printf("wdt_arm: ib700 armed for %d s\n", secs - secs % 2);
	return 0;
}
