/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_read.h - reading the clocks from a mapped struct vclock_data: the
 * seqcount protocol and the arithmetic, as static inlines that touch only
 * the pages they are given (no syscalls, no globals, no libc). The library
 * (vclock_entry.c) wraps them with the fallbacks; the unit tests run them on
 * a synthetic data page and a fake HPET page in plain memory.
 *
 * One reading is what Linux v4.6's vDSO did:
 *
 *	seq = begin()                      wait while odd
 *	mode = clock_mode                  NONE: the caller uses the syscall
 *	delta = (counter - cycle_last) & mask
 *	ns = (base.snsec + delta * mult) >> shift
 *	retry() if seq changed
 *	sec = base.sec + ns / NSEC_PER_SEC by subtraction (no divide)
 *
 * Every function returns 0 with a result, or -1: "not served from the page,
 * ask the kernel".
 */
#ifndef VCLOCK_READ_H
#define VCLOCK_READ_H

#include <linux/types.h>

#include "vclock_abi.h"

#define VCLOCK_NSEC_PER_SEC	1000000000ull

/* The kernel's clock ids this file knows by name. */
#define VCLOCK_ID_REALTIME		0
#define VCLOCK_ID_MONOTONIC_RAW		4
#define VCLOCK_ID_REALTIME_COARSE	5

/* One clock reading, normalised: nsec < VCLOCK_NSEC_PER_SEC. */
struct vclock_reading {
	__u64 sec;
	__u64 nsec;
};

#define VCLOCK_READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))

static inline void vclock_barrier(void)
{
	__asm__ __volatile__ ("" ::: "memory");
}

static inline void vclock_cpu_relax(void)
{
	__asm__ __volatile__ ("pause" ::: "memory");
}

/*
 * Seqcount read side. x86 keeps loads in order, so smp_rmb() is only a
 * compiler barrier: it makes the compiler load seq before the data in
 * begin() and the data before seq in retry().
 */
static inline __u32 vclock_read_begin(const struct vclock_data *d)
{
	__u32 seq;

	while ((seq = VCLOCK_READ_ONCE(d->seq)) & 1)
		vclock_cpu_relax();
	vclock_barrier();
	return seq;
}

static inline int vclock_read_retry(const struct vclock_data *d, __u32 start)
{
	vclock_barrier();
	return VCLOCK_READ_ONCE(d->seq) != start;
}

/* The HPET main counter: one 32-bit uncached load. */
static inline __u64 vclock_read_hpet(const void *hpet)
{
	return *(const volatile __u32 *)((const char *)hpet + VCLOCK_HPET_COUNTER);
}

/* The TSC, ordered after the loads before it (rdtsc_ordered). */
static inline __u64 vclock_read_tsc(void)
{
	__u32 lo, hi;

	__asm__ __volatile__ ("lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	return ((__u64)hi << 32) | lo;
}

/*
 * Counter cycles since cycle_last in @mode; -1 if @mode has no counter here.
 * A TSC value before cycle_last (another CPU's TSC lagging) counts as
 * cycle_last, as v4.6's vread_tsc() did; the HPET is one global counter and
 * wraps at 32 bits, which the mask takes care of.
 */
static inline int vclock_read_delta(const struct vclock_data *d, __s32 mode,
				    const void *hpet, __u64 *delta)
{
	__u64 last = d->cycle_last, cycles;

	if (mode == VCLOCK_MODE_HPET) {
		if (!hpet)
			return -1;
		cycles = vclock_read_hpet(hpet);
	} else if (mode == VCLOCK_MODE_TSC) {
		cycles = vclock_read_tsc();
		if ((__s64)(cycles - last) < 0)
			cycles = last;
	} else {
		return -1;
	}
	*delta = (cycles - last) & d->mask;
	return 0;
}

/*
 * ns / NSEC_PER_SEC by repeated subtraction: ns exceeds a second by at most
 * a few, so this beats a 64-bit divide. The empty asm keeps the compiler
 * from turning the loop back into a division.
 */
static inline __u64 vclock_ns_to_sec(__u64 ns, __u64 *rem)
{
	__u64 sec = 0;

	while (ns >= VCLOCK_NSEC_PER_SEC) {
		__asm__ ("" : "+rm" (ns));
		ns -= VCLOCK_NSEC_PER_SEC;
		sec++;
	}
	*rem = ns;
	return sec;
}

static inline int vclock_clock_served(int id, __u32 kinds)
{
	return (unsigned int)id < VCLOCK_MAX_CLOCKS && (VCLOCK_CLOCK_BIT(id) & kinds);
}

/* REALTIME, MONOTONIC, BOOTTIME, TAI and MONOTONIC_RAW: base + counter. */
static inline int vclock_do_hres(const struct vclock_data *d, const void *hpet,
				 int id, struct vclock_reading *r)
{
	const struct vclock_time *base = &d->base[id];
	int raw = id == VCLOCK_ID_MONOTONIC_RAW;
	__u64 sec, ns, delta;
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (vclock_read_delta(d, VCLOCK_READ_ONCE(d->clock_mode), hpet, &delta))
			return -1;
		sec = base->sec;
		ns = base->snsec;
		ns += delta * (raw ? d->raw_mult : d->mult);
		ns >>= raw ? d->raw_shift : d->shift;
	} while (vclock_read_retry(d, seq));

	r->sec = sec + vclock_ns_to_sec(ns, &r->nsec);
	return 0;
}

/* REALTIME_COARSE and MONOTONIC_COARSE: the base alone, in plain ns. */
static inline int vclock_do_coarse(const struct vclock_data *d, int id,
				   struct vclock_reading *r)
{
	const struct vclock_time *base = &d->base[id];
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (VCLOCK_READ_ONCE(d->clock_mode) == VCLOCK_MODE_NONE)
			return -1;
		r->sec = base->sec;
		r->nsec = base->snsec;
	} while (vclock_read_retry(d, seq));
	return 0;
}

/* clock_gettime(@id) from the page; -1 for ids the page does not serve. */
static inline int vclock_read_clock(const struct vclock_data *d, const void *hpet,
				    int id, struct vclock_reading *r)
{
	if (vclock_clock_served(id, VCLOCK_HRES_CLOCKS | VCLOCK_RAW_CLOCKS))
		return vclock_do_hres(d, hpet, id, r);
	if (vclock_clock_served(id, VCLOCK_COARSE_CLOCKS))
		return vclock_do_coarse(d, id, r);
	return -1;
}

/* clock_getres(@id) in ns: the hres or the coarse resolution. */
static inline int vclock_read_res(const struct vclock_data *d, int id, __u32 *res_ns)
{
	__u32 seq, ns;

	if (!vclock_clock_served(id, VCLOCK_SERVED_CLOCKS))
		return -1;
	do {
		seq = vclock_read_begin(d);
		if (VCLOCK_READ_ONCE(d->clock_mode) == VCLOCK_MODE_NONE)
			return -1;
		ns = vclock_clock_served(id, VCLOCK_COARSE_CLOCKS) ?
		     d->coarse_res_ns : d->hres_res_ns;
	} while (vclock_read_retry(d, seq));
	*res_ns = ns;
	return 0;
}

/* The kernel's sys_tz, for gettimeofday(). */
static inline int vclock_read_tz(const struct vclock_data *d, __s32 *minuteswest,
				 __s32 *dsttime)
{
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (VCLOCK_READ_ONCE(d->clock_mode) == VCLOCK_MODE_NONE)
			return -1;
		*minuteswest = d->tz_minuteswest;
		*dsttime = d->tz_dsttime;
	} while (vclock_read_retry(d, seq));
	return 0;
}

/*
 * time(): the seconds of REALTIME_COARSE with one load and no seqcount, as
 * the vDSO does (a 64-bit aligned load cannot tear).
 */
static inline int vclock_read_time(const struct vclock_data *d, __u64 *sec)
{
	if (VCLOCK_READ_ONCE(d->clock_mode) == VCLOCK_MODE_NONE)
		return -1;
	*sec = VCLOCK_READ_ONCE(d->base[VCLOCK_ID_REALTIME_COARSE].sec);
	return 0;
}

#endif /* VCLOCK_READ_H */
