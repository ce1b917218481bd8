/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - the parts of vclock-check: reporting (vclock_check.c), the
 * bracketing reader threads (check_readers.c), the bad-pointer cases run in
 * forked children (check_abi.c) and the data-page snapshots
 * (check_snapshot.c).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>

#include "clock_api.h"

/* ---- reporting: one line per case ---- */
bool report_case(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the ids under test: 0..11, then ids no kernel knows ---- */
#define CHECK_NR_VALID		12
#define CHECK_NR_INVALID	4
#define CHECK_NR_IDS		(CHECK_NR_VALID + CHECK_NR_INVALID)
extern const int check_ids[CHECK_NR_IDS];

/* What one call site saw over the run; the first failure is kept in words. */
struct sample_stats {
	unsigned long samples;
	unsigned long ret_mismatch;	/* lib's return differs from the syscall's */
	unsigned long unnormalized;	/* nsec/usec outside [0, 1 s) */
	unsigned long outside;		/* not syscall <= lib <= syscall */
	unsigned long backwards;	/* lib below its own previous reading */
	unsigned long tz_mismatch;	/* gettimeofday only */
	unsigned long stale_kernel;	/* above the syscall after, not the next one */
	long long max_stale_ns;

	int lib_ret, sys_ret;		/* of the last sample */
	char first_failure[200];
};

struct reader_results {
	struct sample_stats gettime[CHECK_NR_IDS];
	struct sample_stats gettimeofday;
	struct sample_stats time;
	unsigned int threads, pinned, cpus;
	char pin_error[128];
};

/*
 * Run @threads readers, each pinned to one allowed CPU (round robin), for
 * @seconds (at least one round each); meanwhile call @during(@arg) over and
 * over in this thread (a short piece of work each time; NULL: just wait).
 * Merge what the readers saw into @out. 0, or -errno if no thread started.
 */
int check_readers(const struct clock_api *api, unsigned int threads, double seconds,
		  void (*during)(void *), void *arg, struct reader_results *out);

/* Is the reading of @id expected between the two syscall readings? */
bool check_id_bracketed(int id, unsigned int threads);

/* ---- the ABI cases ---- */
void check_abi(const struct clock_api *api);

/* ---- snapshots of the data page under the seqcount ---- */
struct snapshot_ctx {
	const struct vclock_data *page;
	unsigned long taken, bad_checksum, bad_magic;
	unsigned long long first_update, last_update;
	char first_failure[200];
};

/* Take a few snapshots of ctx->page and check each (a @during callback). */
void check_snapshot_step(void *ctx);

#endif /* CHECK_H */
