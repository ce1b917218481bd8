/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_names.h - names for the ABI's enums (from the *_NAMES macros of
 * vclock_abi.h) and for the kernel's clock ids, and the parsers the tools'
 * options share.
 */
#ifndef VCLOCK_NAMES_H
#define VCLOCK_NAMES_H

#include <stdbool.h>

/* Kernel clock ids 0..VCLOCK_MAX_CLOCKS-1 have names; ids beyond do not. */
#define VCLOCK_NAMED_CLOCKS	12

const char *vclock_strategy_name(unsigned int strategy);
const char *vclock_mode_name(int mode);
const char *vclock_lab_name(unsigned int lab);
const char *vclock_page_name(unsigned int page);
const char *vclock_cache_name(unsigned int cache);
const char *vclock_lib_state_name(int state);

/* "CLOCK_MONOTONIC" for 1; NULL for an id without a name. */
const char *vclock_clock_name(int id);

/*
 * Parsers: 0 on success, -1 for input they do not accept. A strategy is one
 * of fault remap split mixed (and file when @allow_file); a clock is a name
 * with or without CLOCK_, any case, '-' or '_' (monotonic-raw), or a number.
 */
int vclock_parse_strategy(const char *s, bool allow_file, unsigned int *strategy);
int vclock_parse_clock(const char *s, int *id);
/*
 * A duration (every tool's -d, the ticker's -i): a non-negative decimal
 * number with an optional unit, s (the default), ms, us, ns or min, up to a
 * year; *@sec is in seconds.
 */
int vclock_parse_duration(const char *s, double *sec);
int vclock_parse_ulong(const char *s, unsigned long min, unsigned long max,
		       unsigned long *val);

#endif /* VCLOCK_NAMES_H */
