/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_fast.h - the clock functions' fast paths (internal to libvclock
 * and the preload shim, which links libvclock.a).
 *
 * Each clock function is a fast path and a slow path. The fast path reads
 * vclock_lib_page() with the inlines of vclock_read.h and nothing else: no
 * state test (before first use the page is vclock_unmapped_page, mode NONE),
 * no stack frame, the clock id classified once. Whatever it does not serve
 * (first use, a failed mapping, mode NONE, an id the page does not have, a
 * mapping without HPET page) goes to the slow path, out of line, which
 * does what the entry point always did: map on first use, read the page
 * with every check, or make the system call.
 *
 * The fast paths are inlines ending in a tail call of the slow path they
 * are given: libvclock's entry points (vclock_entry.c) and the shim's,
 * whose slow path adds glibc's conventions (-1 and errno), are the same
 * code, with no call from one into the other.
 */
#ifndef VCLOCK_FAST_H
#define VCLOCK_FAST_H

#include <sys/time.h>
#include <time.h>

#include "vclock_lib.h"
#include "vclock_read.h"

#define VCLOCK_SLOW	__attribute__((noinline, cold))
#define vclock_likely(x)	__builtin_expect(!!(x), 1)
#define vclock_unlikely(x)	__builtin_expect(!!(x), 0)

static inline int vclock_put_timespec(struct timespec *ts, const struct vclock_reading *r)
{
	ts->tv_sec = (time_t)r->sec;
	ts->tv_nsec = (long)r->nsec;
	return 0;
}

static __attribute__((always_inline)) inline int
vclock_fast_clock_gettime(clockid_t id, struct timespec *ts,
			  int (*slow)(clockid_t id, struct timespec *ts))
{
	const struct vclock_data *d;
	struct vclock_reading r;

	d = vclock_lib_page();
	/*
	 * Zero instructions: it says id and ts are in their argument registers
	 * here. Without it GCC 12 moves them elsewhere to give d one of those
	 * registers, and has to move them back for the slow path's tail call.
	 */
	__asm__ ("" : "+D" (id), "+S" (ts));
	if (vclock_unlikely((unsigned int)id >= VCLOCK_MAX_CLOCKS))
		return slow(id, ts);
	if (vclock_likely((VCLOCK_HRES_CLOCKS >> id) & 1)) {
		if (vclock_likely(!vclock_hres(d, 0, VCLOCK_HPET_LAYOUT, (unsigned int)id, 0, &r)))
			return vclock_put_timespec(ts, &r);
	} else if ((VCLOCK_RAW_CLOCKS >> id) & 1) {
		if (!vclock_hres(d, 0, VCLOCK_HPET_LAYOUT, VCLOCK_ID_MONOTONIC_RAW, 1, &r))
			return vclock_put_timespec(ts, &r);
	} else if ((VCLOCK_COARSE_CLOCKS >> id) & 1) {
		if (!vclock_do_coarse(d, (unsigned int)id, &r))
			return vclock_put_timespec(ts, &r);
	}
	return slow(id, ts);
}

static inline void vclock_put_res(struct timespec *res, __u32 ns)
{
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = ns;
	}
}

static __attribute__((always_inline)) inline int
vclock_fast_clock_getres(clockid_t id, struct timespec *res,
			 int (*slow)(clockid_t id, struct timespec *res))
{
	__u32 ns;

	if (vclock_unlikely(vclock_read_res(vclock_lib_page(), id, &ns)))
		return slow(id, res);
	vclock_put_res(res, ns);
	return 0;
}

static __attribute__((always_inline)) inline int
vclock_fast_gettimeofday(struct timeval *tv, struct timezone *tz,
			 int (*slow)(struct timeval *tv, struct timezone *tz))
{
	const struct vclock_data *d = vclock_lib_page();
	struct vclock_reading r;
	__s32 minuteswest, dsttime;

	if (tv) {
		if (vclock_unlikely(vclock_hres(d, 0, VCLOCK_HPET_LAYOUT, VCLOCK_ID_REALTIME, 0, &r)))
			return slow(tv, tz);
		tv->tv_sec = (time_t)r.sec;
		tv->tv_usec = (suseconds_t)((__u32)r.nsec / 1000);
	}
	if (tz) {
		if (vclock_unlikely(vclock_read_tz(d, &minuteswest, &dsttime)))
			return slow(tv, tz);
		tz->tz_minuteswest = minuteswest;
		tz->tz_dsttime = dsttime;
	}
	return 0;
}

static __attribute__((always_inline)) inline time_t
vclock_fast_time(time_t *t, time_t (*slow)(time_t *t))
{
	__u64 sec;

	if (vclock_unlikely(vclock_read_time(vclock_lib_page(), &sec)))
		return slow(t);
	if (t)
		*t = (time_t)sec;
	return (time_t)sec;
}

#endif /* VCLOCK_FAST_H */
