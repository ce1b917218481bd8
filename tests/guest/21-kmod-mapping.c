// SPDX-License-Identifier: GPL-2.0
/*
 * 21-kmod-mapping - the mapping, strategy by strategy: how many VMAs, which
 * VmFlags, which PTEs exist before and after the first touch, their cache
 * modes, the HPET counter through the mapping, fork, mremap; then every
 * input the module must refuse, with its errno.
 */
#include "vclock_test.h"

#define HPET_PFN_Q35	0xfed00ul

static int fd;

/* The counter through the mapping runs at the rate its period says (±1%). */
/*
 * The HPET's rate through the mapping against CLOCK_MONOTONIC_RAW over
 * 200 ms. Each counter load is bracketed by two clock reads; a bracket wider
 * than 20 us (the task was preempted or interrupted there) is measured again,
 * up to five times, so a preemption cannot pass for a wrong rate.
 */
static double hpet_rate_ratio(const struct vt_map *m)
{
	uint32_t period = *(const volatile uint32_t *)(m->hpet + VCLOCK_HPET_PERIOD);
	uint64_t t0a, t0b, t1a, t1b;
	uint32_t c0, c1;
	double ratio = 0;
	int i;

	for (i = 0; i < 5; i++) {
		t0a = vt_raw_ns();
		c0 = *vt_counter(m);
		t0b = vt_raw_ns();
		usleep(200000);
		t1a = vt_raw_ns();
		c1 = *vt_counter(m);
		t1b = vt_raw_ns();
		ratio = (double)(uint32_t)(c1 - c0) * period / 1e6 /
			((double)(t1a + t1b) / 2 - (double)(t0a + t0b) / 2);
		if (t0b - t0a < 20000 && t1b - t1a < 20000)
			break;
	}
	return ratio;
}

static void child_reads(void *arg)
{
	const struct vt_map *m = arg;
	uint32_t c0 = *vt_counter(m);

	usleep(1000);
	if (vt_data(m)->magic != VCLOCK_MAGIC || *vt_counter(m) == c0)
		_exit(1);
}

static void check_strategy(unsigned int s)
{
	const char *name = vt_strategy_names[s];
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *pe;
	unsigned int vmas = 0, page;
	char flags[512], line[512];
	struct vt_map m;
	int n, want_vmas = s == VCLOCK_STRATEGY_SPLIT ? 2 : 1;
	void *moved;
	double ratio;

	if (!tap_ok(vt_map(fd, s, VCLOCK_LAB_WB, &m) == 0, "%s: mmap", name))
		return;
	tap_ok(vt_count_vmas() == want_vmas, "%s: %d VMA(s) in /proc/self/maps (found %d)",
	       name, want_vmas, vt_count_vmas());
	if (vt_maps_line(m.base, line, sizeof(line)))
		tap_diag("%s: %s", name, line);

	flags[0] = 0;
	vt_vmflags(m.base, flags, sizeof(flags));
	tap_diag("%s: VmFlags %s", name, flags);
	tap_ok(vt_has_flag(flags, "rd") && vt_has_flag(flags, "mr") && vt_has_flag(flags, "io") &&
	       vt_has_flag(flags, s == VCLOCK_STRATEGY_MIXED ? "mm" : "pf") &&
	       vt_has_flag(flags, "de") && vt_has_flag(flags, "dd"),
	       "%s: VmFlags have rd mr io %s de dd", name, s == VCLOCK_STRATEGY_MIXED ? "mm" : "pf");
	tap_ok(!vt_has_flag(flags, "wr") && !vt_has_flag(flags, "mw") &&
	       !vt_has_flag(flags, "ex") && !vt_has_flag(flags, "me"),
	       "%s: VmFlags lack wr mw ex me (never writable, never COW)", name);

	n = vt_query(fd, 0, e, 8, &vmas);
	tap_ok(n == VCLOCK_NR_PAGES && (int)vmas == want_vmas,
	       "%s: introspection sees %d pages in %u VMA(s)", name, n, vmas);
	n = n < 0 ? 0 : n;
	tap_ok(vt_present(e, n) == (s == VCLOCK_STRATEGY_REMAP ? VCLOCK_NR_PAGES : 0),
	       "%s: %d PTEs right after mmap (want %d)", name, vt_present(e, n),
	       s == VCLOCK_STRATEGY_REMAP ? VCLOCK_NR_PAGES : 0);
	tap_ok(n > 0 && e[0].strategy == s, "%s: introspection reports strategy %s", name,
	       n > 0 && e[0].strategy < VCLOCK_NR_STRATEGIES ? vt_strategy_names[e[0].strategy] : "?");

	vt_touch_all(&m);
	n = vt_query(fd, 0, e, 8, NULL);
	n = n < 0 ? 0 : n;
	tap_ok(vt_present(e, n) == VCLOCK_NR_PAGES, "%s: %d PTEs after touching every page",
	       name, vt_present(e, n));
	for (page = 0; page < VCLOCK_NR_PAGES; page++) {
		const void *addr = page == VCLOCK_PAGE_HPET ? (void *)m.hpet :
				   (void *)(m.base + page * VCLOCK_PAGE_SIZE);
		unsigned int want = page == VCLOCK_PAGE_HPET ? VCLOCK_CACHE_UC_MINUS : VCLOCK_CACHE_WB;

		pe = vt_entry(e, n, addr);
		tap_ok(pe && pe->page == page && pe->present && pe->effective == want &&
		       pe->requested == want,
		       "%s: %s page requested %s, effective %s (want %s)", name, vt_page_names[page],
		       pe ? vt_cache_names[pe->requested % VCLOCK_NR_CACHE] : "?",
		       pe ? vt_cache_names[pe->effective % VCLOCK_NR_CACHE] : "?",
		       vt_cache_names[want]);
	}
	pe = vt_entry(e, n, m.hpet);
	tap_ok(pe && pe->pfn == HPET_PFN_Q35, "%s: HPET page maps pfn %#lx", name,
	       pe ? (unsigned long)pe->pfn : 0ul);

	tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC &&
	       vt_data(&m)->layout_version == VCLOCK_LAYOUT_VERSION,
	       "%s: data page has magic and layout version %u", name, VCLOCK_LAYOUT_VERSION);
	ratio = hpet_rate_ratio(&m);
	tap_ok(ratio > 0.99 && ratio < 1.01,
	       "%s: HPET counter through the mapping runs at its period's rate (ratio %.4f)",
	       name, ratio);
	tap_ok(vt_in_child(child_reads, &m) == 0, "%s: a fork child reads the same pages", name);

	moved = mmap(NULL, m.len + VCLOCK_PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(moved, m.len + VCLOCK_PAGE_SIZE);
	moved = mremap(m.base, m.len, m.len, MREMAP_MAYMOVE | MREMAP_FIXED, moved);
	if (tap_ok(moved != MAP_FAILED, "%s: mremap moves the whole VMA", name)) {
		if (s != VCLOCK_STRATEGY_SPLIT)
			m.hpet = (uint8_t *)moved + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
		m.base = moved;
		tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC && vt_count_vmas() == want_vmas &&
		       vt_in_child(child_reads, &m) == 0,
		       "%s: moved mapping still reads, still %d VMA(s)", name, want_vmas);
	}
	vt_unmap(&m);
	tap_ok(vt_count_vmas() == 0, "%s: munmap leaves no vclock VMA", name);
}

static int mmap_errno(size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 0;
	}
	return errno;
}

#define EXPECT_ERRNO(expr, want, what) do {					\
	int got_ = (expr);							\
	tap_ok(got_ == (want), "%s: %s (got %s)", what, strerror(want),	\
	       got_ ? strerror(got_) : "success");				\
} while (0)

static void check_refusals(void)
{
	const off_t fault = VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_FAULT, 0, 0);
	const size_t len = VCLOCK_MAP_SIZE, pg = VCLOCK_PAGE_SIZE;
	int rw = open(VCLOCK_DEVICE, O_RDWR);
	uint8_t *p, *spare;

	EXPECT_ERRNO(mmap_errno(len, PROT_READ | PROT_WRITE, MAP_SHARED, fault), EACCES,
		     "PROT_WRITE on a read-only fd");
	if (rw >= 0) {
		void *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, rw, fault);

		EXPECT_ERRNO(q == MAP_FAILED ? errno : 0, EACCES, "PROT_WRITE on an O_RDWR fd");
		close(rw);
	} else {
		tap_skip("cannot open O_RDWR", "PROT_WRITE on an O_RDWR fd");
	}
	EXPECT_ERRNO(mmap_errno(len, PROT_READ | PROT_EXEC, MAP_SHARED, fault), EACCES,
		     "PROT_EXEC");
	EXPECT_ERRNO(mmap_errno((VCLOCK_NR_PAGES - 1) * pg, PROT_READ, MAP_SHARED, fault), EINVAL,
		     "length one page short of the layout");
	EXPECT_ERRNO(mmap_errno((VCLOCK_NR_PAGES + 1) * pg, PROT_READ, MAP_SHARED, fault), EINVAL,
		     "length one page more than the layout");
	EXPECT_ERRNO(mmap_errno(len, PROT_READ, MAP_SHARED,
				VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_FAULT, 0, 1)), EINVAL,
		     "offset starting at page 1");
	EXPECT_ERRNO(mmap_errno(len, PROT_READ, MAP_SHARED, VCLOCK_MMAP_OFFSET(9, 0, 0)), EINVAL,
		     "unknown strategy in the offset");
	EXPECT_ERRNO(mmap_errno(len, PROT_READ, MAP_SHARED,
				VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_FAULT, 3, 0)), EINVAL,
		     "unknown lab mode in the offset");
	EXPECT_ERRNO(mmap_errno(len, PROT_READ, MAP_SHARED, (off_t)1 << 24), EINVAL,
		     "offset with bits outside the layout");
	EXPECT_ERRNO(mmap_errno(len, PROT_READ, MAP_SHARED,
				VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_SPLIT, 0, 0)), EINVAL,
		     "split strategy with the whole layout in one VMA");

	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, fault);
	if (tap_ok(p != MAP_FAILED, "MAP_PRIVATE read-only mapping is allowed")) {
		EXPECT_ERRNO(mprotect(p, len, PROT_READ | PROT_WRITE) ? errno : 0, EACCES,
			     "MAP_PRIVATE then mprotect(PROT_WRITE)");
		munmap(p, len);
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, fault);
	if (!tap_ok(p != MAP_FAILED, "mapping for the VMA-change cases"))
		return;
	EXPECT_ERRNO(mprotect(p, len, PROT_READ | PROT_EXEC) ? errno : 0, EACCES,
		     "mprotect(PROT_EXEC)");
	EXPECT_ERRNO(mprotect(p, pg, PROT_NONE) ? errno : 0, EINVAL,
		     "mprotect of one page (would split)");
	EXPECT_ERRNO(munmap(p + pg, pg) ? errno : 0, EINVAL, "munmap of one page");
	EXPECT_ERRNO(mremap(p, len, len + pg, 0) == MAP_FAILED ? errno : 0, EFAULT,
		     "mremap grow in place");
	EXPECT_ERRNO(mremap(p, len, len + pg, MREMAP_MAYMOVE) == MAP_FAILED ? errno : 0, EFAULT,
		     "mremap grow with MREMAP_MAYMOVE");
	EXPECT_ERRNO(mremap(p, len, pg, 0) == MAP_FAILED ? errno : 0, EINVAL, "mremap shrink");
	spare = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_ERRNO(mremap(p + pg, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, spare) == MAP_FAILED ?
		     errno : 0, EINVAL, "mremap moving one page of it");
	munmap(spare, pg);
	EXPECT_ERRNO(mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED ?
		     errno : 0, EINVAL, "mremap MREMAP_DONTUNMAP");
	tap_ok(vt_count_vmas() == 1 && ((volatile struct vclock_data *)p)->magic == VCLOCK_MAGIC,
	       "after all refusals: still one intact VMA");
	munmap(p, len);
}

/* Offset 0 takes the open file's strategy and shows the explicit offset. */
static void check_file_strategy(void)
{
	uint32_t remap = VCLOCK_STRATEGY_REMAP, bad = 7;
	struct vclock_pte_info e[8];
	char line[512], want[32];
	int f = vt_open(), n;
	void *p;

	tap_ok(ioctl(f, VCLOCK_IOC_SET_STRATEGY, &bad) < 0 && errno == EINVAL,
	       "VCLOCK_IOC_SET_STRATEGY rejects strategy 7 with EINVAL");
	tap_ok(ioctl(f, VCLOCK_IOC_SET_STRATEGY, &remap) == 0, "VCLOCK_IOC_SET_STRATEGY remap");
	p = mmap(NULL, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, f, 0);
	if (tap_ok(p != MAP_FAILED, "offset 0 maps with the file's strategy")) {
		n = vt_query(f, 0, e, 8, NULL);
		tap_ok(n == VCLOCK_NR_PAGES && vt_present(e, n) == VCLOCK_NR_PAGES &&
		       e[0].strategy == VCLOCK_STRATEGY_REMAP,
		       "offset 0 after SET_STRATEGY remap is populated at mmap (remap)");
		snprintf(want, sizeof(want), " %08llx ",
			 (unsigned long long)VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_REMAP, 0, 0));
		tap_ok(vt_maps_line(p, line, sizeof(line)) && strstr(line, want),
		       "/proc/self/maps shows the explicit offset%s: %s", want, line);
		munmap(p, VCLOCK_MAP_SIZE);
	}
	close(f);
}

int main(void)
{
	struct vclock_info info;
	unsigned int s;

	tap_header();
	fd = vt_open();
	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	tap_ok(info.abi_version == VCLOCK_ABI_VERSION && info.nr_pages == VCLOCK_NR_PAGES,
	       "VCLOCK_IOC_INFO: ABI %u, %u pages, HPET %#llx", info.abi_version, info.nr_pages,
	       (unsigned long long)info.hpet_address);

	tap_ok((!(info.strategies & (1u << VCLOCK_STRATEGY_MIXED))) == vt_kernel_at_least(6, 4),
	       "mixed is offered exactly on kernels before 6.4 (strategies %#x)", info.strategies);
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(info.strategies & (1u << s))) {
			vt_check_unoffered(fd, s);
			continue;
		}
		check_strategy(s);
	}
	check_file_strategy();
	check_refusals();
	close(fd);
	return tap_done();
}
