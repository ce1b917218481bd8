// SPDX-License-Identifier: GPL-2.0
/*
 * check_abi.c - bad output pointers, each call in a forked child: NULL,
 * (void *)-1, a PROT_NONE page and a PROT_READ page. The system call's
 * answer is the reference: where it says EFAULT, the library may say
 * -EFAULT or die of SIGSEGV (as the vDSO does, since it writes from user
 * space); where it succeeds, the library must succeed too; anything else
 * must be the same negative errno.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "vclock_names.h"

enum abi_call {
	ABI_GETTIME_HRES,	/* clock_gettime(CLOCK_MONOTONIC, p) */
	ABI_GETTIME_COARSE,	/* clock_gettime(CLOCK_MONOTONIC_COARSE, p) */
	ABI_GETTIME_CPUTIME,	/* clock_gettime(CLOCK_PROCESS_CPUTIME_ID, p): a fallback */
	ABI_GETRES,		/* clock_getres(CLOCK_MONOTONIC, p) */
	ABI_GTOD_TV,		/* gettimeofday(p, NULL) */
	ABI_GTOD_TZ,		/* gettimeofday(&tv, p) */
	ABI_TIME,		/* time(p) */
	ABI_NR_CALLS,
};

static const char *const abi_call_names[ABI_NR_CALLS] = {
	"clock_gettime(CLOCK_MONOTONIC, p)",
	"clock_gettime(CLOCK_MONOTONIC_COARSE, p)",
	"clock_gettime(CLOCK_PROCESS_CPUTIME_ID, p)",
	"clock_getres(CLOCK_MONOTONIC, p)",
	"gettimeofday(p, NULL)",
	"gettimeofday(&tv, p)",
	"time(p)",
};

enum abi_ptr { PTR_NULL, PTR_MINUS_ONE, PTR_PROT_NONE, PTR_PROT_READ, PTR_NR };

static const char *const abi_ptr_names[PTR_NR] = {
	"NULL", "(void *)-1", "a PROT_NONE page", "a PROT_READ page",
};

/* What a call did: returned @ret, or was killed by @sig. */
struct outcome {
	int sig;
	long ret;
};

/* Make @call through @api, or through the system calls if @api is NULL. */
static long abi_do(const struct clock_api *api, enum abi_call call, void *p)
{
	struct timeval tv;

	switch (call) {
	case ABI_GETTIME_HRES:
		return api ? api->clock_gettime(CLOCK_MONOTONIC, p) :
			     sys_clock_gettime(CLOCK_MONOTONIC, p);
	case ABI_GETTIME_COARSE:
		return api ? api->clock_gettime(CLOCK_MONOTONIC_COARSE, p) :
			     sys_clock_gettime(CLOCK_MONOTONIC_COARSE, p);
	case ABI_GETTIME_CPUTIME:
		return api ? api->clock_gettime(CLOCK_PROCESS_CPUTIME_ID, p) :
			     sys_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, p);
	case ABI_GETRES:
		return api ? api->clock_getres(CLOCK_MONOTONIC, p) :
			     sys_clock_getres(CLOCK_MONOTONIC, p);
	case ABI_GTOD_TV:
		return api ? api->gettimeofday(p, NULL) : sys_gettimeofday(p, NULL);
	case ABI_GTOD_TZ:
		return api ? api->gettimeofday(&tv, p) : sys_gettimeofday(&tv, p);
	case ABI_TIME:
		return api ? api->time(p) : sys_time(p);
	case ABI_NR_CALLS:
		break;
	}
	return -ENOSYS;
}

static struct outcome abi_in_child(const struct clock_api *api, enum abi_call call, void *p)
{
	struct outcome o = { .sig = 0, .ret = -ENOSYS };
	struct rlimit no_core = { 0, 0 };
	int pipefd[2], status;
	pid_t pid;
	long ret;

	if (pipe(pipefd))
		return o;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		ret = abi_do(api, call, p);
		if (write(pipefd[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		if (WIFSIGNALED(status))
			o.sig = WTERMSIG(status);
		else if (read(pipefd[0], &ret, sizeof(ret)) == sizeof(ret))
			o.ret = ret;
	}
	close(pipefd[0]);
	return o;
}

static void describe(const struct outcome *o, char *buf, size_t size)
{
	if (o->sig)
		snprintf(buf, size, "killed by SIG%s", sigabbrev_np(o->sig) ?: "?");
	else if (o->ret < 0 && o->ret >= -4095)
		snprintf(buf, size, "returned -%s", strerrorname_np((int)-o->ret) ?: "?");
	else
		snprintf(buf, size, "succeeded");
}

static bool abi_acceptable(const struct outcome *sys, const struct outcome *lib)
{
	if (sys->sig)
		return false;	/* the reference itself is broken */
	if (sys->ret >= 0)
		return !lib->sig && lib->ret >= 0;
	if (sys->ret == -EFAULT)
		return lib->sig == SIGSEGV || (!lib->sig && lib->ret == -EFAULT);
	return !lib->sig && lib->ret == sys->ret;
}

void check_abi(const struct clock_api *api)
{
	long psz = sysconf(_SC_PAGESIZE);
	void *none = mmap(NULL, psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *ro = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *ptrs[PTR_NR] = { NULL, (void *)-1L, none, ro };
	char sys_s[64], lib_s[64];
	struct outcome so, lo;
	int c, p;

	if (none == MAP_FAILED || ro == MAP_FAILED) {
		report_case(false, "ABI cases: cannot map the test pages: %s", strerror(errno));
		return;
	}
	for (c = 0; c < ABI_NR_CALLS; c++) {
		for (p = 0; p < PTR_NR; p++) {
			so = abi_in_child(NULL, c, ptrs[p]);
			lo = abi_in_child(api, c, ptrs[p]);
			describe(&so, sys_s, sizeof(sys_s));
			describe(&lo, lib_s, sizeof(lib_s));
			report_case(abi_acceptable(&so, &lo), "ABI %s with p = %s: lib %s, syscall %s",
				    abi_call_names[c], abi_ptr_names[p], lib_s, sys_s);
		}
	}
	munmap(none, psz);
	munmap(ro, psz);
}
