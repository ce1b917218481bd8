// SPDX-License-Identifier: GPL-2.0
/*
 * clock_api.c - loading the clock functions under test, and the system
 * calls that are the reference.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock_api.h"
#include "elf_lookup.h"

#define VDSO_VERSION	"LINUX_2.6"

void clock_api_builtin(struct clock_api *api)
{
	memset(api, 0, sizeof(*api));
	snprintf(api->name, sizeof(api->name), "libvclock (built in)");
	api->clock_gettime = vclock_clock_gettime;
	api->clock_getres = vclock_clock_getres;
	api->gettimeofday = vclock_gettimeofday;
	api->time = vclock_time;
	api->init = vclock_init;
	api->status = vclock_status;
	api->data_page = vclock_data_page;
}

/* Object pointers to function pointers, as POSIX dlsym() allows. */
#define SET_FN(dst, ptr)	memcpy(&(dst), &(void *){ (ptr) }, sizeof(dst))

static void *dl_symbol(void *h, const char *name, const char *version)
{
	void *p = version ? dlvsym(h, name, version) : NULL;

	return p ? p : dlsym(h, name);
}

int clock_api_dlopen(const char *path, struct clock_api *api, char *err, size_t size)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	void *gt, *gr, *gtod, *t;

	memset(api, 0, sizeof(*api));
	if (!h) {
		snprintf(err, size, "cannot load %s: %s", path, dlerror());
		return -1;
	}
	gt = dl_symbol(h, "__vdso_clock_gettime", VDSO_VERSION);
	gr = dl_symbol(h, "__vdso_clock_getres", VDSO_VERSION);
	gtod = dl_symbol(h, "__vdso_gettimeofday", VDSO_VERSION);
	t = dl_symbol(h, "__vdso_time", VDSO_VERSION);
	if (!gt || !gr || !gtod || !t) {
		snprintf(err, size, "%s does not export all of __vdso_clock_gettime, "
			 "__vdso_clock_getres, __vdso_gettimeofday, __vdso_time", path);
		dlclose(h);
		return -1;
	}
	snprintf(api->name, sizeof(api->name), "%s", path);
	SET_FN(api->clock_gettime, gt);
	SET_FN(api->clock_getres, gr);
	SET_FN(api->gettimeofday, gtod);
	SET_FN(api->time, t);
	SET_FN(api->init, dlsym(h, "vclock_init"));
	SET_FN(api->status, dlsym(h, "vclock_status"));
	SET_FN(api->data_page, dlsym(h, "vclock_data_page"));
	return 0;	/* the handle stays open for the life of the process */
}

int clock_api_vdso(struct clock_api *api, char *err, size_t size)
{
	const void *base = elf_vdso_base();
	void *gt, *gr, *gtod, *t;

	memset(api, 0, sizeof(*api));
	if (!base) {
		snprintf(err, size, "this process has no vDSO (AT_SYSINFO_EHDR is 0)");
		return -1;
	}
	gt = elf_lookup(base, "__vdso_clock_gettime", VDSO_VERSION);
	gr = elf_lookup(base, "__vdso_clock_getres", VDSO_VERSION);
	gtod = elf_lookup(base, "__vdso_gettimeofday", VDSO_VERSION);
	t = elf_lookup(base, "__vdso_time", VDSO_VERSION);
	if (!gt || !gr || !gtod || !t) {
		snprintf(err, size, "the vDSO at %p lacks one of the four " VDSO_VERSION
			 " clock functions", base);
		return -1;
	}
	snprintf(api->name, sizeof(api->name), "vdso (the kernel's, at %p)", base);
	SET_FN(api->clock_gettime, gt);
	SET_FN(api->clock_getres, gr);
	SET_FN(api->gettimeofday, gtod);
	SET_FN(api->time, t);
	return 0;
}

static int neg_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

int sys_clock_gettime(clockid_t id, struct timespec *ts)
{
	return neg_errno(syscall(SYS_clock_gettime, id, ts));
}

int sys_clock_getres(clockid_t id, struct timespec *res)
{
	return neg_errno(syscall(SYS_clock_getres, id, res));
}

int sys_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	return neg_errno(syscall(SYS_gettimeofday, tv, tz));
}

time_t sys_time(time_t *t)
{
	long ret = syscall(SYS_time, t);

	return ret < 0 ? -errno : ret;
}
