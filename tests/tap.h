/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - minimal TAP 13 producer in the kselftest style, for the host unit
 * tests and the in-guest suites. One test program = one TAP stream; the plan
 * line is printed at the end so a program need not count its cases first.
 */
#ifndef VCLOCK_TAP_H
#define VCLOCK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed, tap_skipped;

static inline void tap_header(void)
{
	printf("TAP version 13\n");
	fflush(stdout);
}

static inline void tap_vline(const char *status, const char *directive,
			     const char *fmt, va_list ap)
{
	printf("%s %d ", status, ++tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
}

/* Report one case: ok if @cond, not ok otherwise. Returns @cond. */
__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	char dir[256];
	va_list ap;

	snprintf(dir, sizeof(dir), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vline("ok", dir, fmt, ap);
	va_end(ap);
	tap_skipped++;
}

/* A diagnostic line; it never changes the verdict. */
__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Give up on the whole program (setup failed): one failing line, exit 1. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	printf("# Totals: pass:%d fail:%d skip:%d\n",
	       tap_count - tap_failed - tap_skipped, tap_failed, tap_skipped);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* VCLOCK_TAP_H */
