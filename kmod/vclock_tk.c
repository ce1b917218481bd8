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
 * Every write also rewrites the pages of time namespaces with offsets (the
 * views of vclock_timens.c), inside the same seqcount.
 */
#include "vclock.h"
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
/* Never wait longer than this for the kernel to catch up (switch to NONE). */
#define VCLOCK_CATCHUP_MAX_NS	(100 * NSEC_PER_USEC)

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

/* One published clock line: its value at cycle_last and its rate. */
struct vclock_line {
	u64 ns;
	u64 frac;		/* below ns, in units of 2^-shift ns */
	u32 mult;
};

static struct {
	raw_spinlock_t lock;	/* serialises writers: hrtimer, notifier, params */
	struct vclock_data *vd;
	struct hrtimer timer;
	bool running;

	int mode;		/* published enum vclock_mode */
	int req_mode;		/* enum vclock_mode or VCLOCK_MODE_AUTO */
	int kernel_cs;		/* the kernel's clocksource as a vclock mode */
	u32 kmult, kraw_mult;	/* its current ns per cycle, for MONOTONIC */
	u32 kshift;		/* and MONOTONIC_RAW, as mult >> kshift */
	u32 shift;
	u32 nominal_mult;
	u64 mask;
	u64 cycle_last;
	struct vclock_line mono, raw;
	struct vclock_anchor base;	/* where the rate is measured from */

	/* statistics, for the status file */
	u64 updates, inexact, steps, steered, failed_anchors;
	u64 max_ahead_ns, last_ahead_ns, catchup_waits;
	u64 last_update_mono;
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

static int vclock_pick_mode(void)
{
	int req = READ_ONCE(tk.req_mode);
	unsigned int ok = vclock_tk_modes();

	if (req != VCLOCK_MODE_AUTO)
		return ok & BIT(req) ? req : VCLOCK_MODE_NONE;
	if (ok & BIT(VCLOCK_MODE_HPET))
		return VCLOCK_MODE_HPET;
	if (ok & BIT(VCLOCK_MODE_TSC))
		return VCLOCK_MODE_TSC;
	return VCLOCK_MODE_NONE;
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
	return a->valid;
}

/* A line's value @delta cycles after cycle_last. */
static u64 vclock_line_at(const struct vclock_line *l, u64 delta, u64 *frac)
{
	u64 f = l->frac + delta * l->mult;

	*frac = f & (BIT_ULL(tk.shift) - 1);
	return l->ns + (f >> tk.shift);
}

/* The kernel's rate between two anchors, as a mult; nominal if implausible. */
static u32 vclock_rate(u64 ns, u64 cycles)
{
	u32 nominal = tk.nominal_mult;
	u64 m;

	if (!cycles || ns > 10 * NSEC_PER_SEC)
		return nominal;
	m = div64_u64(ns << tk.shift, cycles);
	if (m > nominal + nominal / 8 || m < nominal - nominal / 8)
		return nominal;
	return (u32)m;
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

/*
 * New line from the published value @floor (+@floor_frac) and the kernel's
 * value @target at the same instant: step forward to the kernel, or, if we
 * are ahead, stay continuous and slow down to meet it one interval later.
 */
static void vclock_steer(struct vclock_line *l, u64 floor, u64 floor_frac,
			 u64 target, u32 rate, u64 interval_cycles)
{
	u64 ahead, corr;

	if (target > floor) {
		l->ns = target;
		l->frac = 0;
		l->mult = rate;
		tk.steps++;
		return;
	}
	ahead = floor - target;
	l->ns = floor;
	l->frac = floor_frac;
	corr = div64_u64(min_t(u64, ahead, NSEC_PER_SEC) << tk.shift,
			 max_t(u64, interval_cycles, 1));
	l->mult = rate - (u32)min_t(u64, corr, rate / 2);
	if (ahead) {
		tk.steered++;
		tk.last_ahead_ns = ahead;
		tk.max_ahead_ns = max(tk.max_ahead_ns, ahead);
	}
}

static void vclock_write_begin(struct vclock_data *vd)
{
	WRITE_ONCE(vd->seq, vd->seq + 1);
	vclock_views_begin(vd->seq);
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
	vclock_views_end(vd);
	smp_wmb();
	WRITE_ONCE(vd->seq, vd->seq + 1);
}

static void vclock_set_base(struct vclock_data *vd, int clock, u64 ns, u64 frac)
{
	u32 rem;

	vd->base[clock].sec = div_u64_rem(ns, NSEC_PER_SEC, &rem);
	vd->base[clock].snsec = ((u64)rem << tk.shift) + frac;
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
	vclock_set_base(vd, CLOCK_MONOTONIC, tk.mono.ns, tk.mono.frac);
	vclock_set_base(vd, CLOCK_REALTIME, tk.mono.ns + a->offs_real, tk.mono.frac);
	vclock_set_base(vd, CLOCK_BOOTTIME, tk.mono.ns + a->offs_boot, tk.mono.frac);
	vclock_set_base(vd, CLOCK_TAI, tk.mono.ns + a->offs_tai, tk.mono.frac);
	vclock_set_base(vd, CLOCK_MONOTONIC_RAW, tk.raw.ns, tk.raw.frac);
}

/*
 * Going to NONE: readers will call the kernel from now on, so first let the
 * kernel's clocks pass what we published (we may be a little ahead).
 */
static void vclock_catch_up(u64 mono, u64 raw)
{
	u64 now = ktime_get_mono_fast_ns(), wait = 0;

	if (mono > now)
		wait = mono - now;
	now = ktime_get_raw_fast_ns();
	if (raw > now)
		wait = max(wait, raw - now);
	if (wait) {
		tk.catchup_waits++;
		ndelay(min_t(u64, wait, VCLOCK_CATCHUP_MAX_NS));
	}
}

/* One update; called from the hrtimer and from process context. */
static void vclock_tk_update(void)
{
	struct vclock_data *vd = tk.vd;
	struct vclock_anchor a = {};
	u64 c_now, c_old, fm = 0, fr = 0, floor_m = 0, floor_r = 0;
	u64 dc, km, kr, interval;
	u32 rate_m, rate_r;
	int mode = vclock_pick_mode();
	u64 mask = vclock_mode_mask(mode);
	unsigned long flags;

	if (mode != VCLOCK_MODE_NONE && !vclock_anchor(mode, mask, &a)) {
		tk.failed_anchors++;
		return;
	}

	raw_spin_lock_irqsave(&tk.lock, flags);
	vclock_write_begin(vd);

	/*
	 * Where the published clocks stand right now (the floor), then the new
	 * counter: one reading when the mode stays; else the old counter first,
	 * so the floor is never from a later instant than the new line's start
	 * (an HPET read can stall for microseconds; that becomes a step
	 * forward, not a new line that starts ahead of the kernel).
	 */
	c_old = vclock_read(tk.mode);
	c_now = tk.mode == mode ? c_old : vclock_read(mode);
	if (tk.mode != VCLOCK_MODE_NONE) {
		dc = (c_old - tk.cycle_last) & tk.mask;
		floor_m = vclock_line_at(&tk.mono, dc, &fm);
		floor_r = vclock_line_at(&tk.raw, dc, &fr);
	}

	trace_vclock_mode_switch(tk.mode, mode);
	if (mode == VCLOCK_MODE_NONE) {
		if (tk.mode != VCLOCK_MODE_NONE)
			vclock_catch_up(floor_m, floor_r);
		tk.mode = VCLOCK_MODE_NONE;
		tk.base.valid = false;
		vd->clock_mode = VCLOCK_MODE_NONE;
		goto out;
	}

	if (mode != tk.mode) {
		vclock_mode_scale(mode, &tk.nominal_mult, &tk.shift);
		tk.mask = mask;
		tk.base.valid = false;
		fm = fr = 0;	/* the fractions were in the old shift */
	}
	if (a.slack)	/* cycles to ns, rounded up */
		a.slack = ((a.slack * tk.nominal_mult) >> tk.shift) + 1;
	if (tk.mode == VCLOCK_MODE_NONE) {
		/* Readers were calling the kernel: they saw up to its "now". */
		floor_m = 0;
		floor_r = 0;
	}

	/*
	 * The rate: measured since the base anchor; without one (a new mode),
	 * the kernel's own when this is its clocksource, else nominal.
	 */
	rate_m = rate_r = tk.nominal_mult;
	if (tk.base.valid) {
		dc = (a.cycles - tk.base.cycles) & tk.mask;
		rate_m = vclock_rate(a.mono - tk.base.mono, dc);
		rate_r = vclock_rate(a.raw - tk.base.raw, dc);
	} else if (!a.slack) {
		rate_m = vclock_kernel_rate(READ_ONCE(tk.kmult));
		rate_r = vclock_kernel_rate(READ_ONCE(tk.kraw_mult));
	}

	dc = (c_now - a.cycles) & tk.mask;
	km = a.mono + ((dc * rate_m) >> tk.shift);
	kr = a.raw + ((dc * rate_r) >> tk.shift);
	if (tk.mode == VCLOCK_MODE_NONE) {
		floor_m = km + a.slack;
		floor_r = kr + a.slack;
	}

	interval = div_u64((u64)READ_ONCE(vclock_update_us) * NSEC_PER_USEC << tk.shift,
			   tk.nominal_mult);
	vclock_steer(&tk.mono, floor_m, fm, km, rate_m, interval);
	vclock_steer(&tk.raw, floor_r, fr, kr, rate_r, interval);
	trace_vclock_tk_update(mode, rate_m, tk.mono.mult, floor_m > km ? floor_m - km : 0);
	tk.mode = mode;
	tk.cycle_last = c_now;
	if (a.slack)
		tk.inexact++;
	if (!tk.base.valid || !a.slack || a.mono - tk.base.mono >= VCLOCK_RATE_WINDOW_NS)
		tk.base = a;
	vclock_publish_lines(vd, &a);
	tk.last_update_mono = a.mono;
out:
	vd->tz_minuteswest = sys_tz.tz_minuteswest;
	vd->tz_dsttime = sys_tz.tz_dsttime;
	tk.updates++;
	vclock_write_end(vd);
	raw_spin_unlock_irqrestore(&tk.lock, flags);
}

/* Publish again as it stands: a new view gets its first contents. */
void vclock_tk_refresh(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tk.lock, flags);
	vclock_write_begin(tk.vd);
	vclock_write_end(tk.vd);
	raw_spin_unlock_irqrestore(&tk.lock, flags);
}

static ktime_t vclock_interval(void)
{
	return ns_to_ktime((u64)READ_ONCE(vclock_update_us) * NSEC_PER_USEC);
}

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
	unsigned long flags;

	real.tv_sec = ktk->xtime_sec;
	real.tv_nsec = ktk->tkr_mono.xtime_nsec >> ktk->tkr_mono.shift;
	set_normalized_timespec64(&mono, real.tv_sec + ktk->wall_to_monotonic.tv_sec,
				  real.tv_nsec + ktk->wall_to_monotonic.tv_nsec);
	WRITE_ONCE(tk.kernel_cs, vclock_cs_mode(ktk->tkr_mono.clock));
	WRITE_ONCE(tk.kmult, ktk->tkr_mono.mult);
	WRITE_ONCE(tk.kraw_mult, ktk->tkr_raw.mult);
	WRITE_ONCE(tk.kshift, ktk->tkr_mono.shift);

	raw_spin_lock_irqsave(&tk.lock, flags);
	vclock_write_begin(vd);
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

static int vclock_mode_set(const char *val, const struct kernel_param *kp)
{
	char buf[8];
	int mode;

	strscpy(buf, val, sizeof(buf));
	strim(buf);
	if (!strcmp(buf, "auto"))
		mode = VCLOCK_MODE_AUTO;
	else if ((mode = match_string(mode_names, ARRAY_SIZE(mode_names), buf)) < 0)
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
MODULE_PARM_DESC(clock_mode, "counter readers use: auto (default), hpet, tsc or none (syscall); reads back the mode in use");

static int vclock_update_us_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;
	int err = kstrtouint(val, 0, &us);

	if (err)
		return err;
	if (us < VCLOCK_UPDATE_US_MIN || us > VCLOCK_UPDATE_US_MAX)
		return -ERANGE;
	WRITE_ONCE(vclock_update_us, us);
	return 0;
}

static const struct kernel_param_ops vclock_update_us_ops = {
	.set = vclock_update_us_set,
	.get = param_get_uint,
};
module_param_cb(update_us, &vclock_update_us_ops, &vclock_update_us, 0644);
MODULE_PARM_DESC(update_us, "timekeeper update interval in microseconds (100..1000000, default 4000)");

int vclock_tk_request_mode(int mode)
{
	if (mode != VCLOCK_MODE_AUTO && !(vclock_tk_modes() & BIT(mode))) {
		pr_info("clock_mode %s is not available here (available mask %#x)\n",
			mode_names[mode], vclock_tk_modes());
		return -EINVAL;
	}
	WRITE_ONCE(tk.req_mode, mode);
	if (READ_ONCE(tk.running))
		vclock_tk_update();	/* readers follow at once */
	return 0;
}

int vclock_tk_mode(void)
{
	return READ_ONCE(tk.mode);
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
	seq_printf(m, "inexact_anchors: %llu\nfailed_anchors: %llu\n",
		   tk.inexact, tk.failed_anchors);
	seq_printf(m, "steps_forward: %llu\nsteered: %llu\nlast_ahead_ns: %llu\nmax_ahead_ns: %llu\ncatchup_waits: %llu\n",
		   tk.steps, tk.steered, tk.last_ahead_ns, tk.max_ahead_ns, tk.catchup_waits);
}

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

	err = pvclock_gtod_register_notifier(&vclock_gtod_nb);
	if (err)
		return err;
	vclock_tk_update();
	WRITE_ONCE(tk.running, true);

	vclock_hrtimer_setup(&tk.timer, vclock_tk_tick, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
	hrtimer_start(&tk.timer, vclock_interval(), HRTIMER_MODE_REL_HARD);
	pr_info("timekeeper: mode %s, update every %u us\n", mode_names[tk.mode],
		vclock_update_us);
	return 0;
}

void vclock_tk_exit(void)
{
	WRITE_ONCE(tk.running, false);
	hrtimer_cancel(&tk.timer);
	pvclock_gtod_unregister_notifier(&vclock_gtod_nb);
}
