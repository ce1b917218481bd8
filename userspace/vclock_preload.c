// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-preload.so - LD_PRELOAD shim: clock_gettime, clock_getres,
 * gettimeofday and time of an unmodified program go through libvclock, with
 * glibc's conventions restored (-1 and errno instead of a negative errno).
 * Without the module the library makes the system calls, so the program
 * sees what glibc would give it.
 *
 * VCLOCK_STRATEGY=fault|remap|split|mixed picks the mapping strategy; the
 * constructor only records it (no system call): the mapping itself happens
 * on the first clock call, in whichever thread makes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include "vclock.h"
#include "vclock_names.h"

__attribute__((constructor))
static void vclock_preload_configure(void)
{
	const char *s = getenv("VCLOCK_STRATEGY");
	unsigned int strategy;

	if (!s || !*s)
		return;
	if (vclock_parse_strategy(s, false, &strategy)) {
		fprintf(stderr, "vclock-preload: VCLOCK_STRATEGY=%s is not one of fault remap "
			"split mixed; using fault\n", s);
		return;
	}
	vclock_set_strategy(strategy);
}

static int libc_result(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	return libc_result(vclock_clock_gettime(id, ts));
}

int clock_getres(clockid_t id, struct timespec *res)
{
	return libc_result(vclock_clock_getres(id, res));
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	return libc_result(vclock_gettimeofday(tv, tz));
}

time_t time(time_t *t)
{
	time_t ret = vclock_time(t);

	if (ret < 0 && ret >= -4095) {
		errno = (int)-ret;
		return (time_t)-1;
	}
	return ret;
}
