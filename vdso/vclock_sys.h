/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_sys.h - the few x86-64 system calls the freestanding reader makes,
 * issued directly with the syscall instruction (no libc, no errno): each
 * returns what the kernel returned, a value or a negative errno.
 *
 * The clock calls are the fallbacks of the reader; open/mmap/munmap/close
 * are its first-use mapping; sched_yield lets vclock_init() wait for a
 * concurrent first use.
 */
#ifndef VCLOCK_SYS_H
#define VCLOCK_SYS_H

#include <asm/unistd.h>

#define VCLOCK_SYS_AT_FDCWD	(-100)

/* A raw return value in [-4095, -1] is a negative errno. */
static inline int vclock_sys_failed(unsigned long ret)
{
	return ret > -4096UL;
}

static inline long vclock_syscall1(long nr, long a1)
{
	long ret;

	__asm__ __volatile__ ("syscall"
		      : "=a" (ret)
		      : "0" (nr), "D" (a1)
		      : "rcx", "r11", "memory");
	return ret;
}

static inline long vclock_syscall2(long nr, long a1, long a2)
{
	long ret;

	__asm__ __volatile__ ("syscall"
		      : "=a" (ret)
		      : "0" (nr), "D" (a1), "S" (a2)
		      : "rcx", "r11", "memory");
	return ret;
}

static inline long vclock_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__ ("r10") = a4;
	long ret;

	__asm__ __volatile__ ("syscall"
		      : "=a" (ret)
		      : "0" (nr), "D" (a1), "S" (a2), "d" (a3), "r" (r10)
		      : "rcx", "r11", "memory");
	return ret;
}

static inline long vclock_syscall6(long nr, long a1, long a2, long a3, long a4,
				   long a5, long a6)
{
	register long r10 __asm__ ("r10") = a4;
	register long r8 __asm__ ("r8") = a5;
	register long r9 __asm__ ("r9") = a6;
	long ret;

	__asm__ __volatile__ ("syscall"
		      : "=a" (ret)
		      : "0" (nr), "D" (a1), "S" (a2), "d" (a3), "r" (r10),
			"r" (r8), "r" (r9)
		      : "rcx", "r11", "memory");
	return ret;
}

/* ---- the clock calls (the reader's fallbacks) ---- */

static inline long vclock_sys_clock_gettime(long id, void *ts)
{
	return vclock_syscall2(__NR_clock_gettime, id, (long)ts);
}

static inline long vclock_sys_clock_getres(long id, void *res)
{
	return vclock_syscall2(__NR_clock_getres, id, (long)res);
}

static inline long vclock_sys_gettimeofday(void *tv, void *tz)
{
	return vclock_syscall2(__NR_gettimeofday, (long)tv, (long)tz);
}

static inline long vclock_sys_time(void *t)
{
	return vclock_syscall1(__NR_time, (long)t);
}

/* ---- first use: mapping the device ---- */

static inline long vclock_sys_open(const char *path, int flags)
{
	return vclock_syscall4(__NR_openat, VCLOCK_SYS_AT_FDCWD, (long)path, flags, 0);
}

/* The fourth argument is ignored by read(2). */
static inline long vclock_sys_read(int fd, void *buf, unsigned long len)
{
	return vclock_syscall4(__NR_read, fd, (long)buf, (long)len, 0);
}

static inline long vclock_sys_close(int fd)
{
	return vclock_syscall1(__NR_close, fd);
}

static inline long vclock_sys_mmap(void *addr, unsigned long len, int prot,
				   int flags, int fd, unsigned long off)
{
	return vclock_syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd,
			       (long)off);
}

static inline long vclock_sys_munmap(void *addr, unsigned long len)
{
	return vclock_syscall2(__NR_munmap, (long)addr, (long)len);
}

static inline long vclock_sys_sched_yield(void)
{
	return vclock_syscall1(__NR_sched_yield, 0);
}

#endif /* VCLOCK_SYS_H */
