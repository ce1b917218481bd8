// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_test.c - the test library's functions (vclock_test.h): mapping and
 * querying /dev/vclock, the process's own vclock VMAs through the tools'
 * maps parser, the fork helper, module parameters and reloading.
 */
#include <sched.h>

#include "vclock_test.h"

const char *vt_path(void)
{
	const char *env = getenv(VCLOCK_DEVICE_ENV);
	const char *path = vclock_device_path(env);

	if (!path)
		tap_bail(VCLOCK_DEVICE_ENV "=%s names neither " VCLOCK_DEVICE " nor "
			 VCLOCK_PROC_FILE, env);
	return path;
}

int vt_open(void)
{
	int fd = open(vt_path(), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		tap_bail("cannot open %s: %s (is the module loaded?)", vt_path(),
			 strerror(errno));
	return fd;
}

int vt_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		tap_bail("cannot tell the kernel version");
	return ma > major || (ma == major && mi >= minor);
}

unsigned int vt_strategies(int fd)
{
	struct vclock_info info;

	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	return info.strategies;
}

unsigned int vt_nth_strategy(unsigned int mask, unsigned int i)
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

int vt_map(int fd, unsigned int strategy, unsigned int lab, struct vt_map *m)
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

void vt_touch_all(const struct vt_map *m)
{
	volatile uint64_t sink;

	sink = *(const volatile uint32_t *)(m->base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
	sink = *(const volatile uint64_t *)(m->base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
	sink = *(const volatile uint32_t *)(m->base + VCLOCK_PAGE_TK * VCLOCK_PAGE_SIZE);
	sink = *vt_counter(m);
	(void)sink;
}

void vt_snapshot(const volatile struct vclock_data *page, struct vclock_data *copy)
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

void vt_unmap(struct vt_map *m)
{
	munmap(m->base, m->len);
	if (m->strategy == VCLOCK_STRATEGY_SPLIT)
		munmap(m->hpet, VCLOCK_PAGE_SIZE);
}

int vt_query(int fd, pid_t pid, struct vclock_pte_info *e, unsigned int max,
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

int vt_present(const struct vclock_pte_info *e, int n)
{
	int i, p = 0;

	for (i = 0; i < n; i++)
		p += e[i].present;
	return p;
}

const struct vclock_pte_info *vt_entry(const struct vclock_pte_info *e, int n,
				      const void *addr)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].addr == (uintptr_t)addr)
			return &e[i];
	return NULL;
}

int vt_vclock_vmas(struct maps_list *l, bool smaps)
{
	struct maps_list all = { 0 };
	size_t i;
	int err;

	memset(l, 0, sizeof(*l));
	err = maps_read("self", &all);
	if (!err && smaps)
		err = smaps_merge("self", &all);
	for (i = 0; !err && i < all.n; i++) {
		if (!strstr(all.v[i].path, VCLOCK_DEVICE) && !strstr(all.v[i].path, VCLOCK_PROC_FILE))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 4;
			struct maps_entry *v = realloc(l->v, cap * sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = all.v[i];
	}
	maps_free(&all);
	if (err)
		maps_free(l);
	return err;
}

int vt_count_vmas(void)
{
	struct maps_list l;
	size_t i;
	int n = 0;

	if (vt_vclock_vmas(&l, false))
		return -1;
	for (i = 0; i < l.n; i++)
		n += strstr(l.v[i].path, vt_path()) != NULL;
	maps_free(&l);
	return n;
}

/* The vclock VMA starting at @addr in @l, or NULL. */
static const struct maps_entry *vma_at(const struct maps_list *l, const void *addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].start == (unsigned long)addr)
			return &l->v[i];
	return NULL;
}

int vt_maps_line(const void *addr, char *out, size_t size)
{
	const struct maps_entry *e;
	struct maps_list l;

	if (vt_vclock_vmas(&l, false))
		return 0;
	e = vma_at(&l, addr);
	if (e)
		maps_format(e, out, size);
	maps_free(&l);
	return e != NULL;
}

int vt_vmflags(const void *addr, char *out, size_t size)
{
	const struct maps_entry *e;
	struct maps_list l;
	int found;

	if (vt_vclock_vmas(&l, true))
		return 0;
	e = vma_at(&l, addr);
	found = e && e->have_smaps;
	if (found)
		snprintf(out, size, "%s", e->vmflags);
	maps_free(&l);
	return found;
}

int vt_count_fds(void)
{
	char path[64], target[256];
	int fd, n = 0;
	ssize_t len;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = 0;
			n += !strcmp(target, vt_path());
		}
	}
	return n;
}

int vt_fork_wait(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

int vt_in_child(void (*fn)(void *), void *arg)
{
	int status = vt_fork_wait(fn, arg);

	if (status < 0)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WEXITSTATUS(status) ? 256 + WEXITSTATUS(status) : 0;
}

uint64_t vt_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int vt_write_file(const char *path, const char *val)
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

int vt_new_timens(int flags, const char *offsets)
{
	if (unshare(CLONE_NEWTIME | flags))
		return -errno;
	return vt_write_file("/proc/self/timens_offsets", offsets);
}

int vt_param_write(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/vclock/parameters/%s", name);
	return vt_write_file(path, val);
}

int vt_read_file(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(out, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

int vt_param_read(const char *name, char *out, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/vclock/parameters/%s", name);
	return vt_read_file(path, out, size);
}

int vt_load(const char *params)
{
	int fd = open(VT_MODULE_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

int vt_loaded(void)
{
	return access("/sys/module/vclock", F_OK) == 0;
}

int vt_unload(void)
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

int vt_reload(void)
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

long vt_file_value(const char *path, const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len))
			sscanf(line + len, "%ld", &v);
	if (f)
		fclose(f);
	return v;
}

long vt_status_value(const char *key)
{
	return vt_file_value(VT_STATUS_PATH, key);
}

long vt_status_live_vmas(void)
{
	long a, b, c, d, v = -1;
	char line[256];
	FILE *f = fopen(VT_STATUS_PATH, "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "live_vmas: fault=%ld remap=%ld split=%ld mixed=%ld", &a, &b, &c,
			   &d) == 4)
			v = a + b + c + d;
	if (f)
		fclose(f);
	return v;
}

int vt_dmesg_count(const char *needle)
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

int vt_kernel_faults(void)
{
	return vt_dmesg_count("Oops") + vt_dmesg_count("BUG:") +
	       vt_dmesg_count("WARNING:") + vt_dmesg_count("Call Trace");
}
