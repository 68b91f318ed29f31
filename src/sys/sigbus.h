/* SPDX-License-Identifier: MIT */
/*
 * A guard against SIGBUS while libkx reads mapped files. A file truncated
 * while it is mapped, or a media error under it, turns the next read of the
 * mapping into SIGBUS, which would kill the program that uses libkx. The
 * phases that read the kernel, initrd and modules through their mappings
 * (unpack and probe, plan, digests) run under a guard: a SIGBUS raised by
 * the guarded thread jumps back to the guard, which turns it into an error.
 *
 * libkx is a library, so the handler is process-wide state it borrows: it is
 * installed when the first guard of any thread is armed and the handler that
 * was there before is put back when the last one is disarmed. A SIGBUS that
 * is not in a guarded phase goes to that previous handler (or kills the
 * process as SIGBUS does by default). The application must not change the
 * SIGBUS handler while a libkx call runs.
 */
#ifndef KX_SYS_SIGBUS_H
#define KX_SYS_SIGBUS_H

#include <setjmp.h>

struct kx_sigbus_guard {
	sigjmp_buf env;
	const void *addr;               /* where the fault was (si_addr) */
	struct kx_sigbus_guard *outer;  /* the guard armed before on this thread */
};

/* Arms g for the calling thread; 0 or -errno (sigaction failed). Then call
 * sigsetjmp(g->env, 1) in the same function: it returns 1 after a SIGBUS. */
int kx_sigbus_arm(struct kx_sigbus_guard *g);
/* Disarms g (the last guard armed on this thread), after a fault too. */
void kx_sigbus_disarm(struct kx_sigbus_guard *g);

/* ret = CALL, or ret = ON_FAULT (an expression that may use g.addr) when
 * CALL raised SIGBUS. CALL must not leave locks held or state half-written
 * that the caller frees: a fault abandons it where it stands. */
#define KX_SIGBUS_GUARDED(ret, g, call, on_fault)                     \
	do {                                                          \
		(ret) = kx_sigbus_arm(&(g));                          \
		if ((ret) < 0)                                        \
			break;                                        \
		if (sigsetjmp((g).env, 1) == 0)                       \
			(ret) = (call);                               \
		else                                                  \
			(ret) = (on_fault);                           \
		kx_sigbus_disarm(&(g));                               \
	} while (0)

#endif
