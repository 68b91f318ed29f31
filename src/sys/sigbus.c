/* SPDX-License-Identifier: MIT */
#include "sys/sigbus.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "core/err.h"

/*
 * Signal dispositions are per process, so this is process-wide state, the
 * one exception (with the syscall test seam) to "no mutable globals": the
 * number of guards armed in all threads, and the handler that was installed
 * before the first, put back after the last. `current` is per thread.
 */
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned guard_users;
static struct sigaction previous;
static _Thread_local struct kx_sigbus_guard *current;

/* Not a fault of a guarded phase: do what would have happened without libkx. */
static void pass_on(int sig, siginfo_t *si, void *uc)
{
	bool fault = si && si->si_code > 0;

	if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
		previous.sa_sigaction(sig, si, uc);
		return;
	}
	if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler != SIG_DFL &&
	    previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
		return;
	}
	if (previous.sa_handler == SIG_IGN && !fault)
		return;
	/* The default action (a fault ignores SIG_IGN): die with SIGBUS. A fault
	 * re-executes the access on return; a sent signal is raised again. */
	signal(SIGBUS, SIG_DFL);
	if (!fault)
		raise(SIGBUS);
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct kx_sigbus_guard *g = current;

	if (!g) {
		pass_on(sig, si, uc);
		return;
	}
	g->addr = si ? si->si_addr : NULL;
	siglongjmp(g->env, 1);
}

int kx_sigbus_arm(struct kx_sigbus_guard *g)
{
	int ret = 0;

	pthread_mutex_lock(&guard_lock);
	if (guard_users == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, &previous) < 0)
			ret = kx_err(errno, "kexec", "cannot install a SIGBUS handler: %s",
				     strerror(errno));
	}
	if (ret == 0)
		guard_users++;
	pthread_mutex_unlock(&guard_lock);
	if (ret < 0)
		return ret;
	g->addr = NULL;
	g->outer = current;
	current = g;
	return 0;
}

void kx_sigbus_disarm(struct kx_sigbus_guard *g)
{
	current = g->outer;
	pthread_mutex_lock(&guard_lock);
	if (--guard_users == 0)
		sigaction(SIGBUS, &previous, NULL);
	pthread_mutex_unlock(&guard_lock);
}
