/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_writer.h - a writer thread for the host-side seqcount tests: it updates
 * CLOCK_MONOTONIC of a data page (sec = k, nsec = k % 1000, so a torn read
 * shows as nsec != sec % 1000) until at least SEQ_WRITER_UPDATES updates are
 * done AND the reader has seen SEQ_WRITER_DISTINCT of them, for at most
 * SEQ_WRITER_LIMIT_S seconds. A fixed number of updates is not a test of
 * concurrency: on a loaded host the reader thread can be off the CPU for all
 * of them (seen in CI).
 */
#ifndef SEQ_WRITER_H
#define SEQ_WRITER_H

#include <stdint.h>
#include <time.h>

#include <vclock_abi.h>

#define SEQ_WRITER_UPDATES	20000
#define SEQ_WRITER_DISTINCT	100
#define SEQ_WRITER_LIMIT_S	10

struct seq_writer {
	struct vclock_data *d;
	unsigned int shift;		/* of d's MONOTONIC base */
	unsigned long distinct;		/* the reader: values seen so far */
	int started;			/* the reader: first read done */
	int done;			/* the writer: finished */
	uint64_t last;			/* the writer: its last update */
};

static inline void *seq_writer_run(void *arg)
{
	struct seq_writer *w = arg;
	struct vclock_data *d = w->d;
	struct timespec t0, now;
	volatile int spin;
	uint64_t k;

	while (!__atomic_load_n(&w->started, __ATOMIC_ACQUIRE))
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 1;; k++) {
		for (spin = 0; spin < 200; spin++)
			;	/* let readers in between updates */
		__atomic_store_n(&d->seq, d->seq + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		d->base[CLOCK_MONOTONIC].sec = k;
		d->base[CLOCK_MONOTONIC].snsec = (k % 1000) << w->shift;
		__atomic_store_n(&d->seq, d->seq + 1, __ATOMIC_RELEASE);
		if (k < SEQ_WRITER_UPDATES || k % 1000)
			continue;
		if (__atomic_load_n(&w->distinct, __ATOMIC_ACQUIRE) >= SEQ_WRITER_DISTINCT)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= SEQ_WRITER_LIMIT_S)
			break;
	}
	w->last = k;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The reader, after each read of value @sec (@prev: the one before). */
static inline void seq_writer_saw(struct seq_writer *w, uint64_t sec, uint64_t prev)
{
	if (sec != prev)
		__atomic_store_n(&w->distinct, w->distinct + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
}

static inline int seq_writer_done(struct seq_writer *w)
{
	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

#endif /* SEQ_WRITER_H */
