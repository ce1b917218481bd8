// SPDX-License-Identifier: GPL-2.0
/*
 * lib_fakedev - libvclock's mapped path on the host, without the module: in
 * a private mount namespace a tmpfs covers /dev and a regular file is
 * /dev/vclock, laid out at every strategy's mmap offset the way the module
 * lays out its pages (data page, lab page, tk page, "HPET" page whose counter
 * at +0xF0 this test sets). The library cannot tell: it opens, maps, closes
 * the fd and reads the clocks from our page. Each scenario runs in a forked
 * child, so each starts with a fresh library.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vclock_child.h"
#include "vclock_clocks.h"
#include "seq_writer.h"
#include "tap.h"
#include "vclock.h"

#define SHIFT		24
#define RAW_SHIFT	20
#define FILE_PAGES	(VCLOCK_PGOFF(VCLOCK_NR_STRATEGIES, 0, 0) + VCLOCK_NR_PAGES)
#define TIME_SEC	1600000000ull

static uint8_t *fake;		/* the whole file, mapped read-write */

/* ---- the fake device ---- */

static struct vclock_data *fake_data(unsigned int strategy)
{
	return (struct vclock_data *)(fake + VCLOCK_PGOFF(strategy, 0, 0) * VCLOCK_PAGE_SIZE);
}

/* The timekeeper's page of @strategy's layout (VCLOCK_PAGE_TK). */
static struct vclock_data *fake_tk(unsigned int strategy)
{
	return (struct vclock_data *)(fake + VCLOCK_PGOFF(strategy, 0, VCLOCK_PAGE_TK) *
				      VCLOCK_PAGE_SIZE);
}

static void set_counter(unsigned int strategy, uint32_t v)
{
	uint8_t *hpet = fake + VCLOCK_PGOFF(strategy, 0, VCLOCK_PAGE_HPET) * VCLOCK_PAGE_SIZE;

	memcpy(hpet + VCLOCK_HPET_COUNTER, &v, sizeof(v));
}

static void set_base(struct vclock_data *d, int id, uint64_t sec, uint64_t ns, int shift)
{
	d->base[id].sec = sec;
	d->base[id].snsec = ns << shift;
}

/* A valid page in every strategy's region, counter at cycle_last. */
static void fake_reset(void)
{
	unsigned int s;

	memset(fake, 0, FILE_PAGES * VCLOCK_PAGE_SIZE);
	for (s = 0; s < VCLOCK_NR_STRATEGIES; s++) {
		struct vclock_data *d = fake_data(s);

		d->magic = VCLOCK_MAGIC;
		d->layout_version = VCLOCK_LAYOUT_VERSION;
		d->clock_mode = VCLOCK_MODE_HPET;
		d->mask = 0xffffffffu;
		d->cycle_last = 1000;
		d->mult = 10u << SHIFT;
		d->shift = SHIFT;
		d->raw_mult = 20u << RAW_SHIFT;
		d->raw_shift = RAW_SHIFT;
		set_base(d, CLOCK_REALTIME, TIME_SEC, 5, SHIFT);
		set_base(d, CLOCK_MONOTONIC, 100, 250, SHIFT);
		set_base(d, CLOCK_BOOTTIME, 200, 999999990, SHIFT);
		set_base(d, CLOCK_TAI, TIME_SEC + 37, 5, SHIFT);
		set_base(d, CLOCK_MONOTONIC_RAW, 99, 7, RAW_SHIFT);
		set_base(d, CLOCK_REALTIME_COARSE, TIME_SEC - 1, 123, 0);
		set_base(d, CLOCK_MONOTONIC_COARSE, 99, 456, 0);
		d->tz_minuteswest = -60;
		d->tz_dsttime = 1;
		d->hres_res_ns = 7;
		d->coarse_res_ns = 4000000;
		set_counter(s, 1000);
		/* Outside a time namespace the tk page is the data page. */
		memcpy(fake_tk(s), d, sizeof(*d));
	}
}

static int enter_private_dev(char *why, size_t size)
{
	int fd;

	if (unshare(CLONE_NEWNS) && unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		snprintf(why, size, "unshare: %s", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("vclock-test", "/dev", "tmpfs", 0, "mode=0755")) {
		snprintf(why, size, "mount: %s", strerror(errno));
		return -1;
	}
	fd = open(VCLOCK_DEVICE, O_RDWR | O_CREAT, 0444);
	if (fd < 0 || ftruncate(fd, FILE_PAGES * VCLOCK_PAGE_SIZE)) {
		snprintf(why, size, "create " VCLOCK_DEVICE ": %s", strerror(errno));
		return -1;
	}
	fake = mmap(NULL, FILE_PAGES * VCLOCK_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	close(fd);
	if (fake == MAP_FAILED) {
		snprintf(why, size, "mmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- what the child looks at ---- */

/*
 * The library's /dev/vclock VMAs in /proc/self/maps (read-only ones: this
 * test's own writable mapping of the file is not one): how many, and
 * "perms:offset:pages" of each.
 */
static int vclock_vmas(char *desc, size_t size)
{
	struct maps_list l;
	size_t i, used = 0;
	int n = 0;

	desc[0] = 0;
	if (vt_vclock_vmas(&l, false))
		return -1;
	for (i = 0; i < l.n; i++) {
		if (l.v[i].perms[1] == 'w')
			continue;
		if (used < size)
			used += snprintf(desc + used, size - used, "%s%s:%llx:%lu", n ? " " : "",
					 l.v[i].perms, l.v[i].offset,
					 (l.v[i].end - l.v[i].start) / VCLOCK_PAGE_SIZE);
		n++;
	}
	maps_free(&l);
	return n;
}

static int ts_is(const struct timespec *t, uint64_t sec, long nsec)
{
	return (uint64_t)t->tv_sec == sec && t->tv_nsec == nsec;
}

/* A library reading of @id between two syscall readings: the real clock. */
static int reads_real_clock(clockid_t id)
{
	struct timespec a, b, c;

	sys_gettime(id, &a);
	if (vclock_clock_gettime(id, &b))
		return 0;
	sys_gettime(id, &c);
	return ts_le(&a, &b) && ts_le(&b, &c);
}

#define EXPECT_TIME(id, sec, nsec) do {						\
	struct timespec _t = { 0, 0 };						\
	int _r = vclock_clock_gettime(id, &_t);					\
	check(!_r && ts_is(&_t, sec, nsec), "clock %d reads %lld.%09ld, want %llu.%09ld", \
	      id, (long long)_t.tv_sec, _t.tv_nsec, (unsigned long long)(sec), (long)(nsec)); \
} while (0)

/* ---- scenarios ---- */

static void scenario_fault(void *arg __attribute__((unused)))
{
	struct vclock_status st;
	struct timespec t, res;
	struct timeval tv;
	struct timezone tz;
	char vmas[128];
	time_t tt = 0;

	check(!vclock_init(VCLOCK_STRATEGY_FAULT), "vclock_init(fault) maps the device");
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_MAPPED && st.attempts == 1 && st.strategy ==
	      VCLOCK_STRATEGY_FAULT && st.clock_mode == VCLOCK_MODE_HPET && st.data &&
	      st.hpet == (const uint8_t *)st.data + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE,
	      "status: mapped, 1 attempt, fault, hpet, HPET page %d pages after data",
	      VCLOCK_PAGE_HPET);
	check(vclock_vmas(vmas, sizeof(vmas)) == 1 && !strcmp(vmas, "r--s:10000:4"),
	      "one VMA, r--s, offset 0x10000, 4 pages (%s)", vmas);
	check(vt_count_fds() == 0, "the device fd was closed after mapping");
	check(vclock_data_page() == st.data && vclock_clock_mode() == VCLOCK_MODE_HPET,
	      "vclock_data_page() and vclock_clock_mode()");

	EXPECT_TIME(CLOCK_MONOTONIC, 100, 250);
	set_counter(VCLOCK_STRATEGY_FAULT, 1500);	/* 500 cycles = 5000 ns */
	EXPECT_TIME(CLOCK_MONOTONIC, 100, 5250);
	EXPECT_TIME(CLOCK_REALTIME, TIME_SEC, 5005);
	EXPECT_TIME(CLOCK_BOOTTIME, 201, 4990);
	EXPECT_TIME(CLOCK_TAI, TIME_SEC + 37, 5005);
	EXPECT_TIME(CLOCK_MONOTONIC_RAW, 99, 10007);
	EXPECT_TIME(CLOCK_REALTIME_COARSE, TIME_SEC - 1, 123);
	EXPECT_TIME(CLOCK_MONOTONIC_COARSE, 99, 456);
	set_counter(VCLOCK_STRATEGY_FAULT, 999);	/* wraps: 2^32 - 1 cycles */
	EXPECT_TIME(CLOCK_MONOTONIC, 100 + 42, 949672950 + 250);

	check(vclock_clock_gettime(-1, &t) == -EINVAL && vclock_clock_gettime(10, &t) == -EINVAL,
	      "ids -1 and 10 are -EINVAL from the syscall");
	check(reads_real_clock(CLOCK_PROCESS_CPUTIME_ID), "CPU-time clock from the syscall");
	check(!vclock_clock_getres(CLOCK_MONOTONIC, &res) && ts_is(&res, 0, 7),
	      "getres(MONOTONIC) is the page's 7 ns");
	check(!vclock_clock_getres(CLOCK_MONOTONIC_COARSE, &res) && ts_is(&res, 0, 4000000),
	      "getres(MONOTONIC_COARSE) is the page's 4 ms");
	check(!vclock_clock_getres(CLOCK_MONOTONIC, NULL), "getres with NULL res");
	set_counter(VCLOCK_STRATEGY_FAULT, 1000 + 100);		/* +1000 ns */
	check(!vclock_gettimeofday(&tv, &tz) && (uint64_t)tv.tv_sec == TIME_SEC &&
	      tv.tv_usec == 1 && tz.tz_minuteswest == -60 && tz.tz_dsttime == 1,
	      "gettimeofday: %lld.%06ld tz %d/%d", (long long)tv.tv_sec, (long)tv.tv_usec,
	      tz.tz_minuteswest, tz.tz_dsttime);
	check(vclock_time(&tt) == (time_t)(TIME_SEC - 1) && tt == (time_t)(TIME_SEC - 1),
	      "time() is REALTIME_COARSE's seconds");
	check(vclock_init(VCLOCK_STRATEGY_REMAP) == -EBUSY && !vclock_init(VCLOCK_STRATEGY_FAULT),
	      "vclock_init: -EBUSY for another strategy, 0 for the same");
	check(vclock_set_strategy(VCLOCK_STRATEGY_SPLIT) == -EBUSY,
	      "vclock_set_strategy after mapping: -EBUSY");
}

static void scenario_split(void *arg __attribute__((unused)))
{
	char vmas[128];
	struct vclock_status st;

	check(!vclock_set_strategy(VCLOCK_STRATEGY_SPLIT), "set_strategy(split) before first use");
	EXPECT_TIME(CLOCK_MONOTONIC, 100, 250);		/* lazy first use */
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_MAPPED && st.strategy == VCLOCK_STRATEGY_SPLIT,
	      "first use mapped with split");
	check(vclock_vmas(vmas, sizeof(vmas)) == 2 && strstr(vmas, "r--s:30000:3") &&
	      strstr(vmas, "r--s:33000:1"),
	      "two VMAs: data at 0x30000 (3 pages), HPET at 0x33000 (1 page): %s", vmas);
	set_counter(VCLOCK_STRATEGY_SPLIT, 2000);
	EXPECT_TIME(CLOCK_MONOTONIC, 100, 10250);
	check(vt_count_fds() == 0, "no device fd left");
}

static void scenario_remap_mixed(void *arg __attribute__((unused)))
{
	char vmas[128];
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		vclock_init(VCLOCK_STRATEGY_MIXED);
		check(vclock_vmas(vmas, sizeof(vmas)) == 1 && !strcmp(vmas, "r--s:40000:4"),
		      "mixed: one VMA at 0x40000 (%s)", vmas);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check(!vclock_init(VCLOCK_STRATEGY_REMAP), "vclock_init(remap)");
	check(vclock_vmas(vmas, sizeof(vmas)) == 1 && !strcmp(vmas, "r--s:20000:4"),
	      "remap: one VMA at 0x20000 (%s)", vmas);
	set_counter(VCLOCK_STRATEGY_REMAP, 1001);
	EXPECT_TIME(CLOCK_MONOTONIC, 100, 260);
}

static void scenario_bad_page(void *arg __attribute__((unused)))
{
	struct vclock_status st;
	char vmas[128];

	fake_data(VCLOCK_STRATEGY_FAULT)->magic = 0x12345678;
	check(vclock_init(VCLOCK_STRATEGY_FAULT) == -EPROTO, "bad magic: -EPROTO");
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_FAILED && st.error == -EPROTO, "state failed, error -EPROTO");
	check(vclock_vmas(vmas, sizeof(vmas)) == 0 && vt_count_fds() == 0,
	      "nothing left mapped or open (%s)", vmas);
	check(reads_real_clock(CLOCK_MONOTONIC) && reads_real_clock(CLOCK_REALTIME),
	      "clocks come from the syscall");

	fake_data(VCLOCK_STRATEGY_REMAP)->layout_version = VCLOCK_LAYOUT_VERSION + 1;
	check(vclock_init(VCLOCK_STRATEGY_REMAP) == -EPROTO, "other layout version: -EPROTO");
	check(vclock_init(VCLOCK_STRATEGY_SPLIT) == 0, "a good page maps after that");
}

static void scenario_none_mode(void *arg __attribute__((unused)))
{
	struct timespec res, sres;
	struct timezone tz, stz;
	time_t s0, t, s1;

	fake_data(VCLOCK_STRATEGY_FAULT)->clock_mode = VCLOCK_MODE_NONE;
	check(!vclock_init(VCLOCK_STRATEGY_FAULT), "a NONE page maps");
	check(vclock_clock_mode() == VCLOCK_MODE_NONE, "vclock_clock_mode() is NONE");
	check(reads_real_clock(CLOCK_MONOTONIC) && reads_real_clock(CLOCK_REALTIME_COARSE) &&
	      reads_real_clock(CLOCK_MONOTONIC_RAW), "every served clock comes from the syscall");
	syscall(SYS_clock_getres, CLOCK_MONOTONIC, &sres);
	check(!vclock_clock_getres(CLOCK_MONOTONIC, &res) && res.tv_nsec == sres.tv_nsec,
	      "getres from the syscall (%ld ns)", res.tv_nsec);
	syscall(SYS_gettimeofday, NULL, &stz);
	check(!vclock_gettimeofday(NULL, &tz) && tz.tz_minuteswest == stz.tz_minuteswest,
	      "tz from the syscall");
	s0 = syscall(SYS_time, NULL);
	t = vclock_time(NULL);
	s1 = syscall(SYS_time, NULL);
	check(s0 <= t && t <= s1, "time() from the syscall");
}

/*
 * A time namespace's view at the data page: mode VCLOCK_MODE_TIMENS and the
 * offsets. Every clock comes from the tk page plus the offset (none for
 * REALTIME, TAI, REALTIME_COARSE), and so do getres, gettimeofday, time()
 * and vclock_clock_mode(); @arg: a negative MONOTONIC offset.
 */
static void scenario_timens(void *arg)
{
	struct vclock_data *v = fake_data(VCLOCK_STRATEGY_FAULT);
	int negative = arg != NULL;
	uint64_t msec = negative ? (uint64_t)-2 : 1000;	/* -2 s + 0.5 s = -1.5 s */
	uint64_t mns = negative ? 500000000 : 5;
	struct timespec res;
	struct timeval tv;
	time_t tt = 0;
	int r;

	memset(v, 0, sizeof(*v));
	v->magic = VCLOCK_MAGIC;
	v->layout_version = VCLOCK_LAYOUT_VERSION;
	v->clock_mode = VCLOCK_MODE_TIMENS;
	set_base(v, CLOCK_MONOTONIC, msec, mns, 0);
	set_base(v, CLOCK_MONOTONIC_RAW, msec, mns, 0);
	set_base(v, CLOCK_MONOTONIC_COARSE, msec, mns, 0);
	set_base(v, CLOCK_BOOTTIME, 2000, 999999999, 0);
	check(!vclock_init(VCLOCK_STRATEGY_FAULT), "a view maps");
	check(vclock_clock_mode() == VCLOCK_MODE_HPET,
	      "vclock_clock_mode() is the timekeeper's page's (%d)", vclock_clock_mode());
	if (negative) {
		EXPECT_TIME(CLOCK_MONOTONIC, 98, 500000250);
		EXPECT_TIME(CLOCK_MONOTONIC_RAW, 97, 500000007);
		EXPECT_TIME(CLOCK_MONOTONIC_COARSE, 97, 500000456);
		return;
	}
	EXPECT_TIME(CLOCK_MONOTONIC, 1100, 255);
	EXPECT_TIME(CLOCK_MONOTONIC_RAW, 1099, 12);
	EXPECT_TIME(CLOCK_MONOTONIC_COARSE, 1099, 461);
	EXPECT_TIME(CLOCK_BOOTTIME, 2201, 999999989);
	EXPECT_TIME(CLOCK_REALTIME, TIME_SEC, 5);
	EXPECT_TIME(CLOCK_TAI, TIME_SEC + 37, 5);
	EXPECT_TIME(CLOCK_REALTIME_COARSE, TIME_SEC - 1, 123);
	set_counter(VCLOCK_STRATEGY_FAULT, 1500);	/* 500 cycles = 5000 ns */
	EXPECT_TIME(CLOCK_MONOTONIC, 1100, 5255);
	check(!vclock_clock_getres(CLOCK_MONOTONIC, &res) && ts_is(&res, 0, 7),
	      "getres(MONOTONIC) is the tk page's 7 ns");
	memset(&tv, 0, sizeof(tv));
	r = vclock_gettimeofday(&tv, NULL);
	check(!r && (uint64_t)tv.tv_sec == TIME_SEC && tv.tv_usec == 5, "gettimeofday: %lld.%06ld",
	      (long long)tv.tv_sec, (long)tv.tv_usec);
	check(vclock_time(&tt) == (time_t)(TIME_SEC - 1), "time() is the tk page's REALTIME_COARSE");
	fake_tk(VCLOCK_STRATEGY_FAULT)->clock_mode = VCLOCK_MODE_NONE;
	check(reads_real_clock(CLOCK_MONOTONIC) && reads_real_clock(CLOCK_MONOTONIC_COARSE),
	      "the tk page in mode NONE: the syscall");
}

static void scenario_timens_negative(void *arg __attribute__((unused)))
{
	scenario_timens((void *)1);
}

/* ---- the seqcount through the public API, against a writer thread ---- */

static void scenario_seqcount(void *arg __attribute__((unused)))
{
	struct seq_writer w = { .d = fake_data(VCLOCK_STRATEGY_FAULT), .shift = SHIFT };
	unsigned long reads = 0, torn = 0;
	struct timespec t;
	time_t last = -1;
	pthread_t th;

	set_base(w.d, CLOCK_MONOTONIC, 0, 0, SHIFT);
	vclock_init(VCLOCK_STRATEGY_FAULT);
	pthread_create(&th, NULL, seq_writer_run, &w);
	do {
		if (vclock_clock_gettime(CLOCK_MONOTONIC, &t) || t.tv_nsec != t.tv_sec % 1000)
			torn++;
		seq_writer_saw(&w, (uint64_t)t.tv_sec, (uint64_t)last);
		last = t.tv_sec;
		reads++;
	} while (!seq_writer_done(&w));
	pthread_join(th, NULL);
	check(!torn && w.distinct >= SEQ_WRITER_DISTINCT,
	      "%lu reads across %llu updates: %lu torn, %lu distinct (want %d)", reads,
	      (unsigned long long)w.last, torn, w.distinct, SEQ_WRITER_DISTINCT);
}

/* ---- concurrent first use ---- */

#define RACERS	8
static pthread_barrier_t barrier;
static int synthetic, real, wrong;

static void *racer(void *arg)
{
	struct timespec a, b, c;

	(void)arg;
	pthread_barrier_wait(&barrier);
	sys_gettime(CLOCK_MONOTONIC, &a);
	vclock_clock_gettime(CLOCK_MONOTONIC, &b);
	sys_gettime(CLOCK_MONOTONIC, &c);
	if (ts_is(&b, 100, 250))
		__atomic_add_fetch(&synthetic, 1, __ATOMIC_RELAXED);
	else if (ts_le(&a, &b) && ts_le(&b, &c))
		__atomic_add_fetch(&real, 1, __ATOMIC_RELAXED);	/* lost the race: syscall */
	else
		__atomic_add_fetch(&wrong, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void scenario_first_use_race(void *arg __attribute__((unused)))
{
	struct vclock_status st;
	pthread_t th[RACERS];
	char vmas[128];
	int i;

	pthread_barrier_init(&barrier, NULL, RACERS);
	for (i = 0; i < RACERS; i++)
		pthread_create(&th[i], NULL, racer, NULL);
	for (i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_MAPPED && st.attempts == 1,
	      "%d threads at once: mapped by one attempt (%lu)", RACERS, st.attempts);
	check(vclock_vmas(vmas, sizeof(vmas)) == 1, "one mapping (%s)", vmas);
	check(!wrong && synthetic >= 1 && synthetic + real == RACERS,
	      "%d read the page, %d the syscall meanwhile, %d wrong", synthetic, real, wrong);
}

/* ---- a module that appears later is picked up by the retry ---- */

static void calls(int n)
{
	struct timespec ts;

	while (n--)
		vclock_clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void scenario_appears_later(void *arg __attribute__((unused)))
{
	struct vclock_status st;

	rename(VCLOCK_DEVICE, VCLOCK_DEVICE ".away");
	calls(1);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_FAILED && st.error == -ENOENT && st.attempts == 1,
	      "no device: failed with -ENOENT");
	rename(VCLOCK_DEVICE ".away", VCLOCK_DEVICE);
	calls(1023);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_FAILED && st.attempts == 1,
	      "device back, call 1024 within a second: no retry yet");
	usleep(1100 * 1000);
	calls(1024);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_MAPPED && st.attempts == 2,
	      "after a second, call 2048 retries and maps (%lu attempts)", st.attempts);
	EXPECT_TIME(CLOCK_MONOTONIC, 100, 250);
}

int main(void)
{
	char why[256];

	tap_header();
	if (enter_private_dev(why, sizeof(why))) {
		tap_skip(why, "no private /dev for a fake device");
		return tap_done();
	}
	child_setup();

	static const struct {
		const char *name;
		void (*fn)(void *);
	} scenarios[] = {
		{ "fault", scenario_fault },
		{ "split", scenario_split },
		{ "remap/mixed", scenario_remap_mixed },
		{ "bad page", scenario_bad_page },
		{ "NONE mode", scenario_none_mode },
		{ "time namespace view", scenario_timens },
		{ "time namespace view, negative offset", scenario_timens_negative },
		{ "seqcount", scenario_seqcount },
		{ "first-use race", scenario_first_use_race },
		{ "appears later", scenario_appears_later },
	};
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		fake_reset();
		run_child(scenarios[i].name, scenarios[i].fn, NULL);
	}
	return tap_done();
}
