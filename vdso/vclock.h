/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vclock.h - the reader library's public API (libvclock.so, libvclock.a).
 *
 * The clock functions behave like the x86-64 vDSO's: they return 0 or a
 * NEGATIVE errno (errno is never touched), serve REALTIME, MONOTONIC,
 * BOOTTIME, TAI, MONOTONIC_RAW, REALTIME_COARSE and MONOTONIC_COARSE from
 * /dev/vclock's data page, and hand every other clock id, the NONE counter
 * mode and a missing module to the system call, so their results are always
 * the system call's. libvclock.so also exports them as __vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time and __vdso_clock_getres (LINUX_2.6).
 *
 * First use maps /dev/vclock lazily (any thread, any clock function): it
 * opens the device, maps it with the chosen strategy, closes the fd (a
 * checkpointing tool then sees only the mapping) and checks the page's magic
 * and layout version. While one thread maps, the others use the system call.
 * A failure is remembered: the library tries again only on every 1024th
 * fallback call after it, and then only if at least one second (syscall
 * CLOCK_MONOTONIC_COARSE) has passed since the last attempt. vclock_init()
 * tries at once.
 */
#ifndef VCLOCK_H
#define VCLOCK_H

#include <sys/time.h>
#include <time.h>

#include "vclock_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How far first use got. */
enum vclock_lib_state {
	VCLOCK_LIB_UNMAPPED = 0,	/* nothing tried yet */
	VCLOCK_LIB_MAPPING = 1,		/* a thread is mapping right now */
	VCLOCK_LIB_MAPPED = 2,		/* reading from the page */
	VCLOCK_LIB_FAILED = 3,		/* last attempt failed: system calls */
};

struct vclock_status {
	int state;			/* enum vclock_lib_state */
	int error;			/* last failed attempt's -errno, else 0 */
	unsigned int strategy;		/* of the mapping, or of the next attempt */
	int clock_mode;			/* the page's enum vclock_mode; -1 unmapped */
	unsigned long attempts;		/* how often the library tried to map */
	const void *data;		/* the data page; NULL unless mapped */
	const void *hpet;		/* the HPET page; NULL unless mapped */
};

/*
 * Map /dev/vclock now with @strategy (enum vclock_strategy). 0 on success or
 * if already mapped with that strategy; -EBUSY if mapped with another one;
 * -EINVAL for an unknown strategy; else the attempt's -errno: -ENOENT (no
 * module), -EOPNOTSUPP (strategy not offered), -EPROTO (magic or layout
 * version of the page differ from this library's).
 */
int vclock_init(unsigned int strategy);

/* The strategy the lazy first use will map with (default fault). */
int vclock_set_strategy(unsigned int strategy);

/* The library's state; never maps. */
void vclock_status(struct vclock_status *st);

/* The page's counter mode (enum vclock_mode), or -errno if not mapped. */
int vclock_clock_mode(void);

/* The mapped data page (for checks and snapshots), or NULL. */
const struct vclock_data *vclock_data_page(void);

int vclock_clock_gettime(clockid_t id, struct timespec *ts);
int vclock_clock_getres(clockid_t id, struct timespec *res);
int vclock_gettimeofday(struct timeval *tv, struct timezone *tz);
time_t vclock_time(time_t *t);

#ifdef __cplusplus
}
#endif

#endif /* VCLOCK_H */
