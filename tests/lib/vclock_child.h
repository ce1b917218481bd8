/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_child.h - run a test scenario in a forked child (so it starts with
 * a fresh libvclock, whose state is per process and sticky) and report the
 * child's checks as TAP lines from the parent. The child records each check
 * in a shared anonymous mapping; a child that dies adds a failing line.
 */
#ifndef VCLOCK_CHILD_H
#define VCLOCK_CHILD_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "vclock_test.h"

#define CHILD_MAX_CHECKS	96

struct child_results {
	int n;
	struct {
		int ok;
		char what[256];
	} r[CHILD_MAX_CHECKS];
};

static struct child_results *child_results;

/* In the child: record one check; returns @ok. */
__attribute__((format(printf, 2, 3)))
static inline int check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (child_results->n < CHILD_MAX_CHECKS) {
		child_results->r[child_results->n].ok = ok;
		va_start(ap, fmt);
		vsnprintf(child_results->r[child_results->n].what,
			  sizeof(child_results->r[0].what), fmt, ap);
		va_end(ap);
		child_results->n++;
	}
	return ok;
}

static inline void child_setup(void)
{
	child_results = mmap(NULL, sizeof(*child_results), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (child_results == MAP_FAILED)
		tap_bail("mmap for child results failed");
}

/* Run @fn(@arg) in a child and report its checks, each prefixed with @name. */
static inline void run_child(const char *name, void (*fn)(void *), void *arg)
{
	int status, i;

	child_results->n = 0;
	status = vt_fork_wait(fn, arg);
	if (status < 0)
		tap_bail("fork/wait failed");
	for (i = 0; i < child_results->n; i++)
		tap_ok(child_results->r[i].ok, "%s: %s", name, child_results->r[i].what);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !child_results->n)
		tap_ok(0, "%s: child ended badly (status %#x, %d checks)", name, status,
		       child_results->n);
}

#endif /* VCLOCK_CHILD_H */
