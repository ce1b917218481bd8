// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-preload.so - LD_PRELOAD shim: clock_gettime, clock_getres,
 * gettimeofday and time of an unmodified program go through libvclock, with
 * glibc's conventions restored (-1 and errno instead of a negative errno).
 * Without the module the library makes the system calls, so the program
 * sees what glibc would give it.
 *
 * The fast paths are the library's own, inlined: a call served by the page
 * costs what libvclock's costs, with no second call.
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
#include "vclock_fast.h"
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

/*
 * The library's fast paths inlined (vclock_fast.h); what they do not serve
 * goes through the library's entry points, and their negative errno
 * becomes errno.
 */
static VCLOCK_SLOW int clock_gettime_slow(clockid_t id, struct timespec *ts)
{
	return libc_result(vclock_clock_gettime(id, ts));
}

static VCLOCK_SLOW int clock_getres_slow(clockid_t id, struct timespec *res)
{
	return libc_result(vclock_clock_getres(id, res));
}

static VCLOCK_SLOW int gettimeofday_slow(struct timeval *tv, struct timezone *tz)
{
	return libc_result(vclock_gettimeofday(tv, tz));
}

static VCLOCK_SLOW time_t time_slow(time_t *t)
{
	time_t ret = vclock_time(t);

	if (ret < 0 && ret >= -4095) {
		errno = (int)-ret;
		return (time_t)-1;
	}
	return ret;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	return vclock_fast_clock_gettime(id, ts, clock_gettime_slow);
}

int clock_getres(clockid_t id, struct timespec *res)
{
	return vclock_fast_clock_getres(id, res, clock_getres_slow);
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	return vclock_fast_gettimeofday(tv, tz, gettimeofday_slow);
}

time_t time(time_t *t)
{
	return vclock_fast_time(t, time_slow);
}
