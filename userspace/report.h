/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - what vclock-report's parts share: one "fact<TAB>value" line
 * per measurement, and the mappings every part measures.
 */
#ifndef VCLOCK_REPORT_H
#define VCLOCK_REPORT_H

#include <sys/types.h>

#include <stdint.h>

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

/*
 * Seed 003's GUP concern (report_gup.c): what each path that reaches user
 * memory through get_user_pages() does with every strategy's mapping and
 * page kind, and whether the page counts change. One row per (path,
 * strategy) for the strategies in @strategies (bit 1 << s).
 */
void report_gup(int fd, unsigned int strategies);

/* The paths report_gup() tries, in its order. */
enum gup_path {
	GUP_PROCESS_VM_READV,
	GUP_PROC_PID_MEM,
	GUP_PTRACE_PEEKDATA,
	GUP_O_DIRECT,
	GUP_VMSPLICE,
	GUP_IO_URING,
	GUP_NR_PATHS,
};
#define GUP_PATH_NAMES { "process-vm-readv", "proc-pid-mem", "ptrace-peekdata", \
			 "o-direct", "vmsplice", "io-uring-register" }

/* The page kinds probed: data, lab, HPET, in this order. */
#define GUP_NR_KINDS	3

/* One page of a mapping to probe. */
struct gup_target {
	unsigned int kind;		/* enum vclock_page */
	char *addr;			/* its user address */
	unsigned long long pfn;		/* from VCLOCK_IOC_QUERY; 0: hidden, HPET */
};

/* What one path did with one page. */
struct gup_outcome {
	int err;			/* errno; 0: success */
	ssize_t got;			/* bytes that came back */
	size_t len;			/* bytes asked for */
	int same;			/* they equal what the mapping reads */
	int counts_ok;			/* the deltas below were measured */
	long map_delta;			/* /proc/kpagecount, largest change */
	long ref_delta;			/* status page_refs, largest change */
};

/*
 * Touch the pages of the layout mapped at @base (not the HPET page unless
 * @hpet_usable) and fill @t[GUP_NR_KINDS] with their addresses and pfns;
 * 0 or -errno.
 */
int gup_targets(int fd, char *base, int hpet_usable, struct gup_target *t);

/*
 * The directory for the O_DIRECT file: the first of /out (the guest's 9p
 * share), /mnt, /var/tmp whose filesystem opens a file O_DIRECT and is not
 * tmpfs, rootfs or ramfs (tmpfs's O_DIRECT, from 6.6 on, copies through
 * the page cache: no GUP); its filesystem's name in @fs. NULL if none. 9p
 * qualifies: its writes hand the user pages to virtio (zero copy) through
 * GUP, which an EFAULT on a page a plain load reads shows.
 */
const char *gup_odirect_dir(char *fs, size_t size);

/*
 * Try @path on @t, the O_DIRECT file in directory @odirect (NULL: none);
 * counts sampled before, while held (vmsplice, io_uring) and after.
 */
void gup_probe(const struct gup_target *t, enum gup_path path, const char *odirect,
	       struct gup_outcome *o);
/* /proc/kpagecount of @pfn: the page's map count (root); -1 if unreadable or pfn 0. */
long long kpagecount(uint64_t pfn);

#endif
