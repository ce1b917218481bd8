/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_criu.h - the CRIU part of vclock-bench (vclock-bench --criu
 * SAMPLES): statistics and verdicts of the round trips that
 * vclock-criu-bench timed (see bench_criu.c for the SAMPLES format).
 */
#ifndef BENCH_CRIU_H
#define BENCH_CRIU_H

#include "provenance.h"

/* Target of CRIU dump+restore with the mapping / without (issue 6). */
#define BENCH_CRIU_TARGET	1.10

/*
 * Print the table and the INFO/PASS/FAIL lines of @samples, write the JSON
 * to @json_out (if not NULL). Returns the exit status: 0 every round trip
 * worked (or CRIU unusable: skipped), 1 one failed or @samples is bad, 4
 * the JSON not written.
 */
int bench_criu_report(const char *samples, const char *json_out, const struct provenance *prov,
		      double target);

#endif /* BENCH_CRIU_H */
