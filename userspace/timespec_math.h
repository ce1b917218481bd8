/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timespec_math.h - comparing and subtracting struct timespec / timeval
 * values, and telling whether one is normalised.
 */
#ifndef TIMESPEC_MATH_H
#define TIMESPEC_MATH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#define TS_NSEC_PER_SEC		1000000000L
#define TV_USEC_PER_SEC		1000000L

static inline bool ts_normalized(const struct timespec *t)
{
	return t->tv_nsec >= 0 && t->tv_nsec < TS_NSEC_PER_SEC;
}

static inline bool tv_normalized(const struct timeval *t)
{
	return t->tv_usec >= 0 && t->tv_usec < TV_USEC_PER_SEC;
}

static inline bool ts_equal(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* <0, 0, >0 as a is before, equal to, after b (normalised inputs). */
static inline int ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

static inline int tv_cmp(const struct timeval *a, const struct timeval *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_usec != b->tv_usec)
		return a->tv_usec < b->tv_usec ? -1 : 1;
	return 0;
}

/* a - b in ns; saturates instead of overflowing. */
static inline int64_t ts_sub_ns(const struct timespec *a, const struct timespec *b)
{
	int64_t ds = (int64_t)a->tv_sec - (int64_t)b->tv_sec;

	if (ds > INT64_MAX / TS_NSEC_PER_SEC - 1)
		return INT64_MAX;
	if (ds < INT64_MIN / TS_NSEC_PER_SEC + 1)
		return INT64_MIN;
	return ds * TS_NSEC_PER_SEC + (a->tv_nsec - b->tv_nsec);
}

static inline int64_t tv_sub_us(const struct timeval *a, const struct timeval *b)
{
	return ((int64_t)a->tv_sec - (int64_t)b->tv_sec) * TV_USEC_PER_SEC +
	       (a->tv_usec - b->tv_usec);
}

/* A normalised timespec from ns (ns >= 0). */
static inline struct timespec ts_from_ns(int64_t ns)
{
	struct timespec t = {
		.tv_sec = (time_t)(ns / TS_NSEC_PER_SEC),
		.tv_nsec = (long)(ns % TS_NSEC_PER_SEC),
	};

	return t;
}

static inline struct timespec ts_add_ns(const struct timespec *a, int64_t ns)
{
	struct timespec t = *a;

	ns += t.tv_nsec;
	t.tv_sec += (time_t)(ns / TS_NSEC_PER_SEC);
	t.tv_nsec = (long)(ns % TS_NSEC_PER_SEC);
	if (t.tv_nsec < 0) {
		t.tv_nsec += TS_NSEC_PER_SEC;
		t.tv_sec--;
	}
	return t;
}

#endif /* TIMESPEC_MATH_H */
