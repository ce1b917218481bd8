// SPDX-License-Identifier: GPL-2.0
/*
 * reader_math - the reader's inlines (vdso/vclock_read.h) on a synthetic
 * data page and a fake HPET page in plain memory: the multiply-shift, the
 * 32-bit counter wrap, the ns -> s carry loop, raw vs hres scaling, coarse
 * clocks, NONE mode, unserved ids, getres, tz, time, the TSC clamp, the
 * seqcount against a concurrent writer, and the ABI's checksum.
 */
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "seq_writer.h"
#include "tap.h"
#include "vclock_read.h"

#define SHIFT		24
#define NS_PER_CYCLE	10		/* a 100 MHz HPET */

static struct vclock_data d;
static uint8_t hpet_page[VCLOCK_PAGE_SIZE] __attribute__((aligned(4096)));

static void set_counter(uint32_t v)
{
	memcpy(hpet_page + VCLOCK_HPET_COUNTER, &v, sizeof(v));
}

static void page_init(void)
{
	memset(&d, 0, sizeof(d));
	d.magic = VCLOCK_MAGIC;
	d.layout_version = VCLOCK_LAYOUT_VERSION;
	d.clock_mode = VCLOCK_MODE_HPET;
	d.mask = 0xffffffffull;
	d.mult = NS_PER_CYCLE << SHIFT;
	d.shift = SHIFT;
	d.raw_mult = 2 * NS_PER_CYCLE << (SHIFT - 4);
	d.raw_shift = SHIFT - 4;
	d.cycle_last = 1000;
	d.tz_minuteswest = -60;
	d.tz_dsttime = 1;
	d.hres_res_ns = 1;
	d.coarse_res_ns = 4000000;
	set_counter(1000);
}

static void set_base(int id, uint64_t sec, uint64_t ns, uint32_t shift)
{
	d.base[id].sec = sec;
	d.base[id].snsec = ns << shift;
}

static int read_is(int id, uint64_t sec, uint64_t nsec, const char *what)
{
	struct vclock_reading r = { 0, 0 };
	int ret = vclock_read_clock(&d, hpet_page, id, &r);

	return tap_ok(!ret && r.sec == sec && r.nsec == nsec,
		      "%s: id %d reads %llu.%09llu (want %llu.%09llu, ret %d)", what, id,
		      (unsigned long long)r.sec, (unsigned long long)r.nsec,
		      (unsigned long long)sec, (unsigned long long)nsec, ret);
}

static void test_ns_to_sec(void)
{
	static const struct { uint64_t ns, sec, rem; } v[] = {
		{ 0, 0, 0 },
		{ 999999999, 0, 999999999 },
		{ 1000000000, 1, 0 },
		{ 3000000007ull, 3, 7 },
		{ 17999999999ull, 17, 999999999 },
	};
	__u64 rem;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		__u64 sec = vclock_ns_to_sec(v[i].ns, &rem);

		tap_ok(sec == v[i].sec && rem == v[i].rem, "ns_to_sec(%llu) = %llu s + %llu ns",
		       (unsigned long long)v[i].ns, (unsigned long long)sec,
		       (unsigned long long)rem);
	}
}

static void test_hres(void)
{
	page_init();
	set_base(CLOCK_MONOTONIC, 100, 250, SHIFT);
	set_counter(1000);
	read_is(CLOCK_MONOTONIC, 100, 250, "counter at cycle_last: the base");
	set_counter(1500);
	read_is(CLOCK_MONOTONIC, 100, 250 + 500 * NS_PER_CYCLE, "500 cycles later");

	/* carry: 999999000 + 5000 ns crosses into the next second */
	set_base(CLOCK_REALTIME, 1700000000, 999999000, SHIFT);
	read_is(CLOCK_REALTIME, 1700000001, 4000, "second boundary carried");

	/* several seconds in snsec (a late update) still carry exactly */
	set_base(CLOCK_BOOTTIME, 5, 2500000000ull, SHIFT);
	read_is(CLOCK_BOOTTIME, 7, 500000000 + 500 * NS_PER_CYCLE, "2.5 s in snsec");

	/* fractional ns in snsec are kept until the shift */
	page_init();
	d.base[CLOCK_TAI].sec = 9;
	d.base[CLOCK_TAI].snsec = (7ull << SHIFT) + (1ull << (SHIFT - 1));
	set_counter(1000);
	read_is(CLOCK_TAI, 9, 7, "half a ns of fraction truncates");
	d.base[CLOCK_TAI].snsec += 1ull << (SHIFT - 1);
	read_is(CLOCK_TAI, 9, 8, "two halves make one ns");
}

static void test_wrap(void)
{
	page_init();
	d.cycle_last = 0xffffff00u;
	set_base(CLOCK_MONOTONIC, 42, 0, SHIFT);
	set_counter(0x100);
	read_is(CLOCK_MONOTONIC, 42, 0x200 * NS_PER_CYCLE, "32-bit counter wrapped past zero");

	/* a cycle_last published with more than 32 bits is masked the same */
	d.cycle_last = 0x7ffffff00ull;
	read_is(CLOCK_MONOTONIC, 42, 0x200 * NS_PER_CYCLE, "cycle_last above 32 bits, masked");
}

static void test_raw(void)
{
	page_init();
	set_base(CLOCK_MONOTONIC_RAW, 3, 0, SHIFT - 4);
	set_base(CLOCK_MONOTONIC, 3, 0, SHIFT);
	set_counter(1100);
	read_is(CLOCK_MONOTONIC_RAW, 3, 100 * 2 * NS_PER_CYCLE, "raw uses raw_mult/raw_shift");
	read_is(CLOCK_MONOTONIC, 3, 100 * NS_PER_CYCLE, "monotonic uses mult/shift");
}

static void test_coarse(void)
{
	page_init();
	d.base[CLOCK_REALTIME_COARSE].sec = 1234;
	d.base[CLOCK_REALTIME_COARSE].snsec = 5678;	/* plain ns */
	d.base[CLOCK_MONOTONIC_COARSE].sec = 77;
	d.base[CLOCK_MONOTONIC_COARSE].snsec = 999999999;
	set_counter(123456);
	read_is(CLOCK_REALTIME_COARSE, 1234, 5678, "coarse: base only, plain ns");
	read_is(CLOCK_MONOTONIC_COARSE, 77, 999999999, "coarse ignores the counter");
}

static void test_fallbacks(void)
{
	static const int unserved[] = { 2, 3, 8, 9, 10, 12, -1, INT_MIN, INT_MAX };
	struct vclock_reading r;
	uint32_t res;
	int32_t mw, dst;
	__u64 sec;
	size_t i;
	int id;

	page_init();
	for (i = 0; i < sizeof(unserved) / sizeof(unserved[0]); i++)
		tap_ok(vclock_read_clock(&d, hpet_page, unserved[i], &r) == -1 &&
		       vclock_read_res(&d, unserved[i], &res) == -1,
		       "id %d is not served from the page", unserved[i]);

	d.clock_mode = VCLOCK_MODE_NONE;
	for (id = 0; id < VCLOCK_MAX_CLOCKS; id++)
		if (vclock_clock_served(id, VCLOCK_SERVED_CLOCKS))
			tap_ok(vclock_read_clock(&d, hpet_page, id, &r) == -1,
			       "NONE mode: id %d falls back", id);
	tap_ok(vclock_read_res(&d, CLOCK_MONOTONIC, &res) == -1 &&
	       vclock_read_tz(&d, &mw, &dst) == -1 && vclock_read_time(&d, &sec) == -1,
	       "NONE mode: getres, tz and time fall back");

	d.clock_mode = VCLOCK_NR_MODES;
	tap_ok(vclock_read_clock(&d, hpet_page, CLOCK_MONOTONIC, &r) == -1,
	       "an unknown counter mode falls back");
	d.clock_mode = VCLOCK_MODE_HPET;
	tap_ok(vclock_read_clock(&d, NULL, CLOCK_MONOTONIC, &r) == -1,
	       "HPET mode without an HPET page falls back");
	tap_ok(vclock_read_clock(&d, NULL, CLOCK_MONOTONIC_COARSE, &r) == 0,
	       "... but the coarse clocks need no HPET page");
}

static void test_res_tz_time(void)
{
	uint32_t res = 0;
	int32_t mw = 0, dst = 0;
	__u64 sec = 0;
	int id;

	page_init();
	d.hres_res_ns = 3;
	for (id = 0; id < VCLOCK_MAX_CLOCKS; id++) {
		if (!vclock_clock_served(id, VCLOCK_SERVED_CLOCKS))
			continue;
		res = 0;
		tap_ok(!vclock_read_res(&d, id, &res) &&
		       res == (vclock_clock_served(id, VCLOCK_COARSE_CLOCKS) ? 4000000u : 3u),
		       "getres of id %d is %u ns", id, res);
	}
	tap_ok(!vclock_read_tz(&d, &mw, &dst) && mw == -60 && dst == 1,
	       "tz from the page: %d/%d", mw, dst);
	d.base[CLOCK_REALTIME_COARSE].sec = 1600000000;
	d.base[CLOCK_REALTIME].sec = 1;		/* time() must not use this one */
	tap_ok(!vclock_read_time(&d, &sec) && sec == 1600000000,
	       "time() is REALTIME_COARSE's seconds (%llu)", (unsigned long long)sec);
}

static void test_tsc(void)
{
	struct vclock_reading r;
	uint64_t now = vclock_read_tsc();

	page_init();
	d.clock_mode = VCLOCK_MODE_TSC;
	d.mask = ~0ull;
	d.mult = 1 << SHIFT;		/* 1 ns per cycle */
	set_base(CLOCK_MONOTONIC, 50, 0, SHIFT);

	d.cycle_last = now + (1ull << 40);	/* "another CPU" is far ahead */
	tap_ok(!vclock_read_clock(&d, NULL, CLOCK_MONOTONIC, &r) && r.sec == 50 && r.nsec == 0,
	       "TSC behind cycle_last counts as cycle_last (%llu.%09llu)",
	       (unsigned long long)r.sec, (unsigned long long)r.nsec);
	d.cycle_last = now;
	tap_ok(!vclock_read_clock(&d, NULL, CLOCK_MONOTONIC, &r) && (r.sec > 50 || r.nsec > 0),
	       "TSC after cycle_last advances the clock (%llu.%09llu)",
	       (unsigned long long)r.sec, (unsigned long long)r.nsec);
}

/* ---- the seqcount against a writer thread ---- */

static void test_seqcount(void)
{
	struct seq_writer w = { .d = &d, .shift = SHIFT };
	unsigned long reads = 0, torn = 0;
	struct vclock_reading r;
	uint64_t last = ~0ull;
	pthread_t t;

	page_init();
	set_base(CLOCK_MONOTONIC, 0, 0, SHIFT);
	d.seq = 1;	/* an update is in progress: readers must wait */
	if (pthread_create(&t, NULL, seq_writer_run, &w))
		tap_bail("pthread_create failed");
	__atomic_store_n(&d.seq, 2, __ATOMIC_RELEASE);
	do {
		if (vclock_read_clock(&d, hpet_page, CLOCK_MONOTONIC, &r))
			torn++;
		else if (r.nsec != r.sec % 1000)
			torn++;
		seq_writer_saw(&w, r.sec, last);
		last = r.sec;
		reads++;
	} while (!seq_writer_done(&w));
	pthread_join(t, NULL);
	tap_ok(!torn, "seqcount: %lu reads during %llu updates, %lu torn", reads,
	       (unsigned long long)w.last, torn);
	tap_ok(w.distinct >= SEQ_WRITER_DISTINCT,
	       "seqcount: readers saw %lu different updates (want %d)", w.distinct,
	       SEQ_WRITER_DISTINCT);
	tap_ok(!vclock_read_clock(&d, hpet_page, CLOCK_MONOTONIC, &r) &&
	       r.sec == w.last, "after the writer: the last update (%llu)",
	       (unsigned long long)r.sec);
}

/* ---- the ABI's checksum covers every field but seq and itself ---- */

static void test_checksum(void)
{
	struct vclock_data c;
	uint64_t sum;
	size_t off, changed = 0, ignored = 0, fields = 0;

	page_init();
	d.update_count = 77;
	sum = vclock_data_checksum(&d);
	tap_ok(sum == vclock_data_checksum(&d), "checksum is deterministic");
	for (off = offsetof(struct vclock_data, clock_mode);
	     off < offsetof(struct vclock_data, checksum); off += 4) {
		c = d;
		((uint8_t *)&c)[off] ^= 0x01;
		fields++;
		if (vclock_data_checksum(&c) != sum)
			changed++;
		else
			tap_diag("a change at byte %zu is not seen by the checksum", off);
	}
	tap_ok(changed == fields, "each of %zu 32-bit words from clock_mode to update_count "
	       "changes the checksum (%zu do)", fields, changed);
	c = d;
	c.seq += 2;
	ignored += vclock_data_checksum(&c) == sum;
	c = d;
	c.checksum ^= 1;
	ignored += vclock_data_checksum(&c) == sum;
	c = d;
	c.magic ^= 1;
	c.layout_version ^= 1;
	ignored += vclock_data_checksum(&c) == sum;
	tap_ok(ignored == 3, "seq, checksum, magic and layout_version are not covered");
}

int main(void)
{
	tap_header();
	test_ns_to_sec();
	test_hres();
	test_wrap();
	test_raw();
	test_coarse();
	test_fallbacks();
	test_res_tz_time();
	test_tsc();
	test_seqcount();
	test_checksum();
	return tap_done();
}
