// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-bench - nanoseconds per clock read, every way there is, in one run.
 *
 * Methods: an empty turn of the loop (its own overhead), the floor (a
 * minimal inlined HPET reader of the library's page: the vclock_read.h
 * inlines, no call), one raw HPET counter load through the mapping,
 * libvclock in HPET mode and in TSC mode, the LD_PRELOAD shim's
 * clock_gettime, glibc's clock_gettime (vDSO, or its syscall fallback), the
 * raw system call, and rdtsc.
 *
 * A repetition runs one method for a number of 64-call batches fixed in the
 * warm-up (about --duration, 20ms by default) and times them as a whole
 * with two CLOCK_MONOTONIC_RAW system calls, whose cost (measured first) is
 * subtracted: nothing but the method and the loop runs between them. The
 * loop's own cost per call is the 'loop' method's; the ratios are of net
 * medians (method minus loop). Repetitions are interleaved method by method
 * (A B C A B C ...) so that drift hits all alike; the report is the median,
 * p10 and p90 over the repetitions.
 *
 * Under QEMU's TCG the data page costs 14-40 ns more per read when it shares
 * a software-TLB slot with a hot page (the stack, .data/.bss): --place
 * auto (default) maps the device at an address whose slot (page number mod
 * 64, the smallest TLB QEMU uses) no hot page shares; 'kernel' leaves it to
 * mmap, 'random' picks any slot. The placement is printed.
 *
 * Strategy costs (--mapping-costs): per strategy, mmap+munmap, the first
 * touch of each page kind (the fault), and fork+exit+wait of a process
 * holding a mapping.
 */
#include <dlfcn.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "bench_criu.h"
#include "bench_stats.h"
#include "cli_common.h"
#include "json_out.h"
#include "module_params.h"
#include "provenance.h"
#include "vclock.h"
#include "vclock_lib.h"
#include "vclock_names.h"
#include "vclock_read.h"

#define MAX_REPS	101
#define BATCH		64
#define PARAM_MODE	VCLOCK_PARAMS_DIR "clock_mode"
#define TLB_SLOTS	64	/* QEMU's smallest software TLB (CPU_TLB_DYN_MIN_BITS 6) */

enum method {
	M_LOOP, M_FLOOR, M_FLOOR_CALL, M_HPET_RAW, M_VCLOCK_HPET, M_VCLOCK_TSC, M_PRELOAD, M_GLIBC,
	M_SYSCALL, M_RDTSC, NR_METHODS,
};

static const char *const method_names[NR_METHODS] = {
	"loop", "floor", "floor-call", "hpet-raw", "vclock-hpet", "vclock-tsc", "preload", "glibc",
	"syscall", "rdtsc",
};

static const char *const method_desc[NR_METHODS] = {
	"the loop alone (subtracted from every net figure)",
	"minimal inlined HPET reader of the same page",
	"the same reader called as a function",
	"one HPET counter load through the mapping",
	"libvclock, HPET mode",
	"libvclock, TSC mode",
	"clock_gettime of vclock-preload.so",
	"glibc clock_gettime",
	"syscall(SYS_clock_gettime)",
	"lfence; rdtsc",
};

enum place { PLACE_AUTO, PLACE_KERNEL, PLACE_RANDOM };

struct opts {
	clockid_t clock;
	int reps;
	double seconds;		/* per repetition */
	int threads;
	int json;
	const char *json_out;	/* also write the JSON to this file */
	int strategies;
	const char *preload;
	enum place place;
	const char *criu_samples;	/* --criu: only the CRIU statistics */
};

struct result {
	int available;
	const char *why;	/* when not available */
	long batches;		/* per repetition, from the warm-up */
	double ns[MAX_REPS];	/* gross, per call */
	long calls;
	double median, p10, p90;
	double net;		/* median - the loop's median */
};

static int (*preload_gettime)(clockid_t, struct timespec *);
static const volatile uint32_t *hpet_counter;
static const struct vclock_data *floor_page;
static volatile uint64_t sink;
static double clock_read_ns;	/* one now_ns(), subtracted from each repetition */

static double now_ns(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double now_s(void)
{
	return now_ns() * 1e-9;
}

/* The module's counter mode; put back as found when the tool ends (module_params.h). */
static int set_mode(const char *mode)
{
	return mparam_set("clock_mode", mode);
}

/*
 * One batch of BATCH calls of one method, each its own function so the
 * method is fixed at compile time; the empty asm keeps every turn of the
 * loop (the compiler can neither merge nor drop them).
 */
#define BATCH_FN(name, stmt)							\
static void name(clockid_t clk)							\
{										\
	struct timespec ts = { 0, 0 };						\
										\
	(void)clk;								\
	for (int i = 0; i < BATCH; i++) {					\
		stmt;								\
		__asm__ __volatile__ ("" : : "r" (&ts) : "memory");		\
		sink += ts.tv_nsec;						\
	}									\
}

static inline void floor_read(clockid_t clk, struct timespec *ts)
{
	struct vclock_reading r;

	if (!vclock_hres(floor_page, NULL, VCLOCK_HPET_LAYOUT, (unsigned int)clk, 0, &r)) {
		ts->tv_sec = (time_t)r.sec;
		ts->tv_nsec = (long)r.nsec;
	}
}

/* What a function costs under TCG beyond its instructions: the floor, called. */
__attribute__((noinline)) static void floor_call(clockid_t clk, struct timespec *ts)
{
	floor_read(clk, ts);
}

BATCH_FN(batch_loop, (void)0)
BATCH_FN(batch_floor, floor_read(clk, &ts))
BATCH_FN(batch_floor_call, floor_call(clk, &ts))
BATCH_FN(batch_hpet_raw, ts.tv_nsec = *hpet_counter)
BATCH_FN(batch_vclock, vclock_clock_gettime(clk, &ts))
BATCH_FN(batch_preload, preload_gettime(clk, &ts))
BATCH_FN(batch_glibc, clock_gettime(clk, &ts))
BATCH_FN(batch_syscall, syscall(SYS_clock_gettime, clk, &ts))
BATCH_FN(batch_rdtsc, ts.tv_nsec = (long)(_mm_lfence(), __rdtsc()))

static void (*const batch_fns[NR_METHODS])(clockid_t) = {
	[M_LOOP] = batch_loop, [M_FLOOR] = batch_floor, [M_FLOOR_CALL] = batch_floor_call,
	[M_HPET_RAW] = batch_hpet_raw,
	[M_VCLOCK_HPET] = batch_vclock, [M_VCLOCK_TSC] = batch_vclock,
	[M_PRELOAD] = batch_preload, [M_GLIBC] = batch_glibc, [M_SYSCALL] = batch_syscall,
	[M_RDTSC] = batch_rdtsc,
};

struct worker {
	pthread_t thread;
	enum method m;
	clockid_t clk;
	long batches;
	double ns;		/* per call */
};

/* @batches batches between two clock reads, the reads' own cost subtracted. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	void (*fn)(clockid_t) = batch_fns[w->m];
	double t0, t1;

	t0 = now_ns();
	for (long b = 0; b < w->batches; b++)
		fn(w->clk);
	t1 = now_ns();
	w->ns = (t1 - t0 - clock_read_ns) / ((double)w->batches * BATCH);
	return NULL;
}

/* One repetition of @m on @threads threads (the main thread alone for 1). */
static double measure(enum method m, const struct opts *o, long batches, long *calls)
{
	struct worker w[64];
	double ns = 0;
	int i;

	for (i = 0; i < o->threads; i++)
		w[i] = (struct worker){ .m = m, .clk = o->clock, .batches = batches };
	if (o->threads == 1)
		worker_run(&w[0]);
	else
		for (i = 0; i < o->threads; i++)
			pthread_create(&w[i].thread, NULL, worker_run, &w[i]);
	for (i = 0; i < o->threads; i++) {
		if (o->threads > 1)
			pthread_join(w[i].thread, NULL);
		ns += w[i].ns;
		*calls += batches * BATCH;
	}
	return ns / o->threads;
}

static void summarize(struct result *r, int n)
{
	struct bench_stats st = bench_stats(r->ns, n);

	r->median = st.median;
	r->p10 = st.p10;
	r->p90 = st.p90;
}

/* The median cost of one now_ns() (a system call), from back-to-back pairs. */
static double measure_clock_read(void)
{
	double d[31];

	for (int i = 0; i < 31; i++) {
		double a = now_ns(), b = now_ns(), c = now_ns();

		d[i] = (c - a) / 2;
		(void)b;
	}
	return bench_stats(d, 31).median;
}

/* ---- placement of the pages against QEMU's software TLB ------------------- */

struct placement {
	const char *how;
	unsigned long data;		/* the data page's address */
	unsigned int slot, hpet_slot;	/* page number mod TLB_SLOTS */
	unsigned int hot[16], nr_hot;	/* slots of the hot pages */
	int conflict;			/* the data or HPET page shares a hot slot */
};

static struct placement placement;

static unsigned int slot_of(const volatile void *p)
{
	return (unsigned int)(((uintptr_t)p >> VCLOCK_PAGE_SHIFT) % TLB_SLOTS);
}

static unsigned int slot_of_addr(uintptr_t a)
{
	return (unsigned int)((a >> VCLOCK_PAGE_SHIFT) % TLB_SLOTS);
}

/* The pages every timed call touches besides the clock's own. */
static void hot_slots(struct placement *pl)
{
	char here;
	uintptr_t stack = (uintptr_t)&here;
	const uintptr_t pages[] = {	/* the stack around this depth, .data/.bss */
		stack - VCLOCK_PAGE_SIZE, stack, stack + VCLOCK_PAGE_SIZE, (uintptr_t)&sink,
		(uintptr_t)&preload_gettime, (uintptr_t)&hpet_counter, (uintptr_t)&floor_page,
		(uintptr_t)&vclock_lib,
	};

	pl->nr_hot = 0;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		unsigned int s = slot_of_addr(pages[i]), j;

		for (j = 0; j < pl->nr_hot && pl->hot[j] != s; j++)
			;
		if (j == pl->nr_hot && pl->nr_hot < 16)
			pl->hot[pl->nr_hot++] = s;
	}
}

static int slot_is_hot(const struct placement *pl, unsigned int s)
{
	for (unsigned int j = 0; j < pl->nr_hot; j++)
		if (pl->hot[j] == s)
			return 1;
	return 0;
}

/*
 * Map the library's pages: at an address whose data and HPET pages share no
 * TLB slot with a hot page (auto), in a random slot, or wherever the kernel
 * puts them. Returns vclock_init()'s error.
 */
static int place_and_map(enum place how)
{
	struct vclock_status st;
	unsigned int want = 0, tries;
	size_t span = (TLB_SLOTS + VCLOCK_NR_PAGES) * VCLOCK_PAGE_SIZE;
	uintptr_t base, addr;
	char *area;
	int err = -EEXIST;

	hot_slots(&placement);
	placement.how = how == PLACE_AUTO ? "auto" : how == PLACE_RANDOM ? "random" : "kernel";
	if (how == PLACE_AUTO) {
		for (want = 0; want < TLB_SLOTS; want++)
			if (!slot_is_hot(&placement, want) &&
			    !slot_is_hot(&placement, (want + VCLOCK_PAGE_HPET) % TLB_SLOTS))
				break;
	} else if (how == PLACE_RANDOM) {
		srand((unsigned int)(now_ns() / 1000));
		want = (unsigned int)rand() % TLB_SLOTS;
	}
	for (tries = 0; how != PLACE_KERNEL && want < TLB_SLOTS && err == -EEXIST && tries < 8;
	     tries++) {
		area = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED)
			break;
		base = (uintptr_t)area;
		addr = base + ((want + TLB_SLOTS - slot_of(area)) % TLB_SLOTS) * VCLOCK_PAGE_SIZE;
		munmap(area, span);
		err = vclock_lib_init_at(VCLOCK_STRATEGY_FAULT, addr);
	}
	if (how == PLACE_KERNEL || err) {
		if (how != PLACE_KERNEL)
			placement.how = "kernel (the chosen address was taken)";
		err = vclock_init(VCLOCK_STRATEGY_FAULT);
	}
	if (err)
		return err;
	vclock_status(&st);
	placement.data = (unsigned long)st.data;
	placement.slot = slot_of(st.data);
	placement.hpet_slot = st.hpet ? slot_of(st.hpet) : TLB_SLOTS;
	placement.conflict = slot_is_hot(&placement, placement.slot) ||
			     (st.hpet && slot_is_hot(&placement, placement.hpet_slot));
	return 0;
}

static void print_placement(FILE *f)
{
	fprintf(f, "placement %s: data page %#lx in TLB slot %u of %d, HPET page slot %u; hot pages in slots",
		placement.how, placement.data, placement.slot, TLB_SLOTS, placement.hpet_slot);
	for (unsigned int j = 0; j < placement.nr_hot; j++)
		fprintf(f, " %u", placement.hot[j]);
	fprintf(f, "%s\n", placement.conflict ? " (shared: expect slower page reads)" : "");
}

/* ---- running the methods -------------------------------------------------- */

/*
 * The counter modes this run can measure. Switching the module's mode takes
 * root (clock_mode is 0644): as root each mode is set when its methods run;
 * otherwise the methods of the mode the module is in run as they are, and
 * the others say that switching needs root.
 */
struct modes {
	int can_switch;		/* clock_mode writable: we are root */
	int current;		/* the page's enum vclock_mode at the start, -1 unmapped */
	int hpet, tsc;		/* the methods of this mode can run */
	char why_hpet[128], why_tsc[128];
};

static struct modes modes;

static void probe_modes(struct modes *md, const struct vclock_status *st)
{
	int eh, et;

	md->current = st->state == VCLOCK_LIB_MAPPED ? st->clock_mode : -1;
	if (md->current < 0) {
		snprintf(md->why_hpet, sizeof(md->why_hpet), "libvclock is not reading from the mapping");
		snprintf(md->why_tsc, sizeof(md->why_tsc), "%s", md->why_hpet);
		return;
	}
	eh = set_mode("hpet");
	et = set_mode("tsc");
	md->can_switch = !(eh == -EACCES || eh == -EPERM) || !(et == -EACCES || et == -EPERM);
	if (md->can_switch) {
		mparam_restore();
		md->hpet = !eh;
		md->tsc = !et;
		snprintf(md->why_hpet, sizeof(md->why_hpet), "HPET mode unavailable");
		snprintf(md->why_tsc, sizeof(md->why_tsc),
			 "TSC mode unavailable (the kernel does not trust the TSC)");
		return;
	}
	md->hpet = md->current == VCLOCK_MODE_HPET;
	md->tsc = md->current == VCLOCK_MODE_TSC;
	snprintf(md->why_hpet, sizeof(md->why_hpet),
		 "the module is in %s mode; switching to HPET mode needs root",
		 vclock_mode_name(md->current));
	snprintf(md->why_tsc, sizeof(md->why_tsc),
		 "the module is in %s mode; switching to TSC mode needs root",
		 vclock_mode_name(md->current));
}

static void probe(struct result *res, const struct opts *o)
{
	struct vclock_status st;
	void *h;

	vclock_status(&st);
	probe_modes(&modes, &st);
	hpet_counter = st.hpet ? (const volatile uint32_t *)((const char *)st.hpet +
							     VCLOCK_HPET_COUNTER) : NULL;
	floor_page = st.data;
	for (int m = 0; m < NR_METHODS; m++)
		res[m].available = 1;
	if (!hpet_counter)
		res[M_HPET_RAW] = (struct result){ .why = "no HPET mapping" };
	else if (!modes.hpet && modes.can_switch)
		res[M_HPET_RAW] = (struct result){ .why = modes.why_hpet };
	if (!modes.hpet) {
		res[M_VCLOCK_HPET] = (struct result){ .why = modes.why_hpet };
		res[M_FLOOR] = (struct result){ .why = modes.why_hpet };
		res[M_FLOOR_CALL] = res[M_FLOOR];
	} else if (!vclock_clock_served(o->clock, VCLOCK_HRES_CLOCKS) ||
		   (const char *)st.hpet != (const char *)st.data + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE) {
		res[M_FLOOR] = (struct result){ .why = "reads hres clocks of a one-piece mapping" };
		res[M_FLOOR_CALL] = res[M_FLOOR];
	}
	if (!modes.tsc)
		res[M_VCLOCK_TSC] = (struct result){ .why = modes.why_tsc };
	h = dlopen(o->preload, RTLD_NOW | RTLD_LOCAL);
	preload_gettime = h ? (int (*)(clockid_t, struct timespec *))dlsym(h, "clock_gettime") : NULL;
	if (!preload_gettime)
		res[M_PRELOAD] = (struct result){ .why = "vclock-preload.so not loadable" };
}

/* Says on stderr what a run without root cannot measure, and why. */
static void report_modes(const char *prog)
{
	if (modes.current < 0 || modes.can_switch)
		return;
	fprintf(stderr, "%s: not root: switching the module's counter mode (%s) needs root, so\n"
		"only the methods of its current mode, %s, are measured; run as root for HPET and TSC\n",
		prog, PARAM_MODE, vclock_mode_name(modes.current));
}

/*
 * The counter mode a method runs in (root only; otherwise every method runs
 * in the module's mode): the shim and the floor are compared in HPET mode.
 */
static void mode_for(enum method m)
{
	if (!modes.can_switch)
		return;
	if (m == M_VCLOCK_TSC)
		set_mode("tsc");
	else if (m == M_VCLOCK_HPET || m == M_HPET_RAW || m == M_PRELOAD || m == M_FLOOR ||
		 m == M_FLOOR_CALL)
		set_mode(modes.hpet ? "hpet" : "auto");
	else
		set_mode("auto");
}

/*
 * Warm-up: how many batches make about @seconds. Doubling runs of batches,
 * each timed as a whole (timing single batches would count a system call
 * per batch), until one lasts 2 ms; three such, keeping the fastest, so a
 * moment of load on the host does not make this method's repetitions short.
 */
static long calibrate(enum method m, const struct opts *o)
{
	double t0, dt, best = 0;
	long n;

	for (int k = 0; k < 3; k++) {
		for (n = 1;; n *= 2) {
			t0 = now_ns();
			for (long b = 0; b < n; b++)
				batch_fns[m](o->clock);
			dt = now_ns() - t0 - clock_read_ns;
			if (dt >= 2e6 || n >= (1L << 24))
				break;
		}
		dt = (dt > 1 ? dt : 1) / (double)n;	/* per batch */
		if (!best || dt < best)
			best = dt;
	}
	n = (long)(o->seconds * 1e9 / best);
	return n < 1 ? 1 : n;
}

static void run_methods(struct result *res, const struct opts *o)
{
	long calls;
	int r, m;

	clock_read_ns = measure_clock_read();
	for (m = 0; m < NR_METHODS; m++)
		if (res[m].available) {
			mode_for(m);
			res[m].batches = calibrate(m, o);
		}
	for (r = 0; r < o->reps; r++)
		for (m = 0; m < NR_METHODS; m++) {
			if (!res[m].available)
				continue;
			mode_for(m);
			calls = 0;
			res[m].ns[r] = measure(m, o, res[m].batches, &calls);
			res[m].calls += calls;
		}
	if (modes.can_switch)
		mparam_restore();
	for (m = 0; m < NR_METHODS; m++)
		if (res[m].available) {
			summarize(&res[m], o->reps);
			res[m].net = res[m].median - res[M_LOOP].median;
		}
}

/* ---- strategy costs ------------------------------------------------------ */

struct strategy_cost {
	int available;
	double mmap_munmap_ns, fault_ns[VCLOCK_NR_PAGES];
	double fork_ns, fork_plain_ns;	/* with the mapping; without, just before */
};

static double fork_ns(int rounds)
{
	double t = now_s();
	int i, st;

	for (i = 0; i < rounds; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, &st, 0);
	}
	return (now_s() - t) * 1e9 / rounds;
}

static int map_layout(int fd, unsigned int s, char **base, char **hpet, size_t *len)
{
	*len = s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE : VCLOCK_MAP_SIZE;
	*base = mmap(NULL, *len, PROT_READ, MAP_SHARED, fd, VCLOCK_MMAP_OFFSET(s, 0, 0));
	if (*base == MAP_FAILED)
		return -1;
	*hpet = *base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
	if (s == VCLOCK_STRATEGY_SPLIT) {
		*hpet = mmap(NULL, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			     VCLOCK_MMAP_OFFSET(s, 0, VCLOCK_PAGE_HPET));
		if (*hpet == MAP_FAILED) {
			munmap(*base, *len);
			return -1;
		}
	}
	return 0;
}

static void unmap_layout(unsigned int s, char *base, char *hpet, size_t len)
{
	munmap(base, len);
	if (s == VCLOCK_STRATEGY_SPLIT)
		munmap(hpet, VCLOCK_PAGE_SIZE);
}

static void strategy_costs(struct strategy_cost *c, int rounds)
{
	int fd = open(cli_device_path(), O_RDONLY | O_CLOEXEC), i, p;
	char *base, *hpet, *page;
	double t;
	size_t len;

	for (unsigned int s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		c[s].available = fd >= 0 && map_layout(fd, s, &base, &hpet, &len) == 0;
		if (!c[s].available)
			continue;
		unmap_layout(s, base, hpet, len);
		t = now_s();
		for (i = 0; i < rounds; i++) {
			map_layout(fd, s, &base, &hpet, &len);
			unmap_layout(s, base, hpet, len);
		}
		c[s].mmap_munmap_ns = (now_s() - t) * 1e9 / rounds;
		for (p = 0; p < VCLOCK_NR_PAGES; p++) {
			double sum = 0;

			for (i = 0; i < rounds; i++) {
				map_layout(fd, s, &base, &hpet, &len);
				page = p == VCLOCK_PAGE_HPET ? hpet : base + p * VCLOCK_PAGE_SIZE;
				t = now_s();
				sink += *(volatile uint32_t *)page;
				sum += now_s() - t;
				unmap_layout(s, base, hpet, len);
			}
			c[s].fault_ns[p] = sum * 1e9 / rounds;
		}
		c[s].fork_plain_ns = fork_ns(rounds / 4);
		map_layout(fd, s, &base, &hpet, &len);
		for (p = 0; p < VCLOCK_NR_PAGES; p++)
			sink += *(volatile uint32_t *)(p == VCLOCK_PAGE_HPET ? hpet : base + p * VCLOCK_PAGE_SIZE);
		c[s].fork_ns = fork_ns(rounds / 4);
		unmap_layout(s, base, hpet, len);
	}
	if (fd >= 0)
		close(fd);
}

/* ---- targets (issues 6 and 14): ratios of net medians from this one run ---- */

struct target {
	const char *name;
	enum method num, den;
	double limit;		/* 0: INFO, no limit */
	int at_least;		/* ratio must be >= limit (else <=) */
	const char *only_on;	/* clocksource it applies to, or NULL */
	/*
	 * M_LOOP: none; else the method whose ratio to @den is the best any
	 * reader like @num can do in this run (libvclock is a called
	 * function: the minimal reader called, floor-call). When that bound
	 * misses the limit, the target is out of reach here and says so.
	 */
	enum method bound;
	/*
	 * No called reader meets the limit under TCG (an emulated MMIO load is
	 * cheap there and every instruction dear: 16 boots, every generation,
	 * doc/benchmarks.md). Under TCG the line is INFO, without the target.
	 */
	int hw_only;
};

static const struct target targets[] = {
	{ "vclock-hpet / floor", M_VCLOCK_HPET, M_FLOOR, 1.05, 0, NULL, M_FLOOR_CALL, 1 },
	{ "vclock-hpet / hpet-raw", M_VCLOCK_HPET, M_HPET_RAW, 1.15, 0, NULL, M_FLOOR_CALL, 1 },
	/*
	 * The library against the same minimal reader called the same way:
	 * 30 instructions against 25 (two more branches), 1.02-1.09 on a
	 * quiet host. No 5 % limit holds under TCG without noise deciding
	 * it; icount-budgets holds the exact count instead.
	 */
	{ "vclock-hpet / floor-call", M_VCLOCK_HPET, M_FLOOR_CALL, 0, 0, NULL, M_LOOP, 0 },
	{ "floor-call / floor", M_FLOOR_CALL, M_FLOOR, 0, 0, NULL, M_LOOP, 0 },
	{ "floor / hpet-raw", M_FLOOR, M_HPET_RAW, 0, 0, NULL, M_LOOP, 0 },
	{ "glibc / vclock-hpet", M_GLIBC, M_VCLOCK_HPET, 0, 1, "hpet", M_LOOP, 0 },
	{ "syscall / vclock-hpet", M_SYSCALL, M_VCLOCK_HPET, 0, 1, NULL, M_LOOP, 0 },
	{ "vclock-tsc / glibc", M_VCLOCK_TSC, M_GLIBC, 0.75, 0, "tsc", M_LOOP, 0 },
	{ "vclock-hpet / glibc", M_VCLOCK_HPET, M_GLIBC, 0, 0, "tsc", M_LOOP, 0 },
	{ "preload / vclock-hpet", M_PRELOAD, M_VCLOCK_HPET, 1.05, 0, NULL, M_LOOP, 0 },
};
#define NR_TARGETS ((int)(sizeof(targets) / sizeof(targets[0])))

static char clocksource[32];
static struct provenance prov;

static void read_clocksource(void)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	if (f && fgets(clocksource, sizeof(clocksource), f))
		clocksource[strcspn(clocksource, "\n")] = 0;
	if (f)
		fclose(f);
}

struct verdict {
	/*
	 * PASS, FAIL (the per-repetition spread decides), UNDECIDED (it does
	 * not), INFO (no limit, or none here); NULL: does not apply here
	 */
	const char *v;
	double ratio;		/* of the net medians */
	struct bench_stats rep;	/* of the per-repetition ratios (neighbours in time) */
	double bound;		/* the bound method's ratio; 0 none */
	int unreachable;	/* the bound misses the limit */
	int undecided;		/* the spread does not decide (bench_verdict) */
	int tcg;		/* a hardware target, not one under TCG: INFO */
};

/* The accelerator is TCG: timings are emulation times. */
static int under_tcg(void)
{
	return !strcmp(prov.accel, "tcg");
}

static int meets(const struct target *t, double r)
{
	return t->at_least ? r >= t->limit : r <= t->limit;
}

static struct verdict target_verdict(const struct target *t, const struct result *res, int reps)
{
	struct verdict v = { 0 };
	double per[MAX_REPS], loop = res[M_LOOP].median;
	int n = 0;

	if (!res[t->num].available || !res[t->den].available ||
	    (t->only_on && strcmp(t->only_on, clocksource)))
		return v;
	v.ratio = res[t->num].net / res[t->den].net;
	for (int r = 0; r < reps; r++)
		if (res[t->den].ns[r] - loop > 0)
			per[n++] = (res[t->num].ns[r] - loop) / (res[t->den].ns[r] - loop);
	v.rep = bench_stats(per, n);
	v.v = bench_target_verdict(&v.rep, t->limit, t->at_least, t->hw_only, under_tcg());
	if (!strcmp(v.v, "INFO")) {
		v.tcg = t->limit != 0;	/* a hardware target under TCG */
		return v;
	}
	if (t->bound != M_LOOP && res[t->bound].available) {
		v.bound = res[t->bound].net / res[t->den].net;
		v.unreachable = !meets(t, v.bound);
	}
	v.undecided = !strcmp(v.v, "UNDECIDED");
	return v;
}

/* What the verdict rests on, after the target: "; ..." parts, or "". */
static void verdict_notes(char *buf, size_t size, const struct target *t, const struct verdict *v)
{
	int k = 0;

	buf[0] = 0;
	if (v->rep.n)
		k += snprintf(buf + k, size - k, "; per repetition %.2f-%.2f", v->rep.p10, v->rep.p90);
	if (v->undecided && k < (int)size)
		k += snprintf(buf + k, size - k, v->rep.n < BENCH_MIN_DECIDE ?
			      ", too few repetitions to decide" : ", the target inside: noise decides");
	if (v->tcg && k < (int)size)
		k += snprintf(buf + k, size - k, "; its target is for hardware, out of reach under TCG");
	if (v->unreachable && k < (int)size)
		snprintf(buf + k, size - k, "; out of reach in this run: %s, the minimal reader called, is %.3fx",
			 method_names[t->bound], v->bound);
}

/* The ratio lines; returns how many there are. */
static int print_targets(const struct result *res, int reps)
{
	char notes[200];
	int i, n = 0;

	printf("\nratios of net medians (the loop's %.1f ns subtracted; clocksource %s):\n",
	       res[M_LOOP].median, clocksource);
	if (under_tcg())
		printf("TCG: emulation times; only the lines with a target (preload / vclock-hpet, "
		       "vclock-tsc / glibc) mean something here\n");
	for (i = 0; i < NR_TARGETS; i++) {
		struct verdict v = target_verdict(&targets[i], res, reps);

		if (!v.v)
			continue;
		n++;
		verdict_notes(notes, sizeof(notes), &targets[i], &v);
		if (targets[i].limit && !v.tcg)
			printf("%s %-24s %7.3fx  (target %s %.2fx%s)\n", v.v, targets[i].name, v.ratio,
			       targets[i].at_least ? ">=" : "<=", targets[i].limit, notes);
		else
			printf("%s %-24s %7.3fx  (%s)\n", v.v, targets[i].name, v.ratio, notes + 2);
	}
	if (!n)
		printf("none: no ratio has both of its methods measured (%s)\n",
		       res[M_VCLOCK_HPET].why ? res[M_VCLOCK_HPET].why : "see the table");
	return n;
}

/* Something of libvclock was measured: what the tool is for. */
static int measured_library(const struct result *res)
{
	return res[M_VCLOCK_HPET].available || res[M_VCLOCK_TSC].available;
}

/* ---- output ---------------------------------------------------------------- */

/* "monotonic-raw" for CLOCK_MONOTONIC_RAW, as vdsotest names clocks. */
static const char *short_clock_name(clockid_t id, char *buf, size_t size)
{
	const char *name = vclock_clock_name(id);
	size_t i;

	if (!strncmp(name, "CLOCK_", 6))
		name += 6;
	for (i = 0; name[i] && i + 1 < size; i++)
		buf[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
	buf[i] = 0;
	return buf;
}

static void print_table(const struct result *res, const struct opts *o)
{
	char clk[32];
	int m;

	short_clock_name(o->clock, clk, sizeof(clk));
	printf("clock %s, %d repetitions x %.0f ms, %d thread(s), interleaved\n", clk, o->reps,
	       o->seconds * 1e3, o->threads);
	printf("each repetition timed as a whole, no system call inside; one clock read (%.0f ns)\n"
	       "subtracted; net = median - loop (%.1f ns per call)\n", clock_read_ns,
	       res[M_LOOP].median);
	print_placement(stdout);
	if (modes.can_switch)
		printf("counter mode: set per method (root)\n");
	else
		printf("counter mode: %s as found (not root: cannot switch)\n",
		       vclock_mode_name(modes.current));
	printf("%-12s %10s %10s %10s %10s %12s  %s\n", "method", "median", "p10", "p90", "net",
	       "calls", "what");
	for (m = 0; m < NR_METHODS; m++) {
		if (!res[m].available) {
			printf("%-12s %10s %10s %10s %10s %12s  %s (%s)\n", method_names[m], "-", "-",
			       "-", "-", "-", method_desc[m], res[m].why);
			continue;
		}
		printf("%-12s %7.1f ns %7.1f ns %7.1f ns %7.1f ns %12ld  %s\n", method_names[m],
		       res[m].median, res[m].p10, res[m].p90, res[m].net, res[m].calls,
		       method_desc[m]);
	}
	/* vdsotest's format, for scripts that parse it */
	for (m = 0; m < NR_METHODS; m++)
		if (res[m].available)
			printf("clock-gettime-%s: %s: %.0f nsec/call\n", clk, method_names[m],
			       res[m].median);
}

static void print_json(FILE *f, const struct result *res, const struct strategy_cost *c,
		       const struct opts *o)
{
	char clk[32];
	int m, first = 1;

	fprintf(f, "{\n  ");
	provenance_envelope(f, "vclock-bench", 1, "vclock-bench", &prov);
	fprintf(f, ",\n  \"clock\": \"%s\", \"reps\": %d, \"rep_duration_s\": %g, \"threads\": %d,\n",
	       short_clock_name(o->clock, clk, sizeof(clk)), o->reps, o->seconds, o->threads);
	fprintf(f, "  \"methods\": {");
	for (m = 0; m < NR_METHODS; m++) {
		fprintf(f, "%s\n    \"%s\": ", first ? "" : ",", method_names[m]);
		first = 0;
		if (!res[m].available) {
			fprintf(f, "{\"available\": false, \"why\": ");
			json_str(f, res[m].why);
			fprintf(f, "}");
			continue;
		}
		fprintf(f, "{\"available\": true, \"median_ns\": %.2f, \"p10_ns\": %.2f, \"p90_ns\": %.2f, \"net_ns\": %.2f, \"calls\": %ld, \"samples_ns\": [",
			res[m].median, res[m].p10, res[m].p90, res[m].net, res[m].calls);
		for (int r = 0; r < o->reps; r++)
			fprintf(f, "%s%.2f", r ? ", " : "", res[m].ns[r]);
		fprintf(f, "]}");
	}
	fprintf(f, "\n  },\n  \"loop_ns\": %.2f, \"clock_read_ns\": %.0f,\n", res[M_LOOP].median,
		clock_read_ns);
	fprintf(f, "  \"placement\": {\"how\": \"%s\", \"data\": \"%#lx\", \"slot\": %u, \"hpet_slot\": %u, \"tlb_slots\": %d, \"conflict\": %s, \"hot_slots\": [",
		placement.how, placement.data, placement.slot, placement.hpet_slot, TLB_SLOTS,
		placement.conflict ? "true" : "false");
	for (unsigned int j = 0; j < placement.nr_hot; j++)
		fprintf(f, "%s%u", j ? ", " : "", placement.hot[j]);
	fprintf(f, "]},\n  \"counter_mode\": {\"switchable\": %s, \"at_start\": \"%s\"},\n",
		modes.can_switch ? "true" : "false", vclock_mode_name(modes.current));
	fprintf(f, "  \"clocksource\": \"%s\",\n  \"ratios\": {", clocksource);
	first = 1;
	for (m = 0; m < NR_TARGETS; m++) {
		struct verdict v = target_verdict(&targets[m], res, o->reps);

		if (!v.v)
			continue;
		fprintf(f, "%s\n    \"%s\": {\"ratio\": %.3f, \"verdict\": \"%s\"", first ? "" : ",",
		       targets[m].name, v.ratio, v.v);
		fprintf(f, ", \"per_rep\": {\"median\": %.3f, \"p10\": %.3f, \"p90\": %.3f}",
			v.rep.median, v.rep.p10, v.rep.p90);
		if (targets[m].limit && !v.tcg)
			fprintf(f, ", \"target\": \"%s %.2f\", \"undecided\": %s", targets[m].at_least ? ">=" : "<=",
			       targets[m].limit, v.undecided ? "true" : "false");
		if (v.bound)
			fprintf(f, ", \"reachable\": %s, \"bound\": {\"method\": \"%s\", \"ratio\": %.3f}",
				v.unreachable ? "false" : "true", method_names[targets[m].bound], v.bound);
		fprintf(f, "}");
		first = 0;
	}
	fprintf(f, "\n  }");
	if (o->strategies) {
		fprintf(f, ",\n  \"strategies\": {");
		first = 1;
		for (unsigned int s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
			if (!c[s].available)
				continue;
			fprintf(f, "%s\n    \"%s\": {\"mmap_munmap_ns\": %.0f, \"fork_ns\": %.0f, \"fork_without_ns\": %.0f",
			       first ? "" : ",", vclock_strategy_name(s), c[s].mmap_munmap_ns,
			       c[s].fork_ns, c[s].fork_plain_ns);
			for (int p = 0; p < VCLOCK_NR_PAGES; p++)
				fprintf(f, ", \"first_touch_%s_ns\": %.0f", vclock_page_name(p),
				       c[s].fault_ns[p]);
			fprintf(f, "}");
			first = 0;
		}
		fprintf(f, "\n  }");
	}
	fprintf(f, "\n}\n");
}

static void print_strategies(const struct strategy_cost *c)
{
	printf("\n%-8s %14s %14s %14s %14s %14s %14s\n", "strategy", "mmap+munmap", "touch data",
	       "touch lab", "touch hpet", "fork", "fork without");
	for (unsigned int s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!c[s].available) {
			printf("%-8s unavailable\n", vclock_strategy_name(s));
			continue;
		}
		printf("%-8s %11.0f ns", vclock_strategy_name(s), c[s].mmap_munmap_ns);
		for (int p = 0; p < VCLOCK_NR_PAGES; p++)
			printf(" %11.0f ns", c[s].fault_ns[p]);
		printf(" %11.0f ns %11.0f ns\n", c[s].fork_ns, c[s].fork_plain_ns);
	}
	printf("(touch: the first load of a page, a fault for fault/split/mixed; fork: fork+exit+wait\n"
	       " with the mapping touched, and without any mapping just before)\n");
}

static void usage(const char *prog)
{
	printf("Usage: %s [OPTION]...\n"
	       "Nanoseconds per clock read: the loop alone, a minimal inlined reader (floor),\n"
	       "raw HPET load, libvclock (HPET, TSC), the preload shim, glibc, the syscall and\n"
	       "rdtsc, measured interleaved in one run.\n\n"
	       "  -c, --clock CLOCK     clock to read: a name (monotonic, realtime, tai,\n"
	       "                        monotonic-raw, ...) or an id (default monotonic)\n"
	       "  -r, --reps N          repetitions per method (default 15, max %d)\n"
	       "  -d, --duration TIME   time of one repetition of one method (default 20ms;\n"
	       "                        a number with s, ms, us, ns or min, no unit: seconds)\n"
	       "  -t, --threads N       threads running each method at once (default 1)\n"
	       "      --mapping-costs   also measure mmap, first touch and fork per strategy\n"
	       "  -P, --place HOW       where the pages go against QEMU's software TLB: auto\n"
	       "                        (no TLB slot shared with a hot page; default), kernel\n"
	       "                        (mmap's choice), random (any slot)\n"
	       "  -p, --preload PATH    the shim (default /opt/vclock/lib/vclock-preload.so)\n"
	       "  -j, --json            JSON instead of the table\n"
	       "                        (doc/schema/vclock-bench.schema.json)\n"
	       "  -o, --output FILE     print the table and write the JSON to FILE\n"
	       "  -C, --criu SAMPLES    no clock reads: the statistics, ratios and verdict of the\n"
	       "                        CRIU round trips vclock-criu-bench timed into SAMPLES\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n\n"
	       "Switching the module's counter mode needs root: as root both the HPET and\n"
	       "the TSC rows run, and clock_mode is put back as it was found at the end, on\n"
	       "an error and on SIGINT, SIGTERM or SIGHUP; otherwise only the rows of the\n"
	       "module's current mode run.\n\n", prog, MAX_REPS);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"measured",
		"(--criu) a round trip failed, or SAMPLES is missing or bad",
		"a bad option or argument",
		"/dev/vclock not available, or nothing of libvclock measurable\n"
		"                  (neither vclock-hpet nor vclock-tsc ran)",
		"the JSON file (-o) could not be written",
	});
}

static const char *const prog = "vclock-bench";

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "clock", required_argument, NULL, 'c' }, { "reps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' }, { "threads", required_argument, NULL, 't' },
		{ "mapping-costs", no_argument, NULL, 'M' }, { "preload", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' },
		{ "place", required_argument, NULL, 'P' }, { "criu", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	struct opts o = { .clock = CLOCK_MONOTONIC, .reps = 15, .seconds = 0.02, .threads = 1,
			  .preload = "/opt/vclock/lib/vclock-preload.so" };
	struct result res[NR_METHODS];
	struct strategy_cost cost[VCLOCK_NR_STRATEGIES] = { 0 };
	unsigned long n;
	int c, err, id;

	while ((c = getopt_long(argc, argv, "c:r:d:t:p:jo:P:C:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (vclock_parse_clock(optarg, &id) || !vclock_clock_name(id))
				return cli_usage_error(prog, "unknown clock '%s'", optarg);
			o.clock = id;
			break;
		case 'r':
			if (vclock_parse_ulong(optarg, 1, MAX_REPS, &n))
				return cli_usage_error(prog, "--reps must be 1..%d", MAX_REPS);
			o.reps = (int)n;
			break;
		case 'd':
			if (vclock_parse_duration(optarg, &o.seconds) || o.seconds <= 0)
				return cli_usage_error(prog, "bad duration '%s' (more than 0)",
						       optarg);
			break;
		case 't':
			if (vclock_parse_ulong(optarg, 1, 64, &n))
				return cli_usage_error(prog, "--threads must be 1..64");
			o.threads = (int)n;
			break;
		case 'M': o.strategies = 1; break;
		case 'p': o.preload = optarg; break;
		case 'j': o.json = 1; break;
		case 'o': o.json_out = optarg; break;
		case 'P':
			if (!strcmp(optarg, "auto"))
				o.place = PLACE_AUTO;
			else if (!strcmp(optarg, "kernel"))
				o.place = PLACE_KERNEL;
			else if (!strcmp(optarg, "random"))
				o.place = PLACE_RANDOM;
			else
				return cli_usage_error(prog, "--place must be auto, kernel or random");
			break;
		case 'C': o.criu_samples = optarg; break;
		case 'h': usage(prog); return 0;
		case 'V': cli_print_version(prog); return 0;
		default: return cli_usage_error(prog, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (o.criu_samples) {
		provenance_collect(&prov);
		return bench_criu_report(o.criu_samples, o.json_out, &prov, BENCH_CRIU_TARGET);
	}
	err = cli_check_device_env(prog);
	if (err)
		return err;
	err = place_and_map(o.place);
	if (err) {
		cli_report_device_error(prog, err);
		return EXIT_UNAVAILABLE;
	}
	memset(res, 0, sizeof(res));
	read_clocksource();
	provenance_collect(&prov);
	probe(res, &o);
	report_modes(prog);
	run_methods(res, &o);
	if (o.strategies)
		strategy_costs(cost, 200);
	if (o.json)
		print_json(stdout, res, cost, &o);
	if (o.json_out) {
		FILE *f = fopen(o.json_out, "w");

		if (!f) {
			fprintf(stderr, "%s: cannot write %s: %s\n", prog, o.json_out, strerror(errno));
			return EXIT_OUTPUT;
		}
		print_json(f, res, cost, &o);
		fclose(f);
	}
	if (!o.json) {
		print_table(res, &o);
		print_targets(res, o.reps);
		if (o.strategies)
			print_strategies(cost);
	}
	if (!measured_library(res)) {
		fprintf(stderr, "%s: nothing of libvclock was measured: vclock-hpet: %s; vclock-tsc: %s\n",
			prog, res[M_VCLOCK_HPET].why, res[M_VCLOCK_TSC].why);
		return EXIT_UNAVAILABLE;
	}
	return 0;
}
