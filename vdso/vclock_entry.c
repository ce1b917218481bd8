// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_entry.c - the library's entry points: the vDSO-compatible clock
 * functions (vclock_* and their __vdso_* aliases) and the small vclock_*
 * control API. Each clock function reads the page when it can and makes the
 * system call otherwise, returning 0 or a negative errno like the vDSO.
 *
 * libc headers are included for the types of the public API only; nothing
 * here calls into libc.
 */
#include <linux/errno.h>

#include "vclock.h"
#include "vclock_fast.h"
#include "vclock_lib.h"
#include "vclock_read.h"
#include "vclock_sys.h"

static VCLOCK_SLOW int vclock_clock_gettime_slow(clockid_t id, struct timespec *ts)
{
	const struct vclock_data *d;
	struct vclock_reading r;

	if (vclock_clock_served(id, VCLOCK_SERVED_CLOCKS)) {
		d = vclock_lib_data();
		if (d && !vclock_read_clock(d, vclock_lib.hpet, id, &r))
			return vclock_put_timespec(ts, &r);
	}
	return (int)vclock_sys_clock_gettime(id, ts);
}

VCLOCK_EXPORT int vclock_clock_gettime(clockid_t id, struct timespec *ts)
{
	return vclock_fast_clock_gettime(id, ts, vclock_clock_gettime_slow);
}

static VCLOCK_SLOW int vclock_clock_getres_slow(clockid_t id, struct timespec *res)
{
	const struct vclock_data *d;
	__u32 ns;

	if (vclock_clock_served(id, VCLOCK_SERVED_CLOCKS)) {
		d = vclock_lib_data();
		if (d && !vclock_read_res(vclock_serving_page(d), id, &ns)) {
			vclock_put_res(res, ns);
			return 0;
		}
	}
	return (int)vclock_sys_clock_getres(id, res);
}

VCLOCK_EXPORT int vclock_clock_getres(clockid_t id, struct timespec *res)
{
	return vclock_fast_clock_getres(id, res, vclock_clock_getres_slow);
}

static VCLOCK_SLOW int vclock_gettimeofday_slow(struct timeval *tv, struct timezone *tz)
{
	const struct vclock_data *d = vclock_lib_data();
	struct vclock_reading r;
	__s32 minuteswest, dsttime;

	if (!d)
		return (int)vclock_sys_gettimeofday(tv, tz);
	d = vclock_serving_page(d);	/* REALTIME: a view's offset is 0 */
	if (tv) {
		if (vclock_do_hres(d, vclock_lib.hpet, VCLOCK_ID_REALTIME, &r))
			return (int)vclock_sys_gettimeofday(tv, tz);
		tv->tv_sec = (time_t)r.sec;
		tv->tv_usec = (suseconds_t)((__u32)r.nsec / 1000);
	}
	if (tz) {
		if (vclock_read_tz(d, &minuteswest, &dsttime))
			return (int)vclock_sys_gettimeofday(0, tz);
		tz->tz_minuteswest = minuteswest;
		tz->tz_dsttime = dsttime;
	}
	return 0;
}

VCLOCK_EXPORT int vclock_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	return vclock_fast_gettimeofday(tv, tz, vclock_gettimeofday_slow);
}

static VCLOCK_SLOW time_t vclock_time_slow(time_t *t)
{
	const struct vclock_data *d = vclock_lib_data();
	__u64 sec;

	if (!d || vclock_read_time(vclock_serving_page(d), &sec))
		return (time_t)vclock_sys_time(t);
	if (t)
		*t = (time_t)sec;
	return (time_t)sec;
}

VCLOCK_EXPORT time_t vclock_time(time_t *t)
{
	return vclock_fast_time(t, vclock_time_slow);
}

/* The x86-64 vDSO's names; libvclock.map puts them in LINUX_2.6. */
VCLOCK_EXPORT int __vdso_clock_gettime(clockid_t id, struct timespec *ts)
	__attribute__((alias("vclock_clock_gettime")));
VCLOCK_EXPORT int __vdso_clock_getres(clockid_t id, struct timespec *res)
	__attribute__((alias("vclock_clock_getres")));
VCLOCK_EXPORT int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz)
	__attribute__((alias("vclock_gettimeofday")));
VCLOCK_EXPORT time_t __vdso_time(time_t *t)
	__attribute__((alias("vclock_time")));

/* ---- control ---- */

VCLOCK_EXPORT int vclock_init(unsigned int strategy)
{
	return vclock_lib_init(strategy);
}

VCLOCK_EXPORT int vclock_set_strategy(unsigned int strategy)
{
	if (strategy >= VCLOCK_NR_STRATEGIES)
		return -EINVAL;
	__atomic_store_n(&vclock_lib.strategy, strategy, __ATOMIC_RELAXED);
	if (__atomic_load_n(&vclock_lib.state, __ATOMIC_ACQUIRE) == VCLOCK_ST_MAPPED &&
	    vclock_lib.mapped_strategy != strategy)
		return -EBUSY;
	return 0;
}

VCLOCK_EXPORT void vclock_status(struct vclock_status *st)
{
	int state = __atomic_load_n(&vclock_lib.state, __ATOMIC_ACQUIRE);
	int mapped = state == VCLOCK_ST_MAPPED;

	st->state = state;
	st->error = state == VCLOCK_ST_FAILED ? vclock_lib.error : 0;
	st->strategy = mapped ? vclock_lib.mapped_strategy :
			__atomic_load_n(&vclock_lib.strategy, __ATOMIC_RELAXED);
	st->clock_mode = mapped ?
		VCLOCK_READ_ONCE(vclock_serving_page(vclock_lib.data)->clock_mode) : -1;
	st->attempts = vclock_lib.attempts;
	st->data = mapped ? vclock_lib.data : 0;
	st->hpet = mapped ? vclock_lib.hpet : 0;
}

VCLOCK_EXPORT int vclock_clock_mode(void)
{
	const struct vclock_data *d = vclock_lib_data();

	if (!d)
		return vclock_lib.error ? vclock_lib.error : -ENODEV;
	return VCLOCK_READ_ONCE(vclock_serving_page(d)->clock_mode);
}

VCLOCK_EXPORT const struct vclock_data *vclock_data_page(void)
{
	return vclock_lib_data();
}
