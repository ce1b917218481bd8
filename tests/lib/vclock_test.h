/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_test.h - the test library (tests/lib, built once into
 * libvclocktest.a) for the programs that drive /dev/vclock directly:
 * mapping per strategy, the introspection ioctl, the process's own VMAs
 * from /proc/self/maps and smaps, "does this crash the child", module
 * parameters and reloading. Its functions compute and return; what reports
 * a TAP line is inline here or in the program (tap.h keeps its count per
 * program).
 */
#ifndef VCLOCK_TEST_H
#define VCLOCK_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "proc_maps.h"

#include "../tap.h"

static const char *const vt_strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const vt_cache_names[] = VCLOCK_CACHE_NAMES;
static const char *const vt_page_names[] = VCLOCK_PAGE_NAMES;

/* The file the tests map: VCLOCK_DEVICE, or VCLOCK_PROC_FILE if named by the environment. */
const char *vt_path(void);
int vt_open(void);

/* Is the running kernel at least @major.@minor? */
int vt_kernel_at_least(int major, int minor);

/*
 * The strategies the loaded module offers (VCLOCK_IOC_INFO) as a mask:
 * mixed needs vmf_insert_mixed_prot(), which v6.4 removed.
 */
unsigned int vt_strategies(int fd);

/* The @i-th strategy of @mask, counting round: for cycling through them. */
unsigned int vt_nth_strategy(unsigned int mask, unsigned int i);

/* One strategy's mapping: one VMA, or two for split. */
struct vt_map {
	unsigned int strategy;
	uint8_t *base;		/* data pages (whole layout unless split) */
	uint8_t *hpet;		/* the HPET page */
	size_t len;		/* of base */
};

/*
 * How far behind the kernel a steered line can fall when its next update
 * comes @late ns after the @interval ns it was steered for. An update that
 * finds the page @ahead ns ahead slows the line to meet the kernel one
 * interval later, by at most half its rate (vclock_line_steer() in
 * kmod/vclock_tk_line.h); past that meeting point the slowed line keeps
 * losing time until an update comes. A late hrtimer (a busy host under TCG,
 * a stop_machine) is the only way to get there.
 */
static inline int64_t vt_steer_overshoot_ns(int64_t ahead, int64_t late, int64_t interval)
{
	double by_steering;

	if (late <= 0 || ahead <= 0 || interval <= 0)
		return 0;
	by_steering = (double)ahead * (double)late / (double)interval;
	return by_steering < late / 2 ? (int64_t)by_steering : late / 2;
}

static inline const volatile uint32_t *vt_counter(const struct vt_map *m)
{
	return (const volatile uint32_t *)(m->hpet + VCLOCK_HPET_COUNTER);
}

static inline const struct vclock_data *vt_data(const struct vt_map *m)
{
	return (const struct vclock_data *)(m->base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
}

static inline void *vt_mmap(int fd, size_t len, int prot, int flags, unsigned int strategy,
			    unsigned int lab, unsigned int page)
{
	return mmap(NULL, len, prot, flags, fd, VCLOCK_MMAP_OFFSET(strategy, lab, page));
}

/* Map the layout the way @strategy wants it; 0 or -errno. */
int vt_map(int fd, unsigned int strategy, unsigned int lab, struct vt_map *m);

/*
 * A strategy the module does not offer: assert that this kernel is the
 * reason (mixed needs vmf_insert_mixed_prot(), which v6.4 removed) and that
 * mmap refuses it with EOPNOTSUPP. What a kernel no longer allows is tested
 * as unavailable, never skipped.
 */
static inline void vt_check_unoffered(int fd, unsigned int s)
{
	void *p = vt_mmap(fd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, s, 0, 0);
	int err = p == MAP_FAILED ? errno : 0;

	if (p != MAP_FAILED)
		munmap(p, VCLOCK_MAP_SIZE);
	tap_ok(s == VCLOCK_STRATEGY_MIXED && vt_kernel_at_least(6, 4) && err == EOPNOTSUPP,
	       "%s: not offered on this kernel (vmf_insert_mixed_prot() is gone since 6.4), "
	       "mmap says %s", vt_strategy_names[s], err ? strerror(err) : "success");
}

/* Fault in every page of the layout with real loads. */
void vt_touch_all(const struct vt_map *m);

/*
 * A consistent copy of a data page, taken under its seqcount like a reader;
 * the writer's checksum then tells whether it is torn.
 */
void vt_snapshot(const volatile struct vclock_data *page, struct vclock_data *copy);

void vt_unmap(struct vt_map *m);

/* Introspection of @pid's vclock VMAs; returns pages found or -errno. */
int vt_query(int fd, pid_t pid, struct vclock_pte_info *e, unsigned int max,
	     unsigned int *nr_vmas);

int vt_present(const struct vclock_pte_info *e, int n);

/* The entry for user address @addr, or NULL. */
const struct vclock_pte_info *vt_entry(const struct vclock_pte_info *e, int n,
				      const void *addr);

/*
 * The calling process's vclock VMAs (of /dev/vclock and of /proc/vclock),
 * read with the tools' parser
 * (userspace/proc_maps.c), with smaps' fields (VmFlags, Rss) merged in if
 * @smaps (reading smaps walks the page tables: slower); 0 or -errno.
 * maps_free() releases @l.
 */
int vt_vclock_vmas(struct maps_list *l, bool smaps);

/* How many of them map vt_path(), the file the tests use. */
int vt_count_vmas(void);

/* The maps line of the VMA starting at @addr (maps_format()); 1 if found. */
int vt_maps_line(const void *addr, char *out, size_t size);

/* The smaps VmFlags of the VMA starting at @addr, e.g. "rd mr ms io pf de dd". */
int vt_vmflags(const void *addr, char *out, size_t size);

/* Does the VmFlags string @flags contain the code @flag? */
static inline int vt_has_flag(const char *flags, const char *flag)
{
	return vmflags_has(flags, flag);
}

/* File descriptors of this process open on /dev/vclock. */
int vt_count_fds(void);

/*
 * Fork, run @fn(@arg) in the child with SIGBUS and SIGSEGV at their default
 * actions and _exit(0) after it; the child's wait status, or -1 if the fork
 * or the wait failed. The one fork helper: vt_in_child() and run_child()
 * (vclock_child.h) report from it.
 */
int vt_fork_wait(void (*fn)(void *), void *arg);

/*
 * Run @fn(@arg) in a child; return the signal that killed it, 0 if it
 * returned, or 256 + its exit status if that was not 0.
 */
int vt_in_child(void (*fn)(void *), void *arg);

uint64_t vt_raw_ns(void);

/* Write @val to a (sysfs, proc, tracefs) file in one write; 0 or -errno. */
int vt_write_file(const char *path, const char *val);
/* unshare(CLONE_NEWTIME | @flags) and write @offsets (as
 * /proc/self/timens_offsets takes them): our later children live there. */
int vt_new_timens(int flags, const char *offsets);

/* Read and write a module parameter; 0 or -errno. */
int vt_param_write(const char *name, const char *val);

/* The first line of a (sysfs, proc) file, without its newline; 0 or -errno. */
int vt_read_file(const char *path, char *out, size_t size);

int vt_param_read(const char *name, char *out, size_t size);

/* ---- loading and unloading the module (suites that reload it) ---- */

#define VT_MODULE_PATH	"/opt/vclock/kmod/vclock.ko"

/* finit_module with @params; 0 or -errno. */
int vt_load(const char *params);

int vt_loaded(void);

/* rmmod, retrying for up to 5 s while the last users go away; 0 or -errno. */
int vt_unload(void);

/* Load it as vm/run --load did (vm/init keeps the parameters in /vm/load). */
int vt_reload(void);

/*
 * The number after @key at the start of a line of @path ("MemFree:",
 * "updates:"), from the last such line; -1 if there is none.
 */
long vt_file_value(const char *path, const char *key);

/* The same in the module's status file. */
#define VT_STATUS_PATH	"/sys/kernel/debug/vclock/status"
long vt_status_value(const char *key);

/* The module's live VMAs of every strategy (status "live_vmas:"); -1 if absent. */
long vt_status_live_vmas(void);

/* How many lines of the kernel log contain @needle. */
int vt_dmesg_count(const char *needle);

/* Kernel log lines that vm/check-dmesg would fail the run for. */
int vt_kernel_faults(void);

#endif /* VCLOCK_TEST_H */
