// SPDX-License-Identifier: GPL-2.0
/*
 * report_common.c - see report.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"

static const char *const cache_names[] = VCLOCK_CACHE_NAMES;
int failures;

void fact(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s\t", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

const char *cache_name(unsigned int c)
{
	return c < sizeof(cache_names) / sizeof(cache_names[0]) ? cache_names[c] : "?";
}

/* The whole layout of @strategy with lab mode @lab: one VMA, two for split. */
int map_layout(int fd, unsigned int strategy, unsigned int lab, char **base)
{
	size_t len = strategy == VCLOCK_STRATEGY_SPLIT ?
		     VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE : VCLOCK_MAP_SIZE;
	char *p;

	p = mmap(NULL, VCLOCK_MAP_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (mmap(p, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
		 VCLOCK_MMAP_OFFSET(strategy, lab, 0)) == MAP_FAILED ||
	    (strategy == VCLOCK_STRATEGY_SPLIT &&
	     mmap(p + len, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
		  VCLOCK_MMAP_OFFSET(strategy, lab, VCLOCK_PAGE_HPET)) == MAP_FAILED)) {
		int err = -errno;

		munmap(p, VCLOCK_MAP_SIZE);
		return err;
	}
	*base = p;
	return 0;
}

int query_self(int fd, struct vclock_pte_info *e, unsigned int max)
{
	struct vclock_query q = {
		.pid = 0, .max_entries = max, .entries = (uintptr_t)e,
	};

	if (ioctl(fd, VCLOCK_IOC_QUERY, &q))
		return -errno;
	return (int)(q.nr_entries < max ? q.nr_entries : max);
}

long long kpagecount(uint64_t pfn)
{
	int fd = pfn ? open("/proc/kpagecount", O_RDONLY | O_CLOEXEC) : -1;
	uint64_t count;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &count, sizeof(count), (off_t)(pfn * sizeof(count)));
	close(fd);
	return n == sizeof(count) ? (long long)count : -1;
}
