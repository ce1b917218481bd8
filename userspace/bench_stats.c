// SPDX-License-Identifier: GPL-2.0
/*
 * bench_stats.c - median, p10 and p90, and the verdicts they decide (see
 * bench_stats.h).
 */
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct bench_stats bench_stats(const double *v, int n)
{
	struct bench_stats s = { .n = n };
	double *sorted;

	if (n <= 0)
		return (struct bench_stats){ 0 };
	sorted = malloc(sizeof(double) * (size_t)n);
	if (!sorted)
		abort();
	memcpy(sorted, v, sizeof(double) * (size_t)n);
	qsort(sorted, (size_t)n, sizeof(double), cmp_double);
	s.median = sorted[n / 2];
	s.p10 = sorted[n / 10];
	s.p90 = sorted[n - 1 - n / 10];
	free(sorted);
	return s;
}

const char *bench_verdict(const struct bench_stats *per, double limit, int at_least)
{
	double best, worst;

	if (per->n < BENCH_MIN_DECIDE)
		return "UNDECIDED";
	best = at_least ? per->p90 : per->p10;
	worst = at_least ? per->p10 : per->p90;
	if (at_least ? worst >= limit : worst <= limit)
		return "PASS";
	if (at_least ? best < limit : best > limit)
		return "FAIL";
	return "UNDECIDED";
}

const char *bench_target_verdict(const struct bench_stats *per, double limit, int at_least,
				 int hw_only, int tcg)
{
	if (!limit || (hw_only && tcg))
		return "INFO";
	return bench_verdict(per, limit, at_least);
}
