/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cr_pagetime.h - does the time libvclock reads from the page agree with
 * the kernel's (for the case programs that use the library).
 */
#ifndef CR_PAGETIME_H
#define CR_PAGETIME_H

#include <stdint.h>
#include <time.h>

/*
 * @n reads of clock @id through libvclock, each between two clock_gettime
 * system calls of the same clock; returns how many fell outside their
 * bracket (the kernel selftest vdso_test_correctness criterion). In a time
 * namespace the system call applies the namespace's offset.
 */
int cr_bracket_misses(clockid_t id, int n);

/*
 * How far clock @id read through libvclock is ahead of the same clock read
 * with the system call (the midpoint of two calls around it), in ns.
 */
int64_t cr_page_ahead_ns(clockid_t id);

#endif /* CR_PAGETIME_H */
