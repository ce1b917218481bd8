// SPDX-License-Identifier: GPL-2.0
/*
 * check_snapshot.c - copies of the whole data page taken under the
 * seqcount, each checked against the checksum the writer stores: a reader
 * that follows the protocol never sees half an update.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "vclock_read.h"

#define SNAPSHOTS_PER_STEP	200

static void take_snapshot(const struct vclock_data *page, struct vclock_data *copy)
{
	__u32 seq;

	do {
		seq = vclock_read_begin(page);
		memcpy(copy, page, sizeof(*copy));
	} while (vclock_read_retry(page, seq));
}

void check_snapshot_step(void *arg)
{
	struct snapshot_ctx *c = arg;
	struct vclock_data d;
	__u64 sum;
	int i;

	for (i = 0; i < SNAPSHOTS_PER_STEP; i++) {
		take_snapshot(c->page, &d);
		if (!c->taken++)
			c->first_update = d.update_count;
		c->last_update = d.update_count;
		if (d.magic != VCLOCK_MAGIC || d.layout_version != VCLOCK_LAYOUT_VERSION) {
			if (!c->bad_magic++)
				snprintf(c->first_failure, sizeof(c->first_failure),
					 "magic %#x layout %u", d.magic, d.layout_version);
			continue;
		}
		sum = vclock_data_checksum(&d);
		if (sum != d.checksum && !c->bad_checksum++)
			snprintf(c->first_failure, sizeof(c->first_failure),
				 "update %llu: checksum %#llx, computed %#llx",
				 (unsigned long long)d.update_count,
				 (unsigned long long)d.checksum, (unsigned long long)sum);
	}
	/* leave the CPUs to the reader threads most of the time */
	nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
}
