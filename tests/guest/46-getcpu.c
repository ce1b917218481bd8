// SPDX-License-Identifier: GPL-2.0
/*
 * 46-getcpu (and the host unit test getcpu): libvclock's __vdso_getcpu
 * against the getcpu system call.
 *
 *   - which ways this CPU offers agrees with /proc/cpuinfo (rdpid, rdtscp;
 *     LSL always), and the automatic choice is RDPID, else RDTSCP, else LSL;
 *   - pinned to each CPU this process may use, every way (RDPID, RDTSCP,
 *     LSL, __vdso_getcpu) returns that CPU and the syscall's node;
 *   - while another thread moves this one between the CPUs every 2 ms,
 *     every __vdso_getcpu reading between two syscall readings that agree
 *     is the same CPU, and it sees the migrations;
 *   - the kernel selftest's criterion: libvclock.so has __vdso_getcpu
 *     (dlsym, as vdso_test_correctness looks it up, and dlvsym at
 *     LINUX_2.6) and getcpu@LINUX_2.6 at the same address, and it agrees
 *     with the kernel's own vDSO.
 *
 * Usage: getcpu [PATH-of-libvclock.so] (default: ../lib beside this
 * program's directory, else /opt/vclock/lib/libvclock.so).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "vclock_getcpu.h"

typedef long (*getcpu_fn)(unsigned int *, unsigned int *, void *);

static const char *const how_names[] = VCLOCK_GETCPU_NAMES;
static int cpus[CPU_SETSIZE], nr_cpus;

static int sys_getcpu(unsigned int *cpu, unsigned int *node)
{
	return (int)syscall(SYS_getcpu, cpu, node, NULL);
}

static int pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

static int cpuinfo_has(const char *flag)
{
	char line[4096], word[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return -1;
	snprintf(word, sizeof(word), " %s", flag);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		strcat(line, " ");
		for (char *p = strstr(line, word); p; p = strstr(p + 1, word))
			if (p[strlen(word)] == ' ')
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

static void check_methods(void)
{
	int rdpid = cpuinfo_has("rdpid"), rdtscp = cpuinfo_has("rdtscp");
	int want = rdpid > 0 ? VCLOCK_GETCPU_RDPID :
		   rdtscp > 0 ? VCLOCK_GETCPU_RDTSCP : VCLOCK_GETCPU_LSL;
	unsigned int c;

	tap_ok((vclock_getcpu_with(VCLOCK_GETCPU_RDPID, &c, NULL) == 0) == (rdpid > 0),
	       "RDPID offered exactly when /proc/cpuinfo has rdpid (%s)", rdpid > 0 ? "yes" : "no");
	tap_ok((vclock_getcpu_with(VCLOCK_GETCPU_RDTSCP, &c, NULL) == 0) == (rdtscp > 0),
	       "RDTSCP offered exactly when /proc/cpuinfo has rdtscp (%s)",
	       rdtscp > 0 ? "yes" : "no");
	tap_ok(vclock_getcpu_with(VCLOCK_GETCPU_LSL, &c, NULL) == 0, "LSL of the per-CPU segment works");
	tap_ok(vclock_getcpu_method() == want, "the automatic choice is %s (want %s)",
	       how_names[vclock_getcpu_method()], how_names[want]);
	tap_ok(vclock_getcpu_with(VCLOCK_GETCPU_NR, &c, NULL) == -EINVAL &&
	       vclock_getcpu_with(-1, &c, NULL) == -EINVAL, "an unknown way is -EINVAL");
}

static void check_pinned(void)
{
	unsigned int c, n, sc, sn;
	int i, how, k, bad;

	for (i = 0; i < nr_cpus; i++) {
		if (pin(0, cpus[i]) || sys_getcpu(&sc, &sn) || (int)sc != cpus[i]) {
			tap_ok(0, "pinned to CPU %d (the syscall says %u)", cpus[i], sc);
			continue;
		}
		for (how = VCLOCK_GETCPU_RDPID; how <= VCLOCK_GETCPU_LSL; how++) {
			if (vclock_getcpu_with(how, &c, &n) == -EOPNOTSUPP)
				continue;
			for (k = 0, bad = 0; k < 200; k++) {
				c = n = ~0u;
				if (vclock_getcpu_with(how, &c, &n) || c != sc || n != sn)
					bad++;
			}
			tap_ok(!bad, "CPU %d: %s gives cpu %u node %u, as the syscall, 200 times (%d differ)",
			       cpus[i], how_names[how], c, n, bad);
		}
		for (k = 0, bad = 0; k < 200; k++) {
			c = n = ~0u;
			if (__vdso_getcpu(&c, &n, NULL) || c != sc || n != sn)
				bad++;
		}
		tap_ok(!bad, "CPU %d: __vdso_getcpu agrees with the syscall 200 times (%d differ)",
		       cpus[i], bad);
		c = ~0u;
		tap_ok(!__vdso_getcpu(&c, NULL, NULL) && c == sc && !__vdso_getcpu(NULL, NULL, NULL),
		       "CPU %d: __vdso_getcpu with node NULL, and with both NULL", cpus[i]);
	}
}

static struct {
	volatile int stop;
	pid_t tid;
	unsigned long agree, bad, moves, samples;
	unsigned int seen;	/* bit per CPU index seen by __vdso_getcpu */
} mig;

static void *migrating_reader(void *arg)
{
	unsigned int s1, s2, v, last = ~0u;
	int i;

	(void)arg;
	mig.tid = (pid_t)syscall(SYS_gettid);
	while (!mig.stop) {
		if (sys_getcpu(&s1, NULL) || __vdso_getcpu(&v, NULL, NULL) || sys_getcpu(&s2, NULL))
			continue;
		mig.samples++;
		if (s1 == s2) {
			if (v == s1)
				mig.agree++;
			else
				mig.bad++;
		}
		if (v != last && last != ~0u)
			mig.moves++;
		last = v;
		for (i = 0; i < nr_cpus && i < 32; i++)
			if ((int)v == cpus[i])
				mig.seen |= 1u << i;
	}
	return NULL;
}

static void check_migrating(double seconds)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	pthread_t t;
	long rounds = (long)(seconds * 500), r;

	if (nr_cpus < 2) {
		tap_skip("one CPU only", "__vdso_getcpu while the thread migrates");
		return;
	}
	if (pthread_create(&t, NULL, migrating_reader, NULL)) {
		tap_ok(0, "start the migrating reader");
		return;
	}
	while (!__atomic_load_n(&mig.tid, __ATOMIC_RELAXED))
		sched_yield();
	for (r = 0; r < rounds; r++) {
		pin(mig.tid, cpus[r % 2]);
		nanosleep(&pause, NULL);
	}
	mig.stop = 1;
	pthread_join(t, NULL);
	tap_ok(!mig.bad && mig.agree >= 1000,
	       "migrating every 2 ms: %lu readings between agreeing syscalls all agree "
	       "(%lu differ, %lu samples)", mig.agree, mig.bad, mig.samples);
	tap_ok(mig.seen == 3 && mig.moves >= 10,
	       "the reader saw CPUs %d and %d and %lu moves between them", cpus[0], cpus[1],
	       mig.moves);
}

static void *open_lib(const char *arg, char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	void *h;

	if (arg) {
		snprintf(path, size, "%s", arg);
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		snprintf(path, size, "%s/../lib/libvclock.so", exe);
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h)
			return h;
	}
	snprintf(path, size, "/opt/vclock/lib/libvclock.so");
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static void check_dl(const char *arg)
{
	char path[PATH_MAX + 32];
	void *h = open_lib(arg, path, sizeof(path)), *k;
	getcpu_fn plain, versioned, alias, kernel;
	unsigned int c = ~0u, n = ~0u, sc, sn, kc = ~0u, kn = ~0u;
	long ret;

	if (!h) {
		tap_ok(0, "dlopen %s: %s", path, dlerror());
		return;
	}
	plain = (getcpu_fn)dlsym(h, "__vdso_getcpu");
	versioned = (getcpu_fn)dlvsym(h, "__vdso_getcpu", "LINUX_2.6");
	alias = (getcpu_fn)dlvsym(h, "getcpu", "LINUX_2.6");
	tap_ok(plain && plain == versioned,
	       "%s: dlsym finds __vdso_getcpu (vdso_test_correctness's lookup), at LINUX_2.6", path);
	tap_ok(alias && alias == versioned, "%s: getcpu@LINUX_2.6 is __vdso_getcpu", path);
	if (!versioned)
		return;
	pin(0, cpus[nr_cpus - 1]);
	sys_getcpu(&sc, &sn);
	ret = versioned(&c, &n, NULL);
	tap_ok(!ret && c == sc && n == sn, "libvclock.so's __vdso_getcpu on CPU %u: cpu %u node %u",
	       sc, c, n);
	k = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	kernel = k ? (getcpu_fn)dlvsym(k, "__vdso_getcpu", "LINUX_2.6") : NULL;
	ret = kernel ? kernel(&kc, &kn, NULL) : -1;
	tap_ok(!ret && kc == c && kn == n, "the kernel's own vDSO __vdso_getcpu agrees (cpu %u node %u)",
	       kc, kn);
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	int i;

	tap_header();
	if (sched_getaffinity(0, sizeof(set), &set))
		tap_bail("sched_getaffinity: %s", strerror(errno));
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpus[nr_cpus++] = i;
	tap_diag("%d CPU(s) allowed; automatic way: %s", nr_cpus,
		 how_names[vclock_getcpu_method()]);
	check_methods();
	check_pinned();
	check_migrating(getenv("VCLOCK_LONG") ? 10 : 2);
	check_dl(argc > 1 ? argv[1] : NULL);
	sched_setaffinity(0, sizeof(set), &set);
	return tap_done();
}
