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
 *	seq = begin()                      an odd seq never passes retry()
 *	mode = clock_mode                  NONE: the caller uses the syscall
 *	delta = (counter - cycle_last) & mask
 *	ns = (base.snsec + delta * mult) >> shift
 *	retry() if seq changed
 *	sec = base.sec + ns / NSEC_PER_SEC by subtraction (no divide)
 *
 * Every function returns 0 with a result, or -1: "not served from the page,
 * ask the kernel".
 *
 * A time namespace's view (clock_mode VCLOCK_MODE_TIMENS, include/
 * vclock_abi.h) serves nothing itself: every function but vclock_read_clock()
 * answers -1 for it, on the test for mode NONE that it makes anyway (the mode
 * is negative), so the fast paths pay nothing for views. vclock_read_clock()
 * reads the timekeeper's page of the same mapping and adds the view's
 * offsets; the slow paths give the others vclock_serving_page().
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

/*
 * The value @x is computed here, not later: inside a retry loop this keeps
 * the compiler from carrying every loaded input past the loop's end (one
 * register each) to compute after it.
 */
#define vclock_keep(x)	__asm__ __volatile__ ("" : "+r" (x))

/*
 * Seqcount read side. x86 keeps loads in order, so smp_rmb() is only a
 * compiler barrier: it makes the compiler load seq before the data in
 * begin() and the data before seq in retry().
 *
 * begin() does not wait for an odd seq (an update in progress): it clears
 * bit 0 instead, so retry() can never match an odd start (seq only grows)
 * and the reader goes round once more. That is the same protocol as
 * waiting first, one test and branch shorter on the path that matters.
 */
static inline __u32 vclock_read_begin(const struct vclock_data *d)
{
	__u32 seq = VCLOCK_READ_ONCE(d->seq) & ~1u;

	vclock_barrier();
	return seq;
}

/*
 * The loads between begin() and retry() are plain loads: the two barriers
 * already make the compiler load every field afresh in each round, and a
 * plain load can be an instruction's memory operand (cmp, sub, and, add).
 */
static inline int vclock_read_retry(const struct vclock_data *d, __u32 start)
{
	vclock_barrier();
	return d->seq != start;
}

/* The HPET main counter: one 32-bit uncached load. */
static inline __u64 vclock_read_hpet(const void *hpet)
{
	return *(const volatile __u32 *)((const char *)hpet + VCLOCK_HPET_COUNTER);
}

/*
 * The TSC, ordered after the loads before it (rdtsc_ordered). rdtsc clears
 * the upper halves of rax and rdx, so they are taken as 64-bit outputs.
 */
static inline __u64 vclock_read_tsc(void)
{
	__u64 lo, hi;

	__asm__ __volatile__ ("lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	return lo | (hi << 32);
}

/*
 * ns / NSEC_PER_SEC by repeated subtraction: ns exceeds a second by at most
 * a few, so this beats a 64-bit divide. The empty asm keeps the compiler
 * from turning the loop back into a division.
 */
static inline __u64 vclock_ns_to_sec(__u64 ns, __u64 *rem)
{
	__u64 sec = 0;

	while (__builtin_expect(ns >= VCLOCK_NSEC_PER_SEC, 0)) {
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

/*
 * A view is written once, before it can be mapped, and never again: its
 * mode and offsets need no seqcount. The clocks are read under the
 * timekeeper's page's own, so a reading is never torn between the two.
 */
static inline int vclock_is_view(const struct vclock_data *d)
{
	return VCLOCK_READ_ONCE(d->clock_mode) == VCLOCK_MODE_TIMENS;
}

/* The page that serves the clocks of mapping page @d: @d, or for a view the tk page. */
static inline const struct vclock_data *vclock_serving_page(const struct vclock_data *d)
{
	if (vclock_is_view(d))
		return (const struct vclock_data *)((const char *)d +
			(VCLOCK_PAGE_TK - VCLOCK_PAGE_DATA) * VCLOCK_PAGE_SIZE);
	return d;
}

/* @r plus a view's offset @off (plain ns; sec may be negative, two's complement). */
static inline void vclock_add_offset(struct vclock_reading *r, const struct vclock_time *off)
{
	r->sec += off->sec;
	r->nsec += off->snsec;
	if (r->nsec >= VCLOCK_NSEC_PER_SEC) {
		r->nsec -= VCLOCK_NSEC_PER_SEC;
		r->sec++;
	}
}

/* Where vclock_hres() finds the HPET page (a constant at every call). */
#define VCLOCK_HPET_PTR		0	/* at @hpet; NULL: HPET mode is not served */
#define VCLOCK_HPET_LAYOUT	1	/* VCLOCK_PAGE_HPET pages after @d, as in
					 * one mapping of the whole layout */

/*
 * One reading of an hres clock (@raw 0: REALTIME, MONOTONIC, BOOTTIME, TAI
 * with mult/shift) or of MONOTONIC_RAW (@raw 1: raw_mult/raw_shift), from
 * base @id: base + counter cycles since cycle_last. @raw is a constant at
 * every call, so which pair of parameters is chosen outside the retry loop,
 * at compile time; so is @where (VCLOCK_HPET_*).
 *
 * The HPET read is the fall-through; TSC mode takes one branch; anything
 * else (NONE, or a page whose mode the reader does not know) is -1. A TSC
 * value before cycle_last (another CPU's TSC lagging) counts as cycle_last,
 * as v4.6's vread_tsc() did; the HPET is one global counter and wraps at 32
 * bits, which the mask takes care of.
 */
static inline __attribute__((always_inline)) int
vclock_hres(const struct vclock_data *d, const void *hpet, int where, unsigned int id,
	    int raw, struct vclock_reading *r)
{
	const struct vclock_time *base = &d->base[id];
	__u64 sec, ns, delta;
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (__builtin_expect(d->clock_mode == VCLOCK_MODE_HPET, 1)) {
			if (where == VCLOCK_HPET_LAYOUT)
				hpet = (const char *)d + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
			else if (!hpet)
				return -1;
			delta = vclock_read_hpet(hpet) - d->cycle_last;
		} else if (vclock_barrier(), d->clock_mode == VCLOCK_MODE_TSC) {
			delta = vclock_read_tsc() - d->cycle_last;
			if ((__s64)delta < 0)
				delta = 0;
		} else {
			return -1;
		}
		ns = base->snsec + (delta & d->mask) * (raw ? d->raw_mult : d->mult);
		ns >>= raw ? d->raw_shift : d->shift;
		sec = base->sec;
		vclock_keep(ns);
	} while (__builtin_expect(vclock_read_retry(d, seq), 0));

	r->sec = sec + vclock_ns_to_sec(ns, &r->nsec);
	return 0;
}

/* REALTIME, MONOTONIC, BOOTTIME, TAI and MONOTONIC_RAW: base + counter. */
static inline int vclock_do_hres(const struct vclock_data *d, const void *hpet,
				 int id, struct vclock_reading *r)
{
	if (id == VCLOCK_ID_MONOTONIC_RAW)
		return vclock_hres(d, hpet, VCLOCK_HPET_PTR, id, 1, r);
	return vclock_hres(d, hpet, VCLOCK_HPET_PTR, id, 0, r);
}

/* REALTIME_COARSE and MONOTONIC_COARSE: the base alone, in plain ns. */
static inline int vclock_do_coarse(const struct vclock_data *d, unsigned int id,
				   struct vclock_reading *r)
{
	const struct vclock_time *base = &d->base[id];
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (d->clock_mode <= VCLOCK_MODE_NONE)	/* or a view */
			return -1;
		r->sec = base->sec;
		r->nsec = base->snsec;
	} while (vclock_read_retry(d, seq));
	return 0;
}

/*
 * clock_gettime(@id) from the page @d of a mapping; -1 for ids the page does
 * not serve. A view: from the mapping's tk page, plus the view's offset.
 */
static inline int vclock_read_clock(const struct vclock_data *d, const void *hpet,
				    int id, struct vclock_reading *r)
{
	const struct vclock_data *tk = vclock_serving_page(d);
	int err;

	if (vclock_clock_served(id, VCLOCK_HRES_CLOCKS | VCLOCK_RAW_CLOCKS))
		err = vclock_do_hres(tk, hpet, id, r);
	else if (vclock_clock_served(id, VCLOCK_COARSE_CLOCKS))
		err = vclock_do_coarse(tk, id, r);
	else
		return -1;
	if (!err && tk != d)
		vclock_add_offset(r, &d->base[id]);
	return err;
}

/*
 * clock_getres(@id) in ns: the hres or the coarse resolution. Like time(),
 * no seqcount: each is one aligned 32-bit load, and the mode only says
 * whether the page serves at all.
 */
static inline int vclock_read_res(const struct vclock_data *d, int id, __u32 *res_ns)
{
	if (!vclock_clock_served(id, VCLOCK_SERVED_CLOCKS) ||
	    VCLOCK_READ_ONCE(d->clock_mode) <= VCLOCK_MODE_NONE)
		return -1;
	*res_ns = vclock_clock_served(id, VCLOCK_COARSE_CLOCKS) ?
		  VCLOCK_READ_ONCE(d->coarse_res_ns) : VCLOCK_READ_ONCE(d->hres_res_ns);
	return 0;
}

/* The kernel's sys_tz, for gettimeofday(). */
static inline int vclock_read_tz(const struct vclock_data *d, __s32 *minuteswest,
				 __s32 *dsttime)
{
	__u32 seq;

	do {
		seq = vclock_read_begin(d);
		if (d->clock_mode <= VCLOCK_MODE_NONE)
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
	if (VCLOCK_READ_ONCE(d->clock_mode) <= VCLOCK_MODE_NONE)
		return -1;
	*sec = VCLOCK_READ_ONCE(d->base[VCLOCK_ID_REALTIME_COARSE].sec);
	return 0;
}

#endif /* VCLOCK_READ_H */
