/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - what vclock-report's parts share: one "fact<TAB>value" line
 * per measurement, and the mappings every part measures.
 */
#ifndef VCLOCK_REPORT_H
#define VCLOCK_REPORT_H

#include <vclock_abi.h>

/* Facts that could not be measured (each printed why); exit 1 if any. */
extern int failures;

void fact(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cache_name(unsigned int c);
/* The whole layout of @strategy with lab mode @lab at *@base; -errno. */
int map_layout(int fd, unsigned int strategy, unsigned int lab, char **base);
/* This process's PTEs of the device (VCLOCK_IOC_QUERY): entries or -errno. */
int query_self(int fd, struct vclock_pte_info *e, unsigned int max);
/* Seeds 001 and 004: memtype entries, pgoff, COW and fork, page counts. */
void report_copy(int fd, unsigned int strategies);

#endif
