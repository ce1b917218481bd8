// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-cr-lib - checkpoint/restore case: a process reading the time
 * through libvclock (the reader library maps /dev/vclock with the chosen
 * strategy and closes the descriptor), from the main thread and from
 * --threads N more threads, all the time the runner dumps and restores it.
 *
 * After the restore it proves that the library is still on its original
 * mapping (same pointers, no new mapping attempt, still reading the page),
 * that the page's time agrees with the kernel (every read between two
 * clock_gettime system calls), that the timekeeper is live, that every
 * thread kept reading and that no reading of any thread ever went back.
 *
 * CRIU restores a task into a new time namespace whose CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME offsets hide the time the task spent dumped; a page that
 * ignores time namespaces cannot follow. So CLOCK_REALTIME (never
 * namespaced) is what proves the page right after a restore; how far the
 * page's MONOTONIC is ahead of the task's clock_gettime is reported, and
 * with --timens-check the agreement of MONOTONIC and BOOTTIME is a test.
 *
 *   vclock-cr-lib --ready FILE [--strategy S] [--threads N] [--interval-ms N]
 *                 [--timens-check]
 *
 * Then: SIGUSR2 = intermediate check, SIGUSR1 = verify, print TAP, exit.
 */
#include <pthread.h>

#include <vclock.h>

#include "cr_common.h"
#include "cr_pagetime.h"
#include "test_options.h"
#include "vclock_test.h"

#define MAX_THREADS	16
#define BRACKET_READS	200

static struct {
	const char *ready;
	int strategy;
	int threads;
	unsigned int interval_ms;
	bool timens_check;
} opt = { .strategy = VCLOCK_STRATEGY_FAULT, .interval_ms = 5 };

struct reader {
	pthread_t thread;
	struct cr_series series;	/* written by its thread only */
	int failed_reads;
	volatile unsigned long reads;	/* what the main thread watches */
};

static struct reader readers[MAX_THREADS + 1];	/* [0] is the main thread */
static volatile int readers_stop;
static struct vclock_status status_before;
static struct cr_vmas before;
static struct cr_checks checks;

static void parse_options(int argc, char **argv)
{
	static const struct vt_option options[] = {
		CR_OPTIONS_COMMON(opt),
		VT_OPT_INT("threads", 0, &opt.threads, 0, MAX_THREADS),
		VT_OPT_FLAG("timens-check", 0, &opt.timens_check),
		VT_OPT_END
	};

	vt_parse_options(argc, argv, options);
}

static void read_once(struct reader *r)
{
	struct timespec ts;

	if (vclock_clock_gettime(CLOCK_MONOTONIC, &ts)) {
		r->failed_reads++;
		return;
	}
	cr_series_add(&r->series, cr_ts_ns(&ts));
	r->reads++;
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;

	while (!readers_stop) {
		read_once(r);
		cr_sleep_ms(opt.interval_ms);
	}
	return NULL;
}

static void setup(void)
{
	int err = vclock_init((unsigned int)opt.strategy), i;

	if (err)
		tap_bail("vclock_init(%s): %s", vt_strategy_names[opt.strategy], strerror(-err));
	vclock_status(&status_before);
	read_once(&readers[0]);
	for (i = 1; i <= opt.threads; i++)
		if (pthread_create(&readers[i].thread, NULL, reader_thread, &readers[i]))
			tap_bail("pthread_create failed");
	cr_vmas_read(&before);
	cr_vmas_diag("before", &before);
	tap_diag("library: strategy %s, counter mode %d, %d reader thread(s) besides main",
		 vt_strategy_names[status_before.strategy], status_before.clock_mode, opt.threads);
	tap_ok(!cr_bracket_misses(CLOCK_MONOTONIC, 50) && !cr_bracket_misses(CLOCK_REALTIME, 50) &&
	       !cr_bracket_misses(CLOCK_BOOTTIME, 50),
	       "before the dump: MONOTONIC, REALTIME and BOOTTIME from the page lie between "
	       "system calls");
}

static void intermediate_check(void)
{
	char why[256], data[128], msg[512];
	struct cr_vmas now;
	int same, live, misses;

	cr_vmas_read(&now);
	same = cr_vmas_same(&before, &now, why, sizeof(why));
	live = cr_data_page_live(vclock_data_page(), data, sizeof(data));
	misses = cr_bracket_misses(CLOCK_REALTIME, 20);
	snprintf(msg, sizeof(msg), "%s; %s; %d of 20 REALTIME page reads outside the syscall "
		 "bracket", why, data, misses);
	cr_check_report(&checks, same && live && !misses, msg);
}

static void run(void)
{
	while (!cr_stop) {
		read_once(&readers[0]);
		if (cr_check) {
			cr_check = 0;
			intermediate_check();
		}
		cr_sleep_ms(opt.interval_ms);
	}
}

static void verify_mapping(void)
{
	struct vclock_status now;
	struct cr_vmas vmas;
	char why[256];

	cr_vmas_read(&vmas);
	cr_vmas_diag("after", &vmas);
	tap_ok(cr_vmas_same(&before, &vmas, why, sizeof(why)),
	       "same vclock VMA(s): start, end, perms, offset, path and VmFlags (%s)", why);
	vclock_status(&now);
	tap_ok(now.state == VCLOCK_LIB_MAPPED && now.data == status_before.data &&
	       now.hpet == status_before.hpet && now.attempts == status_before.attempts,
	       "library still on its first mapping: state %d, %lu attempt(s), data %p (was %p)",
	       now.state, now.attempts, now.data, status_before.data);
	tap_ok(now.clock_mode > VCLOCK_MODE_NONE,
	       "the page still serves the time (counter mode %d, not the syscall fallback)",
	       now.clock_mode);
	tap_ok(cr_data_page_live(vclock_data_page(), why, sizeof(why)),
	       "timekeeper live on the restored data page (%s)", why);
}

static void verify_time(void)
{
	int mono, boot, real = cr_bracket_misses(CLOCK_REALTIME, BRACKET_READS);
	char offsets[128];

	tap_ok(!real, "CLOCK_REALTIME: %d reads from the page, %d outside their syscall bracket",
	       BRACKET_READS, real);
	cr_timens_offsets(offsets, sizeof(offsets));
	tap_diag("after the restore: time namespace offsets %s; the page's MONOTONIC is "
		 "%.3f s ahead of the task's clock_gettime", offsets,
		 (double)cr_page_ahead_ns(CLOCK_MONOTONIC) / 1e9);
	if (!opt.timens_check)
		return;
	mono = cr_bracket_misses(CLOCK_MONOTONIC, BRACKET_READS);
	boot = cr_bracket_misses(CLOCK_BOOTTIME, BRACKET_READS);
	tap_ok(!mono && !boot, "CLOCK_MONOTONIC and CLOCK_BOOTTIME from the page agree with the "
	       "task's clock_gettime in CRIU's time namespace (%d and %d of %d reads outside "
	       "their bracket)", mono, boot, BRACKET_READS);
}

/* Every thread reads on after the restore, and none ever went back. */
static void verify_readers(void)
{
	unsigned long seen[MAX_THREADS + 1];
	int i, stalled = 0, backwards = 0, failed = 0;
	int64_t worst_step = 0;

	/*
	 * Each thread must read again; how soon is the scheduler's business
	 * (five threads on two TCG vCPUs of a loaded host: 3 of 4 once made no
	 * read in a fixed 70 ms), so wait up to 2 s for all of them.
	 */
	for (i = 1; i <= opt.threads; i++)
		seen[i] = readers[i].reads;
	for (int waited = 0; waited <= 2000; waited += 10) {
		cr_sleep_ms(10);
		for (stalled = 0, i = 1; i <= opt.threads; i++)
			stalled += readers[i].reads == seen[i];
		if (!stalled)
			break;
	}
	readers_stop = 1;
	for (i = 1; i <= opt.threads; i++)
		pthread_join(readers[i].thread, NULL);
	for (i = 0; i <= opt.threads; i++) {
		backwards += readers[i].series.backwards != 0;
		failed += readers[i].failed_reads;
		if (readers[i].series.max_step_ns > worst_step)
			worst_step = readers[i].series.max_step_ns;
		tap_diag("reader %d: %lu reads, largest step %.1f ms, %lu backwards", i,
			 readers[i].series.reads, (double)readers[i].series.max_step_ns / 1e6,
			 readers[i].series.backwards);
	}
	if (opt.threads)
		tap_ok(!stalled, "all %d reader threads still read after the restore (%d stalled)",
		       opt.threads, stalled);
	tap_ok(!backwards && !failed && readers[0].series.reads > 1,
	       "CLOCK_MONOTONIC from the page never went backwards in %d thread(s) "
	       "(%d went back, %d failed reads)", opt.threads + 1, backwards, failed);
	tap_diag("downtime: largest step between consecutive reads %.1f ms",
		 (double)worst_step / 1e6);
	cr_checks_done(&checks);
}

int main(int argc, char **argv)
{
	char extra[64];

	parse_options(argc, argv);
	cr_signals();
	setup();
	snprintf(extra, sizeof(extra), "strategy=%s\nthreads=%d\n",
		 vt_strategy_names[opt.strategy], opt.threads);
	cr_ready(opt.ready, extra);
	run();
	verify_mapping();
	verify_time();
	verify_readers();
	return tap_done();
}
