/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vclock_abi.h - the one ABI of /dev/vclock, shared by the kernel module, the
 * reader library (vdso/), the tools (userspace/) and the CRIU plugin.
 *
 * A process maps /dev/vclock PROT_READ, MAP_SHARED and gets ONE VMA of
 * VCLOCK_NR_PAGES pages, like the x86 [vvar] of Linux v4.6:
 *
 *   page 0  VCLOCK_PAGE_DATA  struct vclock_data, the timekeeper's,
 *                             or a time namespace's view       (RAM, WB)
 *   page 1  VCLOCK_PAGE_LAB   a RAM page for cache-mode experiments (RAM)
 *   page 2  VCLOCK_PAGE_TK    struct vclock_data, the timekeeper's (RAM, WB)
 *   page 3  VCLOCK_PAGE_HPET  the HPET registers                  (MMIO, UC-)
 *
 * A mapping made by a task whose time namespace has offsets gets, at page 0,
 * that namespace's view: a struct vclock_data written once, whose clock_mode
 * is VCLOCK_MODE_TIMENS and whose base[] holds the namespace's offsets (see
 * struct vclock_data). A reader that finds it reads the timekeeper's page
 * VCLOCK_PAGE_TK instead and adds the offsets, as the kernel's vDSO does with
 * a time namespace's vvar page. Every other mapping has the timekeeper's
 * page at both page 0 and VCLOCK_PAGE_TK.
 *
 * How the pages get into the page tables (the population strategy) and what
 * cache mode the lab page asks for are chosen by the mmap offset, so that a
 * process restored by CRIU (which re-mmaps the same offset) gets the same.
 * Offset 0 means "the strategy of this open file" (VCLOCK_IOC_SET_STRATEGY,
 * default fault); the module then rewrites the VMA's offset to the explicit
 * one, so /proc/PID/maps always shows which strategy a mapping uses.
 *
 * Everything here is fixed-size and naturally aligned; bump
 * VCLOCK_LAYOUT_VERSION for any change of struct vclock_data or of the page
 * layout, VCLOCK_ABI_VERSION for any change of the ioctls.
 */
#ifndef _VCLOCK_ABI_H
#define _VCLOCK_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VCLOCK_DEVICE		"/dev/vclock"
/*
 * The same mapping, ioctls and offsets through a regular file, which stock
 * CRIU checkpoints and restores with no plugin. VCLOCK_DEVICE_ENV names the
 * path the library and the tools use instead of VCLOCK_DEVICE.
 */
#define VCLOCK_PROC_FILE	"/proc/vclock"
#define VCLOCK_DEVICE_ENV	"VCLOCK_DEVICE"

#ifndef __KERNEL__
/*
 * The path to map for the value @env of VCLOCK_DEVICE_ENV: VCLOCK_DEVICE
 * when unset (NULL) or empty, either of the module's two files when named
 * exactly, else NULL (the caller refuses it). Only the module's own files:
 * a set-user-ID program is never handed another file's "time". No libc, so
 * the freestanding library can use it.
 */
static inline int vclock_path_is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline const char *vclock_device_path(const char *env)
{
	if (!env || !*env || vclock_path_is(env, VCLOCK_DEVICE))
		return VCLOCK_DEVICE;
	if (vclock_path_is(env, VCLOCK_PROC_FILE))
		return VCLOCK_PROC_FILE;
	return (const char *)0;
}
#endif
#define VCLOCK_NAME		"vclock"
#define VCLOCK_ABI_VERSION	2	/* 2: PFN hiding (flags, VCLOCK_ADDR_HIDDEN) */
#define VCLOCK_LAYOUT_VERSION	2	/* 2: VCLOCK_PAGE_TK, VCLOCK_MODE_TIMENS views */
#define VCLOCK_MAGIC		0x4b4c4356u	/* "VCLK" */

#define VCLOCK_PAGE_SHIFT	12
#define VCLOCK_PAGE_SIZE	(1u << VCLOCK_PAGE_SHIFT)

enum vclock_page {
	VCLOCK_PAGE_DATA = 0,
	VCLOCK_PAGE_LAB = 1,
	VCLOCK_PAGE_TK = 2,
	VCLOCK_PAGE_HPET = 3,
	VCLOCK_NR_PAGES = 4,
};
#define VCLOCK_NR_DATA_PAGES	3	/* pages before the HPET page */
#define VCLOCK_MAP_SIZE		(VCLOCK_NR_PAGES * VCLOCK_PAGE_SIZE)

/* HPET registers (byte offsets in the HPET page). */
#define VCLOCK_HPET_GCAP_ID	0x000	/* bits 63:32: period in femtoseconds */
#define VCLOCK_HPET_PERIOD	0x004
#define VCLOCK_HPET_CONFIG	0x010	/* bit 0: counter enabled */
#define VCLOCK_HPET_COUNTER	0x0f0	/* main counter, read with 32-bit loads */

/* Population strategies. */
enum vclock_strategy {
	VCLOCK_STRATEGY_FILE = 0,	/* offset 0: the open file's choice */
	VCLOCK_STRATEGY_FAULT = 1,	/* .fault + vmf_insert_pfn_prot (v4.6) */
	VCLOCK_STRATEGY_REMAP = 2,	/* remap_pfn_range at mmap (pre-v4.6) */
	VCLOCK_STRATEGY_SPLIT = 3,	/* data and HPET as two VMAs */
	VCLOCK_STRATEGY_MIXED = 4,	/* VM_MIXEDMAP + vmf_insert_mixed_prot */
	VCLOCK_NR_STRATEGIES = 5,
};

/* What the lab page asks for, to watch PAT overrule or honour it. */
enum vclock_lab {
	VCLOCK_LAB_WB = 0,		/* requested WB */
	VCLOCK_LAB_UC = 1,		/* requested UC on plain RAM: PAT keeps WB */
	VCLOCK_LAB_UC_SETMEM = 2,	/* requested UC on a page whose linear map
					 * was made UC- with set_memory_uc() */
	VCLOCK_NR_LAB = 3,
};

/*
 * mmap offset, in pages: bits 0-3 the first layout page mapped (non-zero only
 * for the HPET VMA of the split strategy), bits 4-7 the strategy, bits 8-9
 * the lab mode, bit 10 VCLOCK_PGOFF_DONTCOPY. The valid (offset, length)
 * pairs are:
 *   fault, remap, mixed: page 0, VCLOCK_NR_PAGES pages
 *   split:               page 0, VCLOCK_NR_DATA_PAGES pages (data VMA)
 *                        page VCLOCK_PAGE_HPET, 1 page      (HPET VMA)
 * Anything else is EINVAL.
 */
#define VCLOCK_PGOFF(strategy, lab, page) \
	((((__u64)(lab)) << 8) | (((__u64)(strategy)) << 4) | (__u64)(page))
#define VCLOCK_PGOFF_PAGE(pgoff)	((unsigned int)((pgoff) & 0xf))
#define VCLOCK_PGOFF_STRATEGY(pgoff)	((unsigned int)(((pgoff) >> 4) & 0xf))
#define VCLOCK_PGOFF_LAB(pgoff)		((unsigned int)(((pgoff) >> 8) & 0x3))
/*
 * VM_DONTCOPY: a fork child does not get the mapping (no PTEs copied, no
 * view reference taken), as Linus advised for such mappings in 2006. Any
 * strategy; the VMA keeps the bit in its offset, so /proc/PID/maps shows it
 * and CRIU, re-mapping the same offset, restores it. A module before this
 * bit refuses it (EINVAL).
 */
#define VCLOCK_PGOFF_DONTCOPY		((__u64)1 << 10)
#define VCLOCK_PGOFF_MAX		(VCLOCK_PGOFF(0xf, 0x3, 0xf) | VCLOCK_PGOFF_DONTCOPY)
#define VCLOCK_MMAP_OFFSET(strategy, lab, page) \
	(VCLOCK_PGOFF(strategy, lab, page) << VCLOCK_PAGE_SHIFT)

/* Counter modes: what a reader loads to extrapolate from the last update. */
enum vclock_mode {
	VCLOCK_MODE_NONE = 0,	/* no usable counter: use the syscall */
	VCLOCK_MODE_HPET = 1,	/* 32-bit load at HPET page + VCLOCK_HPET_COUNTER */
	VCLOCK_MODE_TSC = 2,	/* rdtsc (ordered) */
	VCLOCK_NR_MODES = 3,
};

/*
 * The mode of a time namespace's view (page 0 of a mapping made in a
 * namespace with offsets): no clock is read from it. Read the timekeeper's
 * page, VCLOCK_PAGE_TK - VCLOCK_PAGE_DATA pages on in the same mapping, and
 * add the view's offsets. Negative, so that "mode <= VCLOCK_MODE_NONE" is
 * the one test for "this page does not serve by itself".
 */
#define VCLOCK_MODE_TIMENS	(-1)

/* Clock ids (the kernel's clockid_t values) the data page serves. */
#define VCLOCK_MAX_CLOCKS	12
#define VCLOCK_CLOCK_BIT(id)	(1u << (id))
#define VCLOCK_HRES_CLOCKS	(VCLOCK_CLOCK_BIT(0) | VCLOCK_CLOCK_BIT(1) | \
				 VCLOCK_CLOCK_BIT(7) | VCLOCK_CLOCK_BIT(11))
				/* REALTIME MONOTONIC BOOTTIME TAI */
#define VCLOCK_RAW_CLOCKS	VCLOCK_CLOCK_BIT(4)	/* MONOTONIC_RAW */
#define VCLOCK_COARSE_CLOCKS	(VCLOCK_CLOCK_BIT(5) | VCLOCK_CLOCK_BIT(6))
				/* REALTIME_COARSE MONOTONIC_COARSE */
#define VCLOCK_SERVED_CLOCKS	(VCLOCK_HRES_CLOCKS | VCLOCK_RAW_CLOCKS | \
				 VCLOCK_COARSE_CLOCKS)

/*
 * One base time. For the hres and raw clocks, snsec holds nanoseconds shifted
 * left by the clock's shift (as the kernel's vdso_data does), so a reader
 * computes  ns = (snsec + ((counter - cycle_last) & mask) * mult) >> shift.
 * For the coarse clocks snsec holds plain nanoseconds.
 */
struct vclock_time {
	__u64 sec;
	__u64 snsec;
};

/*
 * The data page. A reader samples seq, reads what it needs, and retries if
 * seq was odd or changed (see vdso/). The module updates it from an hrtimer
 * (hres and raw clocks) and from the kernel's timekeeping updates (coarse
 * clocks, time zone).
 *
 * A time namespace's view (clock_mode VCLOCK_MODE_TIMENS) is written once,
 * before any mapping can reach it, and never again (seq stays even): base[id]
 * is the namespace's offset of clock id, in plain nanoseconds (sec may be
 * negative as two's complement, 0 <= snsec < 10^9), zero for the clocks a
 * namespace does not shift (REALTIME, TAI, REALTIME_COARSE); magic,
 * layout_version and checksum are as on every page, the rest is zero.
 */
struct vclock_data {
	__u32 magic;			/* VCLOCK_MAGIC, constant */
	__u32 layout_version;		/* VCLOCK_LAYOUT_VERSION, constant */
	__u32 seq;			/* odd while an update is in progress */
	__s32 clock_mode;		/* enum vclock_mode */
	__u64 cycle_last;		/* counter value the bases refer to */
	__u64 mask;			/* counter width (HPET: 32 bits) */
	__u32 mult;			/* REALTIME MONOTONIC BOOTTIME TAI */
	__u32 shift;
	__u32 raw_mult;			/* MONOTONIC_RAW */
	__u32 raw_shift;
	struct vclock_time base[VCLOCK_MAX_CLOCKS];	/* by clock id */
	__s32 tz_minuteswest;		/* sys_tz, for gettimeofday */
	__s32 tz_dsttime;
	__u32 hres_res_ns;		/* clock_getres of the hres and raw clocks */
	__u32 coarse_res_ns;		/* clock_getres of the coarse clocks */
	__u64 update_count;		/* updates published so far */
	__u64 checksum;			/* vclock_data_checksum() of the above */
};

/*
 * A check value the writer maintains over everything but seq and itself, so
 * a test can prove no reader ever sees a torn update. Not for the fast path.
 */
static inline __u64 vclock_mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x100000001b3ull;		/* FNV-1a prime */
	return h ^ (h >> 29);
}

static inline __u64 vclock_data_checksum(const struct vclock_data *d)
{
	__u64 h = 0xcbf29ce484222325ull;
	int i;

	h = vclock_mix(h, (__u32)d->clock_mode);
	h = vclock_mix(h, d->cycle_last);
	h = vclock_mix(h, d->mask);
	h = vclock_mix(h, ((__u64)d->mult << 32) | d->shift);
	h = vclock_mix(h, ((__u64)d->raw_mult << 32) | d->raw_shift);
	for (i = 0; i < VCLOCK_MAX_CLOCKS; i++) {
		h = vclock_mix(h, d->base[i].sec);
		h = vclock_mix(h, d->base[i].snsec);
	}
	h = vclock_mix(h, ((__u64)(__u32)d->tz_minuteswest << 32) | (__u32)d->tz_dsttime);
	h = vclock_mix(h, ((__u64)d->hres_res_ns << 32) | d->coarse_res_ns);
	h = vclock_mix(h, d->update_count);
	return h;
}

/* ---- ioctls --------------------------------------------------------------- */

#define VCLOCK_IOC_MAGIC	0xb6

/* What this module offers and how it is configured. */
struct vclock_info {
	__u32 abi_version;		/* VCLOCK_ABI_VERSION */
	__u32 layout_version;		/* VCLOCK_LAYOUT_VERSION */
	__u32 page_size;
	__u32 nr_pages;			/* VCLOCK_NR_PAGES */
	__u32 strategies;		/* bit (1 << s): strategy s available */
	__u32 modes;			/* bit (1 << m): counter mode m available */
	__s32 clock_mode;		/* current enum vclock_mode */
	__u32 file_strategy;		/* this file's strategy for offset 0 */
	__u64 hpet_address;		/* physical; 0: no usable HPET;
					 * VCLOCK_ADDR_HIDDEN: not shown to
					 * callers without CAP_SYS_ADMIN */
	__u32 hpet_period_fs;
	__u32 update_interval_us;	/* timekeeper hrtimer period */
};

#define VCLOCK_ADDR_HIDDEN	(~(__u64)0)

/* Cache modes, as decoded from a PTE through the CPU's PAT MSR. */
enum vclock_cache {
	VCLOCK_CACHE_NONE = 0,		/* page not present */
	VCLOCK_CACHE_WB = 1,
	VCLOCK_CACHE_WC = 2,
	VCLOCK_CACHE_WT = 3,
	VCLOCK_CACHE_WP = 4,
	VCLOCK_CACHE_UC = 5,
	VCLOCK_CACHE_UC_MINUS = 6,
	VCLOCK_NR_CACHE = 7,
};

/* One page of a vclock VMA, as the page tables have it right now. */
struct vclock_pte_info {
	__u64 addr;			/* user virtual address of the page */
	__u64 vma_start;		/* the VMA holding it */
	__u64 vma_end;
	__u64 vm_flags;			/* the VMA's vm_flags */
	__u64 pte;			/* raw PTE value; 0 when not present */
	__u64 pfn;			/* 0 when not present or hidden */
	__u32 page;			/* enum vclock_page */
	__u32 strategy;			/* enum vclock_strategy of the VMA */
	__u32 lab;			/* enum vclock_lab of the VMA */
	__u32 present;			/* 1 if a PTE maps the page (also
					 * PROT_NONE: VCLOCK_PTE_PROTNONE) */
	__u32 requested;		/* enum vclock_cache the module asks for */
	__u32 effective;		/* enum vclock_cache from PTE bits + PAT */
	__u32 pat_index;		/* PAT << 2 | PCD << 1 | PWT */
	__u32 flags;			/* VCLOCK_PTE_* */
};

/*
 * The kernel's pagemap rule: physical addresses only for CAP_SYS_ADMIN (the
 * caller, and the opener of the file). Otherwise pfn and the PTE's PFN bits
 * are 0 and VCLOCK_PTE_HIDDEN is set; the other PTE bits are shown.
 */
#define VCLOCK_PTE_HIDDEN	(1u << 0)
#define VCLOCK_PTE_PROTNONE	(1u << 1)	/* mapped, but PROT_NONE */

/*
 * Introspection: every page of every vclock VMA of a process. pid 0 is the
 * caller; another process needs CAP_SYS_ADMIN (EPERM otherwise, ESRCH if it
 * does not exist). Physical addresses are hidden from callers without
 * CAP_SYS_ADMIN (VCLOCK_PTE_HIDDEN). At most max_entries are written to entries; nr_entries
 * says how many pages there are in all (so a caller can size its buffer).
 */
struct vclock_query {
	__s32 pid;			/* in */
	__u32 max_entries;		/* in */
	__u64 entries;			/* in: user pointer to vclock_pte_info[] */
	__u32 nr_entries;		/* out: pages in the process's vclock VMAs */
	__u32 nr_vmas;			/* out: vclock VMAs in the process */
};

#define VCLOCK_IOC_INFO		_IOR(VCLOCK_IOC_MAGIC, 1, struct vclock_info)
#define VCLOCK_IOC_SET_STRATEGY	_IOW(VCLOCK_IOC_MAGIC, 2, __u32)
#define VCLOCK_IOC_QUERY	_IOWR(VCLOCK_IOC_MAGIC, 3, struct vclock_query)

/* Names, for tools and the status file. */
#define VCLOCK_STRATEGY_NAMES	{ "file", "fault", "remap", "split", "mixed" }
#define VCLOCK_MODE_NAMES	{ "none", "hpet", "tsc" }
#define VCLOCK_LAB_NAMES	{ "wb", "uc", "uc-setmem" }
#define VCLOCK_PAGE_NAMES	{ "data", "lab", "tk", "hpet" }
#define VCLOCK_CACHE_NAMES	{ "-", "WB", "WC", "WT", "WP", "UC", "UC-" }

#endif /* _VCLOCK_ABI_H */
