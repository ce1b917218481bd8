// SPDX-License-Identifier: GPL-2.0
/*
 * names_test - the tools' name tables (from the ABI header's *_NAMES) and
 * option parsers: strategies, clocks by name or number, durations, counts.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "tap.h"
#include "vclock.h"
#include "vclock_names.h"

static void test_tables(void)
{
	tap_ok(!strcmp(vclock_strategy_name(VCLOCK_STRATEGY_SPLIT), "split") &&
	       !strcmp(vclock_strategy_name(VCLOCK_STRATEGY_FILE), "file") &&
	       !strcmp(vclock_strategy_name(99), "?"), "strategy names");
	tap_ok(!strcmp(vclock_mode_name(VCLOCK_MODE_HPET), "hpet") &&
	       !strcmp(vclock_mode_name(-1), "unmapped") && !strcmp(vclock_mode_name(7), "?"),
	       "mode names");
	tap_ok(!strcmp(vclock_page_name(VCLOCK_PAGE_HPET), "hpet") &&
	       !strcmp(vclock_lab_name(VCLOCK_LAB_UC_SETMEM), "uc-setmem") &&
	       !strcmp(vclock_cache_name(VCLOCK_CACHE_UC_MINUS), "UC-") &&
	       !strcmp(vclock_cache_name(VCLOCK_CACHE_NONE), "-"), "page, lab, cache names");
	tap_ok(!strcmp(vclock_lib_state_name(VCLOCK_LIB_FAILED), "fallback") &&
	       !strcmp(vclock_lib_state_name(VCLOCK_LIB_MAPPED), "mapped"), "library states");
	tap_ok(!strcmp(vclock_clock_name(4), "CLOCK_MONOTONIC_RAW") &&
	       !strcmp(vclock_clock_name(11), "CLOCK_TAI") && !vclock_clock_name(12) &&
	       !vclock_clock_name(-1), "clock names 0..11 only");
}

static void test_strategy(void)
{
	unsigned int s = 99;

	tap_ok(!vclock_parse_strategy("mixed", false, &s) && s == VCLOCK_STRATEGY_MIXED,
	       "parse 'mixed'");
	tap_ok(vclock_parse_strategy("file", false, &s) == -1, "'file' refused unless allowed");
	tap_ok(!vclock_parse_strategy("file", true, &s) && s == VCLOCK_STRATEGY_FILE,
	       "'file' when allowed");
	tap_ok(vclock_parse_strategy("Fault", false, &s) == -1 &&
	       vclock_parse_strategy("", false, &s) == -1 &&
	       vclock_parse_strategy("1", false, &s) == -1, "case, empty and numbers refused");
}

static void test_clock(void)
{
	static const struct { const char *s; int id; } good[] = {
		{ "monotonic", 1 }, { "CLOCK_MONOTONIC", 1 }, { "monotonic-raw", 4 },
		{ "MONOTONIC_RAW", 4 }, { "clock_tai", 11 }, { "realtime-coarse", 5 },
		{ "7", 7 }, { "-1", -1 }, { "0x7fffffff", INT_MAX }, { "-2147483648", INT_MIN },
	};
	static const char *const bad[] = {
		"", "monotonic-", "mono", "CLOCK_", "2147483648", "1x", "realtime coarse",
	};
	size_t i;
	int id;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		id = 12345;
		tap_ok(!vclock_parse_clock(good[i].s, &id) && id == good[i].id,
		       "clock '%s' is %d (%d)", good[i].s, good[i].id, id);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(vclock_parse_clock(bad[i], &id) == -1, "clock '%s' refused", bad[i]);
}

static void test_numbers(void)
{
	unsigned long v = 0;
	double d = -1;

	tap_ok(!vclock_parse_duration("5", &d) && d == 5, "duration 5");
	tap_ok(!vclock_parse_duration("0.25", &d) && d == 0.25, "duration 0.25");
	tap_ok(!vclock_parse_duration("0", &d) && d == 0, "duration 0");
	tap_ok(!vclock_parse_duration("2s", &d) && d == 2, "duration 2s");
	tap_ok(!vclock_parse_duration("20ms", &d) && fabs(d - 0.02) < 1e-12, "duration 20ms");
	tap_ok(!vclock_parse_duration("1500us", &d) && fabs(d - 0.0015) < 1e-12, "duration 1500us");
	tap_ok(!vclock_parse_duration("250ns", &d) && fabs(d - 250e-9) < 1e-18, "duration 250ns");
	tap_ok(!vclock_parse_duration("2min", &d) && d == 120, "duration 2min");
	tap_ok(!vclock_parse_duration(".5s", &d) && d == 0.5, "duration .5s");
	tap_ok(vclock_parse_duration("-1", &d) == -1 && vclock_parse_duration("1x", &d) == -1 &&
	       vclock_parse_duration("", &d) == -1 && vclock_parse_duration("nan", &d) == -1 &&
	       vclock_parse_duration("inf", &d) == -1 && vclock_parse_duration("1e30", &d) == -1 &&
	       vclock_parse_duration("ms", &d) == -1 && vclock_parse_duration(" 1", &d) == -1 &&
	       vclock_parse_duration("+1", &d) == -1 && vclock_parse_duration("0x10", &d) == -1 &&
	       vclock_parse_duration("1 s", &d) == -1 && vclock_parse_duration("1S", &d) == -1 &&
	       vclock_parse_duration("400days", &d) == -1 && vclock_parse_duration("1e6min", &d) == -1,
	       "bad durations refused");
	tap_ok(!vclock_parse_ulong("4", 1, 256, &v) && v == 4, "count 4 in 1..256");
	tap_ok(vclock_parse_ulong("0", 1, 256, &v) == -1 &&
	       vclock_parse_ulong("257", 1, 256, &v) == -1 &&
	       vclock_parse_ulong("-3", 0, 256, &v) == -1 &&
	       vclock_parse_ulong(" 3", 0, 256, &v) == -1 &&
	       vclock_parse_ulong("3k", 0, 256, &v) == -1 &&
	       vclock_parse_ulong("99999999999999999999999", 0, ~0UL, &v) == -1,
	       "counts out of range or malformed refused");
}

int main(void)
{
	tap_header();
	test_tables();
	test_strategy();
	test_clock();
	test_numbers();
	return tap_done();
}
