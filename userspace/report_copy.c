// SPDX-License-Identifier: GPL-2.0
/*
 * report_copy.c - seeds 001 and 004: what the kernel reserves, copies and
 * counts for each strategy's mapping, from mmap to the last process's exit.
 *
 *   memtype S          x86 PAT memtype entries (debugfs pat_memtype_list)
 *                      covering the mapping's pages, added to the count
 *                      before mmap: after mmap, the first touch, fork(),
 *                      the parent's munmap and the child's exit. VM_PAT
 *                      (a reservation copied at fork) exists only for a
 *                      remap_pfn_range() of the whole VMA (seed 001).
 *   pgoff S            the vm_pgoff each VMA carries (/proc/self/maps'
 *                      offset): our offset encoding, never a pfn, since
 *                      the mapping is never a COW mapping (seed 004).
 *   map private S      whether MAP_PRIVATE maps, else the errno.
 *   mprotect write S   mprotect(PROT_WRITE) on the read-only mappings.
 *   fork S             the child's VMAs and its PTEs before its own first
 *                      touch (VCLOCK_IOC_QUERY of its pid): copied at fork,
 *                      or faulted in again.
 *   kpagecount S       /proc/kpagecount (the page's map count) of the data
 *                      and lab pages: a PFN map takes no reference, a
 *                      vm_insert_page() would.
 *   dontcopy S         the VM_DONTCOPY variant (VCLOCK_PGOFF_DONTCOPY):
 *                      VmFlags dc, and no VMA in a fork child.
 *
 * Counting is the point: no physical address of a RAM page is printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_maps.h"
#include "report.h"

#define MEMTYPE_LIST	"/sys/kernel/debug/x86/pat_memtype_list"

static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;

/* The pages whose reservations and counts are measured. */
enum { TRACK_HPET, TRACK_DATA, TRACK_LAB, NR_TRACK };

struct tracked {
	uint64_t pfn[NR_TRACK];		/* 0: unknown (no HPET) */
	const char *pfn_source;		/* where the RAM pfns came from */
};

/* The stages of one mapping's life, in order. */
enum { ST_BEFORE, ST_MMAP, ST_TOUCH, ST_FORK, ST_MUNMAP, ST_EXIT, NR_STAGES };
static const char *const stage_names[] = {
	"before", "mmap", "touch", "fork", "parent munmap", "child exit",
};

/*
 * Memtype entries overlapping the page of each tracked pfn: @hpet for the
 * HPET page, @ram for the data and lab pages together. -errno if the list
 * cannot be read. Lines are "PAT: [mem 0xSTART-0xEND] TYPE" (since v5.6)
 * or "TYPE @ 0xSTART-0xEND", END exclusive.
 */
static int memtype_count(const struct tracked *t, int *hpet, int *ram, char *type, size_t tsize)
{
	unsigned long long start, end;
	char line[256], *at;
	unsigned int i;
	FILE *f = fopen(MEMTYPE_LIST, "r");

	if (!f)
		return -errno;
	*hpet = *ram = 0;
	while (fgets(line, sizeof(line), f)) {
		if ((at = strstr(line, "[mem ")))
			at += 5;
		else if ((at = strstr(line, "@ ")))
			at += 2;
		else
			continue;
		if (sscanf(at, "%llx-%llx", &start, &end) != 2)
			continue;
		for (i = 0; i < NR_TRACK; i++) {
			uint64_t lo = t->pfn[i] << 12, hi = lo + VCLOCK_PAGE_SIZE;

			if (!t->pfn[i] || start >= hi || end <= lo)
				continue;
			if (i == TRACK_HPET) {
				(*hpet)++;
				if (type && tsize) {
					/* the type: after "] " or before " @" */
					const char *ty = strstr(line, "] ");

					if (ty)
						snprintf(type, tsize, "%s", ty + 2);
					else
						snprintf(type, tsize, "%.*s", (int)strcspn(line, " @"), line);
					type[strcspn(type, "\n")] = 0;
				}
			} else {
				(*ram)++;
			}
		}
	}
	fclose(f);
	return 0;
}

/* Debugfs mounted, for the memtype list; 0 or -errno. */
static int memtype_list_ready(void)
{
	if (!access(MEMTYPE_LIST, R_OK))
		return 0;
	if (access("/sys/kernel/debug/x86", F_OK) &&
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) && errno != EBUSY)
		return -errno;
	return access(MEMTYPE_LIST, R_OK) ? -errno : 0;
}

/* The pfn pagemap gives for @addr, 0 if it hides it or the page is "absent". */
static uint64_t pagemap_pfn(const void *addr)
{
	int f = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t ent = 0;
	ssize_t n;

	if (f < 0)
		return 0;
	n = pread(f, &ent, sizeof(ent), (off_t)((uintptr_t)addr / VCLOCK_PAGE_SIZE * sizeof(ent)));
	close(f);
	if (n != sizeof(ent) || !(ent >> 63 & 1))
		return 0;
	return ent & ((1ull << 55) - 1);
}

/*
 * The pfns of the HPET, data and lab (wb) pages: the HPET's from the
 * module's info, the RAM pages' from pagemap if it shows them, else from
 * VCLOCK_IOC_QUERY (root sees pfns there; pagemap walks a PFN map as a
 * hole). 0 or -errno.
 */
static int find_pfns(int fd, unsigned int s, struct tracked *t)
{
	struct vclock_pte_info e[VCLOCK_NR_PAGES];
	struct vclock_info info;
	char *base;
	int n, err, page;

	memset(t, 0, sizeof(*t));
	if (!ioctl(fd, VCLOCK_IOC_INFO, &info) && info.hpet_address &&
	    info.hpet_address != VCLOCK_ADDR_HIDDEN)
		t->pfn[TRACK_HPET] = info.hpet_address >> VCLOCK_PAGE_SHIFT;
	err = map_layout(fd, s, VCLOCK_LAB_WB, &base);
	if (err)
		return err;
	for (page = 0; page < VCLOCK_NR_PAGES; page++)
		(void)*(volatile const char *)(base + page * VCLOCK_PAGE_SIZE);
	t->pfn[TRACK_DATA] = pagemap_pfn(base + VCLOCK_PAGE_DATA * VCLOCK_PAGE_SIZE);
	t->pfn[TRACK_LAB] = pagemap_pfn(base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
	t->pfn_source = "pagemap";
	n = query_self(fd, e, VCLOCK_NR_PAGES);
	if (!t->pfn[TRACK_DATA] || !t->pfn[TRACK_LAB]) {
		t->pfn_source = "VCLOCK_IOC_QUERY";
		if (n == VCLOCK_NR_PAGES) {
			t->pfn[TRACK_DATA] = e[VCLOCK_PAGE_DATA].pfn;
			t->pfn[TRACK_LAB] = e[VCLOCK_PAGE_LAB].pfn;
		}
	}
	if (!t->pfn[TRACK_HPET] && n == VCLOCK_NR_PAGES)
		t->pfn[TRACK_HPET] = e[VCLOCK_PAGE_HPET].pfn;
	munmap(base, VCLOCK_MAP_SIZE);
	if (n < 0)
		return n;
	return t->pfn[TRACK_DATA] && t->pfn[TRACK_LAB] ? 0 : -EPERM;
}

/* The PTEs present in @pid's vclock VMAs (VCLOCK_IOC_QUERY); -errno. */
static int query_pid(int fd, pid_t pid, unsigned int *nr_vmas, int *present)
{
	struct vclock_pte_info e[2 * VCLOCK_NR_PAGES];
	struct vclock_query q = {
		.pid = pid, .max_entries = 2 * VCLOCK_NR_PAGES, .entries = (uintptr_t)e,
	};
	unsigned int i;

	if (ioctl(fd, VCLOCK_IOC_QUERY, &q))
		return -errno;
	*nr_vmas = q.nr_vmas;
	*present = 0;
	for (i = 0; i < q.nr_entries && i < q.max_entries; i++)
		*present += !!e[i].present;
	return (int)q.nr_entries;
}

/*
 * The pgoff of every VMA in [base, base + len) as "0x30, 0x33",
 * against what was asked (@s, lab wb): a different one (a pfn, as
 * remap_pfn_range() stores for a COW mapping) is said, never printed.
 */
static void vma_pgoffs(const char *base, size_t len, unsigned int s, char *out, size_t size)
{
	struct maps_list l = { 0 };
	size_t i, used = 0;
	unsigned long long pgoff;

	out[0] = 0;
	if (maps_read("self", &l)) {
		snprintf(out, size, "cannot read /proc/self/maps");
		return;
	}
	for (i = 0; i < l.n && used < size; i++) {
		unsigned long page;

		if (l.v[i].start < (uintptr_t)base || l.v[i].start >= (uintptr_t)base + len)
			continue;
		page = (l.v[i].start - (uintptr_t)base) / VCLOCK_PAGE_SIZE;
		pgoff = l.v[i].offset / VCLOCK_PAGE_SIZE;
		if (pgoff == VCLOCK_PGOFF(s, VCLOCK_LAB_WB, page))
			used += (size_t)snprintf(out + used, size - used, "%s%#llx",
						 used ? ", " : "", pgoff);
		else
			used += (size_t)snprintf(out + used, size - used,
						 "%snot the offset asked (not shown: a pfn?)",
						 used ? ", " : "");
	}
	maps_free(&l);
	if (!out[0])
		snprintf(out, size, "no VMA found");
}

static const char *errno_name(int err)
{
	return strerrorname_np(err) ?: "?";
}

/*
 * MAP_PRIVATE of @s's first VMA: its pgoffs or "refused (ERRNO)" in
 * @pgoffs, and mprotect(PROT_WRITE)'s errno on it (-1: not mapped).
 */
static void map_private(int fd, unsigned int s, char *pgoffs, size_t size, int *mprotect_err)
{
	size_t len = s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE :
		     VCLOCK_MAP_SIZE;
	char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd,
		       VCLOCK_MMAP_OFFSET(s, VCLOCK_LAB_WB, 0));

	*mprotect_err = -1;
	if (p == MAP_FAILED) {
		snprintf(pgoffs, size, "refused (%s)", errno_name(errno));
		return;
	}
	vma_pgoffs(p, len, s, pgoffs, size);
	*mprotect_err = mprotect(p, len, PROT_READ | PROT_WRITE) ? errno : 0;
	munmap(p, len);
}

/* The rows of each strategy, in order. */
#define NR_KINDS 6
static const char *const kinds[NR_KINDS] = {
	"memtype", "pgoff", "map private", "mprotect write", "fork", "kpagecount",
};

/* One strategy's measurements, stage by stage; -1: not measured. */
struct life {
	int map_err;			/* mapping the layout: 0 or -errno */
	int mt_err;			/* reading the memtype list: 0 or -errno */
	int mt_hpet[NR_STAGES], mt_ram[NR_STAGES];
	char hpet_type[64];
	long long count[NR_TRACK][NR_STAGES];	/* kpagecount, data and lab */
	char pgoffs[160];
	int mprotect_err;		/* on the MAP_SHARED mapping */
	int child_err;			/* forking or querying the child: -errno */
	unsigned int child_vmas;
	int child_ptes, child_ptes_touched, parent_ptes;
};

static void touch_layout(const char *base)
{
	unsigned int page;

	for (page = 0; page < VCLOCK_NR_PAGES; page++)
		(void)*(volatile const char *)(base + page * VCLOCK_PAGE_SIZE);
}

static void measure(const struct tracked *t, struct life *l, int stage)
{
	unsigned int i;

	if (!l->mt_err)
		l->mt_err = memtype_count(t, &l->mt_hpet[stage], &l->mt_ram[stage],
					  stage == ST_BEFORE ? l->hpet_type : NULL,
					  sizeof(l->hpet_type));
	for (i = TRACK_DATA; i < NR_TRACK; i++)
		l->count[i][stage] = kpagecount(t->pfn[i]);
}

/*
 * The forked child: it touches nothing until told. Each byte on @cmd is a
 * request (touch every page), answered on @ack; end of file: exit. So the
 * parent's end closing, whatever happened, ends the child.
 */
static void __attribute__((noreturn)) child_loop(int cmd, int ack, const char *base)
{
	char c;

	while (read(cmd, &c, 1) == 1) {
		touch_layout(base);
		if (write(ack, &c, 1) != 1)
			break;
	}
	_exit(0);
}

/* mmap, touch, fork, the parent's munmap, the child's exit, measured between. */
static void live_one(int fd, unsigned int s, const struct tracked *t, struct life *l)
{
	int cmd[2] = { -1, -1 }, ack[2] = { -1, -1 }, status, err, n;
	unsigned int vmas;
	char *base, c = 't';
	pid_t pid = -1;

	measure(t, l, ST_BEFORE);
	err = map_layout(fd, s, VCLOCK_LAB_WB, &base);
	if (err) {
		l->map_err = err;
		return;
	}
	measure(t, l, ST_MMAP);
	vma_pgoffs(base, VCLOCK_MAP_SIZE, s, l->pgoffs, sizeof(l->pgoffs));
	/* The data VMA (split: the HPET VMA is another). */
	l->mprotect_err = mprotect(base, s == VCLOCK_STRATEGY_SPLIT ?
				   VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE : VCLOCK_MAP_SIZE,
				   PROT_READ | PROT_WRITE) ? errno : 0;
	touch_layout(base);
	measure(t, l, ST_TOUCH);
	n = query_pid(fd, 0, &vmas, &l->parent_ptes);
	if (n < 0)
		l->parent_ptes = -1;

	fflush(stdout);
	/* A child killed before it answers is a fact, not the report's death. */
	signal(SIGPIPE, SIG_IGN);
	if (pipe(cmd) || pipe(ack)) {
		l->child_err = -errno;
		goto out_unmap;
	}
	pid = fork();
	if (pid < 0) {
		l->child_err = -errno;
		goto out_unmap;
	}
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		child_loop(cmd[0], ack[1], base);
	}
	close(cmd[0]);
	close(ack[1]);
	cmd[0] = ack[1] = -1;
	measure(t, l, ST_FORK);
	n = query_pid(fd, pid, &l->child_vmas, &l->child_ptes);
	if (n < 0) {
		l->child_err = n;
	} else if (write(cmd[1], &c, 1) != 1 || read(ack[0], &c, 1) != 1) {
		l->child_err = -EPIPE;	/* the child died (SIGPIPE is ignored) */
	} else {
		n = query_pid(fd, pid, &vmas, &l->child_ptes_touched);
		if (n < 0)
			l->child_err = n;
	}

out_unmap:
	munmap(base, VCLOCK_MAP_SIZE);
	measure(t, l, ST_MUNMAP);
	if (cmd[1] >= 0)
		close(cmd[1]);		/* the child's end of file: it exits */
	if (pid > 0 && waitpid(pid, &status, 0) == pid && !l->child_err &&
	    !(WIFEXITED(status) && !WEXITSTATUS(status)))
		l->child_err = -ECHILD;
	measure(t, l, ST_EXIT);
	if (cmd[0] >= 0)
		close(cmd[0]);
	if (ack[0] >= 0)
		close(ack[0]);
	if (ack[1] >= 0)
		close(ack[1]);
}

/* "+0" for stage entries against the count before mapping. */
static int memtype_row(const int *count, char *out, size_t size)
{
	size_t used = 0;
	int st, changed = 0;

	for (st = ST_MMAP; st < NR_STAGES; st++) {
		used += (size_t)snprintf(out + used, size > used ? size - used : 0, "%s%s %+d",
					 st > ST_MMAP ? ", " : "", stage_names[st],
					 count[st] - count[ST_BEFORE]);
		changed |= count[st] != count[ST_BEFORE];
	}
	return changed;
}

static void emit(unsigned int s, const struct tracked *t, const struct life *l,
		 const char *private_pgoffs, int private_mprotect_err)
{
	const char *name = strategy_names[s];
	char fname[64], hpet[160], ram[160];
	unsigned int i;
	int st;

	if (l->map_err) {
		for (i = 0; i < NR_KINDS; i++) {
			snprintf(fname, sizeof(fname), "%s %s", kinds[i], name);
			fact(fname, "cannot map (%s)", errno_name(-l->map_err));
			failures++;
		}
		return;
	}
	snprintf(fname, sizeof(fname), "memtype %s", name);
	if (l->mt_err) {
		fact(fname, "cannot read %s (%s)", MEMTYPE_LIST, errno_name(-l->mt_err));
		failures++;
	} else if (l->child_err) {
		fact(fname, "not measured: %s", errno_name(-l->child_err));
		failures++;
	} else {
		memtype_row(l->mt_hpet, hpet, sizeof(hpet));
		if (memtype_row(l->mt_ram, ram, sizeof(ram)))
			fact(fname, "hpet page %s (over %d before); data/lab pages %s (over %d before)",
			     hpet, l->mt_hpet[ST_BEFORE], ram, l->mt_ram[ST_BEFORE]);
		else
			fact(fname, "%s (hpet page, over %d before%s%s); data/lab pages none",
			     hpet, l->mt_hpet[ST_BEFORE], l->hpet_type[0] ? ": " : "",
			     l->hpet_type);
	}

	snprintf(fname, sizeof(fname), "pgoff %s", name);
	fact(fname, "shared %s; private %s", l->pgoffs, private_pgoffs);

	snprintf(fname, sizeof(fname), "map private %s", name);
	if (private_mprotect_err < 0)
		fact(fname, "%s", private_pgoffs);
	else
		fact(fname, "allowed, mprotect(PROT_WRITE) %s",
		     private_mprotect_err ? errno_name(private_mprotect_err) : "allowed");

	snprintf(fname, sizeof(fname), "mprotect write %s", name);
	fact(fname, "%s", l->mprotect_err ? errno_name(l->mprotect_err) : "allowed");

	snprintf(fname, sizeof(fname), "fork %s", name);
	if (l->child_err) {
		fact(fname, "not measured: %s", errno_name(-l->child_err));
		failures++;
	} else {
		fact(fname, "child has %u VMA(s), %d/%d PTEs before its touch (%s), %d after",
		     l->child_vmas, l->child_ptes, l->parent_ptes,
		     l->child_ptes == l->parent_ptes ? "copied at fork" :
		     !l->child_ptes ? "faulted in again" : "partly copied",
		     l->child_ptes_touched);
	}

	snprintf(fname, sizeof(fname), "kpagecount %s", name);
	for (i = TRACK_DATA; i < NR_TRACK; i++)
		for (st = ST_BEFORE; st < NR_STAGES; st++)
			if (l->count[i][st] < 0) {
				fact(fname, "cannot read /proc/kpagecount");
				failures++;
				return;
			}
	fact(fname, "data %lld, touched %lld, forked %lld, after %lld; "
	     "lab %lld, touched %lld, forked %lld, after %lld (map counts; pfns from %s)",
	     l->count[TRACK_DATA][ST_BEFORE], l->count[TRACK_DATA][ST_TOUCH],
	     l->count[TRACK_DATA][ST_FORK], l->count[TRACK_DATA][ST_EXIT],
	     l->count[TRACK_LAB][ST_BEFORE], l->count[TRACK_LAB][ST_TOUCH],
	     l->count[TRACK_LAB][ST_FORK], l->count[TRACK_LAB][ST_EXIT], t->pfn_source);
}

/* The layout of @s with VCLOCK_PGOFF_DONTCOPY (map_layout()'s way); -errno. */
static int map_layout_dontcopy(int fd, unsigned int s, char **base)
{
	size_t len = s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE :
		     VCLOCK_MAP_SIZE;
	off_t data = (off_t)((VCLOCK_PGOFF(s, VCLOCK_LAB_WB, 0) | VCLOCK_PGOFF_DONTCOPY) <<
			     VCLOCK_PAGE_SHIFT);
	off_t hpet = (off_t)((VCLOCK_PGOFF(s, VCLOCK_LAB_WB, VCLOCK_PAGE_HPET) |
			      VCLOCK_PGOFF_DONTCOPY) << VCLOCK_PAGE_SHIFT);
	char *p = mmap(NULL, VCLOCK_MAP_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err;

	if (p == MAP_FAILED)
		return -errno;
	if (mmap(p, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, data) == MAP_FAILED ||
	    (s == VCLOCK_STRATEGY_SPLIT &&
	     mmap(p + len, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, hpet) ==
	     MAP_FAILED)) {
		err = -errno;
		munmap(p, VCLOCK_MAP_SIZE);
		return err;
	}
	*base = p;
	return 0;
}

/*
 * The VM_DONTCOPY variant (VCLOCK_PGOFF_DONTCOPY): the VMAs' VmFlags, and
 * what a fork child has of them (VCLOCK_IOC_QUERY of its pid).
 */
static void dontcopy_row(int fd, unsigned int s)
{
	struct maps_list l = { 0 };
	unsigned int parent_vmas = 0, child_vmas = 0;
	int cmd[2], n, present, dc = 0, status;
	char fname[64], *base = NULL;
	size_t i;
	pid_t pid;

	snprintf(fname, sizeof(fname), "dontcopy %s", strategy_names[s]);
	n = map_layout_dontcopy(fd, s, &base);
	if (n) {
		fact(fname, "mmap refused (%s)", errno_name(-n));
		failures++;
		return;
	}
	touch_layout(base);
	if (!maps_read("self", &l) && !smaps_merge("self", &l))
		for (i = 0; i < l.n; i++)
			if (l.v[i].start >= (uintptr_t)base &&
			    l.v[i].start < (uintptr_t)base + VCLOCK_MAP_SIZE)
				dc += vmflags_has(l.v[i].vmflags, "dc");
	maps_free(&l);
	n = query_pid(fd, 0, &parent_vmas, &present);
	fflush(stdout);
	if (n < 0 || pipe(cmd)) {
		fact(fname, "cannot query or pipe (%s)", errno_name(n < 0 ? -n : errno));
		failures++;
		munmap(base, VCLOCK_MAP_SIZE);
		return;
	}
	pid = fork();
	if (pid == 0) {
		char c;

		close(cmd[1]);
		while (read(cmd[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(cmd[0]);
	n = pid > 0 ? query_pid(fd, pid, &child_vmas, &present) : -errno;
	close(cmd[1]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	munmap(base, VCLOCK_MAP_SIZE);
	if (n < 0) {
		fact(fname, "cannot fork or query the child (%s)", errno_name(-n));
		failures++;
		return;
	}
	fact(fname, "parent %u VMA(s), %d with VmFlags dc; fork child %u VMA(s)",
	     parent_vmas, dc, child_vmas);
}

void report_copy(int fd, unsigned int strategies)
{
	struct tracked t;
	struct life l;
	char fname[64], private_pgoffs[160];
	int err = -ENODEV, mt_err, private_mprotect_err;
	unsigned int s, k, first;

	for (first = VCLOCK_STRATEGY_FAULT; first < VCLOCK_NR_STRATEGIES; first++)
		if (strategies & (1u << first))
			break;
	if (first < VCLOCK_NR_STRATEGIES)
		err = find_pfns(fd, first, &t);
	mt_err = memtype_list_ready();
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(strategies & (1u << s)) || err) {
			for (k = 0; k < NR_KINDS; k++) {
				snprintf(fname, sizeof(fname), "%s %s", kinds[k], strategy_names[s]);
				if (!(strategies & (1u << s))) {
					fact(fname, "not offered");
				} else {
					fact(fname, "cannot find the pages' pfns (%s)", errno_name(-err));
					failures++;
				}
			}
			continue;
		}
		memset(&l, 0, sizeof(l));
		l.mt_err = mt_err;
		map_private(fd, s, private_pgoffs, sizeof(private_pgoffs), &private_mprotect_err);
		live_one(fd, s, &t, &l);
		emit(s, &t, &l, private_pgoffs, private_mprotect_err);
	}
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		snprintf(fname, sizeof(fname), "dontcopy %s", strategy_names[s]);
		if (!(strategies & (1u << s)))
			fact(fname, "not offered");
		else
			dontcopy_row(fd, s);
	}
}
