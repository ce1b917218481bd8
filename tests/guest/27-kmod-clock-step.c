// SPDX-License-Identifier: GPL-2.0
/*
 * 27-kmod-clock-step - clock steps with a long update interval.
 *
 * With update_us=1000000 and a +3600 s step, most reads had REALTIME <
 * REALTIME_COARSE (the README's regression table has the count): the
 * pvclock_gtod notifier republished the coarse clocks at once, REALTIME
 * only at the next hrtimer update. Now the
 * notifier rebases REALTIME, BOOTTIME and TAI when the kernel's offsets
 * change, so right after a step (settimeofday, ADJ_TAI) the page agrees with
 * the kernel, and REALTIME read after REALTIME_COARSE is never below it.
 * Also: lowering update_us took effect only after the interval already
 * armed (up to a second); now at once.
 * Leaves update_us at 4000 and the clock as it found it (less the drift).
 */
#include <pthread.h>
#include <sys/timex.h>

#include <vclock.h>

#include "vclock_test.h"
#include "vclock_clocks.h"

#define LONG_US		"1000000"
#define STEP_S		3600
#define NEAR_NS		2000000ll	/* 2 ms: far below a 1 s interval */

static atomic_int stop;
static atomic_long reads, below;
static atomic_llong worst_below;

/* REALTIME_COARSE, then REALTIME: the second may never be the smaller. */
static void *coarse_reader(void *arg)
{
	long n = 0, bad = 0;
	int64_t worst = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		int64_t c = vc_lib_ns(CLOCK_REALTIME_COARSE), h = vc_lib_ns(CLOCK_REALTIME);

		n++;
		if (h < c) {
			bad++;
			if (c - h > worst)
				worst = c - h;
		}
	}
	atomic_store(&reads, n);
	atomic_store(&below, bad);
	atomic_store(&worst_below, worst);
	return NULL;
}

static void step(int64_t s, const char *what)
{
	struct timespec ts;
	int64_t d_real, d_boot;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	if (!tap_ok(clock_settime(CLOCK_REALTIME, &ts) == 0, "%s: clock_settime", what))
		return;
	/* At once: no interval of ours has passed (1 s), only this call. */
	d_real = vc_lib_ns(CLOCK_REALTIME) - vc_sys_ns(CLOCK_REALTIME);
	d_boot = vc_lib_ns(CLOCK_BOOTTIME) - vc_sys_ns(CLOCK_BOOTTIME);
	tap_ok(llabs(d_real) < NEAR_NS,
	       "%s: REALTIME on the page follows at once (%lld us from the syscall's)", what,
	       (long long)d_real / 1000);
	tap_ok(llabs(d_boot) < NEAR_NS, "%s: BOOTTIME unaffected (%lld us)", what,
	       (long long)d_boot / 1000);
}

static void check_tai(void)
{
	struct timex tx = { .modes = ADJ_TAI, .constant = 37 }, old = { 0 };
	int64_t diff;

	adjtimex(&old);
	if (!tap_ok(adjtimex(&tx) >= 0, "adjtimex(ADJ_TAI, 37)"))
		return;
	diff = vc_lib_ns(CLOCK_TAI) - vc_lib_ns(CLOCK_REALTIME);
	tap_ok(llabs(diff - 37000000000ll) < NEAR_NS,
	       "ADJ_TAI: TAI - REALTIME on the page is 37 s at once (%lld us)", (long long)diff / 1000);
	diff = vc_lib_ns(CLOCK_TAI) - vc_sys_ns(CLOCK_TAI);
	tap_ok(llabs(diff) < NEAR_NS, "ADJ_TAI: TAI on the page agrees with the syscall (%lld us)",
	       (long long)diff / 1000);
	tx.constant = old.tai;
	adjtimex(&tx);
}

static void check_update_us_lowered(void)
{
	long u0, u1;

	vt_param_write("update_us", LONG_US);
	usleep(200000);		/* the 1 s timer is armed now */
	u0 = vt_status_value("updates:");
	vt_param_write("update_us", "1000");
	usleep(100000);
	u1 = vt_status_value("updates:");
	tap_ok(u0 >= 0 && u1 - u0 >= 20,
	       "lowering update_us from 1 s to 1 ms takes effect at once (%ld updates in 100 ms)",
	       u1 - u0);
}

int main(void)
{
	pthread_t t;
	int err;

	tap_header();
	err = vclock_init(VCLOCK_STRATEGY_FAULT);
	if (err)
		tap_bail("vclock_init: %s (is the module loaded?)", strerror(-err));
	if (vclock_clock_mode() == VCLOCK_MODE_NONE)
		tap_bail("the page is in mode none: nothing to read");
	if (vt_param_write("update_us", LONG_US))
		tap_bail("cannot set update_us=" LONG_US);
	usleep(100000);

	pthread_create(&t, NULL, coarse_reader, NULL);
	usleep(100000);
	step(STEP_S, "step +3600 s");
	usleep(300000);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	/* Forward only: across a backward step a later read is rightly smaller. */
	tap_ok(atomic_load(&reads) > 1000 && atomic_load(&below) == 0,
	       "REALTIME read after REALTIME_COARSE never below it across the step (%ld of %ld reads, worst %lld us)",
	       atomic_load(&below), atomic_load(&reads), (long long)atomic_load(&worst_below) / 1000);
	step(-STEP_S, "step -3600 s");
	tap_ok(vt_status_value("offset_rebases:") >= 2, "status: offset_rebases %ld",
	       vt_status_value("offset_rebases:"));
	check_tai();
	check_update_us_lowered();
	vt_param_write("update_us", "4000");
	return tap_done();
}
