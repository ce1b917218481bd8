// SPDX-License-Identifier: GPL-2.0
/*
 * 40-vdso-abi - /opt/vclock/lib/libvclock.so as a program loading it sees
 * it: the four vDSO names bind under version LINUX_2.6 and are the vclock_*
 * functions, internals are invisible, the first call maps lazily and leaves
 * no fd, results are 0 or a negative errno with errno untouched, invalid
 * ids are -EINVAL, and bad output pointers behave as with the vDSO: a
 * served clock writes from user space (SIGSEGV), a fallback returns -EFAULT.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include "vclock.h"
#include "vclock_child.h"
#include "vclock_test.h"

#define LIB	"/opt/vclock/lib/libvclock.so"

static int (*lib_gettime)(clockid_t, struct timespec *);
static int (*lib_getres)(clockid_t, struct timespec *);
static int (*lib_gettimeofday)(struct timeval *, struct timezone *);
static time_t (*lib_time)(time_t *);
static void (*lib_status)(struct vclock_status *);

#define SET_FN(dst, ptr)	memcpy(&(dst), &(void *){ (ptr) }, sizeof(dst))

static void test_symbols(void *h)
{
	static const char *const names[] = { "clock_gettime", "gettimeofday", "time",
					     "clock_getres" };
	char vdso[64], api[64];
	void *a, *b;
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(vdso, sizeof(vdso), "__vdso_%s", names[i]);
		snprintf(api, sizeof(api), "vclock_%s", names[i]);
		a = dlvsym(h, vdso, "LINUX_2.6");
		b = dlvsym(h, api, "VCLOCK_1");
		tap_ok(a && a == b, "%s@LINUX_2.6 is %s@VCLOCK_1 (%p, %p)", vdso, api, a, b);
		tap_ok(!dlvsym(h, vdso, "LINUX_2.5"), "%s has no other version", vdso);
	}
	tap_ok(dlvsym(h, "vclock_init", "VCLOCK_1") && dlvsym(h, "vclock_status", "VCLOCK_1") &&
	       dlvsym(h, "vclock_set_strategy", "VCLOCK_1") &&
	       dlvsym(h, "vclock_clock_mode", "VCLOCK_1") &&
	       dlvsym(h, "vclock_data_page", "VCLOCK_1"), "the control API binds under VCLOCK_1");
	tap_ok(!dlsym(h, "vclock_lib") && !dlsym(h, "vclock_lib_first_use") &&
	       !dlsym(h, "vclock_lib_init"), "internal symbols are not exported");
	SET_FN(lib_gettime, dlvsym(h, "__vdso_clock_gettime", "LINUX_2.6"));
	SET_FN(lib_getres, dlvsym(h, "__vdso_clock_getres", "LINUX_2.6"));
	SET_FN(lib_gettimeofday, dlvsym(h, "__vdso_gettimeofday", "LINUX_2.6"));
	SET_FN(lib_time, dlvsym(h, "__vdso_time", "LINUX_2.6"));
	SET_FN(lib_status, dlsym(h, "vclock_status"));
	if (!lib_gettime || !lib_getres || !lib_gettimeofday || !lib_time || !lib_status)
		tap_bail("libvclock.so lacks its functions");
}

static void test_lazy_and_errno(void)
{
	static const int bad[] = { -1, INT_MIN, INT_MAX, 10, 12 };
	struct vclock_status st;
	struct timespec ts;
	size_t i;

	lib_status(&st);
	tap_ok(st.state == VCLOCK_LIB_UNMAPPED && !vt_count_vmas(),
	       "loaded but unused: nothing mapped (state %d)", st.state);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 777;
		tap_ok(lib_gettime(bad[i], &ts) == -EINVAL && lib_getres(bad[i], &ts) == -EINVAL &&
		       errno == 777, "id %d: clock_gettime and clock_getres return -EINVAL, "
		       "errno untouched", bad[i]);
	}
	lib_status(&st);
	tap_ok(st.state == VCLOCK_LIB_UNMAPPED, "invalid ids do not map the device");
	errno = 777;
	tap_ok(!lib_gettime(CLOCK_MONOTONIC, &ts) && errno == 777, "clock_gettime returns 0");
	lib_status(&st);
	tap_ok(st.state == VCLOCK_LIB_MAPPED && vt_count_vmas() == 1,
	       "the first served call mapped the device (state %d, %d VMA)", st.state,
	       vt_count_vmas());
	tap_ok(!lib_gettimeofday(NULL, NULL) && !lib_getres(CLOCK_MONOTONIC, NULL),
	       "NULL tv, tz and res are accepted");
}

/* ---- bad pointers, each in a child ---- */

enum call { GT_MONO, GT_COARSE, GT_RAW, GT_CPU, GR_MONO, GTOD_TV, GTOD_TZ, TIME, NR_CALLS };
static const char *const call_names[NR_CALLS] = {
	"clock_gettime(MONOTONIC)", "clock_gettime(MONOTONIC_COARSE)",
	"clock_gettime(MONOTONIC_RAW)", "clock_gettime(PROCESS_CPUTIME_ID)",
	"clock_getres(MONOTONIC)", "gettimeofday(p, NULL)", "gettimeofday(&tv, p)", "time(p)",
};
/* Served from the page: the library itself writes, so a bad pointer faults. */
static const int served[NR_CALLS] = { 1, 1, 1, 0, 1, 1, 1, 1 };

struct abi_case {
	enum call call;
	void *p;
};

static long do_call(enum call c, void *p)
{
	struct timeval tv;

	switch (c) {
	case GT_MONO:
		return lib_gettime(CLOCK_MONOTONIC, p);
	case GT_COARSE:
		return lib_gettime(CLOCK_MONOTONIC_COARSE, p);
	case GT_RAW:
		return lib_gettime(CLOCK_MONOTONIC_RAW, p);
	case GT_CPU:
		return lib_gettime(CLOCK_PROCESS_CPUTIME_ID, p);
	case GR_MONO:
		return lib_getres(CLOCK_MONOTONIC, p);
	case GTOD_TV:
		return lib_gettimeofday(p, NULL);
	case GTOD_TZ:
		return lib_gettimeofday(&tv, p);
	case TIME:
		return lib_time(p);
	case NR_CALLS:
		break;
	}
	return -ENOSYS;
}

static int outcome(const struct abi_case *c, long *ret)
{
	struct rlimit no_core = { 0, 0 };
	int pipefd[2], status;
	pid_t pid;
	long r;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		r = do_call(c->call, c->p);
		if (write(pipefd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	*ret = 0;
	if (!WIFSIGNALED(status) && read(pipefd[0], ret, sizeof(*ret)) != sizeof(*ret))
		*ret = -ENOSYS;
	close(pipefd[0]);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void test_bad_pointers(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	void *none = mmap(NULL, psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *ro = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *ptrs[] = { (void *)-1L, none, ro };
	static const char *const ptr_names[] = { "(void *)-1", "PROT_NONE", "PROT_READ" };
	struct abi_case c;
	long ret;
	int sig, p;

	for (c.call = 0; c.call < NR_CALLS; c.call++) {
		for (p = 0; p < 3; p++) {
			c.p = ptrs[p];
			sig = outcome(&c, &ret);
			if (served[c.call])
				tap_ok(sig == SIGSEGV, "%s, p = %s: SIGSEGV as from the vDSO "
				       "(signal %d, ret %ld)", call_names[c.call], ptr_names[p], sig, ret);
			else
				tap_ok(!sig && ret == -EFAULT, "%s, p = %s: -EFAULT from the syscall "
				       "(signal %d, ret %ld)", call_names[c.call], ptr_names[p], sig, ret);
		}
	}
	c.call = GT_MONO;
	c.p = NULL;
	sig = outcome(&c, &ret);
	tap_ok(sig == SIGSEGV, "clock_gettime(MONOTONIC, NULL): SIGSEGV (signal %d)", sig);
	c.call = GT_CPU;
	sig = outcome(&c, &ret);
	tap_ok(!sig && ret == -EFAULT, "clock_gettime(PROCESS_CPUTIME_ID, NULL): -EFAULT (%ld)", ret);
}

int main(void)
{
	void *h;

	tap_header();
	if (access(VCLOCK_DEVICE, R_OK))
		tap_bail(VCLOCK_DEVICE " missing \u2014 load the module (vm/run --load)");
	h = dlopen(LIB, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		tap_bail("dlopen %s: %s", LIB, dlerror());
	test_symbols(h);
	test_lazy_and_errno();
	test_bad_pointers();
	return tap_done();
}
