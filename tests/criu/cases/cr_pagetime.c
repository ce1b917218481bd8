// SPDX-License-Identifier: GPL-2.0
/*
 * cr_pagetime.c - the page's time (through libvclock) against the kernel's.
 */
#include <stdint.h>

#include <vclock.h>

#include "cr_common.h"
#include "cr_pagetime.h"

int cr_bracket_misses(clockid_t id, int n)
{
	struct timespec ts;
	int64_t lo, hi, mid;
	int misses = 0;

	while (n-- > 0) {
		lo = cr_sys_ns(id);
		mid = vclock_clock_gettime(id, &ts) ? INT64_MIN : cr_ts_ns(&ts);
		hi = cr_sys_ns(id);
		misses += mid < lo || mid > hi;
	}
	return misses;
}

int64_t cr_page_ahead_ns(clockid_t id)
{
	struct timespec ts;
	int64_t lo, hi, mid;

	lo = cr_sys_ns(id);
	mid = vclock_clock_gettime(id, &ts) ? INT64_MIN : cr_ts_ns(&ts);
	hi = cr_sys_ns(id);
	return mid - (lo + (hi - lo) / 2);
}
