// SPDX-License-Identifier: GPL-2.0
/*
 * timespec_test - comparisons, differences, normalisation and addition of
 * struct timespec / timeval (userspace/timespec_math.h).
 */
#include "tap.h"
#include "timespec_math.h"

#define TS(s, n)	((struct timespec){ .tv_sec = (s), .tv_nsec = (n) })
#define TV(s, u)	((struct timeval){ .tv_sec = (s), .tv_usec = (u) })

int main(void)
{
	struct timespec a = TS(10, 999999999), b = TS(11, 0), c;

	tap_header();
	tap_ok(ts_normalized(&a) && ts_normalized(&TS(0, 0)), "normalised values");
	tap_ok(!ts_normalized(&TS(1, 1000000000)) && !ts_normalized(&TS(1, -1)),
	       "nsec of 1e9 or below 0 is not normalised");
	tap_ok(tv_normalized(&TV(1, 999999)) && !tv_normalized(&TV(1, 1000000)) &&
	       !tv_normalized(&TV(1, -1)), "timeval normalisation");

	tap_ok(ts_cmp(&a, &b) < 0 && ts_cmp(&b, &a) > 0 && ts_cmp(&a, &a) == 0,
	       "compare across a second boundary");
	tap_ok(ts_cmp(&TS(5, 2), &TS(5, 1)) > 0 && ts_cmp(&TS(-1, 5), &TS(0, 0)) < 0,
	       "compare by nsec, negative seconds");
	tap_ok(tv_cmp(&TV(3, 1), &TV(3, 2)) < 0 && tv_cmp(&TV(4, 0), &TV(3, 999999)) > 0,
	       "timeval compare");
	tap_ok(ts_equal(&a, &TS(10, 999999999)) && !ts_equal(&a, &b), "equality");

	tap_ok(ts_sub_ns(&b, &a) == 1 && ts_sub_ns(&a, &b) == -1, "b - a = 1 ns, a - b = -1 ns");
	tap_ok(ts_sub_ns(&TS(100, 5), &TS(98, 10)) == 1999999995, "2 s minus 5 ns");
	tap_ok(ts_sub_ns(&TS(INT64_MAX / 2, 0), &TS(0, 0)) == INT64_MAX &&
	       ts_sub_ns(&TS(0, 0), &TS(INT64_MAX / 2, 0)) == INT64_MIN,
	       "differences beyond 292 years saturate");
	tap_ok(tv_sub_us(&TV(10, 0), &TV(9, 999999)) == 1, "timeval difference");

	c = ts_from_ns(3000000007ll);
	tap_ok(c.tv_sec == 3 && c.tv_nsec == 7, "from 3000000007 ns");
	c = ts_add_ns(&a, 1);
	tap_ok(ts_equal(&c, &b), "10.999999999 + 1 ns = 11.0");
	c = ts_add_ns(&b, -1);
	tap_ok(ts_equal(&c, &a), "11.0 - 1 ns = 10.999999999");
	c = ts_add_ns(&b, -2500000000ll);
	tap_ok(c.tv_sec == 8 && c.tv_nsec == 500000000, "11.0 - 2.5 s = 8.5 (%lld.%09ld)",
	       (long long)c.tv_sec, c.tv_nsec);
	return tap_done();
}
