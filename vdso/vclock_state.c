// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_state.c - first use: map /dev/vclock once, thread-safely, without
 * libc; remember a failure and retry it only rarely.
 *
 * The thread that moves state to MAPPING (compare-and-swap) opens the
 * device, maps it, closes the fd and checks the page; everyone else falls
 * back to the system call meanwhile instead of waiting, so a clock read never
 * blocks. vclock_lib_init() is the exception: it waits (sched_yield) for a
 * concurrent attempt to end, because its caller wants the answer.
 */
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "vclock_lib.h"
#include "vclock_sys.h"

#define VCLOCK_ID_MONOTONIC_COARSE	6

const struct vclock_data vclock_unmapped_page = {
	.clock_mode = VCLOCK_MODE_NONE,
};

struct vclock_lib vclock_lib = {
	.state = VCLOCK_ST_UNMAPPED,
	.strategy = VCLOCK_STRATEGY_FAULT,
	.page = &vclock_unmapped_page,
};

/* The kernel's struct __kernel_timespec, without pulling in libc headers. */
struct vclock_sys_timespec {
	long long tv_sec;
	long long tv_nsec;
};

static __s64 vclock_coarse_sec(void)
{
	struct vclock_sys_timespec ts;

	if (vclock_sys_clock_gettime(VCLOCK_ID_MONOTONIC_COARSE, &ts))
		return 0;
	return ts.tv_sec;
}

/* At @addr exactly (never over another mapping), or where the kernel likes. */
static long vclock_map_pages(int fd, unsigned long npages, unsigned int strategy,
			     unsigned int page, unsigned long addr)
{
	return vclock_sys_mmap((void *)addr, npages * VCLOCK_PAGE_SIZE, PROT_READ,
			       MAP_SHARED | (addr ? MAP_FIXED_NOREPLACE : 0), fd,
			       VCLOCK_MMAP_OFFSET(strategy, VCLOCK_LAB_WB, page));
}

/*
 * The value of VCLOCK_DEVICE in the process's initial environment, read from
 * /proc/self/environ (no libc here, so no getenv; a later setenv() is not
 * seen), into @val: 1 if set, 0 if not (or no /proc). A value too long for
 * @val comes back as "?", which names no file.
 */
static int vclock_env_device(char *val, unsigned int size)
{
	static const char key[] = VCLOCK_DEVICE_ENV "=";
	unsigned int at = 0, len = 0;	/* in the entry; in its value */
	int match = 1;
	char buf[512];
	long fd, n, i;

	fd = vclock_sys_open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((n = vclock_sys_read((int)fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (!buf[i]) {
				if (match && at >= sizeof(key) - 1)
					goto found;
				at = len = 0;
				match = 1;
				continue;
			}
			if (!match)
				continue;
			if (at < sizeof(key) - 1)
				match = buf[i] == key[at];
			else if (len < size - 1)
				val[len++] = buf[i];
			else
				len = size;	/* too long */
			at++;
		}
	}
	vclock_sys_close((int)fd);
	return 0;
found:
	vclock_sys_close((int)fd);
	if (len >= size) {
		val[0] = '?';
		len = 1;
	}
	val[len] = 0;
	return 1;
}

/*
 * Map the layout with @strategy: one VMA of all pages, or for split the data
 * VMA and the HPET VMA. Without an HPET VMA (the module may refuse it when
 * it has no HPET) the library still works: HPET mode then falls back.
 */
static int vclock_map_device(unsigned int strategy, unsigned long addr, const void **data,
			     const void **hpet)
{
	long fd, base, hp = 0;
	const char *path;
	char env[32];

	path = vclock_device_path(vclock_env_device(env, sizeof(env)) ? env : 0);
	if (!path)
		return -EINVAL;
	fd = vclock_sys_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return (int)fd;
	if (strategy == VCLOCK_STRATEGY_SPLIT) {
		base = vclock_map_pages(fd, VCLOCK_NR_DATA_PAGES, strategy, VCLOCK_PAGE_DATA, addr);
		if (!vclock_sys_failed(base)) {
			hp = vclock_map_pages(fd, 1, strategy, VCLOCK_PAGE_HPET, 0);
			if (vclock_sys_failed(hp))
				hp = 0;
		}
	} else {
		base = vclock_map_pages(fd, VCLOCK_NR_PAGES, strategy, VCLOCK_PAGE_DATA, addr);
		if (!vclock_sys_failed(base))
			hp = base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
	}
	vclock_sys_close((int)fd);
	if (vclock_sys_failed(base))
		return (int)base;
	*data = (const void *)(base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
	*hpet = (const void *)hp;
	return 0;
}

static void vclock_unmap_device(unsigned int strategy, const void *data, const void *hpet)
{
	if (strategy == VCLOCK_STRATEGY_SPLIT) {
		vclock_sys_munmap((void *)data, VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE);
		if (hpet)
			vclock_sys_munmap((void *)hpet, VCLOCK_PAGE_SIZE);
	} else {
		vclock_sys_munmap((void *)data, VCLOCK_MAP_SIZE);
	}
}

/* A page from another layout is no page of ours: refuse it, as CRIU would. */
static int vclock_check_page(const struct vclock_data *d)
{
	if (*(const volatile __u32 *)&d->magic != VCLOCK_MAGIC ||
	    *(const volatile __u32 *)&d->layout_version != VCLOCK_LAYOUT_VERSION)
		return -EPROTO;
	return 0;
}

/* One attempt; the caller has moved state to MAPPING. */
static int vclock_attempt(unsigned int strategy, unsigned long addr)
{
	const void *data = 0, *hpet = 0;
	int err;

	vclock_lib.attempts++;
	__atomic_store_n(&vclock_lib.last_attempt_sec, vclock_coarse_sec(), __ATOMIC_RELAXED);
	err = vclock_map_device(strategy, addr, &data, &hpet);
	if (!err) {
		err = vclock_check_page(data);
		if (err)
			vclock_unmap_device(strategy, data, hpet);
	}
	if (err) {
		vclock_lib.error = err;
		__atomic_store_n(&vclock_lib.fallback_calls, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&vclock_lib.state, VCLOCK_ST_FAILED, __ATOMIC_RELEASE);
		return err;
	}
	vclock_lib.data = data;
	vclock_lib.hpet = hpet;
	vclock_lib.mapped_strategy = strategy;
	vclock_lib.error = 0;
	__atomic_store_n(&vclock_lib.state, VCLOCK_ST_MAPPED, __ATOMIC_RELEASE);
	/*
	 * The fast path finds the HPET page VCLOCK_PAGE_HPET pages after the
	 * data page: true of one mapping of the layout. Without an HPET page,
	 * or with split's separate HPET VMA, every read takes the slow path.
	 */
	if (hpet == (const char *)data + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE)
		__atomic_store_n(&vclock_lib.page, (const struct vclock_data *)data,
				 __ATOMIC_RELEASE);
	return 0;
}

static int vclock_claim(int from)
{
	return __atomic_compare_exchange_n(&vclock_lib.state, &from, VCLOCK_ST_MAPPING, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
}

/* After a failure: every VCLOCK_RETRY_CALLS-th call, if a second has passed. */
static int vclock_retry_due(void)
{
	unsigned int n = __atomic_add_fetch(&vclock_lib.fallback_calls, 1, __ATOMIC_RELAXED);
	__s64 last;

	if (n % VCLOCK_RETRY_CALLS)
		return 0;
	last = __atomic_load_n(&vclock_lib.last_attempt_sec, __ATOMIC_RELAXED);
	return vclock_coarse_sec() - last >= VCLOCK_RETRY_SEC;
}

const struct vclock_data *vclock_lib_first_use(void)
{
	int st = __atomic_load_n(&vclock_lib.state, __ATOMIC_ACQUIRE);

	if (st == VCLOCK_ST_MAPPED)
		return vclock_lib.data;
	if (st == VCLOCK_ST_MAPPING)
		return 0;
	if (st == VCLOCK_ST_FAILED && !vclock_retry_due())
		return 0;
	if (!vclock_claim(st))
		return 0;	/* another thread got there first */
	if (vclock_attempt(__atomic_load_n(&vclock_lib.strategy, __ATOMIC_RELAXED), 0))
		return 0;
	return vclock_lib.data;
}

int vclock_lib_init_at(unsigned int strategy, unsigned long addr)
{
	int st;

	if (strategy >= VCLOCK_NR_STRATEGIES)
		return -EINVAL;
	for (;;) {
		st = __atomic_load_n(&vclock_lib.state, __ATOMIC_ACQUIRE);
		if (st == VCLOCK_ST_MAPPED)
			return vclock_lib.mapped_strategy == strategy ? 0 : -EBUSY;
		if (st == VCLOCK_ST_MAPPING) {
			vclock_sys_sched_yield();
			continue;
		}
		if (vclock_claim(st))
			break;
	}
	__atomic_store_n(&vclock_lib.strategy, strategy, __ATOMIC_RELAXED);
	return vclock_attempt(strategy, addr);
}

int vclock_lib_init(unsigned int strategy)
{
	return vclock_lib_init_at(strategy, 0);
}
