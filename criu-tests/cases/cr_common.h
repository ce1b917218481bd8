/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cr_common.h - what the checkpoint/restore case programs share.
 *
 * Every case program follows the zdtm pattern: set up, write the ready
 * file, run its loop until SIGUSR1 (then verify, print TAP and exit 0/1).
 * SIGUSR2 asks for an intermediate check (after a --leave-running dump, or
 * between cycles): the program checks what it can without ending and prints
 * one "# check N: ok|FAILED ..." line; the final report counts the failed
 * ones. The runner (criu-lib.sh) relays the TAP lines with the case's name.
 */
#ifndef CR_COMMON_H
#define CR_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "test_ready.h"

#define CR_MAX_VMAS	4

/*
 * The option-table rows (tests/lib/test_options.h) every case program has,
 * for the members ready, strategy and interval_ms of its options @o.
 */
#define CR_OPTIONS_COMMON(o)								\
	VT_OPT_STRING("ready", 0, &(o).ready, "FILE", true),				\
	VT_OPT_CHOICE("strategy", 0, &(o).strategy, vt_strategy_names,			\
		      VCLOCK_STRATEGY_FAULT, VCLOCK_NR_STRATEGIES),			\
	VT_OPT_UINT("interval-ms", 0, &(o).interval_ms, 0, 60000)

/* Set by the signal handlers; the loops poll them. */
extern volatile sig_atomic_t cr_stop;		/* SIGUSR1 or SIGTERM: verify, report, exit */
extern volatile sig_atomic_t cr_check;		/* SIGUSR2: intermediate check requested */

/* Install the handlers (no SA_RESTART: sleeps end early). Call first. */
void cr_signals(void);

/* Sleep @ms milliseconds (returns early on a signal). */
void cr_sleep_ms(unsigned int ms);

/* Write the ready file (vt_write_ready()) with @extra, or bail out. */
void cr_ready(const char *path, const char *extra);

/* CLOCK_MONOTONIC through the system call (never through a vDSO or the page). */
int64_t cr_sys_ns(clockid_t id);

static inline int64_t cr_ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/*
 * Consecutive readings of one clock: how many, how many went backwards,
 * the largest step forward (across a checkpoint: the downtime).
 */
struct cr_series {
	int64_t last_ns;
	int64_t max_step_ns;
	int64_t max_back_ns;
	unsigned long reads, backwards;
};

void cr_series_add(struct cr_series *s, int64_t ns);

/*
 * The process's own /dev/vclock VMAs as /proc/self/maps and smaps show them
 * (read with the test library's vt_vclock_vmas()).
 */
struct cr_vmas {
	int nr;
	uintptr_t start[CR_MAX_VMAS];
	char line[CR_MAX_VMAS][256];	/* "start-end perms offset path" (no dev/inode) */
	char inode[CR_MAX_VMAS][32];	/* "dev inode": changes if the node is recreated */
	char flags[CR_MAX_VMAS][128];	/* smaps VmFlags */
};

/* Read them; the number found. */
int cr_vmas_read(struct cr_vmas *v);

/*
 * Compare @now with @before: 1 if the same VMAs with the same lines and
 * VmFlags; else 0, with what differs in @why.
 */
int cr_vmas_same(const struct cr_vmas *before, const struct cr_vmas *now, char *why,
		 size_t size);

/* Print every VMA of @v as "# LABEL: line | VmFlags". */
void cr_vmas_diag(const char *label, const struct cr_vmas *v);

/* The page at @page_addr reads as a live data page; what is wrong in @why. */
int cr_data_page_live(const void *page_addr, char *why, size_t size);

/* The HPET main counter at @hpet_page advances; what is wrong in @why. */
int cr_hpet_live(const void *hpet_page, char *why, size_t size);

/* Intermediate checks: count them, print "# check N: ok|FAILED what". */
struct cr_checks {
	unsigned int done, failed;
};

void cr_check_report(struct cr_checks *c, bool ok, const char *what);

/* The final TAP line: every intermediate check passed. */
void cr_checks_done(const struct cr_checks *c);

/*
 * The calling task's time namespace offsets (/proc/self/timens_offsets),
 * as "monotonic S.sss s, boottime S.sss s" in @buf; 0 if both are zero,
 * 1 if not, -1 if they cannot be read.
 */
int cr_timens_offsets(char *buf, size_t size);

#endif /* CR_COMMON_H */
