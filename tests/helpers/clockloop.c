// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-clockloop - an ordinary libc program that reads clocks, for the
 * preload tests: run it under strace -c with and without LD_PRELOAD and
 * count the clock system calls it makes. It knows nothing of vclock.
 *
 *   vclock-clockloop ID N          N x clock_gettime(ID); never backwards
 *   vclock-clockloop getres ID N   N x clock_getres(ID)
 *   vclock-clockloop gettimeofday N
 *   vclock-clockloop time N
 *   vclock-clockloop semantics     libc's return/errno conventions
 *   vclock-clockloop vmas          read a clock, print the /dev/vclock VMA count
 *
 * Exit status 0 if all went as libc promises, 1 if not, 2 on bad usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int fail(const char *what)
{
	printf("clockloop: FAIL %s (errno %d)\n", what, errno);
	return 1;
}

static int loop_gettime(clockid_t id, long n)
{
	struct timespec first = { 0, 0 }, prev = { 0, 0 }, t;
	long i;

	for (i = 0; i < n; i++) {
		if (clock_gettime(id, &t))
			return fail("clock_gettime");
		if (i && (t.tv_sec < prev.tv_sec ||
			  (t.tv_sec == prev.tv_sec && t.tv_nsec < prev.tv_nsec)))
			return fail("clock went backwards");
		if (!i)
			first = t;
		prev = t;
	}
	printf("clockloop: %ld reads of clock %d, %lld.%09ld .. %lld.%09ld\n", n, (int)id,
	       (long long)first.tv_sec, first.tv_nsec, (long long)prev.tv_sec, prev.tv_nsec);
	return 0;
}

static int loop_getres(clockid_t id, long n)
{
	struct timespec r;
	long i;

	for (i = 0; i < n; i++)
		if (clock_getres(id, &r))
			return fail("clock_getres");
	printf("clockloop: %ld x getres of clock %d: %ld ns\n", n, (int)id, r.tv_nsec);
	return 0;
}

static int loop_gettimeofday(long n)
{
	struct timeval tv, prev = { 0, 0 };
	long i;

	for (i = 0; i < n; i++) {
		if (gettimeofday(&tv, NULL))
			return fail("gettimeofday");
		if (tv.tv_sec < prev.tv_sec ||
		    (tv.tv_sec == prev.tv_sec && tv.tv_usec < prev.tv_usec))
			return fail("gettimeofday went backwards");
		prev = tv;
	}
	printf("clockloop: %ld x gettimeofday, last %lld.%06ld\n", n, (long long)tv.tv_sec,
	       (long)tv.tv_usec);
	return 0;
}

static int loop_time(long n)
{
	time_t t = 0, prev = 0;
	long i;

	for (i = 0; i < n; i++) {
		t = time(NULL);
		if (t < prev)
			return fail("time went backwards");
		prev = t;
	}
	printf("clockloop: %ld x time, last %lld\n", n, (long long)t);
	return 0;
}

static int semantics(void)
{
	static const clockid_t bad[] = { -1, INT_MIN, INT_MAX, 10, 12 };
	struct timespec ts;
	struct timeval tv;
	struct timezone tz;
	time_t a, b;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (clock_gettime(bad[i], &ts) != -1 || errno != EINVAL)
			return fail("clock_gettime(bad id) is -1/EINVAL");
		errno = 0;
		if (clock_getres(bad[i], &ts) != -1 || errno != EINVAL)
			return fail("clock_getres(bad id) is -1/EINVAL");
	}
	errno = 4242;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) || errno != 4242)
		return fail("clock_gettime succeeds and leaves errno alone");
	if (clock_getres(CLOCK_MONOTONIC, NULL) || clock_getres(CLOCK_REALTIME_COARSE, &ts))
		return fail("clock_getres with NULL and coarse");
	if (gettimeofday(&tv, NULL) || gettimeofday(&tv, &tz))
		return fail("gettimeofday with and without tz");
	a = time(&b);
	if (a != b || a < tv.tv_sec - 1)
		return fail("time() returns what it stores");
	printf("clockloop: libc semantics hold\n");
	return 0;
}

static int vmas(void)
{
	struct timespec ts;
	char line[512];
	int n = 0;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "/dev/vclock") != NULL;
	if (f)
		fclose(f);
	printf("vmas=%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "semantics"))
		return semantics();
	if (argc == 2 && !strcmp(argv[1], "vmas"))
		return vmas();
	if (argc == 3 && !strcmp(argv[1], "gettimeofday"))
		return loop_gettimeofday(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "time"))
		return loop_time(atol(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "getres"))
		return loop_getres(atoi(argv[2]), atol(argv[3]));
	if (argc == 3)
		return loop_gettime(atoi(argv[1]), atol(argv[2]));
	fprintf(stderr, "usage: vclock-clockloop ID N | getres ID N | gettimeofday N | time N |"
		" semantics | vmas\n");
	return 2;
}
