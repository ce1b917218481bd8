// SPDX-License-Identifier: GPL-2.0
/*
 * 41-reader - libvclock against the system calls in the guest, with the
 * module loaded: every clock id through every strategy in the module's
 * HPET mode; NONE mode (the module's clock_mode parameter) and TSC mode
 * where offered; continuity while the mode switches under a reader; many
 * threads racing the first use; and with the module unloaded: the fallback
 * for every id, then the retry that picks the module up once it is back.
 * Each scenario runs in a child (fresh library); this process never maps
 * the device, so it can unload the module. The module is left loaded, with
 * the parameters vm/run gave it, as it was found.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vclock.h"
#include "vclock_child.h"
#include "vclock_clocks.h"
#include "vclock_read.h"
#include "vclock_test.h"

#define READS_PER_ID	2000
#define VCLOCK_KO	"/opt/vclock/kmod/vclock.ko"

static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const mode_names[] = VCLOCK_MODE_NAMES;
static struct vclock_info info;

/* ---- helpers ---- */

static int get_info(struct vclock_info *out)
{
	int fd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VCLOCK_IOC_INFO, out))
		err = -errno;
	close(fd);
	return err;
}

/* insmod with the parameters vm/run --load gave it (vm/init keeps them). */
static int module_reload(void)
{
	struct stat st;
	int i;

	if (vt_loaded())
		return 0;
	if (system("insmod " VCLOCK_KO " $(cat /vm/load 2>/dev/null)"))
		return -1;
	for (i = 0; i < 50 && stat(VCLOCK_DEVICE, &st); i++)
		usleep(100000);
	return stat(VCLOCK_DEVICE, &st) ? -1 : 0;
}

/* "PID (comm)" of the processes that map or hold the device open. */
static const char *holders(void)
{
	static char out[384];
	char cmd[512];
	FILE *p;
	size_t len;

	snprintf(cmd, sizeof(cmd), ". /opt/vclock/tests/lib/vclock-module.sh; vclock_holders");
	p = popen(cmd, "r");
	out[0] = 0;
	if (p) {
		if (!fgets(out, sizeof(out), p))
			out[0] = 0;
		pclose(p);
	}
	len = strcspn(out, "\n");
	out[len] = 0;
	return out[0] ? out : "unknown";
}

/*
 * Is @lib at most the kernel's clock? With the HPET as clocksource, Linux
 * shares one counter read between CPUs (read_hpet()), so the syscall right
 * after a library reading may return another CPU's older value; successive
 * syscalls stay ordered. So: above the syscall after it is fine only if one
 * of the next three syscall readings is already at or past it (counted).
 */
static unsigned long stale_kernel;

static int below_kernel(clockid_t id, const struct timespec *lib, const struct timespec *after)
{
	struct timespec d;
	int i;

	if (ts_le(lib, after))
		return 1;
	for (i = 0; i < 3; i++)
		if (!sys_gettime(id, &d) && ts_le(lib, &d)) {
			stale_kernel++;
			return 1;
		}
	return 0;
}

/*
 * Every id 0..11 and the invalid ones, READS_PER_ID times: the library's
 * return equals the syscall's, and a successful reading is normalised and
 * lies between two syscall readings (the CPU-time clocks of this one thread
 * too). Also getres, gettimeofday (with tz) and time.
 */
static void compare_all_ids(const char *how)
{
	static const int ids[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				   -1, INT_MIN, INT_MAX, 12 };
	struct timespec a, b, c, ra, rb;
	struct timeval tv, stv;
	struct timezone tz, stz;
	unsigned long bad;
	size_t i;
	int r1, r2, r3, n, g1, g2;
	time_t t0, t1, t2;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		bad = 0;
		r2 = 0;
		for (n = 0; n < READS_PER_ID; n++) {
			r1 = sys_gettime(ids[i], &a);
			r2 = vclock_clock_gettime(ids[i], &b);
			r3 = sys_gettime(ids[i], &c);
			if (r1 != r2 || r2 != r3)
				bad++;
			else if (!r2 && (b.tv_nsec < 0 || b.tv_nsec >= 1000000000 ||
					 !ts_le(&a, &b) || !below_kernel(ids[i], &b, &c)))
				bad++;
		}
		g1 = sys_getres(ids[i], &ra);
		g2 = vclock_clock_getres(ids[i], &rb);
		check(!bad && g1 == g2 && (g1 || (ra.tv_sec == rb.tv_sec && ra.tv_nsec == rb.tv_nsec)),
		      "%s: id %d: %d reads, ret %d, %lu bad; getres %d = syscall %d", how, ids[i],
		      READS_PER_ID, r2, bad, g2, g1);
	}
	bad = 0;
	for (n = 0; n < READS_PER_ID; n++) {
		syscall(SYS_gettimeofday, &stv, &stz);
		if (vclock_gettimeofday(&tv, &tz) || tz.tz_minuteswest != stz.tz_minuteswest ||
		    tz.tz_dsttime != stz.tz_dsttime || tv.tv_usec >= 1000000 ||
		    tv.tv_sec < stv.tv_sec || (tv.tv_sec == stv.tv_sec && tv.tv_usec < stv.tv_usec))
			bad++;
		t0 = syscall(SYS_time, NULL);
		t1 = vclock_time(&t2);
		if (t1 != t2 || t1 < t0 || t1 > syscall(SYS_time, NULL))
			bad++;
	}
	check(!bad, "%s: gettimeofday (with tz) and time agree with the syscalls (%lu bad; "
	      "so far %lu clock readings were above the syscall after them and caught up by "
	      "the kernel's next one)", how, bad, stale_kernel);
}

/* ---- scenarios ---- */

static void scenario_strategy(void *arg)
{
	unsigned int s = *(unsigned int *)arg;
	struct vclock_status st;
	struct vclock_data snap;
	const struct vclock_data *d;
	unsigned long bad = 0;
	int i, want_vmas = s == VCLOCK_STRATEGY_SPLIT ? 2 : 1;
	__u32 seq;

	vclock_status(&st);
	check(st.state == VCLOCK_LIB_UNMAPPED, "nothing mapped before the first call");
	check(!vclock_init(s), "vclock_init(%s)", strategy_names[s]);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_MAPPED && st.strategy == s && st.attempts == 1,
	      "mapped with %s in one attempt", strategy_names[s]);
	check(st.clock_mode == VCLOCK_MODE_HPET, "the page is in HPET mode (%d)", st.clock_mode);
	check(vt_count_vmas() == want_vmas && !vt_count_fds(),
	      "%d VMA(s) in /proc/self/maps, no open device fd", want_vmas);
	compare_all_ids(strategy_names[s]);

	d = vclock_data_page();
	for (i = 0; d && i < 20000; i++) {
		do {
			seq = vclock_read_begin(d);
			memcpy(&snap, d, sizeof(snap));
		} while (vclock_read_retry(d, seq));
		bad += vclock_data_checksum(&snap) != snap.checksum;
	}
	check(d && !bad, "20000 data page snapshots, %lu with a bad checksum", bad);
}

static void scenario_mode(void *arg)
{
	int mode = *(int *)arg;

	check(!vclock_init(VCLOCK_STRATEGY_FAULT), "vclock_init(fault)");
	check(vclock_clock_mode() == mode, "the page says mode %s (%d)", mode_names[mode],
	      vclock_clock_mode());
	compare_all_ids(mode_names[mode]);
}

/* A reader that must never see MONOTONIC or MONOTONIC_RAW go back. */
struct switch_ctx {
	int pipefd[2];
};

static void scenario_switch_reader(void *arg)
{
	struct switch_ctx *c = arg;
	struct timespec m, pm = { 0, 0 }, r, pr = { 0, 0 };
	unsigned long reads = 0, back = 0;
	char byte;
	int flags;

	vclock_init(VCLOCK_STRATEGY_FAULT);
	close(c->pipefd[1]);
	flags = fcntl(c->pipefd[0], F_GETFL);
	fcntl(c->pipefd[0], F_SETFL, flags | O_NONBLOCK);
	while (read(c->pipefd[0], &byte, 1) < 0 && errno == EAGAIN) {
		vclock_clock_gettime(CLOCK_MONOTONIC, &m);
		vclock_clock_gettime(CLOCK_MONOTONIC_RAW, &r);
		back += !ts_le(&pm, &m) + !ts_le(&pr, &r);
		pm = m;
		pr = r;
		reads++;
	}
	check(reads > 1000 && !back, "%lu reads of MONOTONIC and RAW while the mode switched: "
	      "%lu went backwards", reads, back);
}

static void mode_switches(void)
{
	static const char *const seq[] = { "none", "hpet", "none", "auto", "none", "auto" };
	struct switch_ctx c;
	unsigned int i;
	pid_t pid;
	int status;

	if (pipe(c.pipefd))
		tap_bail("pipe");
	child_results->n = 0;
	pid = fork();
	if (pid == 0) {
		scenario_switch_reader(&c);
		_exit(0);
	}
	close(c.pipefd[0]);
	usleep(200000);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (vt_param_write("clock_mode", seq[i]))
			tap_diag("clock_mode=%s refused", seq[i]);
		usleep(150000);
	}
	close(c.pipefd[1]);
	waitpid(pid, &status, 0);
	for (i = 0; i < (unsigned int)child_results->n; i++)
		tap_ok(child_results->r[i].ok, "mode switches: %s", child_results->r[i].what);
	if (!child_results->n)
		tap_ok(0, "mode switches: reader died (status %#x)", status);
}

#define RACERS	8
static pthread_barrier_t barrier;
static int racer_fail;

static void *racer(void *arg)
{
	struct timespec a, b, c;

	(void)arg;
	pthread_barrier_wait(&barrier);
	sys_gettime(CLOCK_MONOTONIC, &a);
	if (vclock_clock_gettime(CLOCK_MONOTONIC, &b))
		__atomic_add_fetch(&racer_fail, 1, __ATOMIC_RELAXED);
	sys_gettime(CLOCK_MONOTONIC, &c);
	if (!ts_le(&a, &b) || !ts_le(&b, &c))
		__atomic_add_fetch(&racer_fail, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void scenario_race(void *arg)
{
	struct vclock_status st;
	pthread_t t[RACERS];
	int i;

	(void)arg;
	pthread_barrier_init(&barrier, NULL, RACERS);
	for (i = 0; i < RACERS; i++)
		pthread_create(&t[i], NULL, racer, NULL);
	for (i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	vclock_status(&st);
	check(!racer_fail, "%d threads' first calls at once all read right", RACERS);
	check(st.state == VCLOCK_LIB_MAPPED && st.attempts == 1 &&
	      vt_count_vmas() == 1,
	      "mapped once (%lu attempts, %d VMAs)", st.attempts,
	      vt_count_vmas());
}

static void scenario_absent(void *arg)
{
	struct vclock_status st;

	(void)arg;
	check(vclock_init(VCLOCK_STRATEGY_FAULT) == -ENOENT, "vclock_init is -ENOENT");
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_FAILED && st.error == -ENOENT, "state fallback, -ENOENT");
	compare_all_ids("module absent");
}

/* With the module absent, read until the parent loads it: the retry maps it. */
static void scenario_comes_back(void *arg)
{
	int *pipefd = arg;
	struct vclock_status st;
	struct timespec t0, t, ts;
	long calls = 0;
	char byte = 0;

	vclock_clock_gettime(CLOCK_MONOTONIC, &ts);
	vclock_status(&st);
	check(st.state == VCLOCK_LIB_FAILED, "first use fails without the module");
	close(pipefd[0]);
	if (write(pipefd[1], &byte, 1) != 1)	/* parent: load it now */
		return;
	close(pipefd[1]);
	sys_gettime(CLOCK_MONOTONIC, &t0);
	do {
		vclock_clock_gettime(CLOCK_MONOTONIC, &ts);
		calls++;
		vclock_status(&st);
		sys_gettime(CLOCK_MONOTONIC, &t);
	} while (st.state != VCLOCK_LIB_MAPPED && t.tv_sec - t0.tv_sec < 10);
	check(st.state == VCLOCK_LIB_MAPPED, "the retry mapped the module after %ld calls, "
	      "%ld s (last attempt's error %d, %lu attempts)", calls,
	      (long)(t.tv_sec - t0.tv_sec), st.error, st.attempts);
	check(st.attempts <= 2 + (unsigned long)(t.tv_sec - t0.tv_sec),
	      "%lu attempts: at most one per second", st.attempts);
	check(vclock_clock_mode() == VCLOCK_MODE_HPET, "reads the page again (mode %d)",
	      vclock_clock_mode());
}

int main(void)
{
	unsigned int s;
	int mode, err, pipefd[2];
	pid_t pid;

	tap_header();
	err = get_info(&info);
	if (err)
		tap_bail("%s: %s \u2014 load the module (vm/run --load)", VCLOCK_DEVICE,
			 strerror(-err));
	tap_diag("module: mode %s, strategies %#x, modes %#x, update every %u us",
		 mode_names[info.clock_mode], info.strategies, info.modes,
		 info.update_interval_us);
	child_setup();

	tap_ok(info.clock_mode == VCLOCK_MODE_HPET, "the module publishes HPET mode");
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(info.strategies & (1u << s))) {
			int fd = vt_open();

			vt_check_unoffered(fd, s);
			close(fd);
			continue;
		}
		run_child(strategy_names[s], scenario_strategy, &s);
	}

	tap_ok(!vt_param_write("clock_mode", "none"), "clock_mode=none accepted");
	mode = VCLOCK_MODE_NONE;
	run_child("NONE mode", scenario_mode, &mode);
	if (info.modes & (1u << VCLOCK_MODE_TSC)) {
		tap_ok(!vt_param_write("clock_mode", "tsc"), "clock_mode=tsc accepted");
		mode = VCLOCK_MODE_TSC;
		run_child("TSC mode", scenario_mode, &mode);
	} else {
		tap_skip("the module does not offer TSC here (TCG, unstable TSC)", "TSC mode");
	}
	tap_ok(!vt_param_write("clock_mode", "auto"), "clock_mode=auto accepted");
	mode_switches();
	vt_param_write("clock_mode", "auto");
	run_child("first-use race", scenario_race, NULL);

	/*
	 * Without the module. If another process (left by another suite) holds
	 * the device, rmmod is refused: name it and skip, rather than fail here
	 * for someone else's leak or hide it.
	 */
	if (vt_unload()) {
		char why[512];

		snprintf(why, sizeof(why), "rmmod refused: " VCLOCK_DEVICE " held by %s",
			 holders());
		tap_skip(why, "no module: fallback for every id, then the retry");
		return tap_done();
	}
	tap_ok(!vt_loaded(), "module unloaded");
	run_child("no module", scenario_absent, NULL);

	if (pipe(pipefd))
		tap_bail("pipe");
	child_results->n = 0;
	pid = fork();
	if (pid == 0) {
		scenario_comes_back(pipefd);
		_exit(0);
	}
	{
		char byte;
		int status, i;

		close(pipefd[1]);
		if (read(pipefd[0], &byte, 1) == 1)
			tap_ok(!module_reload(), "module loaded again while a process reads");
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		for (i = 0; i < child_results->n; i++)
			tap_ok(child_results->r[i].ok, "module back: %s", child_results->r[i].what);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			tap_ok(0, "module back: child ended badly (%#x)", status);
	}
	if (!vt_loaded())
		tap_ok(!module_reload(), "module loaded again");
	return tap_done();
}
