// SPDX-License-Identifier: GPL-2.0
/*
 * 36-abuse-timens-views - an unprivileged user exhausting the time-namespace
 * views.
 *
 * With unprivileged user namespaces, uid 1000 made 64 mappings in distinct
 * time namespaces, and root (or a CRIU restore into a time namespace) then
 * got ENOSPC: a global cap of 64 views. Now there is no cap; a view is
 * charged to its creator's memory cgroup and the number of time namespaces
 * is the user's own limit (user.max_time_namespaces, set to LIMIT here).
 *
 * uid 1000, in a memory cgroup of its own, creates time namespaces with
 * distinct offsets, each with a process mapping /dev/vclock, until the
 * kernel refuses a namespace. Checked: that refusal is the user's namespace
 * limit (unshare: ENOSPC) after LIMIT namespaces, every one of them mapped
 * (more than the old 64), their views were charged to the user's cgroup
 * (memory.current grew by at least half a page per view: the per-CPU charge
 * batches of 64 pages on 2 CPUs cannot hide LIMIT pages), and root can still
 * map in a new time namespace while all of them are held.
 *
 * Regression (issue 22, item 5): a view lived as long as a mapping, not as
 * long as its namespace, and the timekeeper rewrote every view at every
 * update, with interrupts off inside the kernel's timekeeping update.
 *
 *   - one uid-1000 process loops unshare(CLONE_NEWTIME), offsets, setns,
 *     mmap, keeping every mapping, with user.max_time_namespaces at
 *     SMALL_LIMIT: only two namespaces are ever alive at once, so the limit
 *     never tripped and the process held ONE_PROC_TRIES views. Checked: the
 *     views it holds never exceed SMALL_LIMIT, and unshare is refused by
 *     the limit (a view keeps its namespace alive, so it counts);
 *   - with LIMIT + ROOT_VIEWS views alive, root's own ROOT_VIEWS views are
 *     watched over at least WATCH_UPDATES timekeeper updates: how many times
 *     the timekeeper rewrote them (their seq moved), a deterministic count
 *     of views rewritten per update. Checked: 0, and every view still reads
 *     its namespace's MONOTONIC and BOOTTIME (the timekeeper's + offsets).
 */
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "vclock_read.h"
#include "vclock_test.h"

#define USER_UID	1000
#define LIMIT		400		/* user.max_time_namespaces for the test */
#define SMALL_LIMIT	16		/* ... for the one-process loop */
#define ONE_PROC_TRIES	200		/* namespaces it tries to make and map */
#define ROOT_VIEWS	100		/* root's own views, watched */
#define WATCH_UPDATES	50		/* timekeeper updates they are watched for */
#define CGROUP		"/sys/fs/cgroup"
#define ABUSE_CG	CGROUP "/vclock-abuse"

struct shared {
	atomic_int ready;		/* grandchildren in their namespace */
	atomic_int mapped;		/* ... whose mmap succeeded */
	atomic_int map_failed;
	atomic_int map_errno;		/* the first mmap failure */
	atomic_int unshare_errno;	/* what ended the abuse */
	atomic_int created;		/* namespaces created */
	atomic_int abuse_done;
	atomic_int moved;		/* the abuser is in its cgroup */
};

static struct shared *sh;
static int go[2], hold[2];

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* In the new namespace: wait for "go", map (no touch: no page tables), hold. */
static void grandchild(int vfd)
{
	void *p;
	char c;

	atomic_fetch_add(&sh->ready, 1);
	if (read(go[0], &c, 1) != 1)
		_exit(1);
	p = vt_mmap(vfd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FAULT, 0, 0);
	if (p == MAP_FAILED) {
		int zero = 0;

		atomic_compare_exchange_strong(&sh->map_errno, &zero, errno);
		atomic_fetch_add(&sh->map_failed, 1);
	} else {
		atomic_fetch_add(&sh->mapped, 1);
	}
	close(hold[1]);
	while (read(hold[0], &c, 1) > 0)
		;
	_exit(0);
}

/* One time namespace with offsets @i + 1 s, and a process in it; 0 or errno. */
static int one_namespace(int i)
{
	char offs[64];
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		int vfd;

		if (unshare(CLONE_NEWUSER | CLONE_NEWTIME))
			_exit(errno);
		snprintf(offs, sizeof(offs), "monotonic %d 0\n", i + 1);
		if (vt_write_file("/proc/self/timens_offsets", offs))
			_exit(EBADF);	/* not the limit: says which step failed */
		vfd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC);
		if (vfd < 0)
			_exit(ENODEV);
		if (fork() == 0)
			grandchild(vfd);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return EINTR;
	return WEXITSTATUS(status);
}

static void abuser(void)
{
	int i, err = 0;

	close(hold[1]);
	while (!atomic_load(&sh->moved))
		usleep(1000);
	if (setgroups(0, NULL) || setgid(USER_UID) || setuid(USER_UID))
		_exit(1);
	/* setuid() made us non-dumpable: /proc/self would be root's. */
	prctl(PR_SET_DUMPABLE, 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < LIMIT + 10; i++) {
		err = one_namespace(i);
		if (err)
			break;
		atomic_fetch_add(&sh->created, 1);
	}
	atomic_store(&sh->unshare_errno, err);
	atomic_store(&sh->abuse_done, 1);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

static int wait_for(atomic_int *v, int target, int seconds)
{
	int i;

	for (i = 0; i < seconds * 100 && atomic_load(v) < target; i++)
		usleep(10000);
	return atomic_load(v) >= target;
}

/* Root, in a new time namespace, maps: 0 or errno. */
static int root_maps(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int vfd;
		void *p;

		if (vt_new_timens(0, "monotonic 123456 0\n"))
			_exit(EPERM);
		vfd = vt_open();
		if (fork() == 0) {
			p = vt_mmap(vfd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED,
				    VCLOCK_STRATEGY_FAULT, 0, 0);
			_exit(p == MAP_FAILED ? errno :
			      ((const struct vclock_data *)p)->magic == VCLOCK_MAGIC ? 0 : EIO);
		}
		if (wait(&status) < 0 || !WIFEXITED(status))
			_exit(EINTR);
		_exit(WEXITSTATUS(status));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return EINTR;
	return WEXITSTATUS(status);
}

/* ---- one process, many namespaces, every mapping kept ---------------------- */

struct loop_result {
	atomic_int made;		/* namespaces made, entered and mapped */
	atomic_int err;			/* what stopped the loop */
	atomic_int step;		/* 1 unshare, 2 offsets, 3 setns, 4 mmap */
	atomic_int done;
};

/*
 * Make a time namespace with offsets @i + 1 s for our children, enter it
 * and map the device there (no touch); the mapping is kept. 0 or errno,
 * *step says which step failed.
 */
static int enter_and_map(int vfd, int i, int *step, void **map)
{
	char offs[64];
	int nsfd, err;

	*step = 1;
	if (unshare(CLONE_NEWTIME))
		return errno;
	*step = 2;
	snprintf(offs, sizeof(offs), "monotonic %d 0\nboottime %d 0\n", i + 1, 2 * (i + 1));
	err = vt_write_file("/proc/self/timens_offsets", offs);
	if (err)
		return -err;
	*step = 3;
	nsfd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return errno;
	err = setns(nsfd, CLONE_NEWTIME) ? errno : 0;
	close(nsfd);
	if (err)
		return err;
	*step = 4;
	*map = vt_mmap(vfd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FAULT, 0, 0);
	return *map == MAP_FAILED ? errno : 0;
}

static void one_process_loop(struct loop_result *res)
{
	int i, vfd, step = 0, err = 0;
	void *map;
	char c;

	close(hold[1]);
	if (setgroups(0, NULL) || setgid(USER_UID) || setuid(USER_UID))
		_exit(1);
	prctl(PR_SET_DUMPABLE, 1);
	vfd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC);
	if (vfd < 0 || unshare(CLONE_NEWUSER)) {
		atomic_store(&res->err, errno);
		atomic_store(&res->done, 1);
		_exit(1);
	}
	for (i = 0; i < ONE_PROC_TRIES; i++) {
		err = enter_and_map(vfd, i, &step, &map);
		if (err)
			break;
		atomic_fetch_add(&res->made, 1);
	}
	atomic_store(&res->err, err);
	atomic_store(&res->step, err ? step : 0);
	atomic_store(&res->done, 1);
	while (read(hold[0], &c, 1) > 0)	/* hold every mapping */
		;
	_exit(0);
}

static void test_one_process(void)
{
	static const char *const steps[] = { "-", "unshare", "offsets", "setns", "mmap" };
	struct loop_result *res;
	long views, views0;
	char buf[32];
	int err, step;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%d", SMALL_LIMIT);
	if (vt_write_file("/proc/sys/user/max_time_namespaces", buf))
		tap_bail("cannot set user.max_time_namespaces");
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || pipe(hold))
		tap_bail("setup: %s", strerror(errno));
	memset(res, 0, sizeof(*res));
	views0 = vt_status_value("timens_views:");
	pid = fork();
	if (pid == 0)
		one_process_loop(res);
	close(hold[0]);
	if (!wait_for(&res->done, 1, 120))
		tap_bail("the one-process loop did not finish");
	views = vt_status_value("timens_views:");
	err = atomic_load(&res->err);
	step = atomic_load(&res->step);
	tap_diag("one uid-%d process: %d namespaces made, entered and mapped, then %s: %s; "
		 "timens_views %ld (before: %ld)", USER_UID, atomic_load(&res->made),
		 steps[step < 5 ? step : 0], err ? strerror(err) : "no error", views, views0);
	tap_ok(views >= 0 && views - views0 <= SMALL_LIMIT,
	       "regression (issue 22.5): one uid-%d process that keeps a mapping in each of its time namespaces holds at most user.max_time_namespaces=%d views (%ld)",
	       USER_UID, SMALL_LIMIT, views - views0);
	tap_ok(atomic_load(&res->made) <= SMALL_LIMIT && err == ENOSPC && step == 1,
	       "regression (issue 22.5): ... because a view keeps its namespace alive, unshare is refused by the user's limit (%d made, stopped at %s: %s)",
	       atomic_load(&res->made), steps[step < 5 ? step : 0],
	       err ? strerror(err) : "not stopped");
	close(hold[1]);
	waitpid(pid, NULL, 0);
	views = vt_status_value("timens_views:");
	tap_ok(views == views0, "its views go with the process (timens_views %ld, before %ld)",
	       views, views0);
	munmap(res, sizeof(*res));
}

/* ---- the timekeeper does not rewrite the views ---------------------------- */

struct watch_result {
	int made;			/* root's views */
	int err;
	long rewrites;			/* view seq moves / 2, summed */
	int views_moved;		/* views whose seq moved */
	int views_changed;		/* views whose contents changed */
	long long updates;		/* timekeeper updates watched */
	int wrong;			/* views whose clocks are off */
	long long worst_ns;
};

static int64_t reading_ns(const struct vclock_reading *r)
{
	return (int64_t)r->sec * 1000000000ll + (int64_t)r->nsec;
}

/*
 * Root, in a child: ROOT_VIEWS namespaces made, entered and mapped in turn,
 * every mapping kept, plus a mapping of the init namespace's page. Then the
 * views are watched while the timekeeper's page takes WATCH_UPDATES updates.
 */
static void root_watch(struct watch_result *res)
{
	static const struct vclock_data *view[ROOT_VIEWS];
	static struct vclock_data copy[ROOT_VIEWS];
	const struct vclock_data *tkd;
	struct vclock_data now;
	uint64_t u0, u1;
	int vfd, i, k, step;
	void *map;

	vfd = vt_open();
	map = vt_mmap(vfd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FAULT, 0, 0);
	if (map == MAP_FAILED) {
		res->err = errno;
		_exit(1);
	}
	tkd = map;
	for (i = 0; i < ROOT_VIEWS; i++) {
		res->err = enter_and_map(vfd, i, &step, &map);
		if (res->err)
			_exit(1);
		view[i] = map;
		res->made++;
	}
	u0 = VCLOCK_READ_ONCE(tkd->update_count);
	for (i = 0; i < ROOT_VIEWS; i++)
		memcpy(&copy[i], (const void *)view[i], sizeof(copy[i]));
	for (k = 0; k < 20000; k++) {
		u1 = VCLOCK_READ_ONCE(tkd->update_count);
		if (u1 - u0 >= WATCH_UPDATES)
			break;
		usleep(1000);
	}
	for (i = 0; i < ROOT_VIEWS; i++) {
		memcpy(&now, (const void *)view[i], sizeof(now));
		res->rewrites += (long)(now.seq - copy[i].seq + 1) / 2;
		res->views_moved += now.seq != copy[i].seq;
		res->views_changed += !!memcmp(&now, &copy[i], sizeof(now));
	}
	res->updates = (long long)(VCLOCK_READ_ONCE(tkd->update_count) - u0);
	for (i = 0; i < ROOT_VIEWS; i++) {
		struct vclock_reading a, r, b;
		int64_t want_lo, want_hi, got, off, err;
		int id;

		/* MONOTONIC and BOOTTIME: the init namespace's plus the offsets. */
		for (id = 1; id <= 7; id += 6) {
			off = (int64_t)(id == 1 ? i + 1 : 2 * (i + 1)) * 1000000000ll;
			if (vclock_read_clock(tkd, (const char *)tkd + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE, id, &a) ||
			    vclock_read_clock(view[i], (const char *)view[i] + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE, id, &r) ||
			    vclock_read_clock(tkd, (const char *)tkd + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE, id, &b)) {
				res->wrong++;
				continue;
			}
			want_lo = reading_ns(&a) + off;
			want_hi = reading_ns(&b) + off;
			got = reading_ns(&r);
			err = got < want_lo ? want_lo - got : got > want_hi ? got - want_hi : 0;
			if (err > res->worst_ns)
				res->worst_ns = err;
			res->wrong += err > 0;
		}
	}
	_exit(0);
}

static void test_no_rewrites(void)
{
	struct watch_result *res;
	int status;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		tap_bail("setup: %s", strerror(errno));
	memset(res, 0, sizeof(*res));
	pid = fork();
	if (pid == 0)
		root_watch(res);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		tap_ok(0, "root makes %d views of its own (%d made: %s)", ROOT_VIEWS, res->made,
		       strerror(res->err));
		munmap(res, sizeof(*res));
		return;
	}
	tap_diag("%d of root's views watched over %lld timekeeper updates, with %ld views alive in all: "
		 "%ld rewrites (%.1f views rewritten per update), %d views' seq moved, %d views' contents changed",
		 ROOT_VIEWS, res->updates, vt_status_value("timens_views:"), res->rewrites,
		 res->updates ? (double)res->rewrites / (double)res->updates : 0.0,
		 res->views_moved, res->views_changed);
	tap_ok(res->updates >= WATCH_UPDATES && res->rewrites == 0 && res->views_changed == 0,
	       "regression (issue 22.5): the timekeeper writes only its own page: %d views rewritten %ld times over %lld updates (%d changed)",
	       ROOT_VIEWS, res->rewrites, res->updates, res->views_changed);
	tap_ok(res->wrong == 0,
	       "every view reads its namespace's MONOTONIC and BOOTTIME: the timekeeper's plus the offsets (%d of %d reads off, worst %lld ns)",
	       res->wrong, 2 * ROOT_VIEWS, res->worst_ns);
	munmap(res, sizeof(*res));
}

int main(void)
{
	long old_limit, before = -1, after = -1, grown;
	char buf[64];
	int memcg, err, i, n;
	pid_t pid;

	tap_header();
	if (!vt_loaded())
		tap_bail("the vclock module is not loaded (run with vm/run --load)");
	old_limit = read_long("/proc/sys/user/max_time_namespaces");
	if (old_limit < 0)
		tap_bail("no /proc/sys/user/max_time_namespaces (CONFIG_TIME_NS?)");
	test_one_process();

	snprintf(buf, sizeof(buf), "%d", LIMIT);
	if (vt_write_file("/proc/sys/user/max_time_namespaces", buf))
		tap_bail("cannot set user.max_time_namespaces");

	/* A memory cgroup for uid 1000 (cgroup v2; mounted here if need be). */
	if (access(CGROUP "/cgroup.controllers", F_OK))
		mount("none", CGROUP, "cgroup2", 0, NULL);
	vt_write_file(CGROUP "/cgroup.subtree_control", "+memory");
	mkdir(ABUSE_CG, 0755);
	memcg = access(ABUSE_CG "/memory.current", R_OK) == 0;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pipe(go) || pipe(hold))
		tap_bail("setup: %s", strerror(errno));
	memset(sh, 0, sizeof(*sh));

	pid = fork();
	if (pid == 0) {
		close(go[1]);
		abuser();
	}
	close(go[0]);
	snprintf(buf, sizeof(buf), "%d", pid);
	if (memcg && vt_write_file(ABUSE_CG "/cgroup.procs", buf))
		memcg = 0;
	atomic_store(&sh->moved, 1);	/* before its first namespace */
	if (!wait_for(&sh->abuse_done, 1, 240))
		tap_bail("the abuser did not finish creating namespaces");
	n = atomic_load(&sh->created);
	err = atomic_load(&sh->unshare_errno);
	tap_ok(n == LIMIT && err == ENOSPC,
	       "uid %d: %d time namespaces, then unshare is refused by the user's own limit (%s)",
	       USER_UID, n, strerror(err));
	wait_for(&sh->ready, n, 60);

	if (memcg)
		before = read_long(ABUSE_CG "/memory.current");
	for (i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	wait_for(&sh->mapped, n - atomic_load(&sh->map_failed), 60);
	while (atomic_load(&sh->mapped) + atomic_load(&sh->map_failed) < n &&
	       wait_for(&sh->mapped, atomic_load(&sh->mapped) + 1, 5))
		;
	if (memcg)
		after = read_long(ABUSE_CG "/memory.current");
	tap_ok(atomic_load(&sh->mapped) == n,
	       "every one of them maps /dev/vclock, more than the old cap of 64 (%d of %d; first error %s)",
	       atomic_load(&sh->mapped), n,
	       atomic_load(&sh->map_failed) ? strerror(atomic_load(&sh->map_errno)) : "none");

	grown = after - before;
	if (!memcg)
		tap_skip("no memory cgroup", "the views are charged to the user's memory cgroup");
	else
		tap_ok(before > 0 && grown >= (long)n * 4096 / 2,
		       "the views are charged to the user's memory cgroup (memory.current +%ld KiB for %d views)",
		       grown / 1024, n);

	err = root_maps();
	tap_ok(err == 0, "root still maps in a new time namespace meanwhile (%s)",
	       err ? strerror(err) : "ok");
	test_no_rewrites();

	close(hold[1]);
	close(go[1]);
	waitpid(pid, NULL, 0);
	snprintf(buf, sizeof(buf), "%ld", old_limit);
	vt_write_file("/proc/sys/user/max_time_namespaces", buf);
	for (i = 0; i < 50 && rmdir(ABUSE_CG) && errno == EBUSY; i++)
		usleep(100000);
	return tap_done();
}
