/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_clocks.h - clock reads for the tests that compare the library with
 * the kernel: in nanoseconds through the library and through libc, the
 * clock_gettime/clock_getres system calls themselves (never a vDSO), and
 * ordering of two readings (userspace/timespec_math.h does the arithmetic).
 */
#ifndef VCLOCK_CLOCKS_H
#define VCLOCK_CLOCKS_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <vclock.h>

#include "timespec_math.h"

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

/* The system calls themselves; 0 or -errno. */
static inline int sys_gettime(clockid_t id, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, id, ts) ? -errno : 0;
}

static inline int sys_getres(clockid_t id, struct timespec *ts)
{
	return syscall(SYS_clock_getres, id, ts) ? -errno : 0;
}

/* Is @a at most @b (normalised readings)? */
static inline int ts_le(const struct timespec *a, const struct timespec *b)
{
	return ts_cmp(a, b) <= 0;
}

#endif /* VCLOCK_CLOCKS_H */
