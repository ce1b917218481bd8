// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-cr-fork - checkpoint/restore case: a parent maps /dev/vclock
 * through libvclock, then forks; parent and child both hold the mapping
 * (fork copies the VMA and its PFN PTEs) and both keep reading the time
 * from it while the runner dumps and restores the two-process tree.
 *
 * SIGUSR1 to the parent: it passes the signal on to the child, which
 * verifies its side (same VMA as the parent had before the fork, library
 * still on the inherited mapping, CLOCK_REALTIME from the page between two
 * system calls - see vclock-cr-lib for why not MONOTONIC - never
 * backwards, same parent) and exits 0 or 1; the parent
 * verifies its own side and reports both as TAP.
 *
 *   vclock-cr-fork --ready FILE [--strategy S] [--interval-ms N]
 */

#include <vclock.h>

#include "cr_common.h"
#include "cr_pagetime.h"
#include "test_options.h"
#include "vclock_test.h"

static struct {
	const char *ready;
	int strategy;
	unsigned int interval_ms;
} opt = { .strategy = VCLOCK_STRATEGY_FAULT, .interval_ms = 5 };

static struct vclock_status status_before;
static struct cr_vmas before;
static struct cr_series series;
static int failed_reads;

static void parse_options(int argc, char **argv)
{
	static const struct vt_option options[] = {
		CR_OPTIONS_COMMON(opt),
		VT_OPT_END
	};

	vt_parse_options(argc, argv, options);
}

static void read_loop(void)
{
	struct timespec ts;

	while (!cr_stop) {
		if (vclock_clock_gettime(CLOCK_MONOTONIC, &ts))
			failed_reads++;
		else
			cr_series_add(&series, cr_ts_ns(&ts));
		cr_sleep_ms(opt.interval_ms);
	}
}

/*
 * One side's verification; prints "# WHO: ..." lines and returns the
 * number of failed checks (the child's exit status).
 */
static int verify_side(const char *who)
{
	struct vclock_status now;
	struct cr_vmas vmas;
	char why[256], data[128];
	int failed = 0, same, live, misses;

	cr_vmas_read(&vmas);
	same = cr_vmas_same(&before, &vmas, why, sizeof(why));
	tap_diag("%s: %s VMA: %s", who, same ? "same" : "CHANGED", why);
	failed += !same;
	vclock_status(&now);
	if (now.state != VCLOCK_LIB_MAPPED || now.data != status_before.data ||
	    now.attempts != status_before.attempts) {
		tap_diag("%s: library left its mapping: state %d, data %p (was %p)", who,
			 now.state, now.data, status_before.data);
		failed++;
	}
	live = cr_data_page_live(vclock_data_page(), data, sizeof(data));
	misses = cr_bracket_misses(CLOCK_REALTIME, 100);
	tap_diag("%s: %s; %d of 100 REALTIME page reads outside the syscall bracket", who, data,
		 misses);
	failed += !live + (misses != 0);
	tap_diag("%s: %lu reads, %lu backwards, %d failed, largest step %.1f ms", who,
		 series.reads, series.backwards, failed_reads, (double)series.max_step_ns / 1e6);
	failed += series.backwards != 0 || failed_reads != 0 || series.reads < 2;
	return failed;
}

static int child_main(pid_t parent)
{
	int failed;

	read_loop();
	failed = verify_side("child");
	if (getppid() != parent) {
		tap_diag("child: parent is %d, was %d", (int)getppid(), (int)parent);
		failed++;
	}
	fflush(stdout);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	char extra[64];
	pid_t parent = getpid(), child;
	int status = -1, failed;

	parse_options(argc, argv);
	cr_signals();
	if (vclock_init((unsigned int)opt.strategy))
		tap_bail("vclock_init(%s) failed", vt_strategy_names[opt.strategy]);
	vclock_status(&status_before);
	cr_vmas_read(&before);
	cr_vmas_diag("before", &before);
	fflush(stdout);
	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (!child)
		_exit(child_main(parent));
	snprintf(extra, sizeof(extra), "child=%d\n", (int)child);
	cr_ready(opt.ready, extra);
	read_loop();
	kill(child, SIGUSR1);
	failed = waitpid(child, &status, 0) == child ? 0 : 1;
	tap_ok(!failed && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "forked child %d verified its inherited mapping after the restore (status %#x)",
	       (int)child, status);
	tap_ok(verify_side("parent") == 0, "parent verified its mapping after the restore");
	cr_vmas_read(&before);
	cr_vmas_diag("after", &before);
	return tap_done();
}
