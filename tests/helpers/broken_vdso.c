// SPDX-License-Identifier: GPL-2.0
/*
 * libvclock-broken.so - a deliberately wrong "vDSO" exporting the four
 * x86-64 names, the negative control of vclock-check: each mistake below is
 * one that vclock-check must report as a failing case.
 *
 *   clock_gettime(CLOCK_MONOTONIC)   1 ms in the past (below the syscall)
 *   clock_gettime(CLOCK_TAI)         100 us in the future (above the syscalls)
 *   clock_gettime(CLOCK_BOOTTIME)    nsec not normalised (1e9 added, sec - 1)
 *   clock_gettime(12)                0 instead of -EINVAL
 *   clock_getres(CLOCK_MONOTONIC)    2 ns more than the kernel's
 *   gettimeofday                     tz_minuteswest off by one
 *   clock_gettime(CLOCK_PROCESS_CPUTIME_ID) with a bad pointer: 0, not -EFAULT
 */
#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int raw(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

int __vdso_clock_gettime(clockid_t id, struct timespec *ts)
{
	int ret;

	if (id == 12)
		return 0;
	if (id == CLOCK_PROCESS_CPUTIME_ID && (unsigned long)ts + 4096 < 8192)
		return 0;
	ret = raw(syscall(SYS_clock_gettime, id, ts));
	if (ret)
		return ret;
	if (id == CLOCK_MONOTONIC) {
		ts->tv_nsec -= 1000000;
		if (ts->tv_nsec < 0) {
			ts->tv_nsec += 1000000000;
			ts->tv_sec--;
		}
	} else if (id == CLOCK_TAI) {
		ts->tv_nsec += 100000;
		if (ts->tv_nsec >= 1000000000) {
			ts->tv_nsec -= 1000000000;
			ts->tv_sec++;
		}
	} else if (id == CLOCK_BOOTTIME) {
		ts->tv_nsec += 1000000000;
		ts->tv_sec--;
	}
	return 0;
}

int __vdso_clock_getres(clockid_t id, struct timespec *res)
{
	int ret = raw(syscall(SYS_clock_getres, id, res));

	if (!ret && res && id == CLOCK_MONOTONIC)
		res->tv_nsec += 2;
	return ret;
}

int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	int ret = raw(syscall(SYS_gettimeofday, tv, tz));

	if (!ret && tz)
		tz->tz_minuteswest++;
	return ret;
}

time_t __vdso_time(time_t *t)
{
	long ret = syscall(SYS_time, t);

	return ret < 0 ? -errno : ret;
}
