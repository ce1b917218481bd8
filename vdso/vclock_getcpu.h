/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_getcpu.h - libvclock's getcpu, as the x86-64 vDSO has it
 * (__vdso_getcpu, getcpu@LINUX_2.6 in libvclock.so), and for the tests the
 * ways it can read the CPU and node, one by one (not exported from the .so;
 * linked from libvclock.a).
 *
 * The kernel keeps (node << 12) | cpu in each CPU's TSC_AUX MSR, where it
 * has RDTSCP or RDPID, and in the limit of its per-CPU GDT segment (the
 * "CPUNODE" segment, __PER_CPU_SEG before v4.19), which LSL reads.
 */
#ifndef VCLOCK_GETCPU_H
#define VCLOCK_GETCPU_H

enum vclock_getcpu_how {
	VCLOCK_GETCPU_AUTO = 0,		/* the best the CPU has, as below */
	VCLOCK_GETCPU_RDPID = 1,	/* RDPID: TSC_AUX, nothing else */
	VCLOCK_GETCPU_RDTSCP = 2,	/* RDTSCP: TSC_AUX in ECX */
	VCLOCK_GETCPU_LSL = 3,		/* LSL of the per-CPU segment */
	VCLOCK_GETCPU_SYSCALL = 4,	/* the getcpu system call */
	VCLOCK_GETCPU_NR = 5,
};

#define VCLOCK_GETCPU_NAMES	{ "auto", "rdpid", "rdtscp", "lsl", "syscall" }

/* Which way AUTO reads (RDPID, else RDTSCP, else LSL). */
int vclock_getcpu_method(void);

/*
 * The CPU and node by @how: 0, -EOPNOTSUPP if this CPU lacks the
 * instruction, -EINVAL for an unknown @how; NULL pointers are skipped.
 */
int vclock_getcpu_with(int how, unsigned int *cpu, unsigned int *node);

/* The vDSO's signature: always 0. @unused is ignored, as the kernel does. */
long __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *unused);

#endif /* VCLOCK_GETCPU_H */
