// SPDX-License-Identifier: GPL-2.0
/*
 * lib_fallback - libvclock where /dev/vclock does not exist (the host): the
 * state machine, the results of every clock function against the system
 * calls, errno never touched, the control API's errors, and the retry
 * policy (not more than one attempt per 1024 calls and per second).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"
#include "vclock_clocks.h"
#include "vclock.h"

#define ERRNO_SENTINEL	12345

static void test_first_use(void)
{
	struct vclock_status st;
	struct timespec a, b, c;
	int ret;

	vclock_status(&st);
	tap_ok(st.state == VCLOCK_LIB_UNMAPPED && st.attempts == 0 && !st.data,
	       "before any call: unmapped, no attempt (state %d, %lu)", st.state, st.attempts);
	sys_gettime(CLOCK_MONOTONIC, &a);
	ret = vclock_clock_gettime(CLOCK_MONOTONIC, &b);
	sys_gettime(CLOCK_MONOTONIC, &c);
	tap_ok(!ret && ts_le(&a, &b) && ts_le(&b, &c),
	       "first call falls back and reads between two syscalls");
	vclock_status(&st);
	tap_ok(st.state == VCLOCK_LIB_FAILED && st.error == -ENOENT && st.attempts == 1 &&
	       st.clock_mode == -1 && !st.data && !st.hpet,
	       "after it: failed with -ENOENT, one attempt (state %d, error %d, %lu)",
	       st.state, st.error, st.attempts);
	tap_ok(vclock_clock_mode() == -ENOENT, "vclock_clock_mode() is -ENOENT");
	tap_ok(vclock_data_page() == NULL, "vclock_data_page() is NULL");
}

static void test_every_id(void)
{
	static const int ids[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1,
				   INT_MIN, INT_MAX };
	struct timespec a, b, c, ra, rb;
	int i, r1, r2, r3, g1, g2;

	for (i = 0; i < (int)(sizeof(ids) / sizeof(ids[0])); i++) {
		r1 = sys_gettime(ids[i], &a);
		errno = ERRNO_SENTINEL;
		r2 = vclock_clock_gettime(ids[i], &b);
		tap_ok(errno == ERRNO_SENTINEL, "id %d: errno untouched", ids[i]);
		r3 = sys_gettime(ids[i], &c);
		g1 = sys_getres(ids[i], &ra);
		g2 = vclock_clock_getres(ids[i], &rb);
		tap_ok(r1 == r2 && r2 == r3 && g1 == g2 &&
		       (g1 || (ra.tv_sec == rb.tv_sec && ra.tv_nsec == rb.tv_nsec)),
		       "id %d: gettime %d (syscall %d), getres %d (syscall %d)", ids[i], r2,
		       r1, g2, g1);
	}
}

static void test_others(void)
{
	struct timeval tv;
	struct timezone tz, stz;
	time_t t = 0, r, s0, s1;

	syscall(SYS_gettimeofday, NULL, &stz);
	tap_ok(!vclock_gettimeofday(&tv, &tz) && tz.tz_minuteswest == stz.tz_minuteswest &&
	       tz.tz_dsttime == stz.tz_dsttime, "gettimeofday with tz");
	tap_ok(!vclock_gettimeofday(&tv, NULL) && !vclock_gettimeofday(NULL, NULL),
	       "gettimeofday with NULL tz, NULL tv");
	tap_ok(vclock_gettimeofday((void *)-1, NULL) == -EFAULT,
	       "gettimeofday with a bad tv is -EFAULT from the syscall");
	s0 = syscall(SYS_time, NULL);
	r = vclock_time(&t);
	s1 = syscall(SYS_time, NULL);
	tap_ok(r == t && s0 <= r && r <= s1, "time() %lld stored and between %lld and %lld",
	       (long long)r, (long long)s0, (long long)s1);
	tap_ok(vclock_time((void *)-1) == -EFAULT, "time() with a bad pointer is -EFAULT");
}

static void test_control(void)
{
	struct vclock_status st;
	unsigned long before;

	vclock_status(&st);
	before = st.attempts;
	tap_ok(vclock_init(VCLOCK_NR_STRATEGIES) == -EINVAL, "vclock_init(5) is -EINVAL");
	tap_ok(vclock_init(VCLOCK_STRATEGY_FAULT) == -ENOENT, "vclock_init(fault) is -ENOENT");
	vclock_status(&st);
	tap_ok(st.attempts == before + 1, "vclock_init tries at once (%lu -> %lu attempts)",
	       before, st.attempts);
	tap_ok(vclock_set_strategy(99) == -EINVAL, "vclock_set_strategy(99) is -EINVAL");
	tap_ok(!vclock_set_strategy(VCLOCK_STRATEGY_SPLIT), "vclock_set_strategy(split)");
	vclock_status(&st);
	tap_ok(st.strategy == VCLOCK_STRATEGY_SPLIT, "status reports strategy %u",
	       st.strategy);
	vclock_set_strategy(VCLOCK_STRATEGY_FAULT);
}

static void calls(int n)
{
	struct timespec ts;

	while (n--)
		vclock_clock_gettime(CLOCK_MONOTONIC, &ts);
}

static unsigned long attempts(void)
{
	struct vclock_status st;

	vclock_status(&st);
	return st.attempts;
}

/*
 * A failed attempt resets the call counter; a retry is considered on calls
 * 1024, 2048, ... after it, and made only if a second has passed.
 */
static void test_retry_policy(void)
{
	unsigned long a0, a1, a2;

	vclock_init(VCLOCK_STRATEGY_FAULT);	/* fails: counter 0, clock started */
	a0 = attempts();
	calls(5000);				/* passes 1024..4096 within a second */
	a1 = attempts();
	tap_ok(a1 == a0, "5000 calls within a second of the last attempt: no retry (%lu -> %lu)",
	       a0, a1);
	usleep(1100 * 1000);
	calls(5119 - 5000);
	tap_ok(attempts() == a1, "a second later, up to call 5119: still no retry");
	calls(1);
	a2 = attempts();
	tap_ok(a2 == a1 + 1, "call 5120 (a multiple of 1024) retries (%lu -> %lu)", a1, a2);
	calls(1023);
	tap_ok(attempts() == a2, "the next 1023 calls do not (%lu)", attempts());
	calls(1);
	tap_ok(attempts() == a2, "nor the 1024th, within a second of that retry (%lu)",
	       attempts());
}

static void *thread_main(void *arg)
{
	struct timespec ts;
	int i, *fails = arg;

	for (i = 0; i < 2000; i++)
		if (vclock_clock_gettime(CLOCK_REALTIME, &ts))
			__atomic_add_fetch(fails, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[8];
	int i, fails = 0;

	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, thread_main, &fails);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	tap_ok(!fails, "8 threads x 2000 fallback reads, %d failed", fails);
}

int main(void)
{
	struct stat st;

	tap_header();
	if (!stat(VCLOCK_DEVICE, &st)) {
		tap_skip(VCLOCK_DEVICE " exists on this machine", "fallback tests");
		return tap_done();
	}
	test_first_use();
	test_every_id();
	test_others();
	test_control();
	test_retry_policy();
	test_threads();
	return tap_done();
}
