// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-icount - exact instruction counts per clock call, by single-stepping.
 *
 * The tool forks: the child (traced) makes each call through icount_call(),
 * which stops at an int3 and jumps to the function; the parent single-steps
 * from the function's first instruction to its ret and writes the count
 * back into the child (icount_result). Counts are exact and deterministic:
 * the instructions of the path a call takes, a retried stretch counted once
 * (see count_one()); each call is counted ICOUNT_RUNS times and the
 * smallest count kept (a second boundary adds a few). A system call counts
 * as one instruction.
 *
 * What is counted: libvclock.so's entry points in HPET and in TSC mode,
 * vclock-preload.so's clock_gettime, glibc's clock_gettime, the kernel's
 * vDSO __vdso_clock_gettime, and a minimal reference reader (the inlines of
 * vdso/vclock_read.h called as a function, CLOCK_MONOTONIC only).
 *
 * Against the module (root switches its counter mode), or with --fake on a
 * host without it: in a private mount namespace a regular file is
 * /dev/vclock, laid out as the module lays out its pages (as
 * tests/unit/lib_fakedev.c does), and the tool sets the page's mode itself.
 * Stepped in a TCG guest one instruction takes about a millisecond, so a
 * call lasts longer than the module's 4 ms update interval and would retry
 * for ever: the tracer and the traced child share one CPU (a step is then
 * a local switch), and against the module root raises update_us to 100 ms
 * for the count and puts it back after (also on SIGTERM, SIGINT, SIGHUP),
 * so the page stands still while a call is stepped. The kernel's own vDSO
 * cannot be held so: in TSC mode it sees its data change at every tick; a
 * call that does not get through within ICOUNT_MAX_STEPS steps is not
 * counted ("-", and why in the JSON).
 * --check compares the counts with the budgets below and prints TAP.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_common.h"
#include "elf_lookup.h"
#include "module_params.h"
#include "provenance.h"
#include "vclock.h"
#include "vclock_read.h"

#define ICOUNT_RUNS	5
#define ICOUNT_MAX_STEPS	1000
#define PARAM_MODE	VCLOCK_PARAMS_DIR "clock_mode"
#define PARAM_UPDATE	VCLOCK_PARAMS_DIR "update_us"
/*
 * update_us while counting: long enough for a stepped call (40 steps of a
 * millisecond or two), short enough that a second boundary (the carry,
 * a few instructions more) falls into few of a call's runs: the base's
 * fraction of a second plus up to 100 ms crosses it in at most 10% of them.
 */
#define HOLD_UPDATE_US	"100000"
/*
 * The runs of one call follow each other within one update interval, so a
 * carry in one is a carry in all. The last run waits for another interval:
 * of two intervals of one second only the first after the boundary has the
 * carry, so one of the two groups of runs is without it.
 */
#define ICOUNT_SPREAD_US	110000
#define FAKE_PAGES	(VCLOCK_PGOFF(VCLOCK_NR_STRATEGIES, 0, 0) + VCLOCK_NR_PAGES)
#define FAKE_SHIFT	24

/*
 * icount_call(fn, a1, a2): stop at the int3, then jump to fn with a1, a2 as
 * its arguments; fn returns straight to our caller. The parent counts from
 * fn's first instruction to its ret.
 */
long icount_call(void *fn, long a1, long a2);
__asm__(".text\n"
	".globl icount_call\n"
	".type icount_call, @function\n"
	"icount_call:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	".globl icount_trap\n"
	"icount_trap:\n"
	"	int3\n"
	"	jmp *%rax\n"
	".size icount_call, . - icount_call\n");
extern char icount_trap[];

/* The module's update_us before hold_updates(); "" when not held. */
static char saved_update_us[32];

/* Written by the tracer after each counted call. */
static volatile long icount_result = -1;

/* ---- the tracer ---------------------------------------------------------- */

/*
 * Step the stopped child from icount_trap through fn's ret: the number of
 * instructions on the path it took, a repeated stretch (a seqcount retry,
 * another turn of a loop) counted once: when an address comes round again,
 * the stretch since its first visit is dropped. Stepped, a call lasts
 * milliseconds in a TCG guest, as long as a timekeeper's update interval,
 * so a reader can retry many times; this keeps the count of the path one
 * call takes when nothing interferes. -1 on error; -2 when it took more
 * than ICOUNT_MAX_STEPS steps (the child then runs on unstepped).
 */
static long count_one(pid_t pid)
{
	static unsigned long long path[ICOUNT_MAX_STEPS];
	struct user_regs_struct regs;
	unsigned long long ret_addr, entry_sp;
	long len = 0, steps = 0, i;
	int st;

	/* the jmp */
	if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) || waitpid(pid, &st, 0) != pid ||
	    !WIFSTOPPED(st) || ptrace(PTRACE_GETREGS, pid, 0, &regs))
		return -1;
	entry_sp = regs.rsp;
	errno = 0;
	ret_addr = (unsigned long long)ptrace(PTRACE_PEEKDATA, pid, (void *)regs.rsp, 0);
	if (errno)
		return -1;
	for (;;) {
		for (i = len - 1; i >= 0 && path[i] != regs.rip; i--)
			;
		len = i >= 0 ? i : len;
		path[len++] = regs.rip;
		if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) || waitpid(pid, &st, 0) != pid ||
		    !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP ||
		    ptrace(PTRACE_GETREGS, pid, 0, &regs))
			return -1;
		if (regs.rip == ret_addr && regs.rsp == entry_sp + 8)
			return len;
		if (++steps >= ICOUNT_MAX_STEPS)
			return -2;
	}
}

/* Run the child to its end, counting every call it makes through icount_call. */
static int trace(pid_t pid)
{
	struct user_regs_struct regs;
	int st, sig = 0;
	long n;

	if (waitpid(pid, &st, 0) != pid)
		return 1;
	if (WIFEXITED(st))	/* it could not be traced */
		return WEXITSTATUS(st);
	if (!WIFSTOPPED(st))	/* its SIGSTOP */
		return 1;
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL);
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, 0, sig) || waitpid(pid, &st, 0) != pid)
			return 1;
		sig = 0;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st)) {
			fprintf(stderr, "vclock-icount: child killed by signal %d\n", WTERMSIG(st));
			return 1;
		}
		if (WSTOPSIG(st) != SIGTRAP || ptrace(PTRACE_GETREGS, pid, 0, &regs) ||
		    regs.rip != (unsigned long long)(icount_trap + 1)) {
			sig = WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st);
			continue;
		}
		n = count_one(pid);
		if (ptrace(PTRACE_POKEDATA, pid, (void *)&icount_result, (void *)n))
			return 1;
	}
}

/* ---- the pages the child reads -------------------------------------------- */

static uint8_t *fake;		/* --fake: the file, mapped read-write */

static int enter_fake_device(void)
{
	int fd;

	if (unshare(CLONE_NEWNS) && unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("vclock-icount", "/dev", "tmpfs", 0, "mode=0755"))
		return -errno;
	fd = open(VCLOCK_DEVICE, O_RDWR | O_CREAT, 0444);
	if (fd < 0 || ftruncate(fd, FAKE_PAGES * VCLOCK_PAGE_SIZE))
		return -errno;
	fake = mmap(NULL, FAKE_PAGES * VCLOCK_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return fake == MAP_FAILED ? -errno : 0;
}

/*
 * Every strategy's region gets a page whose readings stay below a second
 * boundary for a long time (ns = snsec + delta * mult >> shift; mult 1 with
 * shift 24 in TSC mode is 2^24 cycles per ns), so no call takes the carry.
 */
static void fake_init(void)
{
	for (unsigned int s = 0; s < VCLOCK_NR_STRATEGIES; s++) {
		struct vclock_data *d = (void *)(fake + VCLOCK_PGOFF(s, 0, 0) * VCLOCK_PAGE_SIZE);
		uint8_t *hpet = fake + VCLOCK_PGOFF(s, 0, VCLOCK_PAGE_HPET) * VCLOCK_PAGE_SIZE;
		uint32_t counter = 1000;

		d->magic = VCLOCK_MAGIC;
		d->layout_version = VCLOCK_LAYOUT_VERSION;
		d->clock_mode = VCLOCK_MODE_HPET;
		d->mask = 0xffffffffu;
		d->cycle_last = counter;
		d->mult = 10u << FAKE_SHIFT;
		d->shift = FAKE_SHIFT;
		d->raw_mult = 10u << FAKE_SHIFT;
		d->raw_shift = FAKE_SHIFT;
		for (int id = 0; id < VCLOCK_MAX_CLOCKS; id++) {
			d->base[id].sec = 1000 + id;
			d->base[id].snsec = (uint64_t)1000 << FAKE_SHIFT;
		}
		d->base[5].snsec = d->base[6].snsec = 1000;	/* coarse: plain ns */
		d->hres_res_ns = 1;
		d->coarse_res_ns = 4000000;
		memcpy(hpet + VCLOCK_HPET_COUNTER, &counter, sizeof(counter));
	}
}

/* Write @val to the module parameter file @path; 0 or -errno. */
static int set_param(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(val, f) >= 0;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EINVAL;
}

/* Switch the page to @mode: the fake page directly, the module through sysfs. */
static int set_mode(int mode)
{
	static const char *const names[] = { "auto", "hpet", "tsc" };

	if (fake) {
		for (unsigned int s = 0; s < VCLOCK_NR_STRATEGIES; s++) {
			struct vclock_data *d = (void *)(fake + VCLOCK_PGOFF(s, 0, 0) * VCLOCK_PAGE_SIZE);

			d->clock_mode = mode ? mode : VCLOCK_MODE_HPET;
			d->mask = mode == VCLOCK_MODE_TSC ? ~0ull : 0xffffffffu;
			d->cycle_last = mode == VCLOCK_MODE_TSC ? vclock_read_tsc() : 1000;
			d->mult = mode == VCLOCK_MODE_TSC ? 1 : 10u << FAKE_SHIFT;
			d->raw_mult = d->mult;
		}
		return 0;
	}
	return set_param(PARAM_MODE, names[mode]);
}

/* ---- the counted calls (in the child) --------------------------------------- */

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static const struct vclock_data *ref_page;

/*
 * The reference: the library's own inlines on the library's page (HPET
 * page right after it), CLOCK_MONOTONIC only, nothing else.
 */
__attribute__((noinline)) static int ref_monotonic(clockid_t id, struct timespec *ts)
{
	struct vclock_reading r;

	(void)id;
	if (vclock_hres(ref_page, NULL, VCLOCK_HPET_LAYOUT, CLOCK_MONOTONIC, 0, &r))
		return -1;
	ts->tv_sec = (time_t)r.sec;
	ts->tv_nsec = (long)r.nsec;
	return 0;
}

/*
 * Count @fn(a1, a2): the smallest of ICOUNT_RUNS counts; -1 if the tracer
 * failed, -2 if no run got through within ICOUNT_MAX_STEPS steps (given up
 * after two such runs with no count: each costs the whole step limit).
 */
static long count(void *fn, long a1, long a2)
{
	long best = -2;
	int over = 0;

	for (int i = 0; i < ICOUNT_RUNS; i++) {
		if (i == ICOUNT_RUNS - 1 && saved_update_us[0])
			usleep(ICOUNT_SPREAD_US);
		icount_result = -1;
		icount_call(fn, a1, a2);
		if (icount_result == -1)
			return -1;
		if (icount_result >= 0 && (best < 0 || icount_result < best))
			best = icount_result;
		/* twice past the step limit: the data does not hold still for it */
		if (icount_result == -2 && ++over == 2 && best < 0)
			break;
	}
	return best;
}

struct row {
	const char *method;	/* libvclock, preload, glibc, vdso, reference */
	const char *call;	/* e.g. clock_gettime(MONOTONIC) */
	const char *mode;	/* hpet, tsc, or "-": the system's own clock */
	long n;			/* -1: not counted, -2: no call got through */
	int budget;		/* 0: none */
	const char *why;	/* when not counted */
};

#define MAX_ROWS	64
static struct row rows[MAX_ROWS];
static int nr_rows;

static void add(const char *method, const char *call, const char *mode, long n, int budget)
{
	const char *why = n == -2 ?
		"no call got through within the step limit: its data changed while it was stepped" :
		"not counted here: the counter mode is not offered, or the function was not found";

	if (nr_rows < MAX_ROWS)
		rows[nr_rows++] = (struct row){ method, call, mode, n, budget, n < 0 ? why : NULL };
}

/*
 * The budgets (HPET mode, TSC mode): instructions from entry to ret on the
 * path that reads the page. Issue 14 set the hres clocks' 30 and 40; the
 * others are what their fast path needs (one or two spare at most).
 */
static const struct {
	const char *call;
	const char *fnname;
	int id;			/* clock id; -1 tv and tz, -2 tv only, -3 no arguments */
	int budget[2];
} lib_calls[] = {
	{ "clock_gettime(MONOTONIC)", "vclock_clock_gettime", CLOCK_MONOTONIC, { 30, 40 } },
	{ "clock_gettime(REALTIME)", "vclock_clock_gettime", CLOCK_REALTIME, { 30, 40 } },
	{ "clock_gettime(BOOTTIME)", "vclock_clock_gettime", CLOCK_BOOTTIME, { 30, 40 } },
	{ "clock_gettime(TAI)", "vclock_clock_gettime", CLOCK_TAI, { 30, 40 } },
	{ "clock_gettime(MONOTONIC_RAW)", "vclock_clock_gettime", CLOCK_MONOTONIC_RAW, { 30, 40 } },
	{ "clock_gettime(MONOTONIC_COARSE)", "vclock_clock_gettime", CLOCK_MONOTONIC_COARSE, { 28, 28 } },
	{ "clock_gettime(REALTIME_COARSE)", "vclock_clock_gettime", CLOCK_REALTIME_COARSE, { 28, 28 } },
	{ "gettimeofday(tv, tz)", "vclock_gettimeofday", -1, { 42, 52 } },
	{ "gettimeofday(tv, NULL)", "vclock_gettimeofday", -2, { 34, 44 } },
	{ "time(NULL)", "vclock_time", -3, { 10, 10 } },
	{ "clock_getres(MONOTONIC)", "vclock_clock_getres", CLOCK_MONOTONIC, { 20, 20 } },
};
#define NR_LIB_CALLS	((int)(sizeof(lib_calls) / sizeof(lib_calls[0])))

static int count_all(const char *libpath, const char *preload_path)
{
	static const char *const mode_names[] = { "-", "hpet", "tsc" };
	struct timespec ts;
	struct timeval tv;
	struct timezone tz;
	void *lib = dlopen(libpath, RTLD_NOW | RTLD_LOCAL), *pre, *f;
	void (*status)(struct vclock_status *);
	int (*init)(unsigned int);
	struct vclock_status st;
	const void *vdso;
	int mode, err;

	if (!lib) {
		fprintf(stderr, "vclock-icount: %s\n", dlerror());
		return EXIT_UNAVAILABLE;
	}
	init = (int (*)(unsigned int))dlsym(lib, "vclock_init");
	status = (void (*)(struct vclock_status *))dlsym(lib, "vclock_status");
	err = init && status ? init(VCLOCK_STRATEGY_FAULT) : -ENOENT;
	if (err) {
		cli_report_device_error("vclock-icount", err);
		return EXIT_UNAVAILABLE;
	}
	status(&st);
	ref_page = st.data;
	pre = dlopen(preload_path, RTLD_NOW | RTLD_LOCAL);
	for (mode = VCLOCK_MODE_HPET; mode <= VCLOCK_MODE_TSC; mode++) {
		int ok = st.hpet && !set_mode(mode);
		long n;

		for (int i = 0; i < NR_LIB_CALLS; i++) {
			f = dlsym(lib, lib_calls[i].fnname);
			n = -1;
			if (ok && f) {
				if (lib_calls[i].id == -1)
					n = count(f, (long)&tv, (long)&tz);
				else if (lib_calls[i].id == -2)
					n = count(f, (long)&tv, 0);
				else if (lib_calls[i].id == -3)
					n = count(f, 0, 0);
				else
					n = count(f, lib_calls[i].id, (long)&ts);
			}
			add("libvclock", lib_calls[i].call, mode_names[mode], n,
			    lib_calls[i].budget[mode - 1]);
		}
		f = pre ? dlsym(pre, "clock_gettime") : NULL;
		if (f)	/* first use of the shim's own copy of the library */
			((gettime_fn)f)(CLOCK_MONOTONIC, &ts);
		/* The shim inlines the library's fast path: the same budget. */
		add("preload", "clock_gettime(MONOTONIC)", mode_names[mode],
		    ok && f ? count(f, CLOCK_MONOTONIC, (long)&ts) : -1, lib_calls[0].budget[mode - 1]);
		ok &= st.hpet == (const char *)st.data + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
		add("reference", "clock_gettime(MONOTONIC)", mode_names[mode],
		    ok ? count((void *)ref_monotonic, CLOCK_MONOTONIC, (long)&ts) : -1, 0);
	}
	set_mode(0);
	f = dlsym(RTLD_DEFAULT, "clock_gettime");
	add("glibc", "clock_gettime(MONOTONIC)", "-",
	    f ? count(f, CLOCK_MONOTONIC, (long)&ts) : -1, 0);
	vdso = elf_vdso_base();
	f = vdso ? elf_lookup(vdso, "__vdso_clock_gettime", "LINUX_2.6") : NULL;
	add("vdso", "clock_gettime(MONOTONIC)", "-",
	    f ? count(f, CLOCK_MONOTONIC, (long)&ts) : -1, 0);
	return 0;
}

/* ---- output ------------------------------------------------------------------ */

static void print_table(const char *clocksource)
{
	printf("instructions per call, entry to ret, a retried loop counted once (smallest of %d;\n"
	       "clocksource %s)\n", ICOUNT_RUNS, clocksource);
	if (saved_update_us[0])
		printf("the module's update interval held at %s us while counting (was %s us)\n",
		       HOLD_UPDATE_US, saved_update_us);
	printf("%-10s %-32s %-5s %6s %7s\n", "method", "call", "mode", "count", "budget");
	for (int i = 0; i < nr_rows; i++) {
		char n[24] = "-", b[24] = "";

		if (rows[i].n >= 0)
			snprintf(n, sizeof(n), "%ld", rows[i].n);
		if (rows[i].budget)
			snprintf(b, sizeof(b), "%d", rows[i].budget);
		printf("%-10s %-32s %-5s %6s %7s\n", rows[i].method, rows[i].call, rows[i].mode, n, b);
	}
}

/* The facts as this process found them, before it changed a parameter. */
static struct provenance prov;

static void print_json(FILE *f, const char *clocksource)
{
	fprintf(f, "{\n  ");
	provenance_envelope(f, "vclock-icount", 1, "vclock-icount", &prov);
	fprintf(f, ",\n  \"clocksource\": \"%s\", \"runs\": %d, \"max_steps\": %d, \"update_us_held\": %s,\n  \"counts\": [",
		clocksource, ICOUNT_RUNS, ICOUNT_MAX_STEPS, saved_update_us[0] ? HOLD_UPDATE_US : "null");
	for (int i = 0; i < nr_rows; i++) {
		fprintf(f, "%s\n    {\"method\": \"%s\", \"call\": \"%s\", \"mode\": \"%s\", \"instructions\": ",
			i ? "," : "", rows[i].method, rows[i].call, rows[i].mode);
		if (rows[i].n >= 0)
			fprintf(f, "%ld", rows[i].n);
		else
			fprintf(f, "null, \"why\": \"%s\"", rows[i].why);
		if (rows[i].budget)
			fprintf(f, ", \"budget\": %d", rows[i].budget);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
}

/* TAP: one line per budget, and one for each of the other counts that exist. */
static int print_tap(void)
{
	int fails = 0, n = 0;

	printf("TAP version 13\n");
	for (int i = 0; i < nr_rows; i++) {
		if (!rows[i].budget) {
			if (rows[i].n >= 0 || strcmp(rows[i].method, "preload"))
				printf("# %s %s %s: %ld\n", rows[i].method, rows[i].call, rows[i].mode,
				       rows[i].n);
			continue;
		}
		n++;
		if (rows[i].n < 0 || rows[i].n > rows[i].budget)
			fails++;
		printf("%sok %d - %s %s, %s mode: %ld instructions (budget %d)\n",
		       rows[i].n >= 0 && rows[i].n <= rows[i].budget ? "" : "not ", n,
		       rows[i].method, rows[i].call, rows[i].mode, rows[i].n, rows[i].budget);
	}
	printf("1..%d\n", n);
	return fails ? 1 : 0;
}

static void usage(const char *prog)
{
	printf("Usage: %s [OPTION]...\n"
	       "Exact instructions per clock call (ptrace single-stepping, entry to ret):\n"
	       "libvclock in HPET and TSC mode, the preload shim, glibc, the kernel's vDSO\n"
	       "and a minimal reference reader.\n\n"
	       "  -f, --fake            a fake /dev/vclock in a private mount namespace\n"
	       "                        (no module needed; the tool sets the page's mode)\n"
	       "  -l, --lib PATH        libvclock.so (default: ../lib/ beside this program,\n"
	       "                        else /opt/vclock/lib/)\n"
	       "  -p, --preload PATH    the shim (default: the same place)\n"
	       "      --check           TAP: each budgeted count against its budget\n"
	       "  -j, --json            JSON instead of the table\n"
	       "  -o, --output FILE     also write the JSON to FILE\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n\n"
	       "Against the module it needs root to switch the counter mode and to hold\n"
	       "update_us while counting; both are put back as found at the end, on an\n"
	       "error and on SIGINT, SIGTERM or SIGHUP.\n\n", prog);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"counted (--check: all within budget)",
		"a count over its budget, or a count failed",
		"a bad option or argument",
		"/dev/vclock or the library not available",
		"the JSON file (-o) could not be written",
	});
}

static void read_clocksource(char *buf, size_t size)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	snprintf(buf, size, "unknown");
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/*
 * Tracer and tracee on one CPU: every step is then a local switch, not a
 * wake-up across vCPUs (in a loaded TCG guest four times faster: 9 s
 * against 33 s for the whole count). Not fatal if refused.
 */
static void pin_to_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* ---- holding the module's updates while counting ------------------------- */


/*
 * update_us at its maximum (root); 0, or -errno when it stays as it is.
 * clock_mode, which the counting child switches, and update_us are put
 * back as found when this process ends, also on SIGINT, SIGTERM, SIGHUP.
 */
static int hold_updates(void)
{
	FILE *f = fopen(PARAM_UPDATE, "r");
	char old[32];
	int err;

	if (!f)
		return -errno;
	if (!fgets(old, sizeof(old), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	err = mparam_save("clock_mode");
	if (!err)
		err = mparam_set("update_us", HOLD_UPDATE_US);
	if (err)
		return err;
	snprintf(saved_update_us, sizeof(saved_update_us), "%s", old);
	return 0;
}

static const char *const prog = "vclock-icount";

/*
 * @name in the lib/ directory beside this program's bin/ (build/lib on the
 * host, /opt/vclock/lib in the guest), or in /opt/vclock/lib.
 */
static const char *beside_exe(char *buf, size_t size, const char *name)
{
	char exe[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			if ((size_t)snprintf(buf, size, "%s/../lib/%s", exe, name) < size &&
			    access(buf, R_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, size, "/opt/vclock/lib/%s", name);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "fake", no_argument, NULL, 'f' }, { "lib", required_argument, NULL, 'l' },
		{ "preload", required_argument, NULL, 'p' }, { "check", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char lib_beside[4096], pre_beside[4096];
	const char *lib = beside_exe(lib_beside, sizeof(lib_beside), "libvclock.so");
	const char *pre = beside_exe(pre_beside, sizeof(pre_beside), "vclock-preload.so");
	const char *out = NULL;
	int c, use_fake = 0, check = 0, json = 0, ret, err;
	char cs[32];
	pid_t pid;

	while ((c = getopt_long(argc, argv, "fl:p:jo:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'f': use_fake = 1; break;
		case 'l': lib = optarg; break;
		case 'p': pre = optarg; break;
		case 'k': check = 1; break;
		case 'j': json = 1; break;
		case 'o': out = optarg; break;
		case 'h': usage(prog); return 0;
		case 'V': cli_print_version(prog); return 0;
		default: return cli_usage_error(prog, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	read_clocksource(cs, sizeof(cs));
	provenance_collect(&prov);
	if (use_fake) {
		err = enter_fake_device();
		if (err) {
			if (check) {
				printf("TAP version 13\n1..0 # SKIP no private /dev for a fake device: %s\n",
				       strerror(-err));
				return 0;
			}
			fprintf(stderr, "%s: no fake device: %s\n", prog, strerror(-err));
			return EXIT_UNAVAILABLE;
		}
		fake_init();
	}
	else if ((err = hold_updates()))
		fprintf(stderr, "%s: the module's update interval stays as it is (%s: %s): a stepped\n"
			"call may retry until it is not counted\n", prog, PARAM_UPDATE, strerror(-err));
	pin_to_this_cpu();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0)
		return trace(pid);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0)) {
		if (check) {
			printf("TAP version 13\n1..0 # SKIP ptrace not allowed here: %s\n",
			       strerror(errno));
			fflush(stdout);
			_exit(0);
		}
		fprintf(stderr, "%s: ptrace: %s\n", prog, strerror(errno));
		_exit(EXIT_UNAVAILABLE);
	}
	raise(SIGSTOP);
	ret = count_all(lib, pre);
	if (ret)
		_exit(ret);
	if (out) {
		FILE *f = fopen(out, "w");

		if (!f) {
			fprintf(stderr, "%s: cannot write %s: %s\n", prog, out, strerror(errno));
			_exit(EXIT_OUTPUT);
		}
		print_json(f, cs);
		fclose(f);
	}
	if (check)
		ret = print_tap();
	else if (json)
		print_json(stdout, cs);
	else
		print_table(cs);
	for (int i = 0; i < nr_rows; i++)
		if (!check && rows[i].budget && rows[i].n > rows[i].budget)
			ret = 1;
	fflush(stdout);
	_exit(ret);
}
