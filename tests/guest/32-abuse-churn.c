// SPDX-License-Identifier: GPL-2.0
/*
 * 32-abuse-churn - everything at once, at the shortest update interval:
 *   - reader processes pinned to each vCPU read every served clock through
 *     libvclock; none may ever see a clock go backwards, neither against its
 *     own last read nor against what any process saw before (shared memory);
 *   - snapshot processes copy the data page under its seqcount and check the
 *     writer's checksum (no torn read);
 *   - churn processes open, map (every strategy), touch, fork children that
 *     touch and exit, unmap and close, in a loop;
 *   - this process tries to unload the module every few ms (it must always
 *     be refused while readers hold mappings) and switches the counter mode.
 * 5 s by default, 30 s with VCLOCK_LONG set (make check-long).
 */
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#include <vclock.h>

#include "vclock_test.h"

static const clockid_t served[] = {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI,
};
#define NR_SERVED ((int)(sizeof(served) / sizeof(served[0])))

/* Shared between all processes of the test. */
struct shared {
	atomic_int stop;
	_Atomic int64_t latest[NR_SERVED];
	struct {
		atomic_long reads, backwards, behind;
	} reader[2];
	struct {
		atomic_long snapshots, torn;
	} snap[2];
	atomic_long churn_cycles, churn_errors;
};

static struct shared *sh;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int64_t lib_ns(clockid_t id)
{
	struct timespec ts;

	vclock_clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void reader(int cpu)
{
	int64_t last[NR_SERVED], v, seen;
	long reads = 0, back = 0, behind = 0;
	int i;

	pin(cpu);
	for (i = 0; i < NR_SERVED; i++)
		last[i] = lib_ns(served[i]);
	while (!atomic_load(&sh->stop)) {
		for (i = 0; i < NR_SERVED; i++) {
			seen = atomic_load(&sh->latest[i]);
			v = lib_ns(served[i]);
			back += v < last[i];
			behind += v < seen;
			last[i] = v;
			while (seen < v && !atomic_compare_exchange_weak(&sh->latest[i], &seen, v))
				;
		}
		reads++;
	}
	sh->reader[cpu].reads = reads;
	sh->reader[cpu].backwards = back;
	sh->reader[cpu].behind = behind;
}

static void snapshotter(int cpu)
{
	const volatile struct vclock_data *page = (const void *)vclock_data_page();
	struct vclock_data copy;
	long n = 0, torn = 0;

	pin(cpu);
	while (!atomic_load(&sh->stop)) {
		vt_snapshot(page, &copy);
		n++;
		torn += copy.checksum != vclock_data_checksum(&copy);
	}
	sh->snap[cpu].snapshots = n;
	sh->snap[cpu].torn = torn;
}

static unsigned int strategies;	/* those this kernel's module offers */

static void churner(int id)
{
	unsigned int i = (unsigned int)id, s;
	struct vt_map m;
	pid_t pid;
	int fd;

	while (!atomic_load(&sh->stop)) {
		fd = open(VCLOCK_DEVICE, O_RDONLY);
		s = vt_nth_strategy(strategies, i++);
		if (fd < 0 || vt_map(fd, s, s % VCLOCK_NR_LAB, &m)) {
			sh->churn_errors++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		vt_touch_all(&m);
		pid = fork();
		if (pid == 0) {
			vt_touch_all(&m);
			_exit(vt_data(&m)->magic == VCLOCK_MAGIC ? 0 : 1);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		vt_unmap(&m);
		close(fd);
		sh->churn_cycles++;
	}
}

static pid_t spawn(void (*fn)(int), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

int main(void)
{
	int seconds = getenv("VCLOCK_LONG") ? 30 : 5, i, err, switches = 0;
	long unload_tries = 0, unload_refused = 0;
	pid_t pids[6];
	uint64_t end;

	tap_header();
	err = vclock_init(VCLOCK_STRATEGY_FAULT);
	if (err)
		tap_bail("vclock_init: %s (is the module loaded?)", strerror(-err));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		tap_bail("shared memory: %s", strerror(errno));
	vt_param_write("update_us", "100");
	err = vt_open();
	strategies = vt_strategies(err);
	close(err);

	pids[0] = spawn(reader, 0);
	pids[1] = spawn(reader, 1);
	pids[2] = spawn(snapshotter, 0);
	pids[3] = spawn(snapshotter, 1);
	pids[4] = spawn(churner, 0);
	pids[5] = spawn(churner, 1);

	end = vt_raw_ns() + (uint64_t)seconds * 1000000000ull;
	for (i = 0; vt_raw_ns() < end; i++) {
		unload_tries++;
		err = syscall(SYS_delete_module, "vclock", O_NONBLOCK) ? errno : 0;
		unload_refused += err == EWOULDBLOCK;
		if (!err)
			break;	/* unloaded under our feet: a bug, reported below */
		if (i % 10 == 0)
			switches += vt_param_write("clock_mode", i % 20 ? "none" : "auto") == 0;
		usleep(5000);
	}
	vt_param_write("clock_mode", "auto");
	atomic_store(&sh->stop, 1);
	for (i = 0; i < 6; i++)
		waitpid(pids[i], NULL, 0);
	vt_param_write("update_us", "4000");

	tap_ok(unload_refused == unload_tries && unload_tries > 50,
	       "%ld unload attempts during the churn, all refused with EWOULDBLOCK", unload_tries);
	tap_ok(switches > 5, "%d counter-mode switches during the churn", switches);
	for (i = 0; i < 2; i++) {
		tap_ok(sh->reader[i].reads > 1000 && sh->reader[i].backwards == 0 &&
		       sh->reader[i].behind == 0,
		       "reader on CPU %d: %ld rounds of %d clocks, %ld backwards, %ld behind another process",
		       i, (long)sh->reader[i].reads, NR_SERVED, (long)sh->reader[i].backwards,
		       (long)sh->reader[i].behind);
		tap_ok(sh->snap[i].snapshots > 1000 && sh->snap[i].torn == 0,
		       "snapshots on CPU %d: %ld, %ld torn", i, (long)sh->snap[i].snapshots,
		       (long)sh->snap[i].torn);
	}
	tap_ok(sh->churn_cycles > 20 && sh->churn_errors == 0,
	       "%ld open/map/touch/fork/unmap/close cycles, %ld failed", (long)sh->churn_cycles,
	       (long)sh->churn_errors);
	tap_ok(vclock_clock_mode() == VCLOCK_MODE_HPET && vt_count_vmas() == 1,
	       "afterwards: HPET mode, only this process's own library mapping left");
	return tap_done();
}
