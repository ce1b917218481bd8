/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_tk_line.h - the timekeeper's arithmetic, with no kernel state: a
 * published clock line, its value at a counter reading, the kernel's rate
 * between two anchors and when to trust it, the new line an update
 * publishes (continuity and steering), and the checks an update makes on
 * the counter.
 *
 * A line is the value @ns (+ @frac, in 2^-shift ns) at cycle_last and a
 * rate @mult (ns per cycle << shift): what readers compute from the page.
 * vclock_tk.c holds the kernel glue: counters, anchors, locks, the page.
 * Pure, so that the host unit test (tests/unit/tk_line_test.c) can drive
 * it through wraps, resume-like jumps, backwards counters and rate changes.
 * 64-bit divisions are plain: the module is x86-64 only.
 */
#ifndef VCLOCK_TK_LINE_H
#define VCLOCK_TK_LINE_H

#include <linux/types.h>

#define VCLOCK_LINE_NSEC_PER_SEC	1000000000ull

struct vclock_line {
	__u64 ns;
	__u64 frac;		/* below ns, in units of 2^-shift ns */
	__u32 mult;
};

/* Counter cycles from @last to @now, through a wrap of a @mask-wide counter. */
static inline __u64 vclock_line_delta(__u64 now, __u64 last, __u64 mask)
{
	return (now - last) & mask;
}

/* The line's value @delta cycles after cycle_last; its fraction in @frac. */
static inline __u64 vclock_line_at(const struct vclock_line *l, __u32 shift, __u64 delta,
				   __u64 *frac)
{
	__u64 f = l->frac + delta * l->mult;

	*frac = f & ((1ull << shift) - 1);
	return l->ns + (f >> shift);
}

/*
 * The kernel's rate over @ns of its time and @cycles of the counter, as a
 * mult; @nominal when it cannot be right (no cycles, a gap over 10 s, or
 * more than 1/8 off: an anchor across a discontinuity).
 */
static inline __u32 vclock_line_rate(__u64 ns, __u64 cycles, __u32 nominal, __u32 shift)
{
	__u64 m;

	if (!cycles || ns > 10 * VCLOCK_LINE_NSEC_PER_SEC)
		return nominal;
	m = (ns << shift) / cycles;
	if (m > nominal + nominal / 8 || m < nominal - nominal / 8)
		return nominal;
	return (__u32)m;
}

/*
 * A rate measured between two anchors is only as good as their uncertainty
 * over the time between them: anchors bracketed 50 us wide and one 4 ms
 * interval apart give a rate up to 1.25 % off, which an update late by
 * tens of milliseconds turns into a lead of hundreds of microseconds. So a
 * rate measured over @span_ns, the anchors' slacks summing to @err_ns, is
 * trusted once @err_ns is at most 1/VCLOCK_LINE_RATE_TRUST of @span_ns
 * (100 ppm); until then the caller keeps the rate it trusted last.
 */
#define VCLOCK_LINE_RATE_TRUST	10000

static inline int vclock_line_rate_trusted(__u64 span_ns, __u64 err_ns)
{
	return err_ns <= span_ns / VCLOCK_LINE_RATE_TRUST;
}

/*
 * The new line from the published value @floor (+@floor_frac) and the
 * kernel's value @target at the same counter reading. Behind the kernel:
 * step forward to it. Ahead: stay at the floor (readers may have seen it)
 * and slow down to meet the kernel @interval cycles later, by at most half
 * the rate (ahead counts up to a second). Returns how far ahead it was.
 */
static inline __u64 vclock_line_steer(struct vclock_line *l, __u32 shift, __u64 floor,
				      __u64 floor_frac, __u64 target, __u32 rate,
				      __u64 interval)
{
	__u64 ahead, corr;

	if (target > floor) {
		l->ns = target;
		l->frac = 0;
		l->mult = rate;
		return 0;
	}
	ahead = floor - target;
	l->ns = floor;
	l->frac = floor_frac;
	if (ahead > VCLOCK_LINE_NSEC_PER_SEC)
		ahead = VCLOCK_LINE_NSEC_PER_SEC;
	corr = (ahead << shift) / (interval ? interval : 1);
	l->mult = rate - (__u32)(corr < rate / 2 ? corr : rate / 2);
	return floor - target;
}

/*
 * Has the counter lost track of time since the last update? The line says
 * @floor - @line_ns elapsed since its base; the kernel says @mono -
 * @last_mono. A counter reset (HPET on resume, TSC on real S3), a sleep the
 * TSC counted and MONOTONIC did not, a wrap past the mask (an update ~43 s
 * late at 100 MHz) or a delta * mult overflow (@floor below the base) make
 * them disagree by far more than any steering: one second plus an eighth.
 * An anchor older than the last update's says nothing.
 */
static inline int vclock_line_lost(__u64 floor, __u64 line_ns, __u64 mono, __u64 last_mono)
{
	__u64 line, kernel, margin;

	if (mono < last_mono)
		return 0;
	if (floor < line_ns)
		return 1;
	line = floor - line_ns;
	kernel = mono - last_mono;
	margin = VCLOCK_LINE_NSEC_PER_SEC + kernel / 8;
	return line > kernel + margin || line + margin < kernel;
}

/*
 * How far the published value @floor (at counter reading @c) is ahead of
 * the kernel's, at most: the kernel's @mono at @a_cycles extrapolated to
 * @c at the nominal rate (a few microseconds of counter), plus the anchor's
 * uncertainty @slack (cycles).
 */
static inline __u64 vclock_line_ahead(__u64 floor, __u64 c, __u64 a_cycles, __u64 mono,
				      __u64 slack, __u64 mask, __u32 nominal, __u32 shift)
{
	__u64 kernel = mono + ((vclock_line_delta(c, a_cycles, mask) * nominal) >> shift);
	__u64 err = ((slack * nominal) >> shift) + 1;

	return floor > kernel ? floor - kernel + err : err;
}

#endif /* VCLOCK_TK_LINE_H */
