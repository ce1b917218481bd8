// SPDX-License-Identifier: GPL-2.0
/*
 * check_readers.c - vclock-check's reader threads. Each pins itself to a
 * CPU and, until told to stop, brackets every library reading between two
 * system calls: for every clock id, gettimeofday() and time().
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "timespec_math.h"

const int check_ids[CHECK_NR_IDS] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	-1, INT_MIN, INT_MAX, 12,
};

struct reader {
	pthread_t thread;
	const struct clock_api *api;
	int cpu;			/* -1: not pinned */
	int pin_err;
	unsigned int threads;
	int *stop;
	struct reader_results res;	/* this thread's share */
};

/*
 * The CPU-time clocks count this thread's or this process's CPU time: with
 * one reader thread (or for the thread clock) the syscall-lib-syscall order
 * holds; the process clock summed over several running threads is not
 * ordered against a read from another thread, so only its return values and
 * normalisation are compared then.
 */
bool check_id_bracketed(int id, unsigned int threads)
{
	if (id == CLOCK_PROCESS_CPUTIME_ID)
		return threads == 1;
	return id >= 0 && id < CHECK_NR_VALID;
}

__attribute__((format(printf, 2, 3)))
static void note_failure(struct sample_stats *s, const char *fmt, ...)
{
	va_list ap;

	if (s->first_failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->first_failure, sizeof(s->first_failure), fmt, ap);
	va_end(ap);
}

/*
 * The upper bound. With the HPET as clocksource, Linux shares one counter
 * read between CPUs (read_hpet() in arch/x86/kernel/hpet.c): a contended
 * clock_gettime() returns the value another CPU read, which can be older
 * than the direct HPET load the library made just before. Successive
 * syscalls stay ordered, so the lower bound is exact; for the upper bound a
 * library reading above the syscall after it passes only if the kernel's
 * very next readings (up to CATCHUP_TRIES syscalls) are already at or past
 * it. Each such event is counted and reported, never hidden.
 */
#define CATCHUP_TRIES	3

static bool kernel_catches_up(int id, const struct timespec *lib, struct sample_stats *s,
			      const struct timespec *stale)
{
	struct timespec d;
	int i;

	for (i = 0; i < CATCHUP_TRIES; i++) {
		if (sys_clock_gettime(id, &d))
			return false;
		if (ts_cmp(&d, lib) >= 0) {
			s->stale_kernel++;
			if (ts_sub_ns(lib, stale) > s->max_stale_ns)
				s->max_stale_ns = ts_sub_ns(lib, stale);
			return true;
		}
	}
	return false;
}

#define TS_FMT		"%lld.%09ld"
#define TS_ARG(t)	(long long)(t).tv_sec, (t).tv_nsec
#define TV_FMT		"%lld.%06ld"
#define TV_ARG(t)	(long long)(t).tv_sec, (long)(t).tv_usec

/*
 * One sample's return values, the library's between two system calls':
 * false when there is nothing more to check, because they differ (noted)
 * or because both refused the call the same way.
 */
static bool returns_agree(struct sample_stats *s, int lib, int sys_before, int sys_after)
{
	s->samples++;
	s->lib_ret = lib;
	s->sys_ret = sys_before;
	if (lib != sys_before || lib != sys_after) {
		s->ret_mismatch++;
		note_failure(s, "lib returned %d, syscall %d and %d", lib, sys_before, sys_after);
		return false;
	}
	return lib == 0;
}

struct prev_reading {
	bool have;
	struct timespec ts;
};

static void sample_gettime(const struct reader *r, int id, bool bracketed,
			   struct sample_stats *s, struct prev_reading *prev)
{
	struct timespec a, b, c;
	int ra, rb, rc;

	ra = sys_clock_gettime(id, &a);
	rb = r->api->clock_gettime(id, &b);
	rc = sys_clock_gettime(id, &c);
	if (!returns_agree(s, rb, ra, rc))
		return;
	if (!ts_normalized(&b)) {
		s->unnormalized++;
		note_failure(s, "lib reading " TS_FMT " not normalised", TS_ARG(b));
		return;
	}
	if (bracketed && (ts_cmp(&a, &b) > 0 ||
			  (ts_cmp(&b, &c) > 0 && !kernel_catches_up(id, &b, s, &c)))) {
		s->outside++;
		note_failure(s, "syscall " TS_FMT ", lib " TS_FMT ", syscall " TS_FMT,
			     TS_ARG(a), TS_ARG(b), TS_ARG(c));
	}
	if (prev->have && ts_cmp(&prev->ts, &b) > 0) {
		s->backwards++;
		note_failure(s, "lib went back from " TS_FMT " to " TS_FMT,
			     TS_ARG(prev->ts), TS_ARG(b));
	}
	prev->have = true;
	prev->ts = b;
}

static bool tv_catches_up(const struct timeval *lib, struct sample_stats *s,
			  const struct timeval *stale)
{
	struct timeval d;
	int i;

	for (i = 0; i < CATCHUP_TRIES; i++) {
		if (sys_gettimeofday(&d, NULL))
			return false;
		if (tv_cmp(&d, lib) >= 0) {
			s->stale_kernel++;
			if (tv_sub_us(lib, stale) * 1000 > s->max_stale_ns)
				s->max_stale_ns = tv_sub_us(lib, stale) * 1000;
			return true;
		}
	}
	return false;
}

static void sample_gettimeofday(const struct reader *r, struct sample_stats *s,
				struct timeval *prev)
{
	struct timeval a, b, c;
	struct timezone tza, tzb;
	int ra, rb, rc;

	ra = sys_gettimeofday(&a, &tza);
	rb = r->api->gettimeofday(&b, &tzb);
	rc = sys_gettimeofday(&c, NULL);
	if (!returns_agree(s, rb, ra, rc))
		return;
	if (tza.tz_minuteswest != tzb.tz_minuteswest || tza.tz_dsttime != tzb.tz_dsttime) {
		s->tz_mismatch++;
		note_failure(s, "lib tz %d/%d, syscall tz %d/%d", tzb.tz_minuteswest,
			     tzb.tz_dsttime, tza.tz_minuteswest, tza.tz_dsttime);
	}
	if (!tv_normalized(&b)) {
		s->unnormalized++;
		note_failure(s, "lib reading " TV_FMT " not normalised", TV_ARG(b));
		return;
	}
	if (tv_cmp(&a, &b) > 0 || (tv_cmp(&b, &c) > 0 && !tv_catches_up(&b, s, &c))) {
		s->outside++;
		note_failure(s, "syscall " TV_FMT ", lib " TV_FMT ", syscall " TV_FMT,
			     TV_ARG(a), TV_ARG(b), TV_ARG(c));
	}
	if (prev->tv_sec && tv_cmp(prev, &b) > 0) {
		s->backwards++;
		note_failure(s, "lib went back from " TV_FMT " to " TV_FMT,
			     TV_ARG(*prev), TV_ARG(b));
	}
	*prev = b;
}

/*
 * time() is the coarse second the kernel publishes inside its timekeeping
 * update (update_vsyscall(), the gtod notifier), before it copies the new
 * timekeeper into the one the time() syscall reads: for that window a
 * reading can be a second ahead of the syscall after it. It passes only if
 * the syscall reaches it within a few milliseconds; each such event is
 * counted and reported.
 */
#define TIME_CATCHUP_TRIES	10000

static bool time_catches_up(time_t lib, struct sample_stats *s, time_t stale)
{
	int i;

	for (i = 0; i < TIME_CATCHUP_TRIES; i++) {
		if (sys_time(NULL) >= lib) {
			s->stale_kernel++;
			if ((int64_t)(lib - stale) * 1000000000 > s->max_stale_ns)
				s->max_stale_ns = (int64_t)(lib - stale) * 1000000000;
			return true;
		}
	}
	return false;
}

static void sample_time(const struct reader *r, struct sample_stats *s, time_t *prev)
{
	time_t a, b, c, stored = 0;

	a = sys_time(NULL);
	b = r->api->time(&stored);
	c = sys_time(NULL);
	s->samples++;
	s->lib_ret = b < 0 ? (int)b : 0;
	s->sys_ret = a < 0 ? (int)a : 0;
	if (b != stored) {
		s->ret_mismatch++;
		note_failure(s, "lib returned %lld but stored %lld", (long long)b,
			     (long long)stored);
		return;
	}
	if (a > b || (b > c && !(b == c + 1 && time_catches_up(b, s, c)))) {
		s->outside++;
		note_failure(s, "syscall %lld, lib %lld, syscall %lld", (long long)a,
			     (long long)b, (long long)c);
	}
	if (*prev > b) {
		s->backwards++;
		note_failure(s, "lib went back from %lld to %lld", (long long)*prev,
			     (long long)b);
	}
	*prev = b;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct prev_reading prev[CHECK_NR_IDS] = { 0 };
	struct timeval prev_tv = { 0 };
	time_t prev_t = 0;
	cpu_set_t set;
	int i;

	if (r->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(r->cpu, &set);
		r->pin_err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	do {
		for (i = 0; i < CHECK_NR_IDS; i++)
			sample_gettime(r, check_ids[i], check_id_bracketed(check_ids[i], r->threads),
				       &r->res.gettime[i], &prev[i]);
		sample_gettimeofday(r, &r->res.gettimeofday, &prev_tv);
		sample_time(r, &r->res.time, &prev_t);
	} while (!__atomic_load_n(r->stop, __ATOMIC_RELAXED));
	return NULL;
}

static void merge_stats(struct sample_stats *to, const struct sample_stats *from)
{
	to->samples += from->samples;
	to->ret_mismatch += from->ret_mismatch;
	to->unnormalized += from->unnormalized;
	to->outside += from->outside;
	to->backwards += from->backwards;
	to->tz_mismatch += from->tz_mismatch;
	to->stale_kernel += from->stale_kernel;
	if (from->max_stale_ns > to->max_stale_ns)
		to->max_stale_ns = from->max_stale_ns;
	to->lib_ret = from->lib_ret;
	to->sys_ret = from->sys_ret;
	if (!to->first_failure[0])
		memcpy(to->first_failure, from->first_failure, sizeof(to->first_failure));
}

/* The CPUs this process may run on, in order. */
static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int i, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

static double mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int check_readers(const struct clock_api *api, unsigned int threads, double seconds,
		  void (*during)(void *), void *arg, struct reader_results *out)
{
	struct reader *rs = calloc(threads, sizeof(*rs));
	int cpus[CPU_SETSIZE], ncpus = allowed_cpus(cpus, CPU_SETSIZE);
	double deadline = mono_now() + seconds;
	unsigned int i, started = 0;
	int stop = 0, err = 0, j;

	memset(out, 0, sizeof(*out));
	if (!rs)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		rs[i].api = api;
		rs[i].cpu = ncpus ? cpus[i % ncpus] : -1;
		rs[i].threads = threads;
		rs[i].stop = &stop;
		err = pthread_create(&rs[i].thread, NULL, reader_main, &rs[i]);
		if (err)
			break;
		started++;
	}
	while (started && mono_now() < deadline) {
		if (during)
			during(arg);
		else
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);

	out->threads = started;
	out->cpus = ncpus;
	for (i = 0; i < started; i++) {
		pthread_join(rs[i].thread, NULL);
		for (j = 0; j < CHECK_NR_IDS; j++)
			merge_stats(&out->gettime[j], &rs[i].res.gettime[j]);
		merge_stats(&out->gettimeofday, &rs[i].res.gettimeofday);
		merge_stats(&out->time, &rs[i].res.time);
		if (rs[i].cpu >= 0 && !rs[i].pin_err)
			out->pinned++;
		else if (!out->pin_error[0])
			snprintf(out->pin_error, sizeof(out->pin_error), "thread %u: %s", i,
				 rs[i].cpu < 0 ? "no CPU list" : strerror(rs[i].pin_err));
	}
	free(rs);
	return started ? 0 : -err;
}
