/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_test.h - helpers for the in-guest suites that drive /dev/vclock
 * directly (mapping per strategy, the introspection ioctl, /proc/self/maps
 * and smaps, "does this crash the child").
 */
#ifndef VCLOCK_TEST_H
#define VCLOCK_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "../tap.h"

static const char *const vt_strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const vt_cache_names[] = VCLOCK_CACHE_NAMES;
static const char *const vt_page_names[] = VCLOCK_PAGE_NAMES;

static inline int vt_open(void)
{
	int fd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		tap_bail("cannot open " VCLOCK_DEVICE ": %s (is the module loaded?)",
			 strerror(errno));
	return fd;
}

/* Is the running kernel at least @major.@minor? */
static inline int vt_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		tap_bail("cannot tell the kernel version");
	return ma > major || (ma == major && mi >= minor);
}

/*
 * The strategies the loaded module offers (VCLOCK_IOC_INFO) as a mask:
 * mixed needs vmf_insert_mixed_prot(), which v6.4 removed.
 */
static inline unsigned int vt_strategies(int fd)
{
	struct vclock_info info;

	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	return info.strategies;
}

/* The @i-th strategy of @mask, counting round: for cycling through them. */
static inline unsigned int vt_nth_strategy(unsigned int mask, unsigned int i)
{
	unsigned int s, n = 0;

	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++)
		n += !!(mask & (1u << s));
	if (!n)
		tap_bail("the module offers no strategy");
	i %= n;
	for (s = VCLOCK_STRATEGY_FAULT;; s++)
		if ((mask & (1u << s)) && !i--)
			return s;
}

/* One strategy's mapping: one VMA, or two for split. */
struct vt_map {
	unsigned int strategy;
	uint8_t *base;		/* data pages (whole layout unless split) */
	uint8_t *hpet;		/* the HPET page */
	size_t len;		/* of base */
};

static inline const volatile uint32_t *vt_counter(const struct vt_map *m)
{
	return (const volatile uint32_t *)(m->hpet + VCLOCK_HPET_COUNTER);
}

static inline const struct vclock_data *vt_data(const struct vt_map *m)
{
	return (const struct vclock_data *)(m->base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
}

static inline void *vt_mmap(int fd, size_t len, int prot, int flags, unsigned int strategy,
			    unsigned int lab, unsigned int page)
{
	return mmap(NULL, len, prot, flags, fd, VCLOCK_MMAP_OFFSET(strategy, lab, page));
}

/* Map the layout the way @strategy wants it; 0 or -errno. */
static inline int vt_map(int fd, unsigned int strategy, unsigned int lab, struct vt_map *m)
{
	memset(m, 0, sizeof(*m));
	m->strategy = strategy;
	if (strategy != VCLOCK_STRATEGY_SPLIT) {
		m->len = VCLOCK_MAP_SIZE;
		m->base = vt_mmap(fd, m->len, PROT_READ, MAP_SHARED, strategy, lab, 0);
		if (m->base == MAP_FAILED)
			return -errno;
		m->hpet = m->base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
		return 0;
	}
	m->len = VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE;
	m->base = vt_mmap(fd, m->len, PROT_READ, MAP_SHARED, strategy, lab, 0);
	if (m->base == MAP_FAILED)
		return -errno;
	m->hpet = vt_mmap(fd, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED, strategy, lab,
			  VCLOCK_PAGE_HPET);
	if (m->hpet == MAP_FAILED) {
		int err = -errno;

		munmap(m->base, m->len);
		return err;
	}
	return 0;
}

/*
 * A strategy the module does not offer: assert that this kernel is the
 * reason (mixed needs vmf_insert_mixed_prot(), which v6.4 removed) and that
 * mmap refuses it with EOPNOTSUPP. What a kernel no longer allows is tested
 * as unavailable, never skipped.
 */
static inline void vt_check_unoffered(int fd, unsigned int s)
{
	void *p = vt_mmap(fd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, s, 0, 0);
	int err = p == MAP_FAILED ? errno : 0;

	if (p != MAP_FAILED)
		munmap(p, VCLOCK_MAP_SIZE);
	tap_ok(s == VCLOCK_STRATEGY_MIXED && vt_kernel_at_least(6, 4) && err == EOPNOTSUPP,
	       "%s: not offered on this kernel (vmf_insert_mixed_prot() is gone since 6.4), "
	       "mmap says %s", vt_strategy_names[s], err ? strerror(err) : "success");
}

/* Fault in every page of the layout with real loads. */
static inline void vt_touch_all(const struct vt_map *m)
{
	volatile uint64_t sink;

	sink = *(const volatile uint32_t *)(m->base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
	sink = *(const volatile uint64_t *)(m->base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
	sink = *vt_counter(m);
	(void)sink;
}

/*
 * A consistent copy of a data page, taken under its seqcount like a reader;
 * the writer's checksum then tells whether it is torn.
 */
static inline void vt_snapshot(const volatile struct vclock_data *page,
			       struct vclock_data *copy)
{
	uint32_t seq;

	do {
		while ((seq = page->seq) & 1)
			;
		atomic_thread_fence(memory_order_acquire);
		memcpy(copy, (const void *)page, sizeof(*copy));
		atomic_thread_fence(memory_order_acquire);
	} while (page->seq != seq);
}

static inline void vt_unmap(struct vt_map *m)
{
	munmap(m->base, m->len);
	if (m->strategy == VCLOCK_STRATEGY_SPLIT)
		munmap(m->hpet, VCLOCK_PAGE_SIZE);
}

/* Introspection of @pid's vclock VMAs; returns pages found or -errno. */
static inline int vt_query(int fd, pid_t pid, struct vclock_pte_info *e, unsigned int max,
			   unsigned int *nr_vmas)
{
	struct vclock_query q = {
		.pid = pid, .max_entries = max, .entries = (uintptr_t)e,
	};

	if (ioctl(fd, VCLOCK_IOC_QUERY, &q) < 0)
		return -errno;
	if (nr_vmas)
		*nr_vmas = q.nr_vmas;
	return (int)q.nr_entries;
}

static inline int vt_present(const struct vclock_pte_info *e, int n)
{
	int i, p = 0;

	for (i = 0; i < n; i++)
		p += e[i].present;
	return p;
}

/* The entry for user address @addr, or NULL. */
static inline const struct vclock_pte_info *vt_entry(const struct vclock_pte_info *e, int n,
						     const void *addr)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].addr == (uintptr_t)addr)
			return &e[i];
	return NULL;
}

/* Lines of /proc/self/maps naming /dev/vclock. */
static inline int vt_count_vmas(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, VCLOCK_DEVICE))
			n++;
	if (f)
		fclose(f);
	return n;
}

/* The /proc/self/maps line of the VMA starting at @addr (no newline). */
static inline int vt_maps_line(const void *addr, char *out, size_t size)
{
	char line[512], want[32];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f && !found && fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, size, "%s", line);
			found = 1;
		}
	if (f)
		fclose(f);
	return found;
}

/* The smaps VmFlags of the VMA starting at @addr, e.g. "rd mr ms io pf de dd". */
static inline int vt_vmflags(const void *addr, char *out, size_t size)
{
	char line[512], want[32];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		if (in && !strncmp(line, "VmFlags:", 8)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, size, "%.255s", line + 9);
			found = 1;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static inline int vt_has_flag(const char *flags, const char *flag)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", flags);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, flag))
			return 1;
	return 0;
}

/*
 * Run @fn(@arg) in a child; return the signal that killed it, 0 if it
 * returned, or 256 + its exit status if that was not 0.
 */
static inline int vt_in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WEXITSTATUS(status) ? 256 + WEXITSTATUS(status) : 0;
}

static inline uint64_t vt_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Write @val to a (sysfs, proc, tracefs) file in one write; 0 or -errno. */
static inline int vt_write_file(const char *path, const char *val)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Read and write a module parameter; 0 or -errno. */
static inline int vt_param_write(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/vclock/parameters/%s", name);
	return vt_write_file(path, val);
}

static inline int vt_param_read(const char *name, char *out, size_t size)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/vclock/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(out, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

/* ---- loading and unloading the module (suites that reload it) ---- */

#define VT_MODULE_PATH	"/opt/vclock/kmod/vclock.ko"

/* finit_module with @params; 0 or -errno. */
static inline int vt_load(const char *params)
{
	int fd = open(VT_MODULE_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int vt_loaded(void)
{
	return access("/sys/module/vclock", F_OK) == 0;
}

/* rmmod, retrying for up to 5 s while the last users go away; 0 or -errno. */
static inline int vt_unload(void)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!syscall(SYS_delete_module, "vclock", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		usleep(100000);
	}
	return -errno;
}

/* Load it as vm/run --load did (vm/init keeps the parameters in /vm/load). */
static inline int vt_reload(void)
{
	char params[256] = "";
	FILE *f = fopen("/vm/load", "r");

	if (vt_loaded())
		return 0;
	if (f) {
		if (!fgets(params, sizeof(params), f))
			params[0] = 0;
		params[strcspn(params, "\n")] = 0;
		fclose(f);
	}
	return vt_load(params);
}

/* How many lines of the kernel log contain @needle. */
static inline int vt_dmesg_count(const char *needle)
{
	char line[512];
	int n = 0;
	FILE *p = popen("dmesg", "r");

	while (p && fgets(line, sizeof(line), p))
		n += strstr(line, needle) != NULL;
	if (p)
		pclose(p);
	return n;
}

/* Kernel log lines that vm/check-dmesg would fail the run for. */
static inline int vt_kernel_faults(void)
{
	return vt_dmesg_count("Oops") + vt_dmesg_count("BUG:") +
	       vt_dmesg_count("WARNING:") + vt_dmesg_count("Call Trace");
}

#endif /* VCLOCK_TEST_H */
