// SPDX-License-Identifier: GPL-2.0
/*
 * kmod_cs_switch - the kernel switching clocksources under readers (issue
 * 13, item 3), after the kernel's clocksource-switch and inconsistency-check
 * selftests.
 *
 * The main thread switches /sys/devices/system/clocksource/clocksource0/
 * current_clocksource among the available ones; a reader pinned to each
 * vCPU reads MONOTONIC and BOOTTIME from the library, then the syscall, in
 * a loop. Checked per counter mode the page can be in: the library's reads
 * never go backwards, and how far the page is ahead of the following
 * syscall stays within a bound (stated below) and is back within one update
 * interval after the last switch.
 *
 * Bound: at a switch the kernel's own MONOTONIC loses up to ~25 us against
 * the counter under TCG, and while the kernel is not on our counter an
 * anchor is a bracket of two counter reads around the kernel's, as wide as
 * a descheduled vCPU makes it (up to ~100 us seen). The writer never steps
 * back: it slows down to meet the kernel within one interval. So the page
 * may be ahead by the kernel's step plus the anchor error, with margin for
 * a loaded host: AHEAD_MAX_NS; one interval after the last switch a tenth.
 * Measured here (TSC boot, two other guests on the host): 127-141 us in
 * HPET mode, 10-23 us in TSC mode; the same before and after issue 13's
 * fixes, so this suite does not (yet) reproduce the backwards steps
 * in TSC mode nor its 3.8 ms ahead with fast switching.
 */
#include <pthread.h>
#include <sched.h>

#include <vclock.h>

#include "vclock_test.h"
#include "vclock_clocks.h"

#define CS_DIR		"/sys/devices/system/clocksource/clocksource0/"
#define AHEAD_MAX_NS	500000ll	/* 500 us */
#define SWITCHES	20

struct result {
	long reads;
	int64_t back;		/* worst step back of the library's reads */
	int64_t ahead;		/* worst library read minus the following syscall */
};

static atomic_int stop;
static struct result res[2];

static void *reader(void *arg)
{
	struct result *r = arg;
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };
	int64_t prev[2] = { 0, 0 };
	cpu_set_t set;
	int cpu = (int)(r - res);

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!atomic_load(&stop)) {
		for (int i = 0; i < 2; i++) {
			struct timespec l, s;
			int64_t ln, sn;

			vclock_clock_gettime(ids[i], &l);
			clock_gettime(ids[i], &s);
			ln = vc_ts_ns(&l);
			sn = vc_ts_ns(&s);
			if (prev[i] - ln > r->back)
				r->back = prev[i] - ln;
			if (ln - sn > r->ahead)
				r->ahead = ln - sn;
			prev[i] = ln;
			r->reads++;
		}
	}
	return NULL;
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok = f && fgets(buf, (int)size, f);

	if (f)
		fclose(f);
	buf[ok ? strcspn(buf, "\n") : 0] = 0;
	return ok;
}

static void run_mode(const char *mode, char cs[][32], int ncs, const char *orig)
{
	pthread_t t[2];
	int i, sw = 0;
	int64_t back, ahead;
	long reads;
	char val[32];
	struct timespec l, s;
	int64_t settle_worst = 0, paced;
	uint64_t end;
	int fast = 0;

	if (vt_param_write("clock_mode", mode) ||
	    vt_param_read("clock_mode", val, sizeof(val)) || strcmp(val, mode)) {
		tap_skip("mode not available", "%s: clocksource switches", mode);
		return;
	}
	memset(res, 0, sizeof(res));
	atomic_store(&stop, 0);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, reader, &res[i]);
	for (i = 0; i < SWITCHES; i++) {
		if (!vt_write_file(CS_DIR "current_clocksource", cs[i % ncs]))
			sw++;
		usleep(i & 1 ? 300000 : 20000);
	}
	paced = res[0].ahead > res[1].ahead ? res[0].ahead : res[1].ahead;
	/* Then as fast as the kernel switches, for a second. */
	for (end = vt_raw_ns() + 1000000000ull, i = 0; vt_raw_ns() < end; i++)
		fast += !vt_write_file(CS_DIR "current_clocksource", cs[i % ncs]);
	vt_write_file(CS_DIR "current_clocksource", orig);
	usleep(20000);		/* more than one update interval (4 ms) */
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* Converged: one interval after the last switch, within the bound / 10. */
	for (i = 0; i < 1000; i++) {
		vclock_clock_gettime(CLOCK_MONOTONIC, &l);
		clock_gettime(CLOCK_MONOTONIC, &s);
		if (vc_ts_ns(&l) - vc_ts_ns(&s) > settle_worst)
			settle_worst = vc_ts_ns(&l) - vc_ts_ns(&s);
	}
	back = res[0].back > res[1].back ? res[0].back : res[1].back;
	ahead = res[0].ahead > res[1].ahead ? res[0].ahead : res[1].ahead;
	reads = res[0].reads + res[1].reads;
	tap_diag("%s: %d paced and %d fast switches among %d clocksources, %ld reads", mode, sw,
		 fast, ncs, reads);
	tap_diag("%s: worst ahead of the syscall %lld us paced, %lld us with the fast switches", mode,
		 (long long)paced / 1000, (long long)ahead / 1000);
	tap_ok(sw >= SWITCHES / 2 && reads > 1000 && back == 0,
	       "%s: the library's MONOTONIC and BOOTTIME never went backwards on either vCPU (worst %lld ns)",
	       mode, (long long)back);
	tap_ok(paced <= AHEAD_MAX_NS,
	       "%s: switching every 20-300 ms the page was at most %lld us ahead of the syscall (worst %lld us)",
	       mode, AHEAD_MAX_NS / 1000, (long long)paced / 1000);
	tap_ok(settle_worst <= AHEAD_MAX_NS / 10,
	       "%s: one interval after the last switch at most %lld us ahead (worst %lld us)", mode,
	       AHEAD_MAX_NS / 10000, (long long)settle_worst / 1000);
}

int main(void)
{
	char avail[256], orig[32], cs[4][32], *tok, *save;
	int ncs = 0, err;

	tap_header();
	err = vclock_init(VCLOCK_STRATEGY_FAULT);
	if (err)
		tap_bail("vclock_init: %s (is the module loaded?)", strerror(-err));
	if (!read_line(CS_DIR "available_clocksource", avail, sizeof(avail)) ||
	    !read_line(CS_DIR "current_clocksource", orig, sizeof(orig)))
		tap_bail("no clocksource sysfs");
	for (tok = strtok_r(avail, " ", &save); tok && ncs < 4; tok = strtok_r(NULL, " ", &save))
		snprintf(cs[ncs++], sizeof(cs[0]), "%s", tok);
	if (ncs < 2) {
		tap_skip("one clocksource only", "clocksource switches (available: %s)", avail);
		return tap_done();
	}
	run_mode("hpet", cs, ncs, orig);
	run_mode("tsc", cs, ncs, orig);
	vt_param_write("clock_mode", "auto");
	return tap_done();
}
