// SPDX-License-Identifier: GPL-2.0
/*
 * 24-kmod-timens - the data page in time namespaces. A mapping made by a task
 * whose time namespace has offsets gets that namespace's page (a "view"):
 * its MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE and BOOTTIME agree with the
 * task's own clock_gettime, REALTIME and TAI do not move. A view holds only
 * the namespace's offsets (mode VCLOCK_MODE_TIMENS); readers read the
 * mapping's tk page and add them. One view per namespace (two namespaces
 * with equal offsets have one each: a view pins its namespace), a namespace
 * without offsets gets the timekeeper's page, views go away with their last
 * mapping, there is no global cap (VIEWS_MANY at once), the view is the mmap
 * caller's (a child forked into another namespace keeps it until it maps
 * again), and a reading through a view is never torn while the writer runs
 * at its fastest: it lies between two readings of the tk page, plus the
 * offset, and the view itself never changes.
 */
#include <sched.h>
#include <sys/syscall.h>

#include "vclock_test.h"
#include "vclock_child.h"
#include "vclock_read.h"

#define VIEWS_MANY	80	/* views at once: no cap (it was 64) */
#define READS		200
#define FAR_NS		1000000ll	/* beyond this, a read is wrong, not late */

struct offs {
	long long mono_s, mono_ns, boot_s, boot_ns;
};

static const struct offs plus = { 1000, 999999999, 2000, 500000000 };
static const struct offs minus = { -1, 500000000, -2, 0 };
static const struct offs zero;

static int fd;
static unsigned int strategies;

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000ll + t->tv_nsec;
}

static int64_t offs_ns(long long s, long long ns)
{
	return s * 1000000000ll + ns;
}

/* Enter a new time namespace with @o for our children; 0 or -errno. */
static int timens_for_children(const struct offs *o)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "monotonic %lld %lld\nboottime %lld %lld\n",
		 o->mono_s, o->mono_ns, o->boot_s, o->boot_ns);
	return vt_new_timens(0, buf);
}

/*
 * Run @fn(@arg) in a grandchild that lives in a new time namespace with @o;
 * the child in between only sets it up. Returns like vt_in_child.
 */
static int in_timens(const struct offs *o, void (*fn)(void *), void *arg)
{
	int err = timens_for_children(o);

	if (err) {
		check(0, "new time namespace: %s", strerror(-err));
		return 256 + 1;
	}
	return vt_in_child(fn, arg);
}

/* The pfn of the data page of the mapping at @base (touched), 0 if none. */
static unsigned long data_pfn(const uint8_t *base)
{
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *pe;
	int n;

	(void)*(const volatile uint32_t *)base;
	n = vt_query(fd, 0, e, 8, NULL);
	pe = n > 0 ? vt_entry(e, n, base) : NULL;
	return pe && pe->present ? (unsigned long)pe->pfn : 0;
}

/* "timens_views: N" from the status file; -1 if absent. */
static long views_live(void)
{
	return vt_status_value("timens_views:");
}

/*
 * Every clock the page serves against the caller's clock_gettime system
 * call: READS brackets each. @shift_ns is what the page is expected to be
 * ahead of the syscall for the monotonic clocks (and @boot_ns for
 * BOOTTIME); 0 when the page is the caller's own namespace's.
 */
static void check_clocks(const char *how, const struct vt_map *m, int64_t mono_shift,
			 int64_t boot_shift)
{
	static const int ids[] = { 0, 1, 4, 5, 6, 7, 11 };
	const struct vclock_data *d = vt_data(m);
	unsigned int i, k;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int id = ids[i], outside = 0, failed = 0;
		int64_t shift = 0, worst = 0;

		if (id == 1 || id == 4 || id == 6)
			shift = mono_shift;
		else if (id == 7)
			shift = boot_shift;
		for (k = 0; k < READS; k++) {
			struct timespec a, b;
			struct vclock_reading r;
			int64_t v, dist = 0;

			syscall(SYS_clock_gettime, id, &a);
			if (vclock_read_clock(d, m->hpet, id, &r)) {
				failed++;
				continue;
			}
			syscall(SYS_clock_gettime, id, &b);
			v = (int64_t)r.sec * 1000000000ll + (int64_t)r.nsec - shift;
			if (v < ts_ns(&a))
				dist = ts_ns(&a) - v;
			else if (v > ts_ns(&b))
				dist = v - ts_ns(&b);
			outside += dist > 0;
			if (dist > worst)
				worst = dist;
		}
		check(!failed && worst <= FAR_NS && outside <= READS / 100,
		      "%s: clock %d%s agrees with clock_gettime (%d of %d outside the bracket, worst %lld ns, %d failed reads)",
		      how, id, shift ? " (shifted by the namespace)" : "", outside, READS,
		      (long long)worst, failed);
	}
}

/* ---- one strategy in a namespace ------------------------------------------ */

struct ns_case {
	unsigned int strategy;
	const struct offs *o;
};

static void ns_reads(void *arg)
{
	const struct ns_case *c = arg;
	char how[96];
	struct vt_map m;
	struct timespec t;
	int err = vt_map(fd, c->strategy, VCLOCK_LAB_WB, &m);

	snprintf(how, sizeof(how), "%s, offsets %+lld.%09lld/%+lld.%09lld",
		 vt_strategy_names[c->strategy], c->o->mono_s, c->o->mono_ns,
		 c->o->boot_s, c->o->boot_ns);
	if (!check(!err, "%s: mmap (%s)", how, strerror(-err)))
		return;
	/* The namespace is set up as asked: CLOCK_MONOTONIC shows the offset. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (c->o->mono_s >= 1000)
		check(t.tv_sec >= 1000, "%s: the task's CLOCK_MONOTONIC has the offset (%lld s)",
		      how, (long long)t.tv_sec);
	check_clocks(how, &m, 0, 0);

	/* Another mapping by the same task gets the same view. */
	if (c->strategy == VCLOCK_STRATEGY_FAULT) {
		unsigned long pfn = data_pfn(m.base);
		struct vt_map m2;

		if (check(!vt_map(fd, c->strategy, VCLOCK_LAB_WB, &m2), "%s: a second mmap", how)) {
			check(pfn && data_pfn(m2.base) == pfn,
			      "%s: a second mapping maps the same page (pfn %#lx, %#lx)", how,
			      pfn, data_pfn(m2.base));
			check_clocks("second mapping", &m2, 0, 0);
			vt_unmap(&m2);
		}
	}
	vt_unmap(&m);
}

static void ns_case_child(void *arg)
{
	const struct ns_case *c = arg;
	int r = in_timens(c->o, ns_reads, arg);

	check(r == 0, "the namespace's task ended cleanly (%d)", r);
}

static void test_strategies(void)
{
	struct ns_case c;
	char name[64];
	unsigned int s;

	for (s = 1; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(strategies & (1u << s)))
			continue;
		c.strategy = s;
		c.o = &plus;
		snprintf(name, sizeof(name), "timens %s", vt_strategy_names[s]);
		run_child(name, ns_case_child, &c);
	}
	c.strategy = VCLOCK_STRATEGY_FAULT;
	c.o = &minus;
	run_child("timens negative offsets", ns_case_child, &c);
	tap_ok(views_live() == 0, "no view left once the namespaces' mappings are gone (%ld)",
	       views_live());
}

/* ---- holders: a task in a namespace keeping a mapping until told ---------- */

struct holder {
	pid_t pid;		/* the task that set up the namespace */
	pid_t mapper;		/* its child in the namespace, holding the mapping */
	int err;		/* 0 or the mapper's mmap errno */
	unsigned long pfn;
};

struct report {
	pid_t mapper;
	int err;
	unsigned long pfn;
};

/* The mapper holds its mapping until killed. */
static void holder_run(const struct offs *o, int rep)
{
	struct report r = { 0, EIO, 0 };
	struct vt_map m;
	int err;
	pid_t pid;

	if (o && timens_for_children(o)) {
		if (write(rep, &r, sizeof(r)) != sizeof(r))
			_exit(4);
		_exit(3);
	}
	pid = fork();
	if (pid == 0) {
		err = vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m);
		r.mapper = getpid();
		r.err = -err;
		if (!err)
			r.pfn = data_pfn(m.base);
		if (write(rep, &r, sizeof(r)) != sizeof(r))
			_exit(4);
		for (;;)
			pause();
	}
	_exit(pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : 5);
}

/* @o NULL: no new namespace. */
static int holder_start(struct holder *h, const struct offs *o)
{
	struct report r;
	int rep[2];

	*h = (struct holder){ .pid = -1, .mapper = -1, .err = EIO };
	if (pipe(rep))
		return -1;
	fflush(stdout);
	h->pid = fork();
	if (h->pid == 0) {
		close(rep[0]);
		holder_run(o, rep[1]);
	}
	close(rep[1]);
	if (h->pid < 0 || read(rep[0], &r, sizeof(r)) != sizeof(r)) {
		close(rep[0]);
		return -1;
	}
	close(rep[0]);
	h->mapper = r.mapper;
	h->err = r.err;
	h->pfn = r.pfn;
	return 0;
}

static void holder_stop(struct holder *h)
{
	if (h->mapper > 0)
		kill(h->mapper, SIGKILL);
	if (h->pid > 0)
		waitpid(h->pid, NULL, 0);
}

static void test_sharing(void)
{
	static const struct offs other = { 3000, 0, 4000, 0 };
	struct holder init, a, a2, b, z;
	long base = views_live();

	if (!tap_ok(base == 0, "status shows timens_views: 0 at the start (%ld)", base))
		return;
	if (holder_start(&init, NULL) || holder_start(&a, &plus) ||
	    holder_start(&a2, &plus) || holder_start(&b, &other) ||
	    holder_start(&z, &zero))
		tap_bail("cannot start the holders");
	tap_ok(!init.err && !a.err && !a2.err && !b.err && !z.err,
	       "five holders mapped (errnos %d %d %d %d %d)", init.err, a.err, a2.err,
	       b.err, z.err);
	tap_ok(a.pfn && a.pfn != init.pfn, "a namespace with offsets gets its own page (%#lx, init %#lx)",
	       a.pfn, init.pfn);
	tap_ok(a2.pfn && a2.pfn != a.pfn && a2.pfn != init.pfn,
	       "another namespace with the same offsets has its own view: one per namespace (%#lx, %#lx)",
	       a2.pfn, a.pfn);
	tap_ok(b.pfn && b.pfn != a.pfn && b.pfn != init.pfn,
	       "a namespace with other offsets gets another page (%#lx)", b.pfn);
	tap_ok(z.pfn == init.pfn, "a namespace without offsets maps the timekeeper's page (%#lx, %#lx)",
	       z.pfn, init.pfn);
	tap_ok(views_live() == 3, "status: timens_views: 3 (%ld)", views_live());
	holder_stop(&a);
	tap_ok(views_live() == 2, "a view goes with its namespace's last mapping (%ld)",
	       views_live());
	holder_stop(&a2);
	tap_ok(views_live() == 1, "... the other namespace's too (%ld)", views_live());
	holder_stop(&b);
	holder_stop(&z);
	holder_stop(&init);
	tap_ok(views_live() == 0, "timens_views: 0 when all are gone (%ld)", views_live());
}

/* No global cap (it let one user lock out everyone: 36-abuse-timens-views). */
static void test_no_cap(void)
{
	static struct holder h[VIEWS_MANY];
	struct offs o = { 0, 0, 0, 0 };
	int i, mapped = 0;

	for (i = 0; i < VIEWS_MANY; i++) {
		o.mono_s = 100 + i;
		if (holder_start(&h[i], &o))
			tap_bail("cannot start holder %d", i);
		mapped += !h[i].err;
	}
	tap_ok(mapped == VIEWS_MANY, "%d namespaces with different offsets map at once, more than the old cap of 64 (%d did)",
	       VIEWS_MANY, mapped);
	tap_ok(views_live() == VIEWS_MANY, "status: timens_views: %d (%ld)", VIEWS_MANY,
	       views_live());
	for (i = 0; i < VIEWS_MANY; i++)
		holder_stop(&h[i]);
	tap_ok(views_live() == 0, "all views gone with their mappings (%ld)", views_live());
}

/* ---- the view belongs to the mmap caller's namespace ------------------------ */

static struct vt_map inherited;

static void inherited_reads(void *arg)
{
	struct vt_map m;
	int err;

	(void)arg;
	check_clocks("inherited mapping (the parent's namespace)", &inherited,
		     -offs_ns(plus.mono_s, plus.mono_ns), -offs_ns(plus.boot_s, plus.boot_ns));
	err = vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m);
	if (check(!err, "a new mapping in the child (%s)", strerror(-err))) {
		check_clocks("the child's own mapping", &m, 0, 0);
		vt_unmap(&m);
	}
}

static void inherit_child(void *arg)
{
	int r = in_timens(&plus, inherited_reads, arg);

	check(r == 0, "the forked task ended cleanly (%d)", r);
}

static void test_inherit(void)
{
	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &inherited))
		tap_bail("mmap in the init namespace failed");
	vt_touch_all(&inherited);
	run_child("fork into a namespace", inherit_child, NULL);
	vt_unmap(&inherited);
}

/* ---- no torn view with the writer at its fastest --------------------------- */

static void torn_reads(void *arg)
{
	static const int ids[] = { 1, 6 };	/* MONOTONIC, MONOTONIC_COARSE */
	const struct vclock_data *view, *tk;
	struct vclock_data first;
	struct vclock_reading a, r, b;
	long n = 0, outside = 0, failed = 0;
	int64_t off = offs_ns(plus.mono_s, plus.mono_ns), v;
	uint64_t end;
	struct vt_map m;
	int id;

	(void)arg;
	if (!check(!vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m), "mmap"))
		return;
	view = vt_data(&m);
	tk = (const struct vclock_data *)(m.base + VCLOCK_PAGE_TK * VCLOCK_PAGE_SIZE);
	memcpy(&first, (const void *)view, sizeof(first));
	check(first.clock_mode == VCLOCK_MODE_TIMENS && first.checksum == vclock_data_checksum(&first),
	      "the view: mode %d (VCLOCK_MODE_TIMENS %d), checksum %s", first.clock_mode,
	      VCLOCK_MODE_TIMENS, first.checksum == vclock_data_checksum(&first) ? "good" : "bad");
	end = vt_raw_ns() + 1000000000ull;
	while (vt_raw_ns() < end) {
		id = ids[n++ & 1];
		if (vclock_read_clock(tk, m.hpet, id, &a) || vclock_read_clock(view, m.hpet, id, &r) ||
		    vclock_read_clock(tk, m.hpet, id, &b)) {
			failed++;
			continue;
		}
		v = (int64_t)r.sec * 1000000000ll + (int64_t)r.nsec - off;
		outside += v < (int64_t)a.sec * 1000000000ll + (int64_t)a.nsec ||
			   v > (int64_t)b.sec * 1000000000ll + (int64_t)b.nsec;
	}
	check(n > 1000 && !outside && !failed,
	      "%ld readings through the view in 1 s: %ld not between two readings of the tk page plus the offset, %ld failed",
	      n, outside, failed);
	check(!memcmp(&first, (const void *)view, sizeof(first)),
	      "the view did not change meanwhile (seq %u -> %u)", first.seq,
	      VCLOCK_READ_ONCE(view->seq));
	vt_unmap(&m);
}

static void torn_child(void *arg)
{
	int r = in_timens(&plus, torn_reads, arg);

	check(r == 0, "the namespace's task ended cleanly (%d)", r);
}

/* Views created and dropped (other offsets) while the reader runs. */
static void view_churn(void)
{
	struct offs o = { 5000, 0, 0, 0 };
	uint64_t end = vt_raw_ns() + 1500000000ull;
	struct holder h;
	int n = 0;

	while (vt_raw_ns() < end) {
		o.mono_s = 5000 + n % 7;
		if (holder_start(&h, &o))
			_exit(2);
		holder_stop(&h);
		n += !h.err;
	}
	_exit(n > 0 ? 0 : 1);
}

static void test_torn(void)
{
	char old[32];
	int status;
	pid_t churn;

	if (vt_param_read("update_us", old, sizeof(old)) || vt_param_write("update_us", "100"))
		tap_bail("cannot set update_us");
	fflush(stdout);
	churn = fork();
	if (churn == 0)
		view_churn();
	run_child("view at update_us=100, other views coming and going", torn_child, NULL);
	status = -1;
	if (churn > 0)
		waitpid(churn, &status, 0);
	tap_ok(status == 0, "views were created and dropped meanwhile (churn status %#x)", status);
	vt_param_write("update_us", old);
	tap_ok(views_live() == 0, "no view left after the churn (%ld)", views_live());
}

int main(void)
{
	struct vclock_info info;

	tap_header();
	fd = vt_open();
	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	if (info.clock_mode == VCLOCK_MODE_NONE)
		tap_bail("the module publishes no counter mode: nothing to read from the page");
	if (access("/proc/self/timens_offsets", F_OK))
		tap_bail("this kernel has no time namespaces (CONFIG_TIME_NS)");
	strategies = info.strategies;
	child_setup();

	test_strategies();
	test_sharing();
	test_no_cap();
	test_inherit();
	test_torn();
	return tap_done();
}
