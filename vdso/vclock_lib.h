/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_lib.h - the library's one mapping of /dev/vclock and how far first
 * use got (internal to libvclock: hidden, never exported).
 *
 * state moves UNMAPPED -> MAPPING -> MAPPED or FAILED, and FAILED -> MAPPING
 * on a retry. Only the thread whose compare-and-swap set MAPPING writes the
 * other fields; it publishes them with a release store of the new state, and
 * readers use them after an acquire load of MAPPED. Once MAPPED, nothing
 * changes again for the life of the process.
 *
 * The entry points' fast path does not look at state: it reads @page, which
 * is vclock_unmapped_page (mode NONE, so every read sends the caller to its
 * out-of-line slow path: first use, retry policy, system call) until the
 * whole layout is mapped as one mapping (the HPET page VCLOCK_PAGE_HPET
 * pages after the data page), and the mapped data page from then on.
 */
#ifndef VCLOCK_LIB_H
#define VCLOCK_LIB_H

#include <linux/types.h>

#include "vclock_abi.h"

#define VCLOCK_HIDDEN		__attribute__((visibility("hidden")))
#define VCLOCK_EXPORT		__attribute__((visibility("default")))

/* Retry policy after a failed first use (see vclock.h). */
#define VCLOCK_RETRY_CALLS	1024
#define VCLOCK_RETRY_SEC	1

/* Same values as enum vclock_lib_state in vclock.h. */
#define VCLOCK_ST_UNMAPPED	0
#define VCLOCK_ST_MAPPING	1
#define VCLOCK_ST_MAPPED	2
#define VCLOCK_ST_FAILED	3

struct vclock_lib {
	int state;			/* VCLOCK_ST_*, atomic */
	unsigned int strategy;		/* for the next attempt, atomic */
	unsigned int mapped_strategy;	/* what the mapping was asked for */
	int error;			/* last attempt's -errno */
	unsigned int fallback_calls;	/* since the last attempt, atomic */
	unsigned long attempts;
	__s64 last_attempt_sec;		/* CLOCK_MONOTONIC_COARSE */
	const struct vclock_data *data;
	const void *hpet;
	const struct vclock_data *page;	/* the fast path's page, atomic */
};

extern struct vclock_lib vclock_lib VCLOCK_HIDDEN;

/* What the fast path reads before first use: seq 0, mode NONE. */
extern const struct vclock_data vclock_unmapped_page VCLOCK_HIDDEN;

/* The slow path of vclock_lib_data(): first use, or a due retry. */
const struct vclock_data *vclock_lib_first_use(void) VCLOCK_HIDDEN;

/* Map now with @strategy; 0 or -errno (see vclock_init()). */
int vclock_lib_init(unsigned int strategy) VCLOCK_HIDDEN;

/*
 * The same with the (first) mapping at @addr exactly, or -EEXIST; for tools
 * linked with libvclock.a that control where the pages land (vclock-bench).
 */
int vclock_lib_init_at(unsigned int strategy, unsigned long addr) VCLOCK_HIDDEN;

/* The data page, or NULL: then the caller makes the system call. */
static inline const struct vclock_data *vclock_lib_data(void)
{
	if (__builtin_expect(__atomic_load_n(&vclock_lib.state, __ATOMIC_ACQUIRE) ==
			     VCLOCK_ST_MAPPED, 1))
		return vclock_lib.data;
	return vclock_lib_first_use();
}

/*
 * The fast path's page: never NULL, and in a mode other than NONE only once
 * the layout is mapped in one piece (see above).
 */
static inline const struct vclock_data *vclock_lib_page(void)
{
	return __atomic_load_n(&vclock_lib.page, __ATOMIC_ACQUIRE);
}

#endif /* VCLOCK_LIB_H */
