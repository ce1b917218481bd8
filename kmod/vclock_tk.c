// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_tk.c - the timekeeper behind the data page.
 *
 * Readers extrapolate from the last update with one counter load:
 *
 *	ns = (base.snsec + ((counter - cycle_last) & mask) * mult) >> shift
 *
 * An hrtimer refreshes the bases every update_us. Each update takes an
 * anchor: the kernel's clocks at one counter value (ktime_get_snapshot(),
 * exact when the counter is the kernel's own clocksource, else the tightest
 * of three brackets of two counter reads). From anchors it measures the
 * kernel's rate (so adjtimex frequency changes are followed: from one update
 * to the next with exact anchors, over a second with bracketed ones; a new
 * mode starts from the kernel's own mult, or the counter's nominal rate)
 * and then publishes:
 *
 *   - continuity: a new base is never below what the old parameters give
 *     right now, read with the writer's seqcount already odd, so no reader
 *     can ever see a clock go backwards, across updates and mode switches;
 *   - steering: when our line is ahead of the kernel (its rate dropped), the
 *     new mult is lowered to meet the kernel at the next update; when it is
 *     behind, the base steps forward to the kernel's value.
 *
 * REALTIME, BOOTTIME and TAI are MONOTONIC plus the kernel's offsets, read
 * with the anchor, so clock steps show within one update. MONOTONIC_RAW has
 * its own line. The coarse clocks are the kernel's own tick-time values,
 * copied from the pvclock_gtod notifier that every timekeeping update calls.
 *
 * This page is the only one written: a time namespace's view
 * (vclock_timens.c) holds its offsets, written once, and readers add them to
 * what they read here, so an update costs the same however many views exist.
 */
#include "vclock_internal.h"
#include "vclock_tk_line.h"
#include "vclock_trace.h"

#include <linux/clocksource.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/moduleparam.h>
#include <linux/pvclock_gtod.h>
#include <linux/seq_file.h>
#include <linux/time.h>
#include <linux/timekeeper_internal.h>
#include <linux/timekeeping.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#define VCLOCK_UPDATE_US_MIN	100
#define VCLOCK_UPDATE_US_MAX	1000000
#define VCLOCK_MODE_AUTO	(-1)
/* A reader's delta must not overflow delta * mult for this long (ms). */
#define VCLOCK_MAX_DELTA_MS	600000
/* Inexact anchors: measure the rate over at least this long. */
#define VCLOCK_RATE_WINDOW_NS	NSEC_PER_SEC
/*
 * An anchor bracketed wider than this (a vCPU descheduled or a read stalled
 * between the two counter reads) is refused: as the base of the rate it
 * would set it off for a whole window (a 35 ms error over 1 s is 3.5 %), as
 * a step it would put the line ahead of the kernel. The next update retries.
 */
#define VCLOCK_MAX_SLACK_NS	(50 * NSEC_PER_USEC)
/* Never wait longer than this for the kernel to catch up (switch to NONE). */
#define VCLOCK_CATCHUP_MAX_NS	(100 * NSEC_PER_USEC)
/* Updates a leave for NONE may be put off (and a clock_mode write waits). */
#define VCLOCK_LEAVE_TRIES	8

unsigned int vclock_update_us = 4000;

/* The kernel's clocks at one counter value. */
struct vclock_anchor {
	u64 cycles;
	u64 mono;		/* CLOCK_MONOTONIC, ns */
	u64 raw;		/* CLOCK_MONOTONIC_RAW, ns */
	s64 offs_real;		/* REALTIME - MONOTONIC */
	s64 offs_boot;		/* BOOTTIME - MONOTONIC */
	s64 offs_tai;		/* TAI - MONOTONIC */
	u64 slack;		/* ns the anchor may be off by; 0: exact */
	bool valid;
};

static struct {
	raw_spinlock_t lock;	/* serialises writers: hrtimer, notifier, params */
	struct vclock_data *vd;
	struct hrtimer timer;
	bool running;

	int mode;		/* published enum vclock_mode */
	bool hpet_used;		/* mode has been HPET since load (hpet_page) */
	int req_mode;		/* enum vclock_mode or VCLOCK_MODE_AUTO */
	int kernel_cs;		/* the kernel's clocksource as a vclock mode */
	/*
	 * Bumped under tk.lock (release, after the new value) whenever an
	 * input of vclock_pick_mode() changes: the request, the kernel's
	 * clocksource. An update picks its mode and takes its anchor before
	 * tk.lock; if the generation moved meanwhile, its decision is stale
	 * and it publishes nothing (see vclock_tk_update()).
	 */
	unsigned int pick_gen;
	u32 kmult, kraw_mult;	/* its current ns per cycle, for MONOTONIC */
	u32 kshift;		/* and MONOTONIC_RAW, as mult >> kshift */
	u32 shift;
	u32 nominal_mult;
	u64 mask;
	u64 cycle_last;
	struct vclock_line mono, raw;
	struct vclock_anchor base;	/* where the rate is measured from */
	u32 rate_mono, rate_raw;	/* the rates vclock_kernel_rates() trusts */
	bool rates_known;	/* they are for tk.mode's counter */
	/* The kernel's offsets as its last timekeeping update left them. */
	s64 offs_real, offs_boot, offs_tai;
	bool offs_known;

	/* statistics, for the status file */
	u64 updates, inexact, steps, steered, failed_anchors, rebases, busy_skips;
	u64 stale_anchors;	/* updates dropped: pick_gen moved */
	u64 deferred_leaves;	/* NONE put off: too far ahead to wait */
	unsigned int leave_put_off;	/* consecutive updates that did */
	bool catching_up;	/* seq odd, lock free: see vclock_wait_catch_up() */
	u64 max_ahead_ns, last_ahead_ns;
	u64 catchup_waits, catchup_timeouts, max_catchup_ns;	/* see vclock_catch_up() */
	u64 last_update_mono, last_update_raw;
	u64 discontinuities;

	/* The published lines' values at syscore suspend (readers are frozen). */
	bool suspended;
	u64 susp_mono, susp_raw;
} tk = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(tk.lock),
	.req_mode = VCLOCK_MODE_AUTO,
	.kernel_cs = VCLOCK_MODE_NONE,
};

static const char *const mode_names[] = VCLOCK_MODE_NAMES;

/* ---- counters --------------------------------------------------------- */

static u64 vclock_read(int mode)
{
	switch (mode) {
	case VCLOCK_MODE_HPET:
		return vclock_hpet_counter();
	case VCLOCK_MODE_TSC:
		return rdtsc_ordered();
	}
	return 0;
}

static bool vclock_tsc_trusted(void)
{
	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz || check_tsc_unstable())
		return false;
	return READ_ONCE(tk.kernel_cs) == VCLOCK_MODE_TSC ||
	       (boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
		boot_cpu_has(X86_FEATURE_NONSTOP_TSC));
}

unsigned int vclock_tk_modes(void)
{
	return BIT(VCLOCK_MODE_NONE) |
	       (vclock_hpet.usable ? BIT(VCLOCK_MODE_HPET) : 0) |
	       (vclock_tsc_trusted() ? BIT(VCLOCK_MODE_TSC) : 0);
}

/* Counter width: readers do 32-bit HPET loads. */
static u64 vclock_mode_mask(int mode)
{
	return mode == VCLOCK_MODE_HPET ? U32_MAX : U64_MAX;
}

/* Nominal ns-per-cycle, as mult >> shift: computed at a mode switch only. */
static void vclock_mode_scale(int mode, u32 *mult, u32 *shift)
{
	u32 khz;

	if (mode == VCLOCK_MODE_HPET)
		khz = (u32)div_u64(1000000000000ull, vclock_hpet.period_fs);
	else
		khz = tsc_khz;
	clocks_calc_mult_shift(mult, shift, khz, NSEC_PER_MSEC, VCLOCK_MAX_DELTA_MS);
	if (mode == VCLOCK_MODE_HPET)	/* exact: the period is in fs */
		*mult = (u32)div_u64((u64)vclock_hpet.period_fs << *shift, 1000000);
}

/*
 * auto: the kernel's own clocksource where the page can read it (its
 * anchors are then exact and its rate the kernel's: a TSC-trusted kernel
 * gets TSC mode, not the slower HPET); else the HPET, else the TSC.
 */
static int vclock_pick_mode(void)
{
	int req = READ_ONCE(tk.req_mode);
	int cs = READ_ONCE(tk.kernel_cs);
	unsigned int ok = vclock_tk_modes();

	if (req != VCLOCK_MODE_AUTO)
		return ok & BIT(req) ? req : VCLOCK_MODE_NONE;
	if (cs != VCLOCK_MODE_NONE && (ok & BIT(cs)))
		return cs;
	if (ok & BIT(VCLOCK_MODE_HPET))
		return VCLOCK_MODE_HPET;
	if (ok & BIT(VCLOCK_MODE_TSC))
		return VCLOCK_MODE_TSC;
	return VCLOCK_MODE_NONE;
}

/* An input of vclock_pick_mode() was just changed: with tk.lock held. */
static void vclock_pick_changed(void)
{
	lockdep_assert_held(&tk.lock);
	/* The new input before the generation: pairs with vclock_tk_update()'s acquire. */
	smp_store_release(&tk.pick_gen, tk.pick_gen + 1);
}

/* ---- anchors and lines ------------------------------------------------ */

/*
 * The kernel's clocks at one value of @mode's counter, bracketed by two
 * counter reads; exact when the counter is the kernel's clocksource (the
 * snapshot's own reading falls in the bracket). Process or irq context.
 */
static bool vclock_anchor_once(int mode, u64 mask, struct vclock_anchor *a)
{
	struct vclock_snapshot snap;
	ktime_t real0, real1;
	u64 c0, c1, window;

	real0 = ktime_mono_to_any(0, TK_OFFS_REAL);
	c0 = vclock_read(mode);
	vclock_get_snapshot(&snap);
	c1 = vclock_read(mode);
	a->offs_boot = ktime_mono_to_any(0, TK_OFFS_BOOT);
	a->offs_tai = ktime_mono_to_any(0, TK_OFFS_TAI);
	real1 = ktime_mono_to_any(0, TK_OFFS_REAL);
	if (real0 != real1)
		return false;	/* the clock was set meanwhile */

	a->offs_real = real0;
	a->mono = ktime_sub(snap.real, real0);
	a->raw = snap.raw;
	window = (c1 - c0) & mask;
	if (READ_ONCE(tk.kernel_cs) == mode && ((snap.cycles - c0) & mask) <= window) {
		a->cycles = snap.cycles & mask;	/* the kernel's own reading */
		a->slack = 0;
	} else {
		a->cycles = (c0 + window / 2) & mask;
		a->slack = window / 2 + 1;	/* in cycles; the caller scales it */
	}
	a->valid = true;
	return true;
}

/* About how many ns @cycles of @mode's counter are (for a bound only). */
static u64 vclock_cycles_ns(int mode, u64 cycles)
{
	cycles = min_t(u64, cycles, U32_MAX);
	if (mode == VCLOCK_MODE_HPET)
		return div_u64(cycles * vclock_hpet.period_fs, 1000000);
	return tsc_khz ? div_u64(cycles * 1000000, tsc_khz) : U64_MAX;
}

/* Exact, or the tightest of a few brackets: its slack becomes a step. */
static bool vclock_anchor(int mode, u64 mask, struct vclock_anchor *a)
{
	struct vclock_anchor try;
	int i;

	a->valid = false;
	for (i = 0; i < 3; i++) {
		if (!vclock_anchor_once(mode, mask, &try))
			continue;
		if (!a->valid || try.slack < a->slack)
			*a = try;
		if (!a->slack)
			break;
	}
	if (a->valid && a->slack && vclock_cycles_ns(mode, a->slack) > VCLOCK_MAX_SLACK_NS)
		a->valid = false;
	return a->valid;
}

/* The kernel's own rate in our shift: right for its clocksource, at once. */
static u32 vclock_kernel_rate(u32 kmult)
{
	u32 kshift = READ_ONCE(tk.kshift);
	u64 m;

	if (!kmult)
		return tk.nominal_mult;
	m = kshift > tk.shift ? (u64)kmult >> (kshift - tk.shift) :
				(u64)kmult << (tk.shift - kshift);
	return m && m <= U32_MAX ? (u32)m : tk.nominal_mult;
}

/* The new line (vclock_line_steer()), counted for the status file. */
static void vclock_steer(struct vclock_line *l, u64 floor, u64 floor_frac,
			 u64 target, u32 rate, u64 interval_cycles)
{
	u64 ahead = vclock_line_steer(l, tk.shift, floor, floor_frac, target, rate,
				      interval_cycles);

	if (target > floor) {
		tk.steps++;
	} else if (ahead) {
		tk.steered++;
		tk.last_ahead_ns = ahead;
		tk.max_ahead_ns = max(tk.max_ahead_ns, ahead);
	}
}

static void vclock_write_begin(struct vclock_data *vd)
{
	WRITE_ONCE(vd->seq, vd->seq + 1);
	/*
	 * Full barrier: the odd seq must be visible before the counter is read
	 * below, so any reader that completed with the old parameters read a
	 * counter value no later than ours.
	 */
	smp_mb();
}

static void vclock_write_end(struct vclock_data *vd)
{
	vd->update_count++;
	vd->checksum = vclock_data_checksum(vd);
	/* The data before the even seq: pairs with the reader's barrier before retry(). */
	smp_wmb();
	WRITE_ONCE(vd->seq, vd->seq + 1);
}

static void vclock_set_base(struct vclock_data *vd, int clock, u64 ns, u64 frac)
{
	u32 rem;

	vd->base[clock].sec = div_u64_rem(ns, NSEC_PER_SEC, &rem);
	vd->base[clock].snsec = ((u64)rem << tk.shift) + frac;
}

/* REALTIME, BOOTTIME and TAI: MONOTONIC's line plus the kernel's offsets. */
static void vclock_publish_offsets(struct vclock_data *vd)
{
	vclock_set_base(vd, CLOCK_REALTIME, tk.mono.ns + tk.offs_real, tk.mono.frac);
	vclock_set_base(vd, CLOCK_BOOTTIME, tk.mono.ns + tk.offs_boot, tk.mono.frac);
	vclock_set_base(vd, CLOCK_TAI, tk.mono.ns + tk.offs_tai, tk.mono.frac);
}

static void vclock_publish_lines(struct vclock_data *vd, const struct vclock_anchor *a)
{
	vd->clock_mode = tk.mode;
	vd->cycle_last = tk.cycle_last;
	vd->mask = tk.mask;
	vd->mult = tk.mono.mult;
	vd->shift = tk.shift;
	vd->raw_mult = tk.raw.mult;
	vd->raw_shift = tk.shift;
	/*
	 * The notifier's offsets are never older than the anchor's: it runs
	 * (and rebases) at every change, so a step between our anchor and now
	 * is already in them.
	 */
	if (!tk.offs_known) {
		tk.offs_real = a->offs_real;
		tk.offs_boot = a->offs_boot;
		tk.offs_tai = a->offs_tai;
	}
	vclock_set_base(vd, CLOCK_MONOTONIC, tk.mono.ns, tk.mono.frac);
	vclock_publish_offsets(vd);
	vclock_set_base(vd, CLOCK_MONOTONIC_RAW, tk.raw.ns, tk.raw.frac);
}

/*
 * Going to NONE: readers will call the kernel from now on, so first let the
 * kernel's clocks pass what we published (we may be a little ahead).
 */
static void vclock_catch_up(u64 mono, u64 raw)
{
	u64 start = ktime_get_mono_fast_ns(), now = start;

	while (now < mono || ktime_get_raw_fast_ns() < raw) {
		if (now - start >= VCLOCK_CATCHUP_MAX_NS) {
			tk.catchup_timeouts++;	/* readers may see time go back */
			break;
		}
		cpu_relax();
		now = ktime_get_mono_fast_ns();
	}
	if (now == start)
		return;
	tk.catchup_waits++;
	tk.max_catchup_ns = max(tk.max_catchup_ns, now - start);
}

/*
 * While a writer waits for the kernel to catch up, seq stays odd but
 * tk.lock is free. Other writers must not touch the page then: in a task
 * they wait (bounded by the catch-up); in interrupt context (the hrtimer,
 * perhaps on the waiting CPU) and in the gtod notifier (inside the kernel's
 * timekeeping locks) they skip. Called and returns with tk.lock held;
 * false: skip this write.
 */
static bool vclock_wait_catch_up(unsigned long *flags, bool may_wait)
{
	while (tk.catching_up) {
		if (!may_wait || !in_task()) {
			tk.busy_skips++;
			return false;
		}
		raw_spin_unlock_irqrestore(&tk.lock, *flags);
		cpu_relax();
		raw_spin_lock_irqsave(&tk.lock, *flags);
	}
	return true;
}

/* Where the published MONOTONIC and MONOTONIC_RAW lines stand at a reading. */
struct vclock_floor {
	u64 mono, mono_frac;
	u64 raw, raw_frac;
};

/*
 * The floor at the old counter's reading @c: what readers may have seen.
 * When the counter lost track (a suspend, a reset, a wrap, an overflow:
 * vclock_line_lost()), the floor is where the lines stood at suspend (no
 * reader ran since), or else where the kernel says they are by now (@a,
 * on the same counter).
 */
static void vclock_floor_at(u64 c, int amode, const struct vclock_anchor *a,
			    struct vclock_floor *f)
{
	u64 dc = vclock_line_delta(c, tk.cycle_last, tk.mask);

	f->mono = vclock_line_at(&tk.mono, tk.shift, dc, &f->mono_frac);
	f->raw = vclock_line_at(&tk.raw, tk.shift, dc, &f->raw_frac);
	if (amode == VCLOCK_MODE_NONE)
		return;
	if (!tk.suspended && !vclock_line_lost(f->mono, tk.mono.ns, a->mono, tk.last_update_mono))
		return;
	f->mono = tk.suspended ? tk.susp_mono :
		  tk.mono.ns + (a->mono - min(a->mono, tk.last_update_mono));
	f->raw = tk.suspended ? tk.susp_raw :
		 tk.raw.ns + (a->raw - min(a->raw, tk.last_update_raw));
	f->mono_frac = 0;
	f->raw_frac = 0;
	tk.base.valid = false;
	tk.discontinuities++;
}

/*
 * Leaving for NONE while further ahead of the kernel than a reader should
 * wait for (a clocksource switch just cost the kernel that much)? Then stay
 * on the counter and slow down to meet the kernel at the next update, and
 * leave then, at most VCLOCK_LEAVE_TRIES updates later. The counter is good
 * for that long: it is its accuracy over time, or the user, that asks us
 * to leave.
 */
static bool vclock_put_off_leave(u64 c, const struct vclock_anchor *a,
				 const struct vclock_floor *f)
{
	return a->valid && tk.leave_put_off < VCLOCK_LEAVE_TRIES &&
	       vclock_line_ahead(f->mono, c, a->cycles, a->mono, a->slack, tk.mask,
				 tk.nominal_mult, tk.shift) > VCLOCK_CATCHUP_MAX_NS / 2;
}

/*
 * The kernel's rates (MONOTONIC, MONOTONIC_RAW) as mults: measured since
 * the base anchor once the anchors' slack is small against the time
 * between them, until then the rates chosen last; without a base (a new
 * mode, a clocksource switch), the kernel's own when the counter is its
 * clocksource (@a exact), else the rates chosen last on this counter, else
 * nominal.
 */
static void vclock_kernel_rates(const struct vclock_anchor *a, u32 *mono, u32 *raw)
{
	u64 dc, span;

	if (tk.base.valid) {
		span = a->mono - tk.base.mono;
		if (vclock_line_rate_trusted(span, a->slack + tk.base.slack)) {
			dc = vclock_line_delta(a->cycles, tk.base.cycles, tk.mask);
			tk.rate_mono = vclock_line_rate(span, dc, tk.nominal_mult, tk.shift);
			tk.rate_raw = vclock_line_rate(a->raw - tk.base.raw, dc, tk.nominal_mult,
						       tk.shift);
		}
	} else if (!a->slack) {
		tk.rate_mono = vclock_kernel_rate(READ_ONCE(tk.kmult));
		tk.rate_raw = vclock_kernel_rate(READ_ONCE(tk.kraw_mult));
	} else if (!tk.rates_known) {
		tk.rate_mono = tk.nominal_mult;
		tk.rate_raw = tk.nominal_mult;
	}
	tk.rates_known = true;
	*mono = tk.rate_mono;
	*raw = tk.rate_raw;
}

/*
 * The new lines of @mode from counter reading @c on: continuous with the
 * floor @f (NULL: readers were calling the kernel, which is the floor), and
 * steered toward the kernel's clocks at @c as anchor @a gives them.
 */
static void vclock_new_lines(int mode, u64 c, struct vclock_anchor *a,
			     const struct vclock_floor *f)
{
	struct vclock_floor from = {};
	u64 dc, kmono, kraw, interval;
	u32 rate_mono, rate_raw;

	if (mode != tk.mode) {
		/* Before readers see the mode: the HPET page must fault in for them. */
		if (mode == VCLOCK_MODE_HPET)
			WRITE_ONCE(tk.hpet_used, true);
		vclock_mode_scale(mode, &tk.nominal_mult, &tk.shift);
		tk.mask = vclock_mode_mask(mode);
		tk.base.valid = false;
		tk.rates_known = false;
	}
	if (f) {
		from = *f;
		if (mode != tk.mode) {	/* the fractions were in the old shift */
			from.mono_frac = 0;
			from.raw_frac = 0;
		}
	}
	if (a->slack)		/* cycles to ns, rounded up */
		a->slack = ((a->slack * tk.nominal_mult) >> tk.shift) + 1;

	vclock_kernel_rates(a, &rate_mono, &rate_raw);
	dc = vclock_line_delta(c, a->cycles, tk.mask);
	kmono = a->mono + ((dc * rate_mono) >> tk.shift);
	kraw = a->raw + ((dc * rate_raw) >> tk.shift);
	if (!f) {
		from.mono = kmono + a->slack;
		from.raw = kraw + a->slack;
	}
	interval = div_u64((u64)READ_ONCE(vclock_update_us) * NSEC_PER_USEC << tk.shift,
			   tk.nominal_mult);
	vclock_steer(&tk.mono, from.mono, from.mono_frac, kmono, rate_mono, interval);
	vclock_steer(&tk.raw, from.raw, from.raw_frac, kraw, rate_raw, interval);
	trace_vclock_tk_update(mode, rate_mono, tk.mono.mult,
			       from.mono > kmono ? from.mono - kmono : 0);
	tk.mode = mode;
	tk.cycle_last = c;
	if (a->slack)
		tk.inexact++;
	if (!tk.base.valid || !a->slack || a->mono - tk.base.mono >= VCLOCK_RATE_WINDOW_NS)
		tk.base = *a;
	tk.last_update_mono = a->mono;
	tk.last_update_raw = a->raw;
}

/*
 * Readers will call the kernel from now on: let its clocks pass what we
 * published (@f) first, with seq odd and the page in its old mode, so that
 * readers wait. Not under tk.lock: the kernel's timekeeping update calls our
 * notifier inside its tk_core seqcount write, and a notifier spinning on
 * tk.lock would stall every ktime_get(). Not preemptible either: readers
 * spin meanwhile. Called and returns with tk.lock held.
 */
static void vclock_leave(unsigned long *flags, const struct vclock_floor *f)
{
	tk.catching_up = true;
	preempt_disable();
	raw_spin_unlock_irqrestore(&tk.lock, *flags);
	vclock_catch_up(f->mono, f->raw);
	raw_spin_lock_irqsave(&tk.lock, *flags);
	preempt_enable();
	tk.catching_up = false;
}

/*
 * One update; called from the hrtimer and from process context.
 *
 * The mode is picked and its anchor taken before tk.lock (an HPET anchor
 * takes microseconds, more under TCG). A clock_mode write that lands
 * meanwhile stores its request, publishes its mode and returns; this
 * update, decided before the request, must then not publish the old mode
 * over it once it holds the lock. So it notes tk.pick_gen before picking
 * and drops its work when the generation moved: the writer's own update
 * publishes the new decision (the next hrtimer update does, when the
 * kernel's clocksource changed).
 */
static void vclock_tk_update(void)
{
	struct vclock_data *vd = tk.vd;
	struct vclock_anchor a = {};
	struct vclock_floor floor = {};
	/* Pairs with the release in vclock_pick_changed(): gen, then its inputs. */
	unsigned int gen = smp_load_acquire(&tk.pick_gen);
	int mode = vclock_pick_mode();
	/* Going to NONE, the anchor is on the counter we leave. */
	int amode = mode != VCLOCK_MODE_NONE ? mode : READ_ONCE(tk.mode);
	int old_mode;
	u64 c_old, c_now;
	unsigned long flags;

	if (amode != VCLOCK_MODE_NONE &&
	    !vclock_anchor(amode, vclock_mode_mask(amode), &a)) {
		tk.failed_anchors++;
		return;
	}

	raw_spin_lock_irqsave(&tk.lock, flags);
	if (!vclock_wait_catch_up(&flags, true)) {
		raw_spin_unlock_irqrestore(&tk.lock, flags);
		return;
	}
	if (tk.pick_gen != gen) {
		tk.stale_anchors++;
		raw_spin_unlock_irqrestore(&tk.lock, flags);
		return;
	}
	vclock_write_begin(vd);

	/*
	 * The old counter first, so the floor is never from a later instant
	 * than the new line's start (an HPET read can stall for microseconds;
	 * that becomes a step forward, not a new line that starts ahead of
	 * the kernel); then the new one, if the mode changes.
	 */
	old_mode = tk.mode;
	c_old = vclock_read(old_mode);
	if (old_mode != VCLOCK_MODE_NONE)
		vclock_floor_at(c_old, amode, &a, &floor);
	tk.suspended = false;
	if (mode == VCLOCK_MODE_NONE && old_mode == amode &&
	    vclock_put_off_leave(c_old, &a, &floor)) {
		mode = old_mode;
		tk.leave_put_off++;
		tk.deferred_leaves++;
	} else {
		tk.leave_put_off = 0;
	}
	c_now = mode == old_mode ? c_old : vclock_read(mode);

	trace_vclock_mode_switch(old_mode, mode);
	if (mode != VCLOCK_MODE_NONE) {
		vclock_new_lines(mode, c_now, &a, old_mode != VCLOCK_MODE_NONE ? &floor : NULL);
		vclock_publish_lines(vd, &a);
	}
	vd->tz_minuteswest = sys_tz.tz_minuteswest;
	vd->tz_dsttime = sys_tz.tz_dsttime;
	tk.updates++;
	if (mode == VCLOCK_MODE_NONE) {
		tk.mode = VCLOCK_MODE_NONE;
		tk.base.valid = false;
		if (old_mode != VCLOCK_MODE_NONE)
			vclock_leave(&flags, &floor);
		vd->clock_mode = VCLOCK_MODE_NONE;	/* readers follow now */
	}
	vclock_write_end(vd);
	raw_spin_unlock_irqrestore(&tk.lock, flags);
}

static ktime_t vclock_interval(void);

static enum hrtimer_restart vclock_tk_tick(struct hrtimer *timer)
{
	vclock_tk_update();
	hrtimer_forward_now(timer, vclock_interval());
	return HRTIMER_RESTART;
}

/* ---- the kernel's timekeeping updates: coarse clocks ------------------- */

static int vclock_cs_mode(const struct clocksource *cs)
{
	if (!strcmp(cs->name, "hpet"))
		return VCLOCK_MODE_HPET;
	if (!strcmp(cs->name, "tsc"))
		return VCLOCK_MODE_TSC;
	return VCLOCK_MODE_NONE;
}

/*
 * Called with the kernel's timekeeper locked, on every tick and clock change:
 * nothing here may read the timekeeper through the normal accessors.
 */
static int vclock_gtod_notify(struct notifier_block *nb, unsigned long was_set,
			      void *priv)
{
	struct timekeeper *ktk = priv;
	struct vclock_data *vd = tk.vd;
	struct timespec64 real, mono;
	int cs = vclock_cs_mode(ktk->tkr_mono.clock);
	bool cs_changed = cs != tk.kernel_cs;	/* only we write it, serialised */
	s64 offs_real = ktime_to_ns(ktk->offs_real);
	s64 offs_boot = ktime_to_ns(ktk->offs_boot);
	s64 offs_tai = ktime_to_ns(ktk->offs_tai);
	unsigned long flags;
	bool rebase;

	real.tv_sec = ktk->xtime_sec;
	real.tv_nsec = ktk->tkr_mono.xtime_nsec >> ktk->tkr_mono.shift;
	set_normalized_timespec64(&mono, real.tv_sec + ktk->wall_to_monotonic.tv_sec,
				  real.tv_nsec + ktk->wall_to_monotonic.tv_nsec);
	WRITE_ONCE(tk.kernel_cs, cs);
	WRITE_ONCE(tk.kmult, ktk->tkr_mono.mult);
	WRITE_ONCE(tk.kraw_mult, ktk->tkr_raw.mult);
	WRITE_ONCE(tk.kshift, ktk->tkr_mono.shift);

	raw_spin_lock_irqsave(&tk.lock, flags);
	if (cs_changed) {
		vclock_pick_changed();
		/*
		 * The kernel's MONOTONIC just lost the time the switch took: a
		 * rate measured from an anchor before it to one after would be
		 * that much slow (with exact anchors one interval apart, a
		 * 100 us step is 2.5 %), and the line would fall behind the
		 * kernel by the step over the next interval. Measure afresh.
		 */
		tk.base.valid = false;
	}
	rebase = tk.offs_known && (offs_real != tk.offs_real || offs_boot != tk.offs_boot ||
				   offs_tai != tk.offs_tai);
	tk.offs_real = offs_real;
	tk.offs_boot = offs_boot;
	tk.offs_tai = offs_tai;
	tk.offs_known = true;
	if (!vclock_wait_catch_up(&flags, false)) {
		/* Going to NONE: the coarse clocks follow at the next tick. */
		raw_spin_unlock_irqrestore(&tk.lock, flags);
		return NOTIFY_OK;
	}
	vclock_write_begin(vd);
	/*
	 * A clock step (settimeofday, leap second, ADJ_TAI, resume) moves
	 * REALTIME, BOOTTIME or TAI now, with the coarse clocks, not at our
	 * next update: else REALTIME < REALTIME_COARSE until then.
	 */
	if (rebase && tk.mode != VCLOCK_MODE_NONE) {
		vclock_publish_offsets(vd);
		tk.rebases++;
	}
	vd->base[CLOCK_REALTIME_COARSE].sec = real.tv_sec;
	vd->base[CLOCK_REALTIME_COARSE].snsec = real.tv_nsec;
	vd->base[CLOCK_MONOTONIC_COARSE].sec = mono.tv_sec;
	vd->base[CLOCK_MONOTONIC_COARSE].snsec = mono.tv_nsec;
	vclock_write_end(vd);
	raw_spin_unlock_irqrestore(&tk.lock, flags);
	return NOTIFY_OK;
}

static struct notifier_block vclock_gtod_nb = {
	.notifier_call = vclock_gtod_notify,
};

/* ---- parameters ----------------------------------------------------------- */

/*
 * Setters run with the module's parameter lock held: from parse_args() at
 * load, before vclock_tk_init() has probed anything, and from sysfs at any
 * time until free_module() removes the files, i.e. also during and after
 * ->exit. vclock_tk_init() and vclock_tk_exit() flip tk.running under the
 * same lock, so a setter either finds the timekeeper fully running or not at
 * all; when it is not running a setter only records the value (init checks
 * it), never touching the timer, the HPET or the data page.
 */
static int vclock_mode_set(const char *val, const struct kernel_param *kp)
{
	static const char *const auto_name[] = { "auto" };
	int mode;

	if (!vclock_param_choice(val, auto_name, ARRAY_SIZE(auto_name)))
		return vclock_tk_request_mode(VCLOCK_MODE_AUTO);
	mode = vclock_param_choice(val, mode_names, ARRAY_SIZE(mode_names));
	if (mode < 0)
		return -EINVAL;
	return vclock_tk_request_mode(mode);
}

static int vclock_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mode_names[READ_ONCE(tk.mode)]);
}

static const struct kernel_param_ops vclock_mode_ops = {
	.set = vclock_mode_set,
	.get = vclock_mode_get,
};
module_param_cb(clock_mode, &vclock_mode_ops, NULL, 0644);
MODULE_PARM_DESC(clock_mode, "counter readers use: auto (default: the kernel's clocksource if hpet or tsc, else hpet, else tsc), hpet, tsc or none (syscall); reads back the mode in use");

static ktime_t vclock_interval(void)
{
	return ns_to_ktime((u64)READ_ONCE(vclock_update_us) * NSEC_PER_USEC);
}

static int vclock_update_us_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;
	int err = kstrtouint(val, 0, &us);

	if (err)
		return err;
	if (us < VCLOCK_UPDATE_US_MIN || us > VCLOCK_UPDATE_US_MAX)
		return -ERANGE;
	WRITE_ONCE(vclock_update_us, us);
	/*
	 * A shorter interval applies at once: re-arm if the armed expiry is
	 * later than the new interval (a longer one applies from the next
	 * expiry; re-arming always would let a writer starve the updates).
	 * Cancel first: the callback forwards the timer itself.
	 */
	if (tk.running && hrtimer_get_remaining(&tk.timer) > vclock_interval()) {
		hrtimer_cancel(&tk.timer);
		hrtimer_start(&tk.timer, vclock_interval(), HRTIMER_MODE_REL_HARD);
	}
	return 0;
}

static const struct kernel_param_ops vclock_update_us_ops = {
	.set = vclock_update_us_set,
	.get = param_get_uint,
};
module_param_cb(update_us, &vclock_update_us_ops, &vclock_update_us, 0644);
MODULE_PARM_DESC(update_us, "timekeeper update interval in microseconds (100..1000000, default 4000)");

static bool vclock_mode_available(int mode)
{
	return mode == VCLOCK_MODE_AUTO || (vclock_tk_modes() & BIT(mode));
}

/* The request, under tk.lock: updates decided before it publish nothing. */
static void vclock_store_request(int mode)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tk.lock, flags);
	WRITE_ONCE(tk.req_mode, mode);
	vclock_pick_changed();
	raw_spin_unlock_irqrestore(&tk.lock, flags);
}

/* With the parameter lock held (the clock_mode setter). */
int vclock_tk_request_mode(int mode)
{
	int i;

	if (!tk.running) {
		/* At load, before the counters are probed: init checks it. */
		WRITE_ONCE(tk.req_mode, mode);
		return 0;
	}
	if (!vclock_mode_available(mode)) {
		pr_info("clock_mode %s is not available here (available mask %#x)\n",
			mode_names[mode], vclock_tk_modes());
		return -EINVAL;
	}
	vclock_store_request(mode);
	vclock_tk_update();
	/*
	 * Readers follow at once, except when a leave for NONE is put off
	 * (the page too far ahead of the kernel to wait, see
	 * vclock_tk_update()): then the next updates finish it, and the
	 * writer returns when they have, so that it reads back what it set.
	 */
	for (i = 0; READ_ONCE(tk.mode) != vclock_pick_mode() && i < VCLOCK_LEAVE_TRIES; i++)
		msleep(DIV_ROUND_UP(READ_ONCE(vclock_update_us), USEC_PER_MSEC));
	return 0;
}

int vclock_tk_mode(void)
{
	return READ_ONCE(tk.mode);
}

bool vclock_tk_hpet_used(void)
{
	return READ_ONCE(tk.hpet_used);
}

const char *vclock_tk_kernel_cs(void)
{
	int cs = READ_ONCE(tk.kernel_cs);

	return cs == VCLOCK_MODE_NONE ? "other" : mode_names[cs];
}

void vclock_tk_status(struct seq_file *m)
{
	unsigned int modes = vclock_tk_modes();
	int i;

	seq_printf(m, "clock_mode: %s (requested: %s)\nmodes:", mode_names[tk.mode],
		   tk.req_mode == VCLOCK_MODE_AUTO ? "auto" : mode_names[tk.req_mode]);
	for (i = 0; i < VCLOCK_NR_MODES; i++)
		if (modes & BIT(i))
			seq_printf(m, " %s", mode_names[i]);
	seq_printf(m, "\nkernel_clocksource_mode: %s\nupdate_us: %u\n",
		   vclock_tk_kernel_cs(), vclock_update_us);
	seq_printf(m, "mult: %u raw_mult: %u nominal_mult: %u shift: %u\n",
		   tk.mono.mult, tk.raw.mult, tk.nominal_mult, tk.shift);
	seq_printf(m, "updates: %llu\nlast_update_mono_ns: %llu\n",
		   tk.updates, tk.last_update_mono);
	seq_printf(m, "inexact_anchors: %llu\nfailed_anchors: %llu\noffset_rebases: %llu\n",
		   tk.inexact, tk.failed_anchors, tk.rebases);
	seq_printf(m, "counter_discontinuities: %llu\nskipped_during_catchup: %llu\n",
		   tk.discontinuities, tk.busy_skips);
	seq_printf(m, "stale_anchors: %llu\n", tk.stale_anchors);
	seq_printf(m, "steps_forward: %llu\nsteered: %llu\nlast_ahead_ns: %llu\nmax_ahead_ns: %llu\ncatchup_waits: %llu\n",
		   tk.steps, tk.steered, tk.last_ahead_ns, tk.max_ahead_ns, tk.catchup_waits);
	seq_printf(m, "deferred_leaves: %llu\ncatchup_timeouts: %llu\nmax_catchup_ns: %llu\n",
		   tk.deferred_leaves, tk.catchup_timeouts, tk.max_catchup_ns);
}

/* ---- suspend and resume -------------------------------------------------- */

/*
 * Syscore suspend runs after every task is frozen, before the kernel's
 * timekeeping suspends (ours registered later); resume after the kernel's
 * timekeeping resumed, before any task runs. So the lines' values at
 * suspend bound everything readers saw, and the first update after resume
 * continues from there, whatever the counter did meanwhile.
 */
static int vclock_tk_suspend(void)
{
	u64 dc, frac;

	raw_spin_lock(&tk.lock);
	if (tk.mode != VCLOCK_MODE_NONE) {
		dc = vclock_line_delta(vclock_read(tk.mode), tk.cycle_last, tk.mask);
		tk.susp_mono = vclock_line_at(&tk.mono, tk.shift, dc, &frac);
		tk.susp_raw = vclock_line_at(&tk.raw, tk.shift, dc, &frac);
		tk.suspended = true;
	}
	raw_spin_unlock(&tk.lock);
	return 0;
}

static void vclock_tk_resume(void)
{
	vclock_tk_update();
}

static struct vclock_syscore vclock_syscore = {
	.suspend = vclock_tk_suspend,
	.resume = vclock_tk_resume,
};

/* ---- init / exit -------------------------------------------------------- */

int vclock_tk_init(struct vclock_data *vd)
{
	int err;

	vd->magic = VCLOCK_MAGIC;
	vd->layout_version = VCLOCK_LAYOUT_VERSION;
	vd->clock_mode = VCLOCK_MODE_NONE;
	vd->hres_res_ns = hrtimer_resolution;
	vd->coarse_res_ns = LOW_RES_NSEC;
	tk.vd = vd;
	tk.mode = VCLOCK_MODE_NONE;

	/* Registering calls it once: the kernel's clocksource is known below. */
	err = pvclock_gtod_register_notifier(&vclock_gtod_nb);
	if (err)
		return err;

	kernel_param_lock(THIS_MODULE);
	if (!vclock_mode_available(tk.req_mode)) {
		pr_err("clock_mode=%s is not available here (available mask %#x): not loading\n",
		       mode_names[tk.req_mode], vclock_tk_modes());
		kernel_param_unlock(THIS_MODULE);
		pvclock_gtod_unregister_notifier(&vclock_gtod_nb);
		return -EINVAL;
	}
	vclock_tk_update();
	vclock_hrtimer_setup(&tk.timer, vclock_tk_tick, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
	hrtimer_start(&tk.timer, vclock_interval(), HRTIMER_MODE_REL_HARD);
	WRITE_ONCE(tk.running, true);
	kernel_param_unlock(THIS_MODULE);
	vclock_syscore_register(&vclock_syscore);

	pr_info("timekeeper: mode %s, update every %u us\n", mode_names[tk.mode],
		vclock_update_us);
	return 0;
}

/* From here on no setter touches the timer, the counters or the page. */
void vclock_tk_exit(void)
{
	vclock_syscore_unregister(&vclock_syscore);
	kernel_param_lock(THIS_MODULE);
	WRITE_ONCE(tk.running, false);
	kernel_param_unlock(THIS_MODULE);
	hrtimer_cancel(&tk.timer);
	pvclock_gtod_unregister_notifier(&vclock_gtod_nb);
}
