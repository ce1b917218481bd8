// SPDX-License-Identifier: GPL-2.0
/*
 * 20-kmod-cs-switch - the kernel switching clocksources under readers,
 * after the kernel's clocksource-switch and inconsistency-check
 * selftests.
 *
 * The main thread switches /sys/devices/system/clocksource/clocksource0/
 * current_clocksource among the available ones, every 20-300 ms and then
 * as fast as the kernel switches, then once before each of 30 leaves for
 * clock_mode none (the page ahead by the kernel's step when readers go to
 * the kernel). Meanwhile a reader pinned to each vCPU
 * reads MONOTONIC and BOOTTIME from the library, then from the kernel, in a
 * loop; and a child process runs the same loop through vclock-preload.so
 * (its clock_gettime is the library's) against the system call. Per counter
 * mode the page can be in:
 *
 *   - no reader ever sees the library's time go backwards;
 *   - the page is never further ahead of the kernel than the kernel's own
 *     steps of the last two update intervals plus STEP_SLACK_NS;
 *   - nor further behind it (a library read against the kernel read just
 *     before it: a program mixing system calls with the page sees time go
 *     back by that much), by the same bound plus the steering's overshoot
 *     (vt_steer_overshoot_ns()): a line slowed to meet the kernel at the
 *     next update falls behind it after the meeting point until that update
 *     comes, and a switch (stop_machine) or a busy host can hold the update
 *     back by milliseconds;
 *   - two update intervals after the last switch it is within SETTLED_NS,
 *     either way.
 *
 * First, with clock_mode=auto, the kernel is moved to each clocksource in
 * turn: the page follows it where it can read the same counter.
 *
 * The kernel's step is measured here, at each switch, against the HPET
 * (a counter no clocksource switch touches): the HPET time across the write
 * of current_clocksource minus the kernel's MONOTONIC time across it. The
 * kernel loses that time while it switches; the page, which follows its own
 * counter, cannot know it until its next update, which then slows the line
 * to meet the kernel one interval later (never a step back). So the page
 * may be ahead by the steps of the last two intervals (switching as fast as
 * the kernel does, two can fall into them: once 609 us ahead after steps of
 * 487 us and more), plus the error of an anchor taken while the kernel is
 * not on our counter (the module refuses anchors wider than 50 us), plus
 * what is left of an earlier correction: STEP_SLACK_NS, 100 us.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include <vclock.h>

#include "vclock_test.h"
#include "vclock_clocks.h"
#include "vclock_read.h"

#define CS_DIR		"/sys/devices/system/clocksource/clocksource0/"
#define PRELOAD		"/opt/vclock/lib/vclock-preload.so"
#define STEP_SLACK_NS	100000ll
#define SETTLED_NS	50000ll
#define SWITCHES	20
#define LEAVES		30

struct result {
	long reads;
	int64_t back;		/* worst step back of the library's reads */
	int64_t ahead;		/* worst library read minus the following kernel read */
	int64_t behind;		/* worst kernel read minus the following library read */
	long nbehind;		/* library reads behind the kernel read before them */
	int64_t gap;		/* longest time between two updates seen (MONOTONIC_RAW) */
	uint64_t count, count_at;	/* the page's update_count, when it was seen */
};

/* One reading of @id from the kernel, then the library, then the kernel. */
static void check_pair(struct result *r, int64_t *prev, int64_t before, int64_t lib,
		       int64_t kernel)
{
	if (*prev - lib > r->back)
		r->back = *prev - lib;
	if (lib - kernel > r->ahead)
		r->ahead = lib - kernel;
	if (before > lib) {
		r->nbehind++;
		if (before - lib > r->behind)
			r->behind = before - lib;
	}
	*prev = lib;
	r->reads++;
}

static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };
static atomic_int stop;
static struct result res[2];
static const struct vclock_data *tk_page;

/*
 * How long the page went without an update, as seen by a reader that keeps
 * reading: never less than the real gap (the reader may see an update late).
 */
static void watch_updates(struct result *r)
{
	uint64_t count = VCLOCK_READ_ONCE(tk_page->update_count), now;

	if (count == r->count)
		return;
	now = vt_raw_ns();
	if (r->count_at && (int64_t)(now - r->count_at) > r->gap)
		r->gap = (int64_t)(now - r->count_at);
	r->count = count;
	r->count_at = now;
}

static void *reader(void *arg)
{
	struct result *r = arg;
	int64_t prev[2] = { 0, 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(r - res), &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!atomic_load(&stop)) {
		for (int i = 0; i < 2; i++) {
			int64_t before = vc_sys_ns(ids[i]), lib = vc_lib_ns(ids[i]);

			check_pair(r, &prev[i], before, lib, vc_sys_ns(ids[i]));
		}
		watch_updates(r);
	}
	return NULL;
}

/*
 * The preloaded reader (this program run again with LD_PRELOAD and
 * --preloaded): clock_gettime is the preload's, the kernel's is the system
 * call. It reads until its stdin closes, then writes its result to stdout.
 */
static int preloaded_reader(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct result r = { 0 };
	int64_t prev[2] = { 0, 0 };
	struct timespec b, l, s;

	while (r.reads % 4096 || poll(&p, 1, 0) == 0) {
		for (int i = 0; i < 2; i++) {
			syscall(SYS_clock_gettime, ids[i], &b);
			clock_gettime(ids[i], &l);
			syscall(SYS_clock_gettime, ids[i], &s);
			check_pair(&r, &prev[i], vc_ts_ns(&b), vc_ts_ns(&l), vc_ts_ns(&s));
		}
	}
	return printf("%ld %lld %lld %lld %ld\n", r.reads, (long long)r.back, (long long)r.ahead,
		      (long long)r.behind, r.nbehind) < 0;
}

struct child {
	pid_t pid;
	int in, out;		/* its stdin (close to stop it), its stdout */
};

static int start_preloaded(struct child *c)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		return -1;
	c->pid = fork();
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		setenv("LD_PRELOAD", PRELOAD, 1);
		execl("/proc/self/exe", "20-kmod-cs-switch", "--preloaded", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	return c->pid < 0 ? -1 : 0;
}

static int stop_preloaded(struct child *c, struct result *r)
{
	char buf[128] = "";
	long long back, ahead, behind;
	int status;
	ssize_t n;

	close(c->in);
	n = read(c->out, buf, sizeof(buf) - 1);
	close(c->out);
	if (waitpid(c->pid, &status, 0) != c->pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    n <= 0 || sscanf(buf, "%ld %lld %lld %lld %ld", &r->reads, &back, &ahead, &behind,
			      &r->nbehind) != 5)
		return -1;
	r->back = back;
	r->ahead = ahead;
	r->behind = behind;
	return 0;
}

/* The HPET counter: the reference for the kernel's own step. */
static const volatile uint32_t *hpet;
static uint32_t period_fs;
static unsigned int update_us;

/* The kernel's MONOTONIC between two HPET loads: their middle, half-width. */
struct pair {
	uint32_t h, half;
	int64_t mono;
};

static struct pair pair_now(void)
{
	uint32_t a = *hpet;
	int64_t m = vc_sys_ns(CLOCK_MONOTONIC);
	uint32_t b = *hpet;

	return (struct pair){ a + (b - a) / 2, (b - a) / 2 + 1, m };
}

static int64_t hpet_ns(uint32_t cycles)
{
	return (int64_t)((uint64_t)cycles * period_fs / 1000000);
}

/*
 * Switch to @cs; what the kernel's MONOTONIC lost against the HPET across
 * the switch, at least (each pair's bracket is taken off).
 */
static int64_t switch_to(const char *cs, int *done)
{
	struct pair p0 = pair_now(), p1;

	*done += !vt_write_file(CS_DIR "current_clocksource", cs);
	p1 = pair_now();
	return hpet_ns(p1.h - p0.h) - (p1.mono - p0.mono) - hpet_ns(p0.half + p1.half);
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Every switch of a run: when (MONOTONIC_RAW) and the kernel's step. */
#define MAX_STEPS	8192
static struct step {
	uint64_t at;
	int64_t ns;
} steps[MAX_STEPS];
static int nr_steps;

static int64_t record_switch(const char *cs, int *done)
{
	int64_t ns = switch_to(cs, done);

	if (nr_steps < MAX_STEPS)
		steps[nr_steps++] = (struct step){ vt_raw_ns(), ns };
	return ns;
}

/*
 * The most the kernel lost within any @window_ns, over steps [@from, @to):
 * the lead the page can have before its updates have seen them.
 */
static int64_t steps_within(int from, int to, uint64_t window_ns)
{
	int64_t worst = 0, sum;
	int i, j;

	for (i = from; i < to; i++) {
		sum = 0;
		for (j = i; j >= from && steps[i].at - steps[j].at <= window_ns; j--)
			sum += steps[j].ns > 0 ? steps[j].ns : 0;
		worst = max64(worst, sum);
	}
	return worst;
}

/* The page @dir (ahead, behind) the kernel by at most its steps @lost + STEP_SLACK_NS. */
static void check_bound(const char *mode, const char *pace, const char *dir, int64_t worst,
			int64_t lost)
{
	tap_ok(worst <= lost + STEP_SLACK_NS,
	       "%s: switching %s the page was %s by at most the kernel's steps + %lld us (%lld us, steps %lld us)",
	       mode, pace, dir, STEP_SLACK_NS / 1000, (long long)worst / 1000,
	       (long long)lost / 1000);
}

/*
 * Behind: the same, plus what a line steered to close the steps overshoots
 * when the latest update came later than @interval_ns.
 */
static void check_behind(const char *mode, const char *pace, int64_t worst, int64_t lost,
			 int64_t gap, int64_t interval_ns)
{
	int64_t over = vt_steer_overshoot_ns(lost + STEP_SLACK_NS, gap - interval_ns, interval_ns);

	tap_ok(worst <= lost + over + STEP_SLACK_NS,
	       "%s: switching %s the page was behind by at most the kernel's steps + the steering's overshoot + %lld us (%lld us, steps %lld us, overshoot %lld us, updates up to %lld us apart)",
	       mode, pace, STEP_SLACK_NS / 1000, (long long)worst / 1000, (long long)lost / 1000,
	       (long long)over / 1000, (long long)gap / 1000);
}

static void run_mode(const char *mode, char cs[][32], int ncs, const char *orig)
{
	struct result pre = { 0 };
	struct child child;
	pthread_t t[2];
	int i, paced = 0, fast = 0, leaves = 0, pre_ok;
	int64_t back, ahead, ahead_paced, step_paced = 0, step_fast = 0, settled = 0;
	int64_t behind, behind_paced, settled_behind = 0, gap_paced, gap;
	long nbehind_paced;
	int64_t lost_paced, lost_all;
	uint64_t window = 2ull * update_us * 1000;
	int paced_steps;
	char val[32];
	uint64_t end;

	if (vt_param_write("clock_mode", mode) ||
	    vt_param_read("clock_mode", val, sizeof(val)) || strcmp(val, mode)) {
		tap_skip("mode not available", "%s: clocksource switches", mode);
		return;
	}
	memset(res, 0, sizeof(res));
	nr_steps = 0;
	atomic_store(&stop, 0);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, reader, &res[i]);
	if (start_preloaded(&child))
		tap_bail("starting the preloaded reader: %s", strerror(errno));
	for (i = 0; i < SWITCHES; i++) {
		step_paced = max64(step_paced, record_switch(cs[i % ncs], &paced));
		usleep(i & 1 ? 300000 : 20000);
	}
	ahead_paced = max64(res[0].ahead, res[1].ahead);
	behind_paced = max64(res[0].behind, res[1].behind);
	nbehind_paced = res[0].nbehind + res[1].nbehind;
	gap_paced = max64(res[0].gap, res[1].gap);
	paced_steps = nr_steps;
	for (end = vt_raw_ns() + 1000000000ull, i = 0; vt_raw_ns() < end; i++)
		step_fast = max64(step_fast, record_switch(cs[i % ncs], &fast));
	/*
	 * Leaving for NONE right after a switch, while the page is ahead by
	 * the kernel's step: readers go to the kernel from then on.
	 */
	vt_param_write("update_us", "100000");
	for (i = 0; i < LEAVES; i++) {
		step_fast = max64(step_fast, record_switch(cs[i % ncs], &fast));
		usleep(1000);	/* the readers read the page, ahead by the step */
		leaves += !vt_param_write("clock_mode", "none");
		vt_param_write("clock_mode", mode);
	}
	snprintf(val, sizeof(val), "%u", update_us);
	vt_param_write("update_us", val);
	vt_write_file(CS_DIR "current_clocksource", orig);
	vt_param_write("clock_mode", mode);
	/*
	 * The first update after the switch sees how far ahead the page is and
	 * slows it to meet the kernel at the next one: two intervals, a margin.
	 */
	usleep(2 * update_us + 2000);
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pre_ok = !stop_preloaded(&child, &pre);
	for (i = 0; i < 1000; i++) {
		int64_t before = vc_sys_ns(CLOCK_MONOTONIC), lib = vc_lib_ns(CLOCK_MONOTONIC);

		settled = max64(settled, lib - vc_sys_ns(CLOCK_MONOTONIC));
		settled_behind = max64(settled_behind, before - lib);
	}
	tap_diag("%s: the writer waited for the kernel %ld times (at most %ld ns), put a leave off %ld times",
		 mode, vt_status_value("catchup_waits:"), vt_status_value("max_catchup_ns:"),
		 vt_status_value("deferred_leaves:"));
	back = max64(res[0].back, res[1].back);
	ahead = max64(res[0].ahead, res[1].ahead);
	behind = max64(res[0].behind, res[1].behind);
	gap = max64(res[0].gap, res[1].gap);
	tap_diag("%s: %d paced and %d fast switches among %d clocksources, %d leaves for none; %ld direct, %ld preloaded reads",
		 mode, paced, fast, ncs, leaves, res[0].reads + res[1].reads, pre.reads);
	tap_diag("%s: the kernel's own step at a switch, worst: %lld us paced, %lld us fast", mode,
		 (long long)step_paced / 1000, (long long)step_fast / 1000);
	tap_diag("%s: the page ahead of the kernel, worst: %lld us paced, %lld us in all (preloaded %lld us)",
		 mode, (long long)ahead_paced / 1000, (long long)ahead / 1000,
		 (long long)pre.ahead / 1000);
	tap_ok(paced >= SWITCHES / 2 && leaves == LEAVES && res[0].reads > 1000 && res[1].reads > 1000 && back == 0,
	       "%s: the library's MONOTONIC and BOOTTIME never went backwards on either vCPU (worst %lld ns)",
	       mode, (long long)back);
	tap_ok(pre_ok && pre.reads > 1000 && pre.back == 0,
	       "%s: through vclock-preload.so they never went backwards (worst %lld ns, %ld reads)",
	       mode, (long long)pre.back, pre.reads);
	lost_paced = steps_within(0, paced_steps, window);
	lost_all = steps_within(0, nr_steps, window);
	tap_diag("%s: the kernel's steps within two update intervals, worst: %lld us paced, %lld us in all",
		 mode, (long long)lost_paced / 1000, (long long)lost_all / 1000);
	tap_diag("%s: the page behind a kernel read before it, worst: %lld us paced (%ld reads), %lld us in all (%ld reads; preloaded %lld us, %ld reads)",
		 mode, (long long)behind_paced / 1000, nbehind_paced, (long long)behind / 1000,
		 res[0].nbehind + res[1].nbehind, (long long)pre.behind / 1000, pre.nbehind);
	check_bound(mode, "every 20-300 ms", "ahead", ahead_paced, lost_paced);
	check_bound(mode, "as fast as the kernel does", "ahead", max64(ahead, pre.ahead), lost_all);
	check_behind(mode, "every 20-300 ms", behind_paced, lost_paced, gap_paced,
		     update_us * 1000ll);
	check_behind(mode, "as fast as the kernel does", max64(behind, pre.behind), lost_all, gap,
		     update_us * 1000ll);
	tap_ok(vt_status_value("catchup_timeouts:") == 0,
	       "%s: the writer never gave up waiting for the kernel before readers went to it (%ld times)",
	       mode, vt_status_value("catchup_timeouts:"));
	tap_ok(settled <= SETTLED_NS && settled_behind <= SETTLED_NS,
	       "%s: two update intervals after the last switch at most %lld us ahead or behind (%lld us ahead, %lld us behind)",
	       mode, SETTLED_NS / 1000, (long long)settled / 1000, (long long)settled_behind / 1000);
}

/* What clock_mode=auto must give with the kernel on @cs, the module offering @modes. */
static int auto_mode(const char *cs, unsigned int modes)
{
	if (!strcmp(cs, "hpet") && (modes & (1u << VCLOCK_MODE_HPET)))
		return VCLOCK_MODE_HPET;
	if (!strcmp(cs, "tsc") && (modes & (1u << VCLOCK_MODE_TSC)))
		return VCLOCK_MODE_TSC;
	if (modes & (1u << VCLOCK_MODE_HPET))
		return VCLOCK_MODE_HPET;
	if (modes & (1u << VCLOCK_MODE_TSC))
		return VCLOCK_MODE_TSC;
	return VCLOCK_MODE_NONE;
}

/*
 * clock_mode=auto follows the kernel's clocksource where the page can read
 * the same counter (issue 22 item 7): hpet -> hpet, tsc -> tsc (where the
 * module trusts it), else HPET, else TSC. After each switch the page must
 * reach that mode (at its next update; waited for up to a second, a
 * liveness bound, the time taken is in the line). Last, back to the
 * clocksource the suite found.
 */
static void check_auto_follows(int fd, char cs[][32], int ncs, const char *orig)
{
	static const char *const names[] = VCLOCK_MODE_NAMES;
	struct vclock_info info;
	int i, round, want, got;
	uint64_t t0, took;

	vt_param_write("clock_mode", "auto");
	for (round = 0; round <= ncs; round++) {
		const char *to = round < ncs ? cs[round] : orig;

		if (vt_write_file(CS_DIR "current_clocksource", to)) {
			tap_ok(0, "auto: switching the kernel to %s", to);
			continue;
		}
		t0 = vt_raw_ns();
		if (ioctl(fd, VCLOCK_IOC_INFO, &info)) {
			tap_ok(0, "auto: VCLOCK_IOC_INFO after the switch to %s: %s", to,
			       strerror(errno));
			continue;
		}
		want = auto_mode(to, info.modes);
		for (i = 0; (got = vclock_clock_mode()) != want && i < 1000; i++)
			usleep(1000);
		took = vt_raw_ns() - t0;
		tap_ok(got == want,
		       "auto: kernel on %s, modes offered %#x: the page is in %s mode (%s after %llu us)",
		       to, info.modes, names[want], got >= 0 && got < VCLOCK_NR_MODES ? names[got] : "?",
		       (unsigned long long)took / 1000);
	}
}

int main(int argc, char **argv)
{
	char avail[256], orig[32], cs[4][32], *tok, *save;
	struct vclock_info info;
	struct vt_map m;
	int ncs = 0, err, fd;

	if (argc > 1 && !strcmp(argv[1], "--preloaded"))
		return preloaded_reader();
	tap_header();
	err = vclock_init(VCLOCK_STRATEGY_FAULT);
	if (err)
		tap_bail("vclock_init: %s (is the module loaded?)", strerror(-err));
	fd = vt_open();
	if (fd < 0 || ioctl(fd, VCLOCK_IOC_INFO, &info) || vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		tap_bail("mapping the HPET page: %s", strerror(errno));
	hpet = vt_counter(&m);
	tk_page = vclock_serving_page(vt_data(&m));
	period_fs = info.hpet_period_fs;
	update_us = info.update_interval_us;
	if (vt_read_file(CS_DIR "available_clocksource", avail, sizeof(avail)) ||
	    vt_read_file(CS_DIR "current_clocksource", orig, sizeof(orig)))
		tap_bail("no clocksource sysfs");
	for (tok = strtok_r(avail, " ", &save); tok && ncs < 4; tok = strtok_r(NULL, " ", &save))
		snprintf(cs[ncs++], sizeof(cs[0]), "%s", tok);
	if (ncs < 2) {
		tap_skip("one clocksource only", "clocksource switches (available: %s)", avail);
		return tap_done();
	}
	check_auto_follows(fd, cs, ncs, orig);
	run_mode("hpet", cs, ncs, orig);
	run_mode("tsc", cs, ncs, orig);
	vt_param_write("clock_mode", "auto");
	vt_unmap(&m);
	close(fd);
	return tap_done();
}
