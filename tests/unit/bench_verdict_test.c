// SPDX-License-Identifier: GPL-2.0
/*
 * bench_verdict_test - vclock-bench's verdicts on known per-repetition
 * ratios (userspace/bench_stats.c): PASS only when the whole p10..p90 of
 * the run meets the limit, FAIL only when none of it does, UNDECIDED when
 * the limit lies inside it or the run has too few repetitions, INFO for a
 * line without a limit and for a hardware target under TCG.
 */
#include <string.h>

#include "bench_stats.h"
#include "tap.h"

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* The verdict of the samples @v against <= @limit (>= when @at_least). */
static const char *verdict(const double *v, int n, double limit, int at_least, int hw_only,
			   int tcg)
{
	struct bench_stats s = bench_stats(v, n);

	return bench_target_verdict(&s, limit, at_least, hw_only, tcg);
}

static void expect(const char *want, const char *got, const char *what)
{
	tap_ok(!strcmp(want, got), "%s: %s (got %s)", what, want, got);
}

int main(void)
{
	/* 11 repetitions: p10 is the 2nd smallest, p90 the 2nd largest. */
	static const double below[] = { 0.96, 0.97, 0.98, 0.99, 1.00, 1.00, 1.01, 1.01, 1.02,
					1.03, 1.30 };
	static const double above[] = { 0.90, 1.11, 1.12, 1.12, 1.13, 1.14, 1.14, 1.15, 1.16,
					1.18, 1.20 };
	static const double across[] = { 1.00, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.09,
					 1.10, 1.12 };
	static const double two[] = { 0.90, 0.91 };
	struct bench_stats s = bench_stats(below, N(below));

	tap_header();
	tap_ok(s.n == 11 && s.p10 == 0.97 && s.p90 == 1.03 && s.median == 1.00,
	       "11 samples: p10 0.97, median 1.00, p90 1.03");

	expect("PASS", verdict(below, N(below), 1.05, 0, 0, 0),
	       "p10..p90 0.97-1.03 against <= 1.05 (one outlier of 1.30 beyond p90)");
	expect("FAIL", verdict(above, N(above), 1.05, 0, 0, 0),
	       "p10..p90 1.11-1.18 against <= 1.05 (one outlier of 0.90 below p10)");
	expect("UNDECIDED", verdict(across, N(across), 1.05, 0, 0, 0),
	       "p10..p90 1.02-1.10 against <= 1.05: the limit inside");
	expect("UNDECIDED", verdict(across, N(across), 1.02, 0, 0, 0),
	       "the limit on p10 exactly (1.02): inside");
	expect("PASS", verdict(across, N(across), 1.10, 0, 0, 0),
	       "the limit on p90 exactly (1.10): all of p10..p90 meets <= 1.10");
	expect("UNDECIDED", verdict(two, N(two), 1.05, 0, 0, 0),
	       "2 repetitions below the limit: too few to decide");
	expect("UNDECIDED", verdict(NULL, 0, 1.05, 0, 0, 0), "no repetition: undecided");

	expect("PASS", verdict(above, N(above), 1.10, 1, 0, 0), ">= 1.10 with p10 1.11: PASS");
	expect("FAIL", verdict(below, N(below), 1.05, 1, 0, 0), ">= 1.05 with p90 1.03: FAIL");
	expect("UNDECIDED", verdict(across, N(across), 1.05, 1, 0, 0),
	       ">= 1.05 with 1.05 inside p10..p90: UNDECIDED");

	expect("INFO", verdict(above, N(above), 0, 0, 0, 0), "no limit: INFO");
	expect("INFO", verdict(above, N(above), 1.05, 0, 1, 1),
	       "a hardware target under TCG, would FAIL: INFO");
	expect("INFO", verdict(below, N(below), 1.05, 0, 1, 1),
	       "a hardware target under TCG, would PASS: INFO");
	expect("FAIL", verdict(above, N(above), 1.05, 0, 1, 0),
	       "the same hardware target without TCG (hardware, KVM): FAIL");
	expect("PASS", verdict(below, N(below), 1.05, 0, 0, 1),
	       "a target that holds under TCG keeps its verdict under TCG: PASS");
	return tap_done();
}
