// SPDX-License-Identifier: GPL-2.0
/*
 * 17-kmod-fail-nth - the module's error paths, by fault injection. For each
 * entry point (open of either file, mmap of each offered strategy and of
 * both VMAs of split, the first touch of each page of the VMAs filled from
 * .fault, the three ioctls, mmap in a new time namespace, which creates its
 * view, and a write of update_us), the walk makes the 1st, 2nd, ...
 * allocation of the call fail through
 * /proc/thread-self/fail-nth (failslab and fail_page_alloc, sleeping
 * allocations included), until an attempt finds no allocation left to fail.
 * Every attempt that had a fault injected either fails cleanly (-1 with
 * ENOMEM, EFAULT or EAGAIN; a touch never raises SIGBUS) or, when the kernel
 * absorbed the failure (a fallback), succeeds with the right content; the
 * attempt after the last fault point succeeds with the right content; and
 * after every attempt the module's live counters (open files, live VMAs,
 * time namespace views, page references) and this process's vclock file
 * descriptors and VMAs are what they were before the walk. KASAN, kmemleak
 * and lockdep judge the rest (vm/run's dmesg check).
 *
 * A fault inside a page fault is not a system call, and fail-nth counts the
 * calling task's allocations until it has injected one: the touch is made by
 * the kernel, in futex(FUTEX_WAIT_PRIVATE) on a constant 32-bit word of the
 * page with a 1 ns timeout. It loads the word with one aligned 32-bit
 * get_user() (what the HPET's registers need: no byte copies), fails with
 * EFAULT when the fault cannot be served, and says whether the word it read
 * is the expected one (ETIMEDOUT) or not (EAGAIN). process_vm_readv() cannot
 * do it: get_user_pages() refuses VM_IO and VM_PFNMAP VMAs.
 *
 * Each mapping goes where no other VMA shares its page tables, two pages
 * before a 2 MiB boundary: the touches and remap's mmap allocate fresh page
 * tables every attempt (a diag line shows VmPTE's growth: 4 kB per touch,
 * 8 kB, two PTE tables, for remap on the debug generation). Which
 * injected failure hit which allocation is not asserted: the walk does not
 * see inside the call.
 */
#include <dirent.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>

#include "vclock_test.h"
#include "vclock_child.h"

#define WALK_MAX	200	/* attempts per entry point before giving up */
#define PMD_SPAN	(2ul << 20)
/*
 * Entries asked of VCLOCK_IOC_QUERY: few enough (up to 51) that kvcalloc()
 * stays in kmalloc. Its vmalloc fallback for more warns with a stack trace
 * on an injected failure (warn_alloc()), which vm/check-dmesg fails.
 */
#define QUERY_MAX	16
#define TIMENS_MONO_S	7000	/* the new namespace's CLOCK_MONOTONIC offset */

static int fd;
static struct vclock_info info;
static int hpet_mappable;	/* the HPET page maps (usable, hpet_page=always) */
static char update_us[32];	/* the parameter's value, written back as it is */

/* ---- the fault attributes ---------------------------------------------- */

/*
 * fail-nth fails only allocations that the attributes let fail: sleeping
 * ones too (ignore-gfp-wait N), single pages too (min-order 0: view pages,
 * page tables), without a line or a stack trace per failure (verbose 0).
 */
struct knob {
	const char *path;
	const char *value;
	char old[32];
	int saved;
};

static struct knob knobs[] = {
	{ .path = "/sys/kernel/debug/failslab/verbose", .value = "0" },
	{ .path = "/sys/kernel/debug/failslab/ignore-gfp-wait", .value = "N" },
	{ .path = "/sys/kernel/debug/fail_page_alloc/verbose", .value = "0" },
	{ .path = "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", .value = "N" },
	{ .path = "/sys/kernel/debug/fail_page_alloc/min-order", .value = "0" },
};

#define NR_KNOBS	(sizeof(knobs) / sizeof(knobs[0]))

static pid_t knobs_owner;

static void knobs_restore(void)
{
	size_t i;

	if (getpid() != knobs_owner)
		return;		/* a child's exit: the walk goes on */
	for (i = NR_KNOBS; i-- > 0;)
		if (knobs[i].saved && vt_write_file(knobs[i].path, knobs[i].old))
			printf("# cannot restore %s to %s\n", knobs[i].path, knobs[i].old);
}

static void knobs_set(int have_page_alloc)
{
	size_t i;
	int err;

	knobs_owner = getpid();
	atexit(knobs_restore);
	for (i = 0; i < NR_KNOBS; i++) {
		if (!have_page_alloc && strstr(knobs[i].path, "fail_page_alloc"))
			continue;
		if (vt_read_file(knobs[i].path, knobs[i].old, sizeof(knobs[i].old)))
			tap_bail("cannot read %s: %s", knobs[i].path, strerror(errno));
		err = vt_write_file(knobs[i].path, knobs[i].value);
		if (err)
			tap_bail("cannot write %s to %s: %s", knobs[i].value, knobs[i].path,
				 strerror(-err));
		knobs[i].saved = 1;
	}
}

/* ---- fail-nth ------------------------------------------------------------ */

static int nth_fd = -1;		/* this process's /proc/thread-self/fail-nth */

static void nth_open(void)
{
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		tap_bail("cannot open /proc/thread-self/fail-nth: %s", strerror(errno));
}

/* Make the @n-th allocation from now on fail; nothing else runs until disarm(). */
static void arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		tap_bail("cannot write fail-nth: %s", strerror(errno));
}

/* 0 if the fault was injected, else how many allocations it still waited for. */
static unsigned int disarm(void)
{
	char buf[16] = "";
	unsigned int left;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0 || sscanf(buf, "%u", &left) != 1)
		tap_bail("cannot read fail-nth: %s", strerror(errno));
	if (left && pwrite(nth_fd, "0", 1, 0) != 1)
		tap_bail("cannot reset fail-nth: %s", strerror(errno));
	return left;
}

/* ---- counters ------------------------------------------------------------ */

struct counters {
	long open_files, live_vmas, views, data_refs, lab_refs;	/* the module's */
	long fds, vmas;		/* this process's, on either of the module's files */
};

static long count_fds(void)
{
	char path[300], target[64];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	long n = 0;
	ssize_t len;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		n += !strcmp(target, VCLOCK_DEVICE) || !strcmp(target, VCLOCK_PROC_FILE);
	}
	closedir(dir);
	return n;
}

static void counters_read(struct counters *c)
{
	long f, r, s, m;
	char line[256];
	struct maps_list l;
	FILE *st = fopen(VT_STATUS_PATH, "r");

	c->open_files = c->live_vmas = c->views = c->data_refs = c->lab_refs = -1;
	while (st && fgets(line, sizeof(line), st)) {
		sscanf(line, "open_files: %ld", &c->open_files);
		sscanf(line, "timens_views: %ld", &c->views);
		sscanf(line, "page_refs: data=%ld lab=%ld", &c->data_refs, &c->lab_refs);
		if (sscanf(line, "live_vmas: fault=%ld remap=%ld split=%ld mixed=%ld",
			   &f, &r, &s, &m) == 4)
			c->live_vmas = f + r + s + m;
	}
	if (st)
		fclose(st);
	c->fds = count_fds();
	c->vmas = -1;
	if (!vt_vclock_vmas(&l, false)) {
		c->vmas = (long)l.n;
		maps_free(&l);
	}
}

/* The first difference of @now from @base, written to @out; 0 if none. */
static int counters_differ(const struct counters *base, const struct counters *now,
			   char *out, size_t size)
{
	static const char *const names[] = {
		"open_files", "live_vmas", "timens_views", "page_refs data", "page_refs lab",
		"our fds", "our VMAs",
	};
	const long a[] = { base->open_files, base->live_vmas, base->views, base->data_refs,
			   base->lab_refs, base->fds, base->vmas };
	const long b[] = { now->open_files, now->live_vmas, now->views, now->data_refs,
			   now->lab_refs, now->fds, now->vmas };
	size_t i;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		if (a[i] != b[i] || a[i] < 0) {
			snprintf(out, size, "%s %ld -> %ld", names[i], a[i], b[i]);
			return 1;
		}
	}
	return 0;
}

/* ---- the entry points ---------------------------------------------------- */

enum kind { K_OPEN, K_MMAP, K_TOUCH, K_INFO, K_SET_STRATEGY, K_QUERY, K_PARAM };

struct target {
	char name[72];
	enum kind kind;
	const char *path;		/* K_OPEN */
	unsigned int strategy;		/* K_MMAP, K_TOUCH: the VMA */
	unsigned int first;		/* its first layout page */
	unsigned int npages;
	unsigned int page;		/* K_TOUCH: the layout page touched */
	int timens;			/* K_MMAP: in a namespace with offsets */
	/* one attempt's state */
	int afd;
	uint8_t *map;
	long pte_kb;			/* VmPTE before the call */
	long pte_kb_added;		/* by the call that succeeded */
	struct counters base;
};

static long vm_pte_kb(void)
{
	return vt_file_value("/proc/self/status", "VmPTE:");
}

/* The constant 32-bit word of layout page @page a touch reads, and its value. */
static size_t word_offset(unsigned int page)
{
	/* The lab page's first u64 is MAGIC << 32 | lab << 16 | 0: its high half. */
	return page == VCLOCK_PAGE_LAB ? 4 : page == VCLOCK_PAGE_HPET ? VCLOCK_HPET_PERIOD : 0;
}

static uint32_t word_value(unsigned int page)
{
	return page == VCLOCK_PAGE_HPET ? info.hpet_period_fs : VCLOCK_MAGIC;
}

static int page_mappable(unsigned int page)
{
	return page != VCLOCK_PAGE_HPET || hpet_mappable;
}

/*
 * An address where a mapping of @npages has no neighbour in its page
 * tables and crosses a 2 MiB boundary after two pages: reserve 6 MiB,
 * give them back, use the middle.
 */
static uint8_t *fresh_address(void)
{
	size_t span = 3 * PMD_SPAN;
	uint8_t *p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, span);
	a = ((uintptr_t)p + PMD_SPAN - 1) & ~(PMD_SPAN - 1);
	return (uint8_t *)(a + PMD_SPAN - 2 * VCLOCK_PAGE_SIZE);
}

/* The target's VMA at @addr; MAP_FAILED with errno on failure. */
static void *map_at(const struct target *t, void *addr)
{
	return mmap(addr, (size_t)t->npages * VCLOCK_PAGE_SIZE, PROT_READ,
		    MAP_SHARED | MAP_FIXED_NOREPLACE, fd,
		    VCLOCK_MMAP_OFFSET(t->strategy, VCLOCK_LAB_WB, t->first));
}

/* Is layout page @page, at @p in this process, what it must be? Direct loads. */
static int page_content_ok(unsigned int page, const uint8_t *p, char *why, size_t size)
{
	const volatile uint32_t *w = (const volatile uint32_t *)(p + word_offset(page));
	const volatile uint64_t *lab = (const volatile uint64_t *)p;
	uint32_t v = *w;

	if (v != word_value(page)) {
		snprintf(why, size, "%s page: word at %#zx is %#x, not %#x", vt_page_names[page],
			 word_offset(page), v, word_value(page));
		return 0;
	}
	if (page == VCLOCK_PAGE_LAB && lab[5] != (((uint64_t)VCLOCK_MAGIC << 32) | 5)) {
		snprintf(why, size, "lab page: word 5 is %#llx", (unsigned long long)lab[5]);
		return 0;
	}
	if ((page == VCLOCK_PAGE_DATA || page == VCLOCK_PAGE_TK) &&
	    ((const volatile struct vclock_data *)p)->layout_version != VCLOCK_LAYOUT_VERSION) {
		snprintf(why, size, "%s page: layout_version %u", vt_page_names[page],
			 ((const volatile struct vclock_data *)p)->layout_version);
		return 0;
	}
	return 1;
}

/* How many of the pages of the mapping at @addr have a PTE; -1 if not found. */
static int present_pages(const void *addr, unsigned int npages)
{
	struct vclock_pte_info e[QUERY_MAX];
	const struct vclock_pte_info *pe;
	int n = vt_query(fd, 0, e, QUERY_MAX, NULL), present = 0;
	unsigned int i;

	for (i = 0; i < npages; i++) {
		pe = n > 0 ? vt_entry(e, n, (const uint8_t *)addr + i * VCLOCK_PAGE_SIZE) : NULL;
		if (!pe)
			return -1;
		present += pe->present;
	}
	return present;
}

/* Unarmed: what the call needs. 0, or -1 with @why. */
static int prepare(struct target *t, char *why, size_t size)
{
	t->afd = -1;
	t->map = NULL;
	switch (t->kind) {
	case K_MMAP:
		t->map = fresh_address();	/* the call maps there */
		if (!t->map) {
			snprintf(why, size, "no free address: %s", strerror(errno));
			return -1;
		}
		break;
	case K_TOUCH:
	case K_QUERY:
		t->map = map_at(t, fresh_address());
		if (t->map == MAP_FAILED) {
			snprintf(why, size, "mmap before the call: %s", strerror(errno));
			t->map = NULL;
			return -1;
		}
		if (t->kind == K_QUERY)
			(void)*(const volatile uint32_t *)t->map;
		break;
	case K_PARAM:
		t->afd = open("/sys/module/vclock/parameters/update_us", O_WRONLY | O_CLOEXEC);
		if (t->afd < 0) {
			snprintf(why, size, "open update_us: %s", strerror(errno));
			return -1;
		}
		break;
	default:
		break;
	}
	t->pte_kb = vm_pte_kb();
	return 0;
}

static struct vclock_info info_seen;
static struct vclock_pte_info query_entries[QUERY_MAX];
static struct vclock_query query_seen;
static const __u32 fault_strategy = VCLOCK_STRATEGY_FAULT;	/* the default */

/* Armed: the one system call. >= 0, or -errno. */
static long call(struct target *t)
{
	struct timespec ts = { 0, 1 };
	const uint8_t *word;
	void *p;
	long r;

	switch (t->kind) {
	case K_OPEN:
		r = open(t->path, O_RDONLY | O_CLOEXEC);
		if (r < 0)
			return -errno;
		t->afd = (int)r;
		return 0;
	case K_MMAP:
		p = map_at(t, t->map);
		if (p == MAP_FAILED) {
			t->map = NULL;
			return -errno;
		}
		t->map = p;
		return 0;
	case K_TOUCH:
		word = t->map + (t->page - t->first) * VCLOCK_PAGE_SIZE + word_offset(t->page);
		r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, word_value(t->page), &ts,
			    NULL, 0);
		if (!r || errno == ETIMEDOUT)
			return 0;		/* the word was the expected one */
		return errno == EAGAIN ? 1 : -errno;	/* 1: it was not */
	case K_INFO:
		return ioctl(fd, VCLOCK_IOC_INFO, &info_seen) ? -errno : 0;
	case K_SET_STRATEGY:
		return ioctl(fd, VCLOCK_IOC_SET_STRATEGY, &fault_strategy) ? -errno : 0;
	case K_QUERY:
		query_seen = (struct vclock_query){
			.pid = 0, .max_entries = QUERY_MAX,
			.entries = (uintptr_t)query_entries,
		};
		return ioctl(fd, VCLOCK_IOC_QUERY, &query_seen) ? -errno : 0;
	case K_PARAM:
		r = write(t->afd, update_us, strlen(update_us));
		return r < 0 ? -errno : r;
	}
	return -EINVAL;
}

/* Unarmed, after a call that succeeded (@ret): is what it did right? */
static int verify(struct target *t, long ret, char *why, size_t size)
{
	const struct vclock_pte_info *pe;
	struct vclock_info in;
	struct counters now;
	char val[32];
	unsigned int i;
	int present, expect;

	switch (t->kind) {
	case K_OPEN:
		counters_read(&now);
		if (ioctl(t->afd, VCLOCK_IOC_INFO, &in) || in.abi_version != VCLOCK_ABI_VERSION) {
			snprintf(why, size, "VCLOCK_IOC_INFO on the new file: %s", strerror(errno));
			return 0;
		}
		if (now.open_files != t->base.open_files + 1) {
			snprintf(why, size, "open_files %ld with the file open (before %ld)",
				 now.open_files, t->base.open_files);
			return 0;
		}
		return 1;
	case K_MMAP:
		t->pte_kb_added = vm_pte_kb() - t->pte_kb;
		counters_read(&now);
		if (now.live_vmas != t->base.live_vmas + 1) {
			snprintf(why, size, "live_vmas %ld with the mapping (before %ld)",
				 now.live_vmas, t->base.live_vmas);
			return 0;
		}
		if (now.views != t->base.views + !!t->timens) {
			snprintf(why, size, "timens_views %ld with the mapping (before %ld)",
				 now.views, t->base.views);
			return 0;
		}
		present = present_pages(t->map, t->npages);
		expect = 0;
		if (t->strategy == VCLOCK_STRATEGY_REMAP)
			for (i = 0; i < t->npages; i++)
				expect += page_mappable(t->first + i);
		if (present != expect) {
			snprintf(why, size, "%d pages present after mmap, not %d", present, expect);
			return 0;
		}
		for (i = 0; i < t->npages; i++) {
			const uint8_t *p = t->map + i * VCLOCK_PAGE_SIZE;
			const volatile struct vclock_data *d = (const volatile struct vclock_data *)p;

			if (!page_mappable(t->first + i))
				continue;
			if (t->timens && t->first + i == VCLOCK_PAGE_DATA) {
				if (d->magic != VCLOCK_MAGIC || d->clock_mode != VCLOCK_MODE_TIMENS ||
				    d->base[CLOCK_MONOTONIC].sec != TIMENS_MONO_S) {
					snprintf(why, size, "the view: magic %#x mode %d monotonic %llu s",
						 d->magic, d->clock_mode,
						 (unsigned long long)d->base[CLOCK_MONOTONIC].sec);
					return 0;
				}
				continue;
			}
			if (!page_content_ok(t->first + i, p, why, size))
				return 0;
		}
		return 1;
	case K_TOUCH:
		t->pte_kb_added = vm_pte_kb() - t->pte_kb;
		if (ret) {
			snprintf(why, size, "futex read another value than %#x at the %s page",
				 word_value(t->page), vt_page_names[t->page]);
			return 0;
		}
		present = present_pages(t->map + (t->page - t->first) * VCLOCK_PAGE_SIZE, 1);
		if (present != 1) {
			snprintf(why, size, "the %s page has no PTE after the touch (%d)",
				 vt_page_names[t->page], present);
			return 0;
		}
		return page_content_ok(t->page, t->map + (t->page - t->first) * VCLOCK_PAGE_SIZE,
				       why, size);
	case K_INFO:
		if (memcmp(&info_seen, &info, sizeof(info))) {
			snprintf(why, size, "VCLOCK_IOC_INFO says other things than at the start");
			return 0;
		}
		return 1;
	case K_SET_STRATEGY:
		if (ioctl(fd, VCLOCK_IOC_INFO, &in) || in.file_strategy != fault_strategy) {
			snprintf(why, size, "the file's strategy is %u, not fault", in.file_strategy);
			return 0;
		}
		return 1;
	case K_QUERY:
		if (query_seen.nr_vmas != 1 || query_seen.nr_entries != VCLOCK_NR_PAGES) {
			snprintf(why, size, "%u VMAs, %u pages, not 1 and %u", query_seen.nr_vmas,
				 query_seen.nr_entries, VCLOCK_NR_PAGES);
			return 0;
		}
		pe = vt_entry(query_entries, VCLOCK_NR_PAGES, t->map);
		if (!pe || !pe->present || pe->page != VCLOCK_PAGE_DATA ||
		    vt_present(query_entries, VCLOCK_NR_PAGES) != 1) {
			snprintf(why, size, "the entries do not say: the data page alone is present");
			return 0;
		}
		return 1;
	case K_PARAM:
		if (ret != (long)strlen(update_us) || vt_param_read("update_us", val, sizeof(val)) ||
		    strcmp(val, update_us)) {
			snprintf(why, size, "write returned %ld, update_us reads %s", ret, val);
			return 0;
		}
		return 1;
	}
	return 0;
}

/* Unarmed, after a call that failed: did it leave nothing half done? */
static int failed_cleanly(struct target *t, char *why, size_t size)
{
	int present;

	if (t->kind != K_TOUCH)
		return 1;	/* the counters tell */
	present = present_pages(t->map + (t->page - t->first) * VCLOCK_PAGE_SIZE, 1);
	if (present != 0) {
		snprintf(why, size, "the %s page has a PTE after a failed touch (%d)",
			 vt_page_names[t->page], present);
		return 0;
	}
	return 1;
}

static void cleanup(struct target *t)
{
	if (t->afd >= 0)
		close(t->afd);
	t->afd = -1;
	if (t->map)
		munmap(t->map, (size_t)t->npages * VCLOCK_PAGE_SIZE);
	t->map = NULL;
}

/* ---- the walk ------------------------------------------------------------ */

struct walk {
	int injected;		/* attempts with a fault injected */
	int failed;		/* ... that failed with an expected errno */
	int absorbed;		/* ... that succeeded all the same, rightly */
	int bad;		/* ... that did anything else */
	int moved;		/* attempts after which a counter differed */
	int done_n;		/* the attempt with no fault left to inject; 0: none */
	int done_ok;		/* it succeeded, rightly */
	char done_why[200];	/* what was wrong with it */
	unsigned long errnos;	/* bit e: errno e seen (e < 64) */
	char why[240];		/* the first attempt that went wrong, and how */
	char moved_why[128];	/* the first counter that differed */
};

/* The summary the parent prints at the end (shared with the children). */
struct summary {
	int n;
	struct {
		char name[72];
		int injected, failed, absorbed, done_n;
	} e[40];
};

static struct summary *summary;

__attribute__((format(printf, 2, 3)))
static void first_problem(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

static int errno_expected(int e)
{
	return e == ENOMEM || e == EFAULT || e == EAGAIN;
}

static void walk(struct target *t, struct walk *w)
{
	struct counters now;
	char why[200], diff[96];
	unsigned int n, left;
	long ret;

	memset(w, 0, sizeof(*w));
	counters_read(&t->base);
	for (n = 1; n <= WALK_MAX; n++) {
		why[0] = 0;
		if (prepare(t, why, sizeof(why))) {
			first_problem(w, "attempt %u: %s", n, why);
			cleanup(t);
			return;
		}
		arm(n);
		ret = call(t);
		left = disarm();
		if (left) {
			w->done_n = n;
			w->done_ok = ret >= 0 && verify(t, ret, why, sizeof(why));
			if (!w->done_ok)
				snprintf(w->done_why, sizeof(w->done_why), "attempt %u: %s", n,
					 ret < 0 ? strerror((int)-ret) : why);
		} else {
			w->injected++;
			if (ret < 0) {
				if ((int)-ret < 64)
					w->errnos |= 1ul << -ret;
				if (errno_expected((int)-ret) && failed_cleanly(t, why, sizeof(why))) {
					w->failed++;
				} else {
					w->bad++;
					first_problem(w, "attempt %u: %s%s%s", n, strerror((int)-ret),
						      why[0] ? ", " : "", why);
				}
			} else if (verify(t, ret, why, sizeof(why))) {
				w->absorbed++;
			} else {
				w->bad++;
				first_problem(w, "attempt %u succeeded wrongly: %s", n, why);
			}
		}
		cleanup(t);
		counters_read(&now);
		if (counters_differ(&t->base, &now, diff, sizeof(diff)) && !w->moved++)
			snprintf(w->moved_why, sizeof(w->moved_why), "after attempt %u: %s", n,
				 diff);
		if (w->done_n)
			return;
	}
}

static void errno_names(unsigned long mask, char *out, size_t size)
{
	size_t len = 0;
	int e;

	out[0] = 0;
	for (e = 1; e < 64 && len < size; e++) {
		if (!(mask & (1ul << e)))
			continue;
		len += snprintf(out + len, size - len, "%s%s", len ? " " : "",
				e == ENOMEM ? "ENOMEM" : e == EFAULT ? "EFAULT" :
				e == EAGAIN ? "EAGAIN" : strerror(e));
	}
}

/* In a child (run_child): walk @t, record the checks and the summary. */
static void walk_child(void *arg)
{
	struct target *t = arg;
	char errnos[96], mark[128];
	struct walk w;
	int i;

	/* Which walk was running, in the log, should the kernel die in one. */
	snprintf(mark, sizeof(mark), "17-kmod-fail-nth: walking %s\n", t->name);
	vt_write_file("/dev/kmsg", mark);
	nth_open();
	walk(t, &w);
	errno_names(w.errnos, errnos, sizeof(errnos));
	check(w.done_n > 0, "the walk reached an attempt with no fault left to inject (attempt %d, bound %d)%s%s",
	      w.done_n, WALK_MAX, w.done_n ? "" : ": ", w.done_n ? "" : w.why);
	check(w.done_ok, "that attempt succeeded with the right result%s%s",
	      w.done_ok ? "" : ": ", w.done_ok ? "" : w.done_why);
	check(!w.bad, "%d injected faults: %d failed cleanly (%s), %d absorbed with the right result, %d otherwise%s%s",
	      w.injected, w.failed, errnos[0] ? errnos : "-", w.absorbed, w.bad,
	      w.bad ? ": " : "", w.bad ? w.why : "");
	check(!w.moved, "the module's counters and our fds and VMAs were back after every attempt (%d differed%s%s)",
	      w.moved, w.moved ? ": " : "", w.moved_why);
	tap_diag("fail-nth %s: %d injected faults survived (%d failed cleanly, %d absorbed), success at attempt %d",
		 t->name, w.injected, w.failed, w.absorbed, w.done_n);
	if (t->kind == K_MMAP || t->kind == K_TOUCH)
		tap_diag("fail-nth %s: the successful call added %ld kB of page tables (VmPTE)",
			 t->name, t->pte_kb_added);
	/* The checks' lines are capped (vclock_child.h): the whole story here. */
	if (w.why[0])
		tap_diag("fail-nth %s: first problem: %s", t->name, w.why);
	if (w.moved_why[0])
		tap_diag("fail-nth %s: first counter moved %s", t->name, w.moved_why);
	if (w.done_why[0])
		tap_diag("fail-nth %s: the last attempt: %s", t->name, w.done_why);
	i = summary->n;
	if (i < (int)(sizeof(summary->e) / sizeof(summary->e[0]))) {
		snprintf(summary->e[i].name, sizeof(summary->e[i].name), "%s", t->name);
		summary->e[i].injected = w.injected;
		summary->e[i].failed = w.failed;
		summary->e[i].absorbed = w.absorbed;
		summary->e[i].done_n = w.done_n;
		summary->n = i + 1;
	}
	close(nth_fd);
}

/* ---- the time namespace -------------------------------------------------- */

/* Enter a new time namespace, with a CLOCK_MONOTONIC offset, for our children. */
static int timens_for_children(void)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "monotonic %d 0\n", TIMENS_MONO_S);
	return vt_new_timens(0, buf);
}

/* The child sets the namespace up; its child, in it, walks the mapping. */
static void timens_child(void *arg)
{
	int err = timens_for_children(), r;

	if (!check(!err, "new time namespace: %s", strerror(-err)))
		return;
	r = vt_in_child(walk_child, arg);
	check(r == 0, "the walking task in the namespace ended cleanly (%d)", r);
}

/* ---- the list ------------------------------------------------------------ */

static struct target targets[48];
static int nr_targets;

__attribute__((format(printf, 2, 3)))
static struct target *add(enum kind kind, const char *fmt, ...)
{
	struct target *t = &targets[nr_targets++];
	va_list ap;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->afd = -1;
	va_start(ap, fmt);
	vsnprintf(t->name, sizeof(t->name), fmt, ap);
	va_end(ap);
	return t;
}

static void add_vma(unsigned int s, unsigned int first, unsigned int npages, const char *what)
{
	struct target *t;
	unsigned int p;

	t = add(K_MMAP, "mmap %s%s", vt_strategy_names[s], what);
	t->strategy = s;
	t->first = first;
	t->npages = npages;
	if (s == VCLOCK_STRATEGY_REMAP)
		return;		/* nothing faults */
	for (p = first; p < first + npages; p++) {
		if (!page_mappable(p))
			continue;
		t = add(K_TOUCH, "first touch of the %s page (%s)", vt_page_names[p],
			vt_strategy_names[s]);
		t->strategy = s;
		t->first = first;
		t->npages = npages;
		t->page = p;
	}
}

static void build_targets(void)
{
	struct target *t;
	unsigned int s;

	t = add(K_OPEN, "open " VCLOCK_DEVICE);
	t->path = VCLOCK_DEVICE;
	t = add(K_OPEN, "open " VCLOCK_PROC_FILE);
	t->path = VCLOCK_PROC_FILE;
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(info.strategies & (1u << s)))
			continue;
		if (s == VCLOCK_STRATEGY_SPLIT) {
			add_vma(s, VCLOCK_PAGE_DATA, VCLOCK_NR_DATA_PAGES, " (data VMA)");
			add_vma(s, VCLOCK_PAGE_HPET, 1, " (HPET VMA)");
		} else {
			add_vma(s, VCLOCK_PAGE_DATA, VCLOCK_NR_PAGES, "");
		}
	}
	add(K_INFO, "ioctl VCLOCK_IOC_INFO");
	add(K_SET_STRATEGY, "ioctl VCLOCK_IOC_SET_STRATEGY (fault, the default)");
	t = add(K_QUERY, "ioctl VCLOCK_IOC_QUERY (%d entries)", QUERY_MAX);
	t->strategy = VCLOCK_STRATEGY_FAULT;
	t->npages = VCLOCK_NR_PAGES;
	t = add(K_MMAP, "mmap fault in a new time namespace (creates its view)");
	t->strategy = VCLOCK_STRATEGY_FAULT;
	t->npages = VCLOCK_NR_PAGES;
	t->timens = 1;
	add(K_PARAM, "write update_us=%s (its value)", update_us);
}

/* Why this kernel cannot inject faults, or NULL. */
static const char *no_fault_injection(void)
{
	if (access("/proc/self/fail-nth", F_OK))
		return "no /proc/self/fail-nth: CONFIG_FAULT_INJECTION is not set";
	if (access("/sys/kernel/debug/failslab", F_OK))
		return "no /sys/kernel/debug/failslab: CONFIG_FAILSLAB or CONFIG_FAULT_INJECTION_DEBUG_FS is not set";
	return NULL;
}

int main(void)
{
	const char *missing;
	char hpet_page[32] = "", val[32];
	int have_page_alloc, faults_before, i;

	tap_header();
	fd = vt_open();
	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	if (vt_param_read("update_us", update_us, sizeof(update_us)))
		tap_bail("cannot read update_us: %s", strerror(errno));
	vt_param_read("hpet_page", hpet_page, sizeof(hpet_page));
	hpet_mappable = info.hpet_address && info.hpet_address != VCLOCK_ADDR_HIDDEN &&
			!strcmp(hpet_page, "always");
	if (access(VT_STATUS_PATH, R_OK))
		tap_bail("no %s: the walk needs the module's counters", VT_STATUS_PATH);
	build_targets();

	missing = no_fault_injection();
	if (missing) {
		for (i = 0; i < nr_targets; i++)
			tap_skip(missing, "%s", targets[i].name);
		return tap_done();
	}
	have_page_alloc = !access("/sys/kernel/debug/fail_page_alloc", F_OK);
	if (!have_page_alloc)
		tap_diag("no /sys/kernel/debug/fail_page_alloc (CONFIG_FAIL_PAGE_ALLOC): page allocations are not failed");
	tap_diag("the HPET page %s", hpet_mappable ? "maps: its touches are walked too" :
		 "does not map (no usable HPET, or hpet_page is not always): not walked");

	child_setup();
	summary = mmap(NULL, sizeof(*summary), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (summary == MAP_FAILED)
		tap_bail("mmap for the summary failed");
	summary->n = 0;
	faults_before = vt_kernel_faults();
	knobs_set(have_page_alloc);

	for (i = 0; i < nr_targets; i++) {
		if (targets[i].timens)
			run_child(targets[i].name, timens_child, &targets[i]);
		else
			run_child(targets[i].name, walk_child, &targets[i]);
	}
	tap_ok(!vt_param_read("update_us", val, sizeof(val)) && !strcmp(val, update_us),
	       "update_us is still %s (%s)", update_us, val);
	tap_ok(vt_kernel_faults() == faults_before,
	       "no new oops, BUG, WARNING or call trace in the kernel log (%d lines, %d before)",
	       vt_kernel_faults(), faults_before);

	tap_diag("injected faults survived per entry point (failed cleanly + absorbed; the attempt that found none left):");
	for (i = 0; i < summary->n; i++)
		tap_diag("  %-58s %3d = %3d + %3d  (attempt %d)", summary->e[i].name,
			 summary->e[i].injected, summary->e[i].failed, summary->e[i].absorbed,
			 summary->e[i].done_n);
	return tap_done();
}
