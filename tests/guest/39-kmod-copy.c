// SPDX-License-Identifier: GPL-2.0
/*
 * 39-kmod-copy - what a mapping leaves behind, strategy by strategy, across
 * fork() (seeds 001 and 004; vclock-report's memtype/fork/kpagecount rows
 * show the values, this asserts what must hold on every kernel):
 *
 *   - a PFN map (fault, remap, split) takes no reference on the data and
 *     lab pages: their /proc/kpagecount is unchanged after mmap and touch,
 *     and in a fork child that holds the PTEs;
 *   - once the child has exited and the parent has unmapped, no x86 PAT
 *     memtype entry (debugfs pat_memtype_list) is left over the HPET, data
 *     or lab page beyond those there before the mapping, and no page count;
 *   - mprotect(PROT_WRITE) is refused (EACCES) on the MAP_SHARED mapping and
 *     on a MAP_PRIVATE one: the mapping never becomes writable nor COW;
 *   - the child has the parent's VMAs (the mapping is not VM_DONTCOPY);
 *   - with VCLOCK_PGOFF_DONTCOPY it is: VmFlags dc, the offset kept,
 *     MADV_DOFORK refused, no VMA in a fork child.
 *
 * Whether the child's PTEs were copied at fork or fault in again is shown
 * (a diagnostic), as is mixed's page count. Runs as root: the pfns come from
 * VCLOCK_IOC_QUERY, which shows them to CAP_SYS_ADMIN only (pagemap walks a
 * PFN map as a hole).
 */
#include <sys/mount.h>

#include "vclock_test.h"
#include "report.h"

#define MEMTYPE_LIST	"/sys/kernel/debug/x86/pat_memtype_list"

enum { PG_HPET, PG_DATA, PG_LAB, NR_PG };
static const char *const pg_names[NR_PG] = { "hpet", "data", "lab" };
static uint64_t pfns[NR_PG];
static int fd;

/*
 * Memtype entries overlapping the page of @pfn, or -1 if the list cannot be
 * read. Lines are "PAT: [mem 0xSTART-0xEND] TYPE", END exclusive.
 */
static int memtype_entries(uint64_t pfn)
{
	unsigned long long start, end, lo = pfn << 12, hi = lo + VCLOCK_PAGE_SIZE;
	FILE *f = fopen(MEMTYPE_LIST, "r");
	char line[256], *at;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if ((at = strstr(line, "[mem ")) && sscanf(at + 5, "%llx-%llx", &start, &end) == 2 &&
		    start < hi && end > lo)
			n++;
	fclose(f);
	return n;
}

struct snapshot {
	int memtype[NR_PG];
	long long count[NR_PG];		/* data and lab only */
};

static void take(struct snapshot *sn)
{
	unsigned int i;

	for (i = 0; i < NR_PG; i++) {
		sn->memtype[i] = memtype_entries(pfns[i]);
		sn->count[i] = i == PG_HPET ? 0 : kpagecount(pfns[i]);
	}
}

/*
 * kpagecount counts what it should: a private anonymous page, touched
 * once, is mapped once (its pfn from pagemap). Without this an unchanged
 * count of 0 would prove nothing.
 */
static void check_kpagecount_sees_maps(void)
{
	volatile char *anon = mmap(NULL, VCLOCK_PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t ent = 0;
	long long count = -1;

	if (anon != MAP_FAILED && pm >= 0) {
		anon[0] = 1;
		if (pread(pm, &ent, sizeof(ent),
			  (off_t)((uintptr_t)anon / VCLOCK_PAGE_SIZE * sizeof(ent))) == sizeof(ent) &&
		    (ent >> 63 & 1))
			count = kpagecount(ent & ((1ull << 55) - 1));
	}
	tap_ok(count == 1, "kpagecount of an anonymous page touched once: 1 (got %lld)", count);
	if (pm >= 0)
		close(pm);
	if (anon != MAP_FAILED)
		munmap((void *)anon, VCLOCK_PAGE_SIZE);
}

/* The pfns of the HPET, data and lab (wb) pages, from a fault mapping. */
static void find_pfns(void)
{
	struct vclock_pte_info e[VCLOCK_NR_PAGES];
	struct vt_map m;
	int n;

	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m))
		tap_bail("cannot map the fault strategy: %s", strerror(errno));
	vt_touch_all(&m);
	n = vt_query(fd, 0, e, VCLOCK_NR_PAGES, NULL);
	vt_unmap(&m);
	if (n != VCLOCK_NR_PAGES)
		tap_bail("VCLOCK_IOC_QUERY: %s", n < 0 ? strerror(-n) : "short");
	pfns[PG_HPET] = e[VCLOCK_PAGE_HPET].pfn;
	pfns[PG_DATA] = e[VCLOCK_PAGE_DATA].pfn;
	pfns[PG_LAB] = e[VCLOCK_PAGE_LAB].pfn;
	if (!tap_ok(pfns[PG_HPET] && pfns[PG_DATA] && pfns[PG_LAB] &&
		    !(e[VCLOCK_PAGE_DATA].flags & VCLOCK_PTE_HIDDEN),
		    "VCLOCK_IOC_QUERY gives root the pfns of the HPET, data and lab pages"))
		tap_bail("no pfns: run as root");
}

/* The fork child: holds the mapping until its parent closes the pipe. */
static void __attribute__((noreturn)) child_wait(int cmd)
{
	char c;

	while (read(cmd, &c, 1) > 0)
		;
	_exit(0);
}

/* mprotect(PROT_WRITE) of a MAP_PRIVATE mapping of @s's first VMA: its errno. */
static int private_write_errno(unsigned int s, int *map_err)
{
	size_t len = s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE :
		     VCLOCK_MAP_SIZE;
	void *p = vt_mmap(fd, len, PROT_READ, MAP_PRIVATE, s, VCLOCK_LAB_WB, 0);
	int err;

	*map_err = p == MAP_FAILED ? errno : 0;
	if (p == MAP_FAILED)
		return 0;
	err = mprotect(p, len, PROT_READ | PROT_WRITE) ? errno : 0;
	munmap(p, len);
	return err;
}

static void check_strategy(unsigned int s)
{
	const char *name = vt_strategy_names[s];
	bool pfnmap = s != VCLOCK_STRATEGY_MIXED;
	struct vclock_pte_info e[2 * VCLOCK_NR_PAGES];
	struct snapshot before, touched, forked, after;
	unsigned int vmas = 0, want_vmas = s == VCLOCK_STRATEGY_SPLIT ? 2 : 1, i;
	int cmd[2], status, n, err, map_err;
	struct vt_map m;
	pid_t pid;

	take(&before);
	err = vt_map(fd, s, VCLOCK_LAB_WB, &m);
	if (!tap_ok(!err, "%s: mmap (%s)", name, err ? strerror(-err) : "ok"))
		return;
	err = mprotect(m.base, m.len, PROT_READ | PROT_WRITE) ? errno : 0;
	tap_ok(err == EACCES, "%s: mprotect(PROT_WRITE) of the MAP_SHARED mapping: EACCES (got %s)",
	       name, err ? strerror(err) : "success");
	err = private_write_errno(s, &map_err);
	if (map_err)
		tap_diag("%s: MAP_PRIVATE refused: %s", name, strerror(map_err));
	else
		tap_ok(err == EACCES,
		       "%s: mprotect(PROT_WRITE) of a MAP_PRIVATE mapping: EACCES (got %s)",
		       name, err ? strerror(err) : "success");
	vt_touch_all(&m);
	take(&touched);

	fflush(stdout);
	if (pipe(cmd)) {
		tap_ok(0, "%s: pipe: %s", name, strerror(errno));
		vt_unmap(&m);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(cmd[1]);
		child_wait(cmd[0]);
	}
	close(cmd[0]);
	if (pid > 0) {
		take(&forked);
		n = vt_query(fd, pid, e, 2 * VCLOCK_NR_PAGES, &vmas);
		tap_ok(n == VCLOCK_NR_PAGES && vmas == want_vmas,
		       "%s: the fork child has the mapping: %u VMA(s), %d pages (want %u, %d)",
		       name, vmas, n, want_vmas, VCLOCK_NR_PAGES);
		tap_diag("%s: the child's PTEs before it touches a page: %d of %d present (%s)",
			 name, n > 0 ? vt_present(e, n) : 0, VCLOCK_NR_PAGES,
			 n > 0 && vt_present(e, n) == VCLOCK_NR_PAGES ? "copied at fork" :
			 "to fault in again");
	} else {
		tap_ok(0, "%s: fork: %s", name, strerror(errno));
	}
	vt_unmap(&m);
	close(cmd[1]);		/* the child's end of file: it exits */
	if (pid > 0)
		tap_ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		       !WEXITSTATUS(status), "%s: the child exits cleanly", name);
	take(&after);

	for (i = PG_DATA; i < NR_PG; i++) {
		if (pfnmap) {
			tap_ok(before.count[i] >= 0 && touched.count[i] == before.count[i] &&
			       (pid <= 0 || forked.count[i] == before.count[i]),
			       "%s: PFN map: no reference on the %s page (kpagecount %lld, "
			       "touched %lld, forked %lld)", name, pg_names[i], before.count[i],
			       touched.count[i], pid > 0 ? forked.count[i] : -1);
		} else {
			tap_diag("%s: %s page kpagecount %lld, touched %lld, forked %lld", name,
				 pg_names[i], before.count[i], touched.count[i],
				 pid > 0 ? forked.count[i] : -1);
		}
		tap_ok(before.count[i] >= 0 && after.count[i] == before.count[i],
		       "%s: after the child's exit and the munmap the %s page's kpagecount is "
		       "back to %lld (got %lld)", name, pg_names[i], before.count[i],
		       after.count[i]);
	}
	for (i = 0; i < NR_PG; i++) {
		if (pid > 0)
			tap_diag("%s: %s page memtype entries: before %d, touched %d, forked %d, "
				 "after %d", name, pg_names[i], before.memtype[i],
				 touched.memtype[i], forked.memtype[i], after.memtype[i]);
		tap_ok(before.memtype[i] >= 0 && after.memtype[i] == before.memtype[i],
		       "%s: no memtype entry left over the %s page (%d before, %d after)",
		       name, pg_names[i], before.memtype[i], after.memtype[i]);
	}
}

static void child_has_no_vma(void *arg)
{
	(void)arg;
	_exit(vt_count_vmas() == 0 ? 0 : 1);
}

/* Does vclock-maps on this process name the bit, as text and as JSON? */
static int maps_says_dontcopy(void)
{
	char cmd[96], line[512];
	int text = 0, json = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "vclock-maps %d; vclock-maps --json %d", (int)getpid(),
		 (int)getpid());
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		text |= strstr(line, ", dontcopy (not in a fork child);") != NULL;
		json |= strstr(line, "\"dontcopy\":true") != NULL;
	}
	return pclose(p) == 0 && text && json;
}

/*
 * VCLOCK_PGOFF_DONTCOPY: VM_DONTCOPY (VmFlags dc) on every VMA of the
 * layout, kept in the offset; madvise(MADV_DOFORK) cannot undo it (VM_IO);
 * a fork child has no vclock VMA, the parent still reads.
 */
static void check_dontcopy(unsigned int s)
{
	const char *name = vt_strategy_names[s];
	size_t len = s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE :
		     VCLOCK_MAP_SIZE;
	uint64_t pgoff = VCLOCK_PGOFF(s, VCLOCK_LAB_WB, 0) | VCLOCK_PGOFF_DONTCOPY;
	uint8_t *base, *hpet = NULL;
	struct maps_list l;
	char flags[512] = "";
	size_t i;
	int err, ok_pgoff = 0;

	base = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)(pgoff << VCLOCK_PAGE_SHIFT));
	if (!tap_ok(base != MAP_FAILED, "%s dontcopy: mmap (%s)", name,
		    base == MAP_FAILED ? strerror(errno) : "ok"))
		return;
	if (s == VCLOCK_STRATEGY_SPLIT) {
		hpet = mmap(NULL, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			    (off_t)((VCLOCK_PGOFF(s, VCLOCK_LAB_WB, VCLOCK_PAGE_HPET) |
				     VCLOCK_PGOFF_DONTCOPY) << VCLOCK_PAGE_SHIFT));
		tap_ok(hpet != MAP_FAILED, "%s dontcopy: mmap of the HPET VMA (%s)", name,
		       hpet == MAP_FAILED ? strerror(errno) : "ok");
		if (hpet == MAP_FAILED)
			hpet = NULL;
	}
	vt_vmflags(base, flags, sizeof(flags));
	tap_ok(vt_has_flag(flags, "dc"), "%s dontcopy: VmFlags have dc (%s)", name, flags);
	if (!vt_vclock_vmas(&l, false)) {
		for (i = 0; i < l.n; i++)
			if (l.v[i].start == (uintptr_t)base)
				ok_pgoff = l.v[i].offset >> VCLOCK_PAGE_SHIFT == pgoff;
		maps_free(&l);
	}
	tap_ok(ok_pgoff, "%s dontcopy: /proc/self/maps shows offset pgoff %#llx", name,
	       (unsigned long long)pgoff);
	tap_ok(maps_says_dontcopy(), "%s dontcopy: vclock-maps decodes it, in text and --json", name);
	err = madvise(base, len, MADV_DOFORK) ? errno : 0;
	tap_ok(err == EINVAL, "%s dontcopy: madvise(MADV_DOFORK) refused: EINVAL (got %s)", name,
	       err ? strerror(err) : "success");
	tap_ok(vt_in_child(child_has_no_vma, NULL) == 0, "%s dontcopy: a fork child has no vclock VMA",
	       name);
	tap_ok(((volatile struct vclock_data *)base)->magic == VCLOCK_MAGIC &&
	       vt_count_vmas() == (hpet ? 2 : 1), "%s dontcopy: the parent still has and reads it",
	       name);
	munmap(base, len);
	if (hpet)
		munmap(hpet, VCLOCK_PAGE_SIZE);
}

int main(void)
{
	unsigned int strategies, s;

	tap_header();
	if (geteuid())
		tap_bail("needs root (pfns, /proc/kpagecount, debugfs)");
	if (access(MEMTYPE_LIST, R_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (!tap_ok(!access(MEMTYPE_LIST, R_OK), "%s readable", MEMTYPE_LIST))
		tap_bail("no memtype list: %s", strerror(errno));
	fd = vt_open();
	strategies = vt_strategies(fd);
	check_kpagecount_sees_maps();
	find_pfns();
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(strategies & (1u << s))) {
			vt_check_unoffered(fd, s);
			continue;
		}
		check_strategy(s);
		check_dontcopy(s);
	}
	close(fd);
	return tap_done();
}
