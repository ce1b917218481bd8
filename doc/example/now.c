// SPDX-License-Identifier: GPL-2.0
/*
 * now.c - the README's example reader. It reads CLOCK_MONOTONIC twice and
 * says whether the time came through a /dev/vclock mapping in this process
 * (its /proc/self/maps): exit 0 if so, 1 if not.
 *
 * Two builds (README, "Recipes in the guest"): plain, with glibc's
 * clock_gettime, to run under LD_PRELOAD=/opt/vclock/lib/vclock-preload.so;
 * or -DWITH_LIBVCLOCK, linked with libvclock.a, calling it directly.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef WITH_LIBVCLOCK
#include "vclock.h"
#define read_clock(ts)	vclock_clock_gettime(CLOCK_MONOTONIC, ts)
#else
#define read_clock(ts)	clock_gettime(CLOCK_MONOTONIC, ts)
#endif

/* The first /dev/vclock line of /proc/self/maps into @line; 0 if none. */
static int vclock_line(char *line, int size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, size, f))
		found = strstr(line, "/dev/vclock") != NULL;
	fclose(f);
	return found;
}

int main(void)
{
	struct timespec a, b;
	char line[512];

	if (read_clock(&a) || read_clock(&b)) {
		fprintf(stderr, "now: clock_gettime failed\n");
		return 1;
	}
	printf("CLOCK_MONOTONIC %lld.%09ld s, the next read %lld ns later\n", (long long)a.tv_sec,
	       a.tv_nsec, (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
	if (!vclock_line(line, (int)sizeof(line))) {
		printf("not through /dev/vclock: no mapping in /proc/self/maps\n");
		return 1;
	}
	printf("through the mapping: %s", line);
	return 0;
}
