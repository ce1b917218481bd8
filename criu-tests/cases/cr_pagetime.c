// SPDX-License-Identifier: GPL-2.0
/*
 * cr_pagetime.c - the page's time (through libvclock) against the kernel's.
 */
#include <stdint.h>

#include <vclock.h>
#include <vclock_abi.h>
#include <vclock_read.h>

#include "tap.h"

#include "cr_common.h"
#include "cr_pagetime.h"

/* The timekeeper's page: a time namespace's view never changes. */
static const struct vclock_data *tk_page(void)
{
	const struct vclock_data *vd = vclock_data_page();

	return vd ? vclock_serving_page(vd) : NULL;
}

static uint64_t page_updates(void)
{
	const struct vclock_data *vd = tk_page();

	return vd ? __atomic_load_n(&vd->update_count, __ATOMIC_RELAXED) : 0;
}

static int page_mode(void)
{
	const struct vclock_data *vd = tk_page();

	return vd ? __atomic_load_n(&vd->clock_mode, __ATOMIC_RELAXED) : -1;
}

/*
 * Each miss is printed with what tells a cause apart: how far outside, the
 * bracket's width, and the page's update count and counter mode on either
 * side (an update inside the bracket, a mode change, or neither).
 */
int cr_bracket_misses(clockid_t id, int n)
{
	struct timespec ts;
	int64_t lo, hi, mid;
	uint64_t u0, u1;
	int m0, misses = 0;

	while (n-- > 0) {
		u0 = page_updates();
		m0 = page_mode();
		lo = cr_sys_ns(id);
		mid = vclock_clock_gettime(id, &ts) ? INT64_MIN : cr_ts_ns(&ts);
		hi = cr_sys_ns(id);
		u1 = page_updates();
		if (mid >= lo && mid <= hi)
			continue;
		misses++;
		tap_diag("clock %d: page %lld.%09lld outside the syscall bracket [%lld.%09lld, "
			 "%lld.%09lld] (%s by %lld ns, bracket %lld ns); page updates %llu -> %llu, "
			 "mode %d -> %d", (int)id, (long long)(mid / 1000000000),
			 (long long)(mid % 1000000000), (long long)(lo / 1000000000),
			 (long long)(lo % 1000000000), (long long)(hi / 1000000000),
			 (long long)(hi % 1000000000), mid < lo ? "behind" : "ahead",
			 (long long)(mid < lo ? lo - mid : mid - hi), (long long)(hi - lo),
			 (unsigned long long)u0, (unsigned long long)u1, m0, page_mode());
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
