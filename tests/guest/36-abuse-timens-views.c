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
 */
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "vclock_test.h"

#define USER_UID	1000
#define LIMIT		400		/* user.max_time_namespaces for the test */
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

		if (unshare(CLONE_NEWTIME) ||
		    vt_write_file("/proc/self/timens_offsets", "monotonic 123456 0\n"))
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

	close(hold[1]);
	close(go[1]);
	waitpid(pid, NULL, 0);
	snprintf(buf, sizeof(buf), "%ld", old_limit);
	vt_write_file("/proc/sys/user/max_time_namespaces", buf);
	for (i = 0; i < 50 && rmdir(ABUSE_CG) && errno == EBUSY; i++)
		usleep(100000);
	return tap_done();
}
