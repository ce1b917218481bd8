/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_clocks.h - one clock read in nanoseconds, through the library and
 * through the system call, for the suites that compare the two (they link
 * libvclock).
 */
#ifndef VCLOCK_CLOCKS_H
#define VCLOCK_CLOCKS_H

#include <stdint.h>
#include <time.h>

#include <vclock.h>

static inline int64_t vc_ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000ll + t->tv_nsec;
}

static inline int64_t vc_lib_ns(clockid_t id)
{
	struct timespec t;

	vclock_clock_gettime(id, &t);
	return vc_ts_ns(&t);
}

static inline int64_t vc_sys_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return vc_ts_ns(&t);
}

#endif /* VCLOCK_CLOCKS_H */
