// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_names.c - name tables and option parsers shared by the tools.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vclock_abi.h>

#include "vclock.h"
#include "vclock_names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const mode_names[] = VCLOCK_MODE_NAMES;
static const char *const lab_names[] = VCLOCK_LAB_NAMES;
static const char *const page_names[] = VCLOCK_PAGE_NAMES;
static const char *const cache_names[] = VCLOCK_CACHE_NAMES;

/* The kernel's clockid_t values (uapi/linux/time.h). */
static const char *const clock_names[VCLOCK_NAMED_CLOCKS] = {
	"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
	"CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
	"CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM",
	"CLOCK_BOOTTIME_ALARM", "CLOCK_SGI_CYCLE", "CLOCK_TAI",
};

_Static_assert(ARRAY_SIZE(strategy_names) == VCLOCK_NR_STRATEGIES, "strategy names");
_Static_assert(ARRAY_SIZE(mode_names) == VCLOCK_NR_MODES, "mode names");
_Static_assert(ARRAY_SIZE(lab_names) == VCLOCK_NR_LAB, "lab names");
_Static_assert(ARRAY_SIZE(page_names) == VCLOCK_NR_PAGES, "page names");
_Static_assert(ARRAY_SIZE(cache_names) == VCLOCK_NR_CACHE, "cache names");
_Static_assert(VCLOCK_NAMED_CLOCKS == VCLOCK_MAX_CLOCKS, "clock names");

static const char *name_or_unknown(const char *const *names, size_t n, unsigned int i)
{
	return i < n ? names[i] : "?";
}

const char *vclock_strategy_name(unsigned int strategy)
{
	return name_or_unknown(strategy_names, ARRAY_SIZE(strategy_names), strategy);
}

const char *vclock_mode_name(int mode)
{
	return mode < 0 ? "unmapped" :
	       name_or_unknown(mode_names, ARRAY_SIZE(mode_names), (unsigned int)mode);
}

const char *vclock_lab_name(unsigned int lab)
{
	return name_or_unknown(lab_names, ARRAY_SIZE(lab_names), lab);
}

const char *vclock_page_name(unsigned int page)
{
	return name_or_unknown(page_names, ARRAY_SIZE(page_names), page);
}

const char *vclock_cache_name(unsigned int cache)
{
	return name_or_unknown(cache_names, ARRAY_SIZE(cache_names), cache);
}

const char *vclock_lib_state_name(int state)
{
	switch (state) {
	case VCLOCK_LIB_UNMAPPED:
		return "unmapped";
	case VCLOCK_LIB_MAPPING:
		return "mapping";
	case VCLOCK_LIB_MAPPED:
		return "mapped";
	case VCLOCK_LIB_FAILED:
		return "fallback";
	}
	return "?";
}

const char *vclock_clock_name(int id)
{
	return id >= 0 && id < VCLOCK_NAMED_CLOCKS ? clock_names[id] : NULL;
}

int vclock_parse_strategy(const char *s, bool allow_file, unsigned int *strategy)
{
	unsigned int i;

	for (i = allow_file ? 0 : 1; i < VCLOCK_NR_STRATEGIES; i++)
		if (!strcmp(s, strategy_names[i])) {
			*strategy = i;
			return 0;
		}
	return -1;
}

/* "monotonic-raw" and "CLOCK_MONOTONIC_RAW" name the same clock. */
static bool clock_name_matches(const char *s, const char *name)
{
	name += strlen("CLOCK_");
	if (!strncasecmp(s, "CLOCK_", 6))
		s += 6;
	for (; *s && *name; s++, name++)
		if (toupper((unsigned char)(*s == '-' ? '_' : *s)) != *name)
			return false;
	return !*s && !*name;
}

int vclock_parse_clock(const char *s, int *id)
{
	char *end;
	long v;
	int i;

	for (i = 0; i < VCLOCK_NAMED_CLOCKS; i++)
		if (clock_name_matches(s, clock_names[i])) {
			*id = i;
			return 0;
		}
	errno = 0;
	v = strtol(s, &end, 0);
	if (!*s || *end || errno || v < -2147483648L || v > 2147483647L)
		return -1;
	*id = (int)v;
	return 0;
}

/* The unit suffixes of a duration (doc/cli.md, "Durations"). */
static const struct {
	const char *suffix;
	double sec;
} duration_units[] = {
	{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 }, { "min", 60 },
};

int vclock_parse_duration(const char *s, double *sec)
{
	char *end;
	double v;
	size_t i;

	/* strtod would also take " 1", "+1", "0x1", "inf" and "nan". */
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !isfinite(v))
		return -1;
	for (i = 0; i < ARRAY_SIZE(duration_units); i++) {
		if (strcmp(end, duration_units[i].suffix))
			continue;
		v *= duration_units[i].sec;
		if (v > 86400.0 * 365)
			return -1;
		*sec = v;
		return 0;
	}
	return -1;
}

int vclock_parse_ulong(const char *s, unsigned long min, unsigned long max,
		       unsigned long *val)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (*end || errno || v < min || v > max)
		return -1;
	*val = v;
	return 0;
}
