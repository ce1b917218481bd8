// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-cr-clockloop - checkpoint/restore case: an ordinary C program that
 * knows nothing of vclock (tap.h and the ready file of the test library
 * are all it shares with the other cases). It calls libc's clock_gettime(CLOCK_MONOTONIC)
 * in a loop until SIGUSR1, then reports (TAP) whether its clock ever went
 * backwards and how far it jumped at most (across a checkpoint: the
 * downtime). The runner starts it under LD_PRELOAD=vclock-preload.so and
 * looks at its mapping and its system calls from the outside.
 *
 *   vclock-cr-clockloop READY-FILE [INTERVAL-MS]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "test_ready.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	long long prev, t, step, max_step = 0;
	unsigned long reads = 0, backwards = 0, failures = 0;
	struct timespec pause = { 0, 0 };

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vclock-cr-clockloop READY-FILE [INTERVAL-MS]\n");
		return 2;
	}
	pause.tv_nsec = (argc == 3 ? atol(argv[2]) : 2) * 1000000L;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prev = now_ns();
	if (vt_write_ready(argv[1], NULL))
		return 1;
	while (!stop) {
		t = now_ns();
		if (t >= 0) {
			step = t - prev;
			backwards += step < 0;
			if (step > max_step)
				max_step = step;
			prev = t;
			reads++;
		} else {
			failures++;
		}
		nanosleep(&pause, NULL);
	}
	tap_header();
	tap_ok(!backwards && !failures && reads > 1, "clock_gettime(CLOCK_MONOTONIC) never went "
	       "backwards (%lu reads, %lu backwards, %lu failed)", reads, backwards, failures);
	tap_diag("downtime: largest step between consecutive reads %.1f ms", max_step / 1e6);
	return tap_done();
}
