// SPDX-License-Identifier: GPL-2.0
/*
 * 30-abuse-input - what user space may throw at /dev/vclock beyond plain mmap
 * arguments (21-kmod-mapping has those): madvise, MAP_FIXED over and under the
 * mapping, mprotect round trips, writes through /proc/self/mem,
 * process_vm_writev and ptrace, read/write/lseek on the device, and ioctls
 * with unknown commands, wrong sizes and bad pointers. Each case asserts its
 * exact errno or signal, and that the data page is unchanged afterwards.
 */
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "vclock_test.h"

static int fd;

#define EXPECT(cond, ...) tap_ok((cond), __VA_ARGS__)
#define ERRNO_IS(call, want) ((call) < 0 && errno == (want))

static void touch_data(void *arg)
{
	(void)*(const volatile uint32_t *)arg;
}

static uint64_t lab_word(const struct vt_map *m)
{
	return *(const volatile uint64_t *)(m->base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
}

static void check_madvise(void)
{
	unsigned int s;
	struct vt_map m;
	int ret;

	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (vt_map(fd, s, 0, &m))
			continue;
		vt_touch_all(&m);
		ret = madvise(m.base, m.len, MADV_DONTNEED);
		if (s == VCLOCK_STRATEGY_MIXED)	/* not PFNMAP: zapped, refaults */
			EXPECT(ret == 0 && lab_word(&m) == (uint64_t)VCLOCK_MAGIC << 32 &&
			       vt_data(&m)->magic == VCLOCK_MAGIC,
			       "%s: MADV_DONTNEED zaps, the refault gives the same data",
			       vt_strategy_names[s]);
		else
			EXPECT(ret < 0 && errno == EINVAL && vt_data(&m)->magic == VCLOCK_MAGIC,
			       "%s: MADV_DONTNEED on a PFNMAP VMA is EINVAL, data intact",
			       vt_strategy_names[s]);
		vt_unmap(&m);
	}

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		return;
	vt_touch_all(&m);
	EXPECT(madvise(m.base, m.len, MADV_DONTFORK) == 0 &&
	       vt_in_child(touch_data, m.base) == SIGSEGV,
	       "MADV_DONTFORK: the child has no mapping (SIGSEGV)");
	/* madvise refuses MADV_DOFORK on VM_IO VMAs: DONTFORK sticks. */
	EXPECT(ERRNO_IS(madvise(m.base, m.len, MADV_DOFORK), EINVAL) &&
	       vt_in_child(touch_data, m.base) == SIGSEGV,
	       "MADV_DOFORK on a VM_IO VMA: EINVAL, the child still has no mapping");
	vt_unmap(&m);

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		return;
	EXPECT(ERRNO_IS(madvise(m.base, VCLOCK_PAGE_SIZE, MADV_DONTFORK), EINVAL) &&
	       vt_in_child(touch_data, m.base) == 0,
	       "MADV_DONTFORK on one page (would split): EINVAL, fork still copies it");
	vt_unmap(&m);
}

static void check_fixed(void)
{
	struct vt_map m;
	int err, want;
	void *p;

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		return;
	vt_touch_all(&m);
	p = mmap(m.base + VCLOCK_PAGE_SIZE, VCLOCK_PAGE_SIZE, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	/*
	 * The implied munmap must split the VMA, which .may_split refuses.
	 * Before 6.12 mmap_region() reported any munmap failure as ENOMEM;
	 * from 6.12 (vms_gather_munmap_vmas()) it passes the split's EINVAL on.
	 */
	err = p == MAP_FAILED ? errno : 0;
	want = vt_kernel_at_least(6, 12) ? EINVAL : ENOMEM;
	EXPECT(err == want && vt_count_vmas() == 1 && vt_data(&m)->magic == VCLOCK_MAGIC,
	       "MAP_FIXED anonymous page over one page of it: %s (%s on this kernel), mapping intact",
	       err ? strerror(err) : "mapped", strerror(want));
	p = mmap(m.base, m.len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(p == m.base && vt_count_vmas() == 0 && *(volatile uint32_t *)p == 0,
	       "MAP_FIXED anonymous mapping over all of it replaces it");
	p = mmap(p, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
		 VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_FAULT, 0, 0));
	EXPECT(p == m.base && vt_count_vmas() == 1 &&
	       ((const volatile struct vclock_data *)p)->magic == VCLOCK_MAGIC,
	       "MAP_FIXED vclock mapping over an anonymous one works");
	munmap(p, VCLOCK_MAP_SIZE);
	EXPECT(ERRNO_IS((long)(intptr_t)mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL),
	       "length 0: EINVAL");
}

static void check_mprotect_roundtrip(void)
{
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *d, *h;
	struct vt_map m;
	int n;

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		return;
	vt_touch_all(&m);
	EXPECT(mprotect(m.base, m.len, PROT_NONE) == 0 && vt_in_child(touch_data, m.base) == SIGSEGV,
	       "mprotect(PROT_NONE) of the whole VMA: reads SIGSEGV");
	EXPECT(mprotect(m.base, m.len, PROT_READ) == 0 && vt_data(&m)->magic == VCLOCK_MAGIC,
	       "mprotect(PROT_READ) again: reads work");
	n = vt_query(fd, 0, e, 8, NULL);
	n = n < 0 ? 0 : n;
	d = vt_entry(e, n, m.base);
	h = vt_entry(e, n, m.hpet);
	EXPECT(d && h && d->effective == VCLOCK_CACHE_WB && h->effective == VCLOCK_CACHE_UC_MINUS,
	       "cache modes survive the mprotect round trip (data %s, HPET %s)",
	       d ? vt_cache_names[d->effective % VCLOCK_NR_CACHE] : "?",
	       h ? vt_cache_names[h->effective % VCLOCK_NR_CACHE] : "?");
	vt_unmap(&m);
}

static void check_foreign_writes(void)
{
	uint64_t junk = 0x4141414141414141ull, before;
	struct iovec local = { &junk, sizeof(junk) }, remote;
	struct vt_map m;
	int mem, status;
	pid_t child;

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		return;
	vt_touch_all(&m);
	before = lab_word(&m);
	mem = open("/proc/self/mem", O_RDWR);
	EXPECT(pwrite(mem, &junk, sizeof(junk), (off_t)(uintptr_t)m.base) < 0 &&
	       pwrite(mem, &junk, sizeof(junk),
		      (off_t)(uintptr_t)(m.base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE)) < 0 &&
	       pwrite(mem, &junk, 4, (off_t)(uintptr_t)(m.hpet + VCLOCK_HPET_COUNTER)) < 0,
	       "writes through /proc/self/mem fail (%s)", strerror(errno));
	close(mem);
	remote.iov_base = m.base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE;
	remote.iov_len = sizeof(junk);
	EXPECT(process_vm_writev(getpid(), &local, 1, &remote, 1, 0) < 0 && errno == EFAULT,
	       "process_vm_writev into it: EFAULT");

	child = fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(lab_word(&m) == before ? 0 : 1);
	}
	waitpid(child, &status, 0);
	EXPECT(ptrace(PTRACE_POKEDATA, child, m.base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE,
		      (void *)(uintptr_t)junk) < 0 && errno == EIO,
	       "ptrace(PTRACE_POKEDATA) into a tracee's mapping: EIO");
	ptrace(PTRACE_CONT, child, NULL, NULL);
	waitpid(child, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the tracee still sees the lab page unchanged");
	EXPECT(lab_word(&m) == before && vt_data(&m)->magic == VCLOCK_MAGIC,
	       "lab and data pages unchanged after all write attempts");
	vt_unmap(&m);
}

static void check_file_ops(void)
{
	char buf[16];
	int rw = open(VCLOCK_DEVICE, O_RDWR);

	EXPECT(ERRNO_IS(read(fd, buf, sizeof(buf)), EINVAL), "read(): EINVAL");
	EXPECT(ERRNO_IS(write(fd, buf, sizeof(buf)), EBADF), "write() on a read-only fd: EBADF");
	EXPECT(rw >= 0 && ERRNO_IS(write(rw, buf, sizeof(buf)), EINVAL),
	       "write() on an O_RDWR fd (root): EINVAL");
	EXPECT(ERRNO_IS(lseek(fd, 10, SEEK_SET), ESPIPE), "lseek(): ESPIPE");
	if (rw >= 0)
		close(rw);
}

static void check_ioctls(void)
{
	struct vclock_info info;
	struct vclock_query q = { 0 };
	struct vt_map m;
	uint32_t strategy = VCLOCK_STRATEGY_FAULT;

	EXPECT(ERRNO_IS(ioctl(fd, 0), ENOTTY), "ioctl 0: ENOTTY");
	EXPECT(ERRNO_IS(ioctl(fd, _IO(VCLOCK_IOC_MAGIC, 99)), ENOTTY), "unknown vclock ioctl: ENOTTY");
	EXPECT(ERRNO_IS(ioctl(fd, _IOR(VCLOCK_IOC_MAGIC, 1, uint32_t), &info), ENOTTY),
	       "INFO with a wrong size: ENOTTY");
	EXPECT(ERRNO_IS(ioctl(fd, _IOWR(VCLOCK_IOC_MAGIC, 3, uint64_t), &q), ENOTTY),
	       "QUERY with a wrong size: ENOTTY");
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_INFO, NULL), EFAULT), "INFO with NULL: EFAULT");
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_INFO, (void *)-1l), EFAULT), "INFO with (void *)-1: EFAULT");
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_SET_STRATEGY, NULL), EFAULT),
	       "SET_STRATEGY with NULL: EFAULT");
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_QUERY, NULL), EFAULT), "QUERY with NULL: EFAULT");

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0) {
		q.max_entries = 4;
		q.entries = 16;		/* not a user address anyone maps */
		EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_QUERY, &q), EFAULT),
		       "QUERY with a bad entries pointer: EFAULT");
		vt_unmap(&m);
	}
	q.max_entries = 0;
	q.entries = 0;
	EXPECT(ioctl(fd, VCLOCK_IOC_QUERY, &q) == 0, "QUERY with room for 0 entries just counts");
	q.pid = -5;
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_QUERY, &q), EINVAL), "QUERY of pid -5: EINVAL");
	q.pid = 999999;
	EXPECT(ERRNO_IS(ioctl(fd, VCLOCK_IOC_QUERY, &q), ESRCH), "QUERY of a pid that does not exist: ESRCH");
	q.pid = 1;
	EXPECT(ioctl(fd, VCLOCK_IOC_QUERY, &q) == 0 && q.nr_vmas == 0,
	       "QUERY of pid 1 as root: allowed, no vclock VMA there");
	EXPECT(ioctl(fd, VCLOCK_IOC_SET_STRATEGY, &strategy) == 0, "file still usable afterwards");
}

int main(void)
{
	tap_header();
	fd = vt_open();
	check_madvise();
	check_fixed();
	check_mprotect_roundtrip();
	check_foreign_writes();
	check_file_ops();
	check_ioctls();
	close(fd);
	return tap_done();
}
