// SPDX-License-Identifier: GPL-2.0
/*
 * 25-kmod-param-race - parameter writes racing module unload.
 *
 * The parameter files stay in sysfs until free_module(), after ->exit has
 * stopped the timekeeper, freed the data page and unmapped the HPET. A
 * setter that tested "running" just before ->exit and then updated read the
 * unmapped HPET (NULL + 0xf0): an Oops in the writer, which held the
 * module's parameter lock, so rmmod then hung for good.
 *
 * Here a writer process (with a CPU hog on the same vCPU, so that it is
 * preempted inside the setter under preempt=full) writes clock_mode,
 * update_us and hpet_page without pause while the main process, on the
 * other vCPU, loads and unloads the module. Every cycle must unload within
 * a time limit, the writer must survive, and no Oops/BUG may appear in the
 * kernel log.
 * 100 cycles by default, 1000 with VCLOCK_LONG set (make check-long).
 * Leaves the module loaded as vm/run --load loaded it.
 */
#include <sched.h>

#include "vclock_test.h"

#define RMMOD_LIMIT_S	30

struct shared {
	atomic_long writes_ok;		/* writes the module accepted */
	atomic_long writes_gone;	/* writes while the module was away */
	atomic_int stop;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void writer(struct shared *sh)
{
	static const char *const modes[] = { "none", "hpet", "auto", "none", "auto" };
	static const char *const periods[] = { "100", "4000", "1000000", "250" };
	static const char *const policies[] = { "if-used", "always" };
	unsigned int i = 0;
	int err;

	pin(0);
	while (!atomic_load(&sh->stop)) {
		if (i % 3 == 1)
			err = vt_param_write("update_us", periods[(i / 3) % 4]);
		else if (i % 3 == 2)
			err = vt_param_write("hpet_page", policies[(i / 3) % 2]);
		else
			err = vt_param_write("clock_mode", modes[(i / 3) % 5]);
		if (!err)
			atomic_fetch_add(&sh->writes_ok, 1);
		else if (err == -ENOENT)
			atomic_fetch_add(&sh->writes_gone, 1);
		i++;
	}
	_exit(0);
}

static void hog(void)
{
	volatile unsigned long spin = 0;

	pin(0);
	for (;;)
		spin++;
}

/* rmmod in a child: 0, an errno, or -1 if it did not return in time. */
static int unload_bounded(void)
{
	pid_t pid = fork();
	int status, waited;

	if (pid == 0) {
		int i;

		for (i = 0; i < 100; i++) {
			if (!syscall(SYS_delete_module, "vclock", O_NONBLOCK))
				_exit(0);
			if (errno != EAGAIN && errno != EBUSY)
				_exit(errno);
			usleep(10000);
		}
		_exit(EBUSY);
	}
	for (waited = 0; waited < RMMOD_LIMIT_S * 100; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
		usleep(10000);
	}
	return -1;
}

int main(void)
{
	int cycles = getenv("VCLOCK_LONG") ? 1000 : 100, done = 0, i, err = 0, faults0;
	struct shared *sh;
	pid_t wpid, hpid;
	int status, writer_alive = 1;
	long ok_before;

	tap_header();
	if (!vt_loaded())
		tap_bail("the vclock module is not loaded (run with vm/run --load)");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	faults0 = vt_kernel_faults();

	if (unload_bounded())
		tap_bail("cannot unload the module to start (is /dev/vclock in use?)");
	wpid = fork();
	if (wpid == 0)
		writer(sh);
	hpid = fork();
	if (hpid == 0)
		hog();
	pin(1);

	for (i = 0; i < cycles; i++) {
		err = vt_load("");
		if (err) {
			tap_diag("cycle %d: insmod: %s", i, strerror(-err));
			break;
		}
		/* Let the writer in: a few accepted writes, at most 50 ms. */
		ok_before = atomic_load(&sh->writes_ok);
		for (int w = 0; w < 50 && atomic_load(&sh->writes_ok) < ok_before + 3; w++)
			usleep(1000);
		usleep((unsigned int)(i % 7) * 300);
		err = unload_bounded();
		if (err) {
			tap_diag("cycle %d: rmmod: %s", i,
				 err < 0 ? "did not return within the limit (hung)" : strerror(err));
			break;
		}
		if (waitpid(wpid, &status, WNOHANG) == wpid) {
			writer_alive = 0;
			tap_diag("cycle %d: the parameter writer died (%s %d)", i,
				 WIFSIGNALED(status) ? "signal" : "exit",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			break;
		}
		done++;
	}

	tap_ok(done == cycles, "%d of %d insmod/rmmod cycles with a parameter writer racing", done,
	       cycles);
	tap_ok(err >= 0, "every rmmod returned within %d s", RMMOD_LIMIT_S);
	tap_ok(writer_alive, "the parameter writer survived every unload");
	tap_ok(atomic_load(&sh->writes_ok) >= cycles && atomic_load(&sh->writes_gone) > 0,
	       "the writer raced the module: %ld writes accepted, %ld while it was away",
	       atomic_load(&sh->writes_ok), atomic_load(&sh->writes_gone));
	tap_ok(vt_kernel_faults() == faults0, "no Oops, BUG or WARNING in the kernel log");

	atomic_store(&sh->stop, 1);
	kill(hpid, SIGKILL);
	waitpid(hpid, NULL, 0);
	if (writer_alive)
		waitpid(wpid, NULL, 0);
	if (err >= 0) {
		if (vt_loaded())
			unload_bounded();
		vt_reload();
	}
	tap_ok(vt_loaded() && access(VCLOCK_DEVICE, F_OK) == 0, "loaded again at the end");
	return tap_done();
}
