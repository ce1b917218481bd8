// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_getcpu.c - __vdso_getcpu for libvclock: RDPID where the CPU has it,
 * else RDTSCP, else LSL of the kernel's per-CPU GDT segment, each giving
 * (node << 12) | cpu as the kernel stores it (arch/x86's vgetcpu does the
 * same with RDPID or LSL). Freestanding like the rest of the library.
 *
 * Built twice: into libvclock.a as is, and into libvclock.so with
 * VCLOCK_GETCPU_ALIAS, which adds the vDSO's plain "getcpu" alias (in an
 * archive it would interpose libc's getcpu in every program linking it).
 */
#include <linux/errno.h>
#include <asm/unistd.h>

#include "vclock_getcpu.h"
#include "vclock_lib.h"
#include "vclock_sys.h"

#define VCLOCK_CPUNODE_BITS	12
#define VCLOCK_CPUNODE_MASK	((1u << VCLOCK_CPUNODE_BITS) - 1)
/* GDT entry 15 (GDT_ENTRY_CPUNODE, GDT_ENTRY_PER_CPU before), RPL 3 */
#define VCLOCK_CPUNODE_SEG	(15 * 8 + 3)

/* Bit (1 << how) per way this CPU has, and VCLOCK_GETCPU_KNOWN; 0 until detected. */
#define VCLOCK_GETCPU_KNOWN	(1u << 31)
static unsigned int getcpu_caps;

static void cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	__asm__ __volatile__ ("cpuid"
			      : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
			      : "a" (leaf), "c" (sub));
}

/* CPUID once (it is slow, and traps under a hypervisor), then the cache. */
static unsigned int caps(void)
{
	unsigned int c = __atomic_load_n(&getcpu_caps, __ATOMIC_RELAXED), r[4];

	if (c)
		return c;
	c = VCLOCK_GETCPU_KNOWN | (1u << VCLOCK_GETCPU_LSL) | (1u << VCLOCK_GETCPU_SYSCALL);
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		if (r[2] & (1u << 22))		/* CPUID.(7,0):ECX.RDPID */
			c |= 1u << VCLOCK_GETCPU_RDPID;
	}
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		if (r[3] & (1u << 27))		/* CPUID.80000001:EDX.RDTSCP */
			c |= 1u << VCLOCK_GETCPU_RDTSCP;
	}
	__atomic_store_n(&getcpu_caps, c, __ATOMIC_RELAXED);
	return c;
}

VCLOCK_HIDDEN int vclock_getcpu_method(void)
{
	unsigned int c = caps();

	return c & (1u << VCLOCK_GETCPU_RDPID) ? VCLOCK_GETCPU_RDPID :
	       c & (1u << VCLOCK_GETCPU_RDTSCP) ? VCLOCK_GETCPU_RDTSCP : VCLOCK_GETCPU_LSL;
}

/* The raw (node << 12) | cpu by @how, or -errno. */
static long read_cpunode(int how)
{
	unsigned long p;
	unsigned int lo, hi, aux, limit, ok;

	switch (how) {
	case VCLOCK_GETCPU_RDPID:
		__asm__ __volatile__ ("rdpid %0" : "=r" (p));
		return (long)(unsigned int)p;
	case VCLOCK_GETCPU_RDTSCP:
		__asm__ __volatile__ ("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
		(void)lo;
		(void)hi;
		return aux;
	case VCLOCK_GETCPU_LSL:
		/* ZF set: the segment exists and its limit is in @limit */
		__asm__ __volatile__ ("lsl %2, %0\n\tsetz %b1"
				      : "=r" (limit), "=q" (ok) : "r" (VCLOCK_CPUNODE_SEG)
				      : "cc");
		return (ok & 0xff) ? (long)limit : -EOPNOTSUPP;
	}
	return -EINVAL;
}

VCLOCK_HIDDEN int vclock_getcpu_with(int how, unsigned int *cpu, unsigned int *node)
{
	long p;

	if (how == VCLOCK_GETCPU_AUTO)
		how = vclock_getcpu_method();
	if (how <= VCLOCK_GETCPU_AUTO || how >= VCLOCK_GETCPU_NR)
		return -EINVAL;
	if (!(caps() & (1u << how)))
		return -EOPNOTSUPP;
	if (how == VCLOCK_GETCPU_SYSCALL) {
		p = vclock_syscall4(__NR_getcpu, (long)cpu, (long)node, 0, 0);
		return vclock_sys_failed((unsigned long)p) ? (int)p : 0;
	}
	p = read_cpunode(how);
	if (p < 0)
		return (int)p;
	if (cpu)
		*cpu = (unsigned int)p & VCLOCK_CPUNODE_MASK;
	if (node)
		*node = (unsigned int)p >> VCLOCK_CPUNODE_BITS;
	return 0;
}

VCLOCK_EXPORT long __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *unused)
{
	(void)unused;
	/* LSL cannot fail on Linux; should it, the system call answers. */
	if (vclock_getcpu_with(VCLOCK_GETCPU_AUTO, cpu, node))
		vclock_getcpu_with(VCLOCK_GETCPU_SYSCALL, cpu, node);
	return 0;
}

#ifdef VCLOCK_GETCPU_ALIAS
VCLOCK_EXPORT long getcpu(unsigned int *cpu, unsigned int *node, void *unused)
	__attribute__((weak, alias("__vdso_getcpu")));
#endif
