/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock_api.h - one set of vDSO-style clock functions to verify: the
 * built-in libvclock, any shared object exporting the vDSO names, or the
 * kernel's own vDSO; and the system calls they are checked against, with
 * the same conventions (0 or a negative errno).
 */
#ifndef CLOCK_API_H
#define CLOCK_API_H

#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#include "vclock.h"

struct clock_api {
	char name[256];
	int (*clock_gettime)(clockid_t, struct timespec *);
	int (*clock_getres)(clockid_t, struct timespec *);
	int (*gettimeofday)(struct timeval *, struct timezone *);
	time_t (*time)(time_t *);
	/* libvclock's control API, when the object has it; else NULL */
	int (*init)(unsigned int);
	void (*status)(struct vclock_status *);
	const struct vclock_data *(*data_page)(void);
};

void clock_api_builtin(struct clock_api *api);

/* 0, or -1 with a message in @err. */
int clock_api_dlopen(const char *path, struct clock_api *api, char *err, size_t size);
int clock_api_vdso(struct clock_api *api, char *err, size_t size);

/* The system calls, returning 0 (time: the time) or -errno. */
int sys_clock_gettime(clockid_t id, struct timespec *ts);
int sys_clock_getres(clockid_t id, struct timespec *res);
int sys_gettimeofday(struct timeval *tv, struct timezone *tz);
time_t sys_time(time_t *t);

#endif /* CLOCK_API_H */
