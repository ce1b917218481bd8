// SPDX-License-Identifier: GPL-2.0
/*
 * tk_line_test - the timekeeper's line arithmetic (kmod/vclock_tk_line.h)
 * on the host: counter wraps, the rate between anchors, continuity and
 * steering, the counter-lost checks (resume-like jumps, backwards counters,
 * late updates, overflow), the lead bound; then a seeded simulation of a
 * writer following a kernel whose rate changes and which loses time at
 * "clocksource switches", read at increasing counter values through every
 * update: never backwards, and no longer ahead one update after a lead;
 * and one of a writer whose anchors are brackets (the kernel on another
 * clocksource) and whose timer is sometimes late: the lead stays within
 * the anchors' error and the kernel's drift over the gap.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"
#include "vclock_tk_line.h"

#define SHIFT		24
#define NOMINAL		(10u << SHIFT)		/* 100 MHz: 10 ns per cycle */
#define MASK32		0xffffffffull
#define INTERVAL	400000ull		/* 4 ms of cycles */
#define NS(c)		((c) * 10)

static void test_delta_and_value(void)
{
	struct vclock_line l = { .ns = 1000, .frac = (1u << SHIFT) - 1, .mult = NOMINAL };
	__u64 frac, v;

	tap_ok(vclock_line_delta(5, MASK32 - 4, MASK32) == 10,
	       "a 32-bit counter that wrapped: 10 cycles from 2^32-5 to 5");
	tap_ok(vclock_line_delta(5, 10, ~0ull) == ~0ull - 4,
	       "a 64-bit counter before cycle_last is a huge delta (the lost check catches it)");
	v = vclock_line_at(&l, SHIFT, 3, &frac);
	tap_ok(v == 1030 && frac == (1u << SHIFT) - 1,
	       "value: ns + (frac + delta * mult) >> shift, the fraction carried (%llu)",
	       (unsigned long long)v);
	v = vclock_line_at(&l, SHIFT, 0, &frac);
	tap_ok(v == 1000 && frac == l.frac, "at cycle_last the line is its base");
}

static void test_rate(void)
{
	__u32 m = vclock_line_rate(4000500, INTERVAL, NOMINAL, SHIFT);

	tap_ok(m == (__u32)((4000500ull << SHIFT) / INTERVAL),
	       "rate: the kernel's ns over the counter's cycles (125 ppm fast)");
	tap_ok(vclock_line_rate(4000000, 0, NOMINAL, SHIFT) == NOMINAL, "no cycles: nominal");
	tap_ok(vclock_line_rate(11000000000ull, 1100000000ull, NOMINAL, SHIFT) == NOMINAL,
	       "a gap over 10 s: nominal");
	tap_ok(vclock_line_rate(4600000, INTERVAL, NOMINAL, SHIFT) == NOMINAL &&
	       vclock_line_rate(3400000, INTERVAL, NOMINAL, SHIFT) == NOMINAL,
	       "more than 1/8 off (an anchor across a discontinuity): nominal");
	tap_ok(vclock_line_rate(4400000, INTERVAL, NOMINAL, SHIFT) != NOMINAL,
	       "10 %% off is still followed");
}

static void test_steer(void)
{
	struct vclock_line l;
	__u64 frac, ahead, v, kernel;

	ahead = vclock_line_steer(&l, SHIFT, 5000, 77, 6000, NOMINAL, INTERVAL);
	tap_ok(ahead == 0 && l.ns == 6000 && l.frac == 0 && l.mult == NOMINAL,
	       "behind the kernel: step forward to it, at its rate");
	ahead = vclock_line_steer(&l, SHIFT, 5000, 77, 5000, NOMINAL, INTERVAL);
	tap_ok(ahead == 0 && l.ns == 5000 && l.frac == 77 && l.mult == NOMINAL,
	       "on the kernel: continue at its rate, fraction kept");
	ahead = vclock_line_steer(&l, SHIFT, 1000000 + 30000, 5, 1000000, NOMINAL, INTERVAL);
	v = vclock_line_at(&l, SHIFT, INTERVAL, &frac);
	kernel = 1000000 + NS(INTERVAL);
	tap_ok(ahead == 30000 && l.ns == 1030000 && l.frac == 5 && l.mult < NOMINAL,
	       "30 us ahead: stay at the floor (readers saw it), slower");
	tap_ok(v >= kernel - 1 && v <= kernel + 1,
	       "and meet the kernel one interval later (%llu vs %llu)", (unsigned long long)v,
	       (unsigned long long)kernel);
	ahead = vclock_line_steer(&l, SHIFT, 1000000 + 3000000, 0, 1000000, NOMINAL, INTERVAL);
	tap_ok(ahead == 3000000 && l.mult == NOMINAL - NOMINAL / 2,
	       "3 ms ahead (more than half an interval): at most half the rate");
	ahead = vclock_line_steer(&l, SHIFT, 5000000000ull, 0, 1000000, NOMINAL, INTERVAL);
	tap_ok(ahead == 5000000000ull - 1000000 && l.mult == NOMINAL - NOMINAL / 2,
	       "seconds ahead: the lead counts up to a second, no overflow");
}

static void test_lost(void)
{
	__u64 base = 100000000000ull, last = 50000000000ull;

	tap_ok(!vclock_line_lost(base + 4000000, base, last + 4000000, last),
	       "an ordinary update: the counter did not lose track");
	tap_ok(!vclock_line_lost(base + 4000000 + 500000000, base, last + 4000000, last),
	       "half a second ahead (steering to do, not a jump): kept");
	tap_ok(vclock_line_lost(base + 40000000000ull, base, last + 4000000, last),
	       "the counter says 40 s, the kernel 4 ms (a sleep the TSC counted): lost");
	tap_ok(vclock_line_lost(base + 50000000, base, last + 43000000000ull, last),
	       "the kernel says 43 s, the 32-bit HPET 50 ms (wrapped, or reset on resume): lost");
	tap_ok(vclock_line_lost(base - 1, base, last + 4000000, last),
	       "a value below the base (delta * mult overflowed): lost");
	tap_ok(vclock_line_lost(base + 4000000000000000ull, base, last + 4000000, last),
	       "a counter that went backwards (a huge delta): lost");
	tap_ok(!vclock_line_lost(base + 4000000, base, last - 1, last),
	       "an anchor older than the last update's says nothing");
}

static void test_ahead(void)
{
	/* The kernel: 1000000 ns at cycle 100; the floor at cycle 110. */
	tap_ok(vclock_line_ahead(1000100 + 5000, 110, 100, 1000000, 0, MASK32, NOMINAL, SHIFT) ==
	       5001, "5 us ahead of the kernel extrapolated to the floor's reading, +1 ns rounding");
	tap_ok(vclock_line_ahead(1000100 + 5000, 110, 100, 1000000, 200, MASK32, NOMINAL, SHIFT) ==
	       7001, "plus the anchor's slack (200 cycles: 2 us)");
	tap_ok(vclock_line_ahead(1000000, 110, 100, 1000000, 0, MASK32, NOMINAL, SHIFT) == 1,
	       "behind the kernel: only the rounding");
	tap_ok(vclock_line_ahead(1000100, 3, MASK32 - 6, 1000000, 0, MASK32, NOMINAL, SHIFT) == 1,
	       "across a wrap of the counter");
}

/*
 * The simulation: a 32-bit 100 MHz counter starting near its wrap, a
 * kernel whose rate drifts within +-500 ppm and which loses up to 3 ms at
 * random "switches", a writer doing what vclock_tk_update() does every
 * interval (floor, rate since the last anchor, steer), and reads at
 * increasing counter values in between.
 */
struct kernel {
	__u64 c, ns;		/* its time at absolute counter value c */
	__u32 mult;
};

static __u64 kernel_at(const struct kernel *k, __u64 c)
{
	return k->ns + (((c - k->c) * k->mult) >> SHIFT);
}

static void test_simulation(unsigned int seed)
{
	struct kernel k = { .c = 0, .ns = 1000000000ull, .mult = NOMINAL };
	struct vclock_line l = { .ns = k.ns, .frac = 0, .mult = NOMINAL };
	__u64 start = MASK32 - 2 * INTERVAL, c = 0, last = 0, prev_anchor_c = 0;
	__u64 prev_anchor_ns = k.ns, prev = 0, frac, v, floor, target, worst_settle = 0;
	__u64 pending_lead = 0, worst_lag = 0;
	int stepped;
	long back = 0, reads = 0, steps = 0, settles = 0;

	srand(seed);
	for (int u = 0; u < 20000; u++) {
		__u64 next = last + INTERVAL - 20000 + (__u64)(rand() % 40000);

		for (int r = 0; r < 8; r++) {
			c += (next - c) / (__u64)(8 - r);
			v = vclock_line_at(&l, SHIFT, vclock_line_delta((start + c) & MASK32,
						(start + last) & MASK32, MASK32), &frac);
			back += v < prev;
			prev = v;
			reads++;
		}
		stepped = rand() % 50 == 0;
		if (stepped) {			/* a switch: the kernel loses time */
			__u64 lost = (__u64)(rand() % 3000000);

			k.ns = kernel_at(&k, c) - lost;
			k.c = c;
			steps++;
		}
		if (rand() % 10 == 0) {		/* adjtimex: a new rate */
			k.ns = kernel_at(&k, c);
			k.c = c;
			k.mult = NOMINAL + (__u32)(rand() % 1001) * (NOMINAL / 1000000) -
				 500 * (NOMINAL / 1000000);
		}
		floor = vclock_line_at(&l, SHIFT, vclock_line_delta((start + c) & MASK32,
					(start + last) & MASK32, MASK32), &frac);
		target = kernel_at(&k, c);
		if (pending_lead && pending_lead <= NS(INTERVAL) / 2 && !stepped) {
			/*
			 * Slowed at the last update to meet the kernel now.
			 * A lead that came from a step was measured with a
			 * rate spoiled by that step (here both anchors are
			 * exact and one interval apart), so the line may
			 * arrive behind the kernel and step forward; ahead
			 * it is not. In the module a kernel step comes with
			 * a clocksource switch, so one of the two anchors is
			 * a bracket and the rate is measured over a second.
			 */
			__u64 lead = floor > target ? floor - target : 0;
			__u64 lag = target > floor ? target - floor : 0;

			/* Steering assumed a gap of INTERVAL; the timer is late or early. */
			__u64 gap = c - last, err = gap > INTERVAL ? gap - INTERVAL : INTERVAL - gap;
			__u64 allowed = pending_lead * err / INTERVAL + 10000;

			if (lead > allowed && lead - allowed > worst_settle)
				worst_settle = lead - allowed;
			worst_lag = lag > worst_lag ? lag : worst_lag;
			settles++;
		}
		pending_lead = vclock_line_steer(&l, SHIFT, floor, frac, target,
						 vclock_line_rate(target - prev_anchor_ns,
								  c - prev_anchor_c, NOMINAL, SHIFT),
						 INTERVAL);
		prev_anchor_c = c;
		prev_anchor_ns = target;
		last = c;
	}
	tap_diag("simulation seed %u: %ld reads, %ld kernel steps, %ld settles (worst lag after one %llu ns, then a step forward)",
		 seed, reads, steps, settles, (unsigned long long)worst_lag);
	tap_ok(back == 0, "simulation: no read ever below the one before (%ld backwards)", back);
	tap_ok(settles > 100 && worst_settle == 0,
	       "simulation: a lead of up to half an interval is gone one update later, but for the timer's lateness times the lead, +10 us (worst excess %llu ns)",
	       (unsigned long long)worst_settle);
}

static void test_pick_rate(void)
{
	tap_ok(vclock_line_rate_trusted(4000000, 0), "pick rate: exact anchors, measured");
	tap_ok(!vclock_line_rate_trusted(4000000, 50000),
	       "pick rate: 50 us of slack over 4 ms (1.25 %%), the last rate");
	tap_ok(vclock_line_rate_trusted(500000000, 50000) &&
	       !vclock_line_rate_trusted(500000000, 50001),
	       "pick rate: 50 us over 0.5 s (100 ppm) is the limit");
	tap_ok(vclock_line_rate_trusted(1000000000, 50000),
	       "pick rate: 50 us over 1 s (50 ppm), measured");
}

/*
 * The kernel on another clocksource: each anchor is a bracket of SLACK_NS,
 * the kernel's value in it uniformly anywhere; the kernel's rate against our
 * counter is off by up to DRIFT_PPM and changes now and then; one update in
 * five is late by up to 100 ms. The writer does what vclock_tk_update()
 * does with inexact anchors: the base anchor is replaced after a second,
 * the rate is measured from it when vclock_line_rate_trusted() says so. A
 * read is ahead of the kernel by at most half the bracket plus, over the
 * time since the update before the last (a lead kept at the last update is
 * only slowed away), the rate's error: a rate measured across a change of
 * the kernel's (up to twice the drift) and the anchors' 100 ppm; +1 us of
 * rounding. Trusting every measured rate instead (spans from 4 ms) led by
 * 0.57-0.81 ms in 3 seeds.
 */
#define SLACK_NS	50000ull
#define DRIFT_PPM	500

static void test_simulation_inexact(unsigned int seed)
{
	struct kernel k = { .c = 0, .ns = 1000000000ull, .mult = NOMINAL };
	struct vclock_line l = { .ns = k.ns, .frac = 0, .mult = NOMINAL };
	__u64 c = 0, last = 0, base_c = 0, base_ns = k.ns, frac, v, floor, target, kns;
	__u64 prev_gap = 0;
	__u32 rate = NOMINAL;
	__s64 lead, allowed, worst_excess = 0, worst_lead = 0;
	long reads = 0, late = 0;

	srand(seed);
	for (int u = 0; u < 20000; u++) {
		__u64 gap = INTERVAL;

		if (rand() % 5 == 0) {
			gap += (__u64)(rand() % 10000000);	/* up to 100 ms late */
			late++;
		}
		for (int r = 1; r <= 8; r++) {
			__u64 at = last + gap * (__u64)r / 8;

			v = vclock_line_at(&l, SHIFT, at - last, &frac);
			lead = (__s64)(v - kernel_at(&k, at));
			allowed = (__s64)(SLACK_NS / 2 + NS(prev_gap + at - last) *
					  (2 * DRIFT_PPM + 100) / 1000000 + 1000);
			worst_lead = lead > worst_lead ? lead : worst_lead;
			if (lead - allowed > worst_excess)
				worst_excess = lead - allowed;
			reads++;
		}
		c = last + gap;
		if (rand() % 500 == 0) {	/* a new rate, within the drift */
			k.ns = kernel_at(&k, c);
			k.c = c;
			k.mult = NOMINAL + (__u32)(rand() % (2 * DRIFT_PPM + 1)) * (NOMINAL / 1000000) -
				 DRIFT_PPM * (NOMINAL / 1000000);
		}
		kns = kernel_at(&k, c);
		/* The anchor: the kernel's value somewhere in the bracket. */
		target = kns - SLACK_NS / 2 + (__u64)(rand() % (int)SLACK_NS);
		floor = vclock_line_at(&l, SHIFT, c - last, &frac);
		if (vclock_line_rate_trusted(target - base_ns, 2 * SLACK_NS))
			rate = vclock_line_rate(target - base_ns, c - base_c, NOMINAL, SHIFT);
		vclock_line_steer(&l, SHIFT, floor, frac, target, rate, INTERVAL);
		if (target - base_ns >= VCLOCK_LINE_NSEC_PER_SEC) {
			base_c = c;
			base_ns = target;
		}
		prev_gap = gap;
		last = c;
	}
	tap_diag("inexact simulation seed %u: %ld reads, %ld late updates, worst lead %lld us",
		 seed, reads, late, (long long)worst_lead / 1000);
	tap_ok(worst_excess == 0,
	       "inexact anchors, late updates: ahead by at most half the bracket + %d ppm of the time since the update before the last (worst excess %lld ns)",
	       2 * DRIFT_PPM + 100, (long long)worst_excess);
}

int main(int argc, char **argv)
{
	unsigned int seed = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 20261202u;

	tap_header();
	test_delta_and_value();
	test_rate();
	test_steer();
	test_lost();
	test_ahead();
	test_simulation(seed);
	test_pick_rate();
	test_simulation_inexact(seed);
	return tap_done();
}
