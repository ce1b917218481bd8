// SPDX-License-Identifier: GPL-2.0
/*
 * bench_criu.c - vclock-bench --criu SAMPLES: the statistics and verdicts of
 * the CRIU benchmark. vclock-criu-bench (shell) makes the criu calls and
 * writes one line per round trip to SAMPLES:
 *
 *   rounds N                    the counted rounds (after one warm-up)
 *   ROUND CASE DUMP_US RESTORE_US IMAGE_KIB    a round trip that worked
 *   ROUND CASE fail             one that did not (the shell says why)
 *   skip WHY...                 CRIU cannot checkpoint the plain ticker here
 *
 * CASE is with (/dev/vclock, the plugin), file (/proc/vclock, stock CRIU
 * with no plugin) or without (no mapping). Round 0 is the warm-up: its
 * failures count, its times do not.
 *
 * Printed: per case the median, p10 and p90 of dump, restore, dump+restore
 * (ms) and the image size; for with / without, file / without and file /
 * with the ratios of the medians and the spread of the per-round ratio
 * (both round trips of one round, neighbours in time); the verdicts of the
 * two mappings' dump+restore against the target, decided by that spread
 * (bench_verdict: PASS, FAIL or UNDECIDED).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_criu.h"
#include "bench_stats.h"
#include "cli_common.h"
#include "json_out.h"

#define CRIU_MAX_ROUNDS	1000

/*
 * The cases: the ticker's /dev/vclock mapping, dumped with the project's
 * plugin; its /proc/vclock mapping, dumped by stock CRIU with no plugin;
 * the same ticker with no mapping (the control).
 */
enum { PLUGIN, STOCK, WITHOUT, NR_CASES };

static const char *const case_token[NR_CASES] = { "with", "file", "without" };
static const char *const case_key[NR_CASES] = { "with_mapping", "file_mapping", "without_mapping" };
static const char *const case_label[NR_CASES] = { "with mapping", "file mapping", "without mapping" };

/* What is compared with what; only a cost against the control has a target. */
static const struct comparison {
	int a, b;
	const char *key, *what;
	bool has_target;
} comparisons[] = {
	{ PLUGIN, WITHOUT, "ratios", "with mapping / without", true },
	{ STOCK, WITHOUT, "file_ratios", "file mapping / without", true },
	{ STOCK, PLUGIN, "file_vs_plugin", "file mapping / with mapping", false },
};
#define NR_COMPARISONS	(sizeof(comparisons) / sizeof(comparisons[0]))

struct criu_case {
	int lines;				/* round trips tried, warm-up included */
	int n;					/* round trips that worked */
	double dump[CRIU_MAX_ROUNDS], restore[CRIU_MAX_ROUNDS];	/* ms */
	double total[CRIU_MAX_ROUNDS], image[CRIU_MAX_ROUNDS];
	int round[CRIU_MAX_ROUNDS];
};

struct criu_run {
	int rounds, failed;
	char skip[512];
	struct criu_case c[NR_CASES];
};

/* The figures of one comparison; a ratio is 0 when a case has no value. */
struct criu_ratios {
	double dump, restore, total, image;
	double paired[CRIU_MAX_ROUNDS];		/* a / b of dump+restore, per round */
	int nr_paired;
	struct bench_stats per_round;
	const char *verdict;
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
		for (k = 0; k < NR_CASES && strcmp(kind, case_token[k]); k++)
			;
		if (k == NR_CASES || round < 0)
			goto bad;
		r->c[k].lines++;
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

/* median(a) / median(b), or 0 when either has no value. */
static double ratio(const double *a, int na, const double *b, int nb)
{
	struct bench_stats x = bench_stats(a, na), y = bench_stats(b, nb);

	return na && nb && y.median > 0 ? x.median / y.median : 0;
}

static void compare(const struct criu_run *r, const struct comparison *cmp, double target,
		    struct criu_ratios *q)
{
	const struct criu_case *a = &r->c[cmp->a], *b = &r->c[cmp->b];

	q->dump = ratio(a->dump, a->n, b->dump, b->n);
	q->restore = ratio(a->restore, a->n, b->restore, b->n);
	q->total = ratio(a->total, a->n, b->total, b->n);
	q->image = ratio(a->image, a->n, b->image, b->n);
	/* The per-round ratios: rounds in which both round trips worked. */
	q->nr_paired = 0;
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (a->round[i] == b->round[j] && b->total[j] > 0)
				q->paired[q->nr_paired++] = a->total[i] / b->total[j];
	q->per_round = bench_stats(q->paired, q->nr_paired);
	if (cmp->has_target && q->total > 0)
		q->verdict = bench_verdict(&q->per_round, target, 0);
	else
		q->verdict = "INFO";
}

static void print_ratio(const char *what, const char *cases, double r)
{
	if (r > 0)
		printf("INFO criu %s %s: %.2f\n", what, cases, r);
	else
		printf("INFO criu %s %s: - (a case has no round trip)\n", what, cases);
}

static void print_comparison(const struct comparison *cmp, const struct criu_ratios *q,
			     double target)
{
	printf("\n");
	print_ratio("dump", cmp->what, q->dump);
	print_ratio("restore", cmp->what, q->restore);
	print_ratio("image size", cmp->what, q->image);
	if (q->nr_paired)
		printf("INFO criu dump+restore %s, per round: median %.2f, p10 %.2f, p90 %.2f (%d rounds)\n",
		       cmp->what, q->per_round.median, q->per_round.p10, q->per_round.p90,
		       q->nr_paired);
	else
		printf("INFO criu dump+restore %s, per round: no round with both round trips\n",
		       cmp->what);
	if (q->total > 0 && cmp->has_target)
		printf("%s criu dump+restore %s: %.2f (target <= %.2f)\n", q->verdict, cmp->what,
		       q->total, target);
	else if (q->total > 0)
		printf("INFO criu dump+restore %s: %.2f\n", cmp->what, q->total);
	else
		printf("INFO criu dump+restore %s: - (no verdict: a case has no round trip)\n",
		       cmp->what);
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

static void json_comparison(FILE *f, const struct comparison *cmp, const struct criu_ratios *q,
			    double target)
{
	fprintf(f, ",\n  \"%s\": {\"of\": \"%s\", \"dump\": ", cmp->key, cmp->what);
	json_num(f, q->dump);
	fprintf(f, ", \"restore\": ");
	json_num(f, q->restore);
	fprintf(f, ", \"image\": ");
	json_num(f, q->image);
	fprintf(f, ",\n    \"dump+restore\": {\"ratio\": ");
	json_num(f, q->total);
	fprintf(f, ", \"verdict\": \"%s\"", q->verdict);
	if (cmp->has_target)
		fprintf(f, ", \"target\": \"<= %.2f\"", target);
	fprintf(f, "},\n    \"dump+restore_per_round\": {\"rounds\": %d, \"median\": ", q->nr_paired);
	json_num(f, q->nr_paired ? q->per_round.median : 0);
	fprintf(f, ", \"p10\": ");
	json_num(f, q->nr_paired ? q->per_round.p10 : 0);
	fprintf(f, ", \"p90\": ");
	json_num(f, q->nr_paired ? q->per_round.p90 : 0);
	fprintf(f, "}}");
}

static void write_json(FILE *f, const struct criu_run *r, const struct provenance *prov,
		       double target, const struct criu_ratios *q)
{
	fprintf(f, "{\n  ");
	provenance_envelope(f, "vclock-criu-bench", 1, "vclock-bench", prov);
	if (r->skip[0]) {
		fprintf(f, ",\n  \"available\": false, \"why\": ");
		json_str(f, r->skip);
		fprintf(f, "\n}\n");
		return;
	}
	fprintf(f, ",\n  \"available\": true, \"rounds\": %d, \"warmup_rounds\": 1, \"order\": \"rotating\",\n",
		r->rounds);
	fprintf(f, "  \"workload\": \"vclock-ticker --interval 2ms; with: --strategy fault on "
		"/dev/vclock, criu -L the plugin; file: --strategy fault on /proc/vclock, criu -L "
		"an empty directory; without: --no-map\",\n");
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
	for (size_t i = 0; i < NR_COMPARISONS; i++)
		json_comparison(f, &comparisons[i], &q[i], target);
	fprintf(f, "\n}\n");
}

int bench_criu_report(const char *samples, const char *json_out, const struct provenance *prov,
		      double target)
{
	static struct criu_run r;
	static struct criu_ratios q[NR_COMPARISONS];
	struct bench_stats s[4];
	FILE *f = fopen(samples, "r");
	int k, err, tried = 0;

	if (!f) {
		fprintf(stderr, "vclock-bench: cannot read the CRIU samples %s: %s\n", samples,
			strerror(errno));
		return EXIT_FAILURE;
	}
	memset(&r, 0, sizeof(r));
	memset(q, 0, sizeof(q));
	err = parse(f, &r, samples);
	fclose(f);
	if (err)
		return EXIT_FAILURE;
	if (r.skip[0]) {
		printf("INFO criu dump+restore skipped: %s\n", r.skip);
		goto json;
	}
	if (r.rounds < 1) {
		fprintf(stderr, "vclock-bench: %s has no 'rounds N' line\n", samples);
		return EXIT_FAILURE;
	}
	printf("\n%-16s %5s  %-23s  %-23s  %-23s  %s\n", "", "", "dump ms", "restore ms",
	       "dump+restore ms", "image");
	printf("%-16s %5s  %7s %7s %7s  %7s %7s %7s  %7s %7s %7s  %s\n", "case", "rounds", "median",
	       "p10", "p90", "median", "p10", "p90", "median", "p10", "p90", "KiB");
	for (k = 0; k < NR_CASES; k++) {
		const struct criu_case *c = &r.c[k];

		tried += c->lines;
		if (!c->n) {
			printf("%-16s %5d  (no round trip worked)\n", case_label[k], c->n);
			continue;
		}
		s[0] = bench_stats(c->dump, c->n);
		s[1] = bench_stats(c->restore, c->n);
		s[2] = bench_stats(c->total, c->n);
		s[3] = bench_stats(c->image, c->n);
		printf("%-16s %5d", case_label[k], c->n);
		for (int i = 0; i < 3; i++)
			printf("  %7.1f %7.1f %7.1f", s[i].median, s[i].p10, s[i].p90);
		printf("  %.0f\n", s[3].median);
	}
	for (size_t i = 0; i < NR_COMPARISONS; i++) {
		compare(&r, &comparisons[i], target, &q[i]);
		print_comparison(&comparisons[i], &q[i], target);
	}
	if (r.failed)
		printf("FAIL criu round trips: %d of %d failed (see the # round lines)\n", r.failed,
		       tried);
json:
	if (json_out) {
		f = fopen(json_out, "w");
		if (!f) {
			fprintf(stderr, "vclock-bench: cannot write %s: %s\n", json_out, strerror(errno));
			return EXIT_OUTPUT;
		}
		write_json(f, &r, prov, target, q);
		if (fclose(f)) {
			fprintf(stderr, "vclock-bench: cannot write %s: %s\n", json_out, strerror(errno));
			return EXIT_OUTPUT;
		}
	}
	return r.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
