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

/*
 * The fewest per-repetition ratios whose p10..p90 can decide a verdict:
 * below that a run has no spread to speak of.
 */
#define BENCH_MIN_DECIDE 3

/*
 * The verdict on a ratio against @limit (<= @limit, or >= @limit when
 * @at_least), decided by the spread of its per-repetition values @per:
 * "PASS" when all of p10..p90 meets the limit, "FAIL" when none of it does,
 * "UNDECIDED" when the limit lies inside p10..p90 or there are fewer than
 * BENCH_MIN_DECIDE values. A ratio of medians alone never decides.
 */
const char *bench_verdict(const struct bench_stats *per, double limit, int at_least);

/*
 * The verdict of one of vclock-bench's ratio lines: "INFO" when it has no
 * limit (@limit 0), and when its target is one for hardware (@hw_only) and
 * the run is under TCG (@tcg), where no reader can meet it; else
 * bench_verdict().
 */
const char *bench_target_verdict(const struct bench_stats *per, double limit, int at_least,
				 int hw_only, int tcg);

#endif /* BENCH_STATS_H */
