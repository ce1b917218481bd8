// SPDX-License-Identifier: GPL-2.0
/*
 * bench_criu.c - vclock-bench --criu SAMPLES: the statistics and verdicts of
 * the CRIU benchmark. vclock-criu-bench (shell) makes the criu calls and
 * writes one line per round trip to SAMPLES:
 *
 *   rounds N                    the counted rounds (after one warm-up)
 *   ROUND with|without DUMP_US RESTORE_US IMAGE_KIB    a round trip that worked
 *   ROUND with|without fail     one that did not (the shell says why)
 *
 * Round 0 is the warm-up: its failures count, its times do not.
 *   skip WHY...                 CRIU cannot checkpoint the plain ticker here
 *
 * Printed: per case the median, p10 and p90 of dump, restore, dump+restore
 * (ms) and the image size; the ratios of the medians with / without; the
 * spread of the per-round ratio (both round trips of one round, neighbours
 * in time); the verdict on dump+restore against the target.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_criu.h"
#include "bench_stats.h"
#include "cli_common.h"
#include "json_out.h"

#define CRIU_MAX_ROUNDS	1000

enum { WITH, WITHOUT, NR_CASES };

static const char *const case_key[NR_CASES] = { "with_mapping", "without_mapping" };
static const char *const case_name[NR_CASES] = { "with", "without" };

struct criu_case {
	int n;					/* round trips that worked */
	double dump[CRIU_MAX_ROUNDS], restore[CRIU_MAX_ROUNDS];	/* ms */
	double total[CRIU_MAX_ROUNDS], image[CRIU_MAX_ROUNDS];
	int round[CRIU_MAX_ROUNDS];
};

struct criu_run {
	int rounds, failed;
	char skip[512];
	struct criu_case c[NR_CASES];
	double paired[CRIU_MAX_ROUNDS];		/* with / without, per round */
	int nr_paired;
};

static int parse(FILE *f, struct criu_run *r, const char *path)
{
	char line[512], kind[16], rest[16];
	double d, rs, img;
	int round, k, lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		if (!strncmp(line, "skip ", 5)) {
			snprintf(r->skip, sizeof(r->skip), "%s", line + 5);
			continue;
		}
		if (sscanf(line, "rounds %d", &r->rounds) == 1)
			continue;
		if (sscanf(line, "%d %15s", &round, kind) != 2)
			goto bad;
		for (k = 0; k < NR_CASES && strcmp(kind, case_name[k]); k++)
			;
		if (k == NR_CASES || round < 0)
			goto bad;
		if (sscanf(line, "%*d %*s %15s", rest) == 1 && !strcmp(rest, "fail")) {
			r->failed++;
			continue;
		}
		if (sscanf(line, "%*d %*s %lf %lf %lf", &d, &rs, &img) != 3 || d < 0 || rs < 0)
			goto bad;
		if (round == 0)		/* the warm-up: it must work, it does not count */
			continue;
		if (r->c[k].n == CRIU_MAX_ROUNDS)
			goto bad;
		r->c[k].round[r->c[k].n] = round;
		r->c[k].dump[r->c[k].n] = d / 1000;
		r->c[k].restore[r->c[k].n] = rs / 1000;
		r->c[k].total[r->c[k].n] = (d + rs) / 1000;
		r->c[k].image[r->c[k].n] = img;
		r->c[k].n++;
	}
	return 0;
bad:
	fprintf(stderr, "vclock-bench: %s:%d: not a CRIU sample line: '%s'\n", path, lineno, line);
	return -EINVAL;
}

/* The per-round ratios: rounds in which both round trips worked. */
static void pair(struct criu_run *r)
{
	const struct criu_case *w = &r->c[WITH], *o = &r->c[WITHOUT];

	for (int i = 0; i < w->n; i++)
		for (int j = 0; j < o->n; j++)
			if (w->round[i] == o->round[j] && o->total[j] > 0)
				r->paired[r->nr_paired++] = w->total[i] / o->total[j];
}

/* median(a) / median(b), or 0 when either has no value. */
static double ratio(const double *a, int na, const double *b, int nb)
{
	struct bench_stats x = bench_stats(a, na), y = bench_stats(b, nb);

	return na && nb && y.median > 0 ? x.median / y.median : 0;
}

static void print_ratio(const char *what, double r)
{
	if (r > 0)
		printf("INFO criu %s with mapping / without: %.2f\n", what, r);
	else
		printf("INFO criu %s with mapping / without: - (a case has no round trip)\n", what);
}

static void json_stats(FILE *f, const char *key, const double *v, int n, const char *fmt)
{
	struct bench_stats s = bench_stats(v, n);

	fprintf(f, ", \"%s\": ", key);
	if (!n) {
		fprintf(f, "{\"median\": null, \"p10\": null, \"p90\": null}");
		return;
	}
	fprintf(f, "{\"median\": ");
	fprintf(f, fmt, s.median);
	fprintf(f, ", \"p10\": ");
	fprintf(f, fmt, s.p10);
	fprintf(f, ", \"p90\": ");
	fprintf(f, fmt, s.p90);
	fprintf(f, "}");
}

static void json_samples(FILE *f, const char *key, const double *v, int n)
{
	fprintf(f, ", \"%s\": [", key);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%.1f", i ? ", " : "", v[i]);
	fprintf(f, "]");
}

static void json_num(FILE *f, double v)
{
	if (v > 0)
		fprintf(f, "%.3f", v);
	else
		fprintf(f, "null");
}

static void write_json(FILE *f, const struct criu_run *r, const struct provenance *prov,
		       double target, double rd, double rr, double rt, const char *verdict)
{
	struct bench_stats ps = bench_stats(r->paired, r->nr_paired);

	fprintf(f, "{\n  \"provenance\": ");
	provenance_json(f, prov);
	if (r->skip[0]) {
		fprintf(f, ",\n  \"available\": false, \"why\": ");
		json_str(f, r->skip);
		fprintf(f, "\n}\n");
		return;
	}
	fprintf(f, ",\n  \"available\": true, \"rounds\": %d, \"warmup_rounds\": 1, \"order\": \"alternating\",\n",
		r->rounds);
	fprintf(f, "  \"workload\": \"vclock-ticker --interval-us 2000; with: --strategy fault, without: --no-map\",\n");
	fprintf(f, "  \"failed_round_trips\": %d", r->failed);
	for (int k = 0; k < NR_CASES; k++) {
		const struct criu_case *c = &r->c[k];

		fprintf(f, ",\n  \"%s\": {\"ok_round_trips\": %d", case_key[k], c->n);
		json_stats(f, "dump_ms", c->dump, c->n, "%.1f");
		json_stats(f, "restore_ms", c->restore, c->n, "%.1f");
		json_stats(f, "dump_restore_ms", c->total, c->n, "%.1f");
		json_stats(f, "image_kib", c->image, c->n, "%.0f");
		json_samples(f, "samples_dump_ms", c->dump, c->n);
		json_samples(f, "samples_restore_ms", c->restore, c->n);
		fprintf(f, "}");
	}
	fprintf(f, ",\n  \"ratios\": {\"dump\": ");
	json_num(f, rd);
	fprintf(f, ", \"restore\": ");
	json_num(f, rr);
	fprintf(f, ",\n    \"dump+restore\": {\"ratio\": ");
	json_num(f, rt);
	fprintf(f, ", \"verdict\": \"%s\", \"target\": \"<= %.2f\"},\n", verdict, target);
	fprintf(f, "    \"dump+restore_per_round\": {\"rounds\": %d, \"median\": ", r->nr_paired);
	json_num(f, r->nr_paired ? ps.median : 0);
	fprintf(f, ", \"p10\": ");
	json_num(f, r->nr_paired ? ps.p10 : 0);
	fprintf(f, ", \"p90\": ");
	json_num(f, r->nr_paired ? ps.p90 : 0);
	fprintf(f, "}}\n}\n");
}

int bench_criu_report(const char *samples, const char *json_out, const struct provenance *prov,
		      double target)
{
	static struct criu_run r;
	struct bench_stats s[4], ps;
	const char *verdict;
	double rd, rr, rt;
	FILE *f = fopen(samples, "r");
	int k, err;

	if (!f) {
		fprintf(stderr, "vclock-bench: cannot read the CRIU samples %s: %s\n", samples,
			strerror(errno));
		return EXIT_FAILURE;
	}
	memset(&r, 0, sizeof(r));
	err = parse(f, &r, samples);
	fclose(f);
	if (err)
		return EXIT_FAILURE;
	if (r.skip[0]) {
		printf("INFO criu dump+restore skipped: %s\n", r.skip);
		verdict = "INFO";
		rd = rr = rt = 0;
		goto json;
	}
	if (r.rounds < 1) {
		fprintf(stderr, "vclock-bench: %s has no 'rounds N' line\n", samples);
		return EXIT_FAILURE;
	}
	pair(&r);
	printf("\n%-16s %5s  %-23s  %-23s  %-23s  %s\n", "", "", "dump ms", "restore ms",
	       "dump+restore ms", "image");
	printf("%-16s %5s  %7s %7s %7s  %7s %7s %7s  %7s %7s %7s  %s\n", "case", "rounds", "median",
	       "p10", "p90", "median", "p10", "p90", "median", "p10", "p90", "KiB");
	for (k = 0; k < NR_CASES; k++) {
		const struct criu_case *c = &r.c[k];
		char name[32];

		s[0] = bench_stats(c->dump, c->n);
		s[1] = bench_stats(c->restore, c->n);
		s[2] = bench_stats(c->total, c->n);
		s[3] = bench_stats(c->image, c->n);
		snprintf(name, sizeof(name), "%s mapping", case_name[k]);
		printf("%-16s %5d", name, c->n);
		for (int i = 0; i < 3; i++)
			printf("  %7.1f %7.1f %7.1f", s[i].median, s[i].p10, s[i].p90);
		printf("  %.0f\n", s[3].median);
	}
	rd = ratio(r.c[WITH].dump, r.c[WITH].n, r.c[WITHOUT].dump, r.c[WITHOUT].n);
	rr = ratio(r.c[WITH].restore, r.c[WITH].n, r.c[WITHOUT].restore, r.c[WITHOUT].n);
	rt = ratio(r.c[WITH].total, r.c[WITH].n, r.c[WITHOUT].total, r.c[WITHOUT].n);
	ps = bench_stats(r.paired, r.nr_paired);
	verdict = rt > 0 ? (rt <= target ? "PASS" : "FAIL") : "INFO";
	printf("\n");
	print_ratio("dump", rd);
	print_ratio("restore", rr);
	if (r.nr_paired)
		printf("INFO criu dump+restore with / without, per round: median %.2f, p10 %.2f, p90 %.2f (%d rounds)\n",
		       ps.median, ps.p10, ps.p90, r.nr_paired);
	else
		printf("INFO criu dump+restore with / without, per round: no round with both round trips\n");
	if (rt > 0)
		printf("%s criu dump+restore with mapping / without: %.2f (target <= %.2f)\n", verdict,
		       rt, target);
	else
		printf("INFO criu dump+restore with mapping / without: - (no verdict: a case has no round trip)\n");
	if (r.failed)
		printf("FAIL criu round trips: %d of %d failed (see the # round lines)\n", r.failed,
		       2 * r.rounds + 2);
json:
	if (json_out) {
		f = fopen(json_out, "w");
		if (!f) {
			fprintf(stderr, "vclock-bench: cannot write %s: %s\n", json_out, strerror(errno));
			return EXIT_OUTPUT;
		}
		write_json(f, &r, prov, target, rd, rr, rt, verdict);
		if (fclose(f)) {
			fprintf(stderr, "vclock-bench: cannot write %s: %s\n", json_out, strerror(errno));
			return EXIT_OUTPUT;
		}
	}
	return r.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
