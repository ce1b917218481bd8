/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_stats.h - the order statistics of vclock-bench, for the clock
 * methods and the CRIU round trips alike: of n values sorted, the median is
 * sorted[n/2], p10 sorted[n/10], p90 sorted[n-1-n/10].
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

struct bench_stats {
	int n;
	double median, p10, p90;
};

/* The statistics of @v[0..@n) (not changed); n 0 gives all zero. */
struct bench_stats bench_stats(const double *v, int n);

#endif /* BENCH_STATS_H */
