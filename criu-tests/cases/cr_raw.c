// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-cr-raw - checkpoint/restore case: a process that maps /dev/vclock
 * itself with one strategy and touches exactly the pages it is told to
 * before the dump (none, the data page, the HPET page, all), so the dump
 * sees a VMA with exactly those PTEs. With --keep-fd it keeps the device
 * open, with the strategy set on the open file and the mapping made with
 * offset 0 ("the file's strategy"), so CRIU must also restore the open file.
 *
 * The time is read with the clock_gettime system call: a reader library
 * would add its own mapping and touch its pages, which this case must not
 * (vclock-cr-lib covers the time read from the page).
 * The mapping is proved to work by reading it: magic, layout version,
 * the timekeeper's update count moving, the HPET counter moving, and the
 * module's page-table introspection.
 *
 *   vclock-cr-raw --ready FILE [--strategy S] [--touch none|data|hpet|all]
 *                 [--keep-fd [--kept-strategy S]] [--private] [--interval-ms N]
 *
 * VCLOCK_DEVICE=/proc/vclock maps the regular file instead of the device
 * (stock CRIU, no plugin). --kept-strategy is what the kept descriptor's
 * strategy for offset 0 must be at the end (default: --strategy): stock
 * CRIU reopens the file by path, so what an ioctl set on it is gone.
 * --private maps the whole layout MAP_PRIVATE (never a COW mapping: the
 * module clears VM_MAYWRITE), which stock CRIU refuses to dump.
 *
 * Then: SIGUSR2 = intermediate check, SIGUSR1 = verify, print TAP, exit.
 */
#include <sys/stat.h>

#include "cr_common.h"
#include "test_options.h"
#include "vclock_test.h"

enum touch { TOUCH_NONE, TOUCH_DATA, TOUCH_HPET, TOUCH_ALL };
static const char *const touch_names[] = { "none", "data", "hpet", "all" };

static struct {
	const char *ready;
	int strategy;
	int touch;
	bool keep_fd;
	bool private;
	int kept_strategy;
	unsigned int interval_ms;
} opt = { .strategy = VCLOCK_STRATEGY_FAULT, .touch = TOUCH_ALL, .kept_strategy = -1,
	  .interval_ms = 5 };

static int dev_fd = -1;		/* kept open only with --keep-fd */
static struct vt_map map;
static struct cr_vmas before;
static struct cr_series mono, real;	/* system-call clocks */
static struct cr_checks checks;

static void parse_options(int argc, char **argv)
{
	static const struct vt_option options[] = {
		CR_OPTIONS_COMMON(opt),
		VT_OPT_CHOICE("touch", 0, &opt.touch, touch_names, 0, 4),
		VT_OPT_FLAG("keep-fd", 0, &opt.keep_fd),
		VT_OPT_CHOICE("kept-strategy", 0, &opt.kept_strategy, vt_strategy_names,
			      VCLOCK_STRATEGY_FAULT, VCLOCK_NR_STRATEGIES),
		VT_OPT_FLAG("private", 0, &opt.private),
		VT_OPT_END
	};

	vt_parse_options(argc, argv, options);
}

/*
 * With --keep-fd: the strategy goes on the open file and both mappings use
 * offset strategy 0, which the module turns into the file's strategy.
 */
static int map_via_file(void)
{
	__u32 strategy = (__u32)opt.strategy;
	bool split = opt.strategy == VCLOCK_STRATEGY_SPLIT;

	if (ioctl(dev_fd, VCLOCK_IOC_SET_STRATEGY, &strategy))
		return -errno;
	memset(&map, 0, sizeof(map));
	map.strategy = (unsigned int)opt.strategy;
	map.len = (split ? VCLOCK_NR_DATA_PAGES : VCLOCK_NR_PAGES) * VCLOCK_PAGE_SIZE;
	map.base = vt_mmap(dev_fd, map.len, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FILE,
			   VCLOCK_LAB_WB, 0);
	if (map.base == MAP_FAILED)
		return -errno;
	if (!split) {
		map.hpet = map.base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
		return 0;
	}
	map.hpet = vt_mmap(dev_fd, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FILE,
			   VCLOCK_LAB_WB, VCLOCK_PAGE_HPET);
	return map.hpet == MAP_FAILED ? -errno : 0;
}

/* --private: the whole layout in one MAP_PRIVATE VMA. */
static int map_private(void)
{
	memset(&map, 0, sizeof(map));
	map.strategy = (unsigned int)opt.strategy;
	map.len = VCLOCK_MAP_SIZE;
	map.base = vt_mmap(dev_fd, map.len, PROT_READ, MAP_PRIVATE, (unsigned int)opt.strategy,
			   VCLOCK_LAB_WB, 0);
	if (map.base == MAP_FAILED)
		return -errno;
	map.hpet = map.base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE;
	return 0;
}

static void setup(void)
{
	volatile uint32_t sink;
	int err;

	dev_fd = vt_open();
	if (opt.private && (opt.keep_fd || opt.strategy == VCLOCK_STRATEGY_SPLIT)) {
		fprintf(stderr, "vclock-cr-raw: --private goes with neither --keep-fd nor --strategy split\n");
		exit(2);
	}
	err = opt.keep_fd ? map_via_file() : opt.private ? map_private() :
			    vt_map(dev_fd, (unsigned int)opt.strategy, VCLOCK_LAB_WB, &map);
	if (err)
		tap_bail("mmap of %s with strategy %s: %s", vt_path(),
			 vt_strategy_names[opt.strategy], strerror(-err));
	if (!opt.keep_fd) {
		close(dev_fd);
		dev_fd = -1;
	}
	if (opt.touch == TOUCH_DATA || opt.touch == TOUCH_ALL)
		sink = vt_data(&map)->magic;
	if (opt.touch == TOUCH_HPET || opt.touch == TOUCH_ALL)
		sink = *vt_counter(&map);
	(void)sink;
	cr_vmas_read(&before);
	cr_vmas_diag("before", &before);
}

/* One check that reads through the mapping, for SIGUSR2. */
static void intermediate_check(void)
{
	char why[256], data[128], hpet[128], msg[600];
	struct cr_vmas now;
	int same, data_ok, hpet_ok;

	cr_vmas_read(&now);
	same = cr_vmas_same(&before, &now, why, sizeof(why));
	data_ok = cr_data_page_live(vt_data(&map), data, sizeof(data));
	hpet_ok = cr_hpet_live(map.hpet, hpet, sizeof(hpet));
	snprintf(msg, sizeof(msg), "%s; %s; %s; monotonic %lu reads, %lu backwards", why, data,
		 hpet, mono.reads, mono.backwards);
	cr_check_report(&checks, same && data_ok && hpet_ok && !mono.backwards, msg);
}

static void run(void)
{
	while (!cr_stop) {
		cr_series_add(&mono, cr_sys_ns(CLOCK_MONOTONIC));
		cr_series_add(&real, cr_sys_ns(CLOCK_REALTIME));
		if (cr_check) {
			cr_check = 0;
			intermediate_check();
		}
		cr_sleep_ms(opt.interval_ms);
	}
	cr_series_add(&mono, cr_sys_ns(CLOCK_MONOTONIC));
}

/* The VMA's offset (from its maps line) says the strategy it was mapped with. */
static unsigned int line_strategy(const char *line)
{
	char range[64], perms[8];
	unsigned long long offset;

	if (sscanf(line, "%63s %7s %llx", range, perms, &offset) != 3)
		return VCLOCK_NR_STRATEGIES;
	return VCLOCK_PGOFF_STRATEGY(offset >> VCLOCK_PAGE_SHIFT);
}

static void verify_vmas(void)
{
	int want = opt.strategy == VCLOCK_STRATEGY_SPLIT ? 2 : 1, i, strat_ok = 1;
	struct cr_vmas now;
	char why[256];

	cr_vmas_read(&now);
	cr_vmas_diag("after", &now);
	tap_ok(cr_vmas_same(&before, &now, why, sizeof(why)),
	       "same vclock VMA(s): start, end, perms, offset, path and VmFlags (%s)", why);
	tap_ok(now.nr == want, "%d vclock VMA(s) as before the dump (found %d)", want, now.nr);
	for (i = 0; i < now.nr; i++)
		strat_ok &= line_strategy(now.line[i]) == (unsigned int)opt.strategy;
	tap_ok(now.nr && strat_ok, "the VMA offset still selects strategy %s",
	       vt_strategy_names[opt.strategy]);
	tap_ok(now.nr && vt_has_flag(now.flags[0], "io") &&
	       vt_has_flag(now.flags[0], opt.strategy == VCLOCK_STRATEGY_MIXED ? "mm" : "pf") &&
	       !vt_has_flag(now.flags[0], "wr") && !vt_has_flag(now.flags[0], "mw"),
	       "VmFlags still io %s, never writable", opt.strategy == VCLOCK_STRATEGY_MIXED ?
	       "mm" : "pf");
}

static void verify_reads(void)
{
	char why[128];

	tap_ok(cr_data_page_live(vt_data(&map), why, sizeof(why)),
	       "data page reads live through the restored mapping (%s)", why);
	tap_ok(cr_hpet_live(map.hpet, why, sizeof(why)),
	       "HPET page reads live through the restored mapping (%s)", why);
}

/* After the reads: every page present, with the module's cache modes. */
static void verify_ptes(void)
{
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *data, *hpet;
	unsigned int nr_vmas = 0;
	int fd = open(vt_path(), O_RDONLY | O_CLOEXEC), n;

	n = fd < 0 ? -errno : vt_query(fd, 0, e, 8, &nr_vmas);
	if (fd >= 0)
		close(fd);
	data = n > 0 ? vt_entry(e, n, vt_data(&map)) : NULL;
	hpet = n > 0 ? vt_entry(e, n, map.hpet) : NULL;
	tap_ok(n == VCLOCK_NR_PAGES && data && hpet && data->present && hpet->present &&
	       data->strategy == (unsigned int)opt.strategy,
	       "introspection: %d pages in %u VMA(s), data %s, HPET %s, strategy %s", n, nr_vmas,
	       data && data->present ? "present" : "absent",
	       hpet && hpet->present ? "present" : "absent",
	       data && data->strategy < VCLOCK_NR_STRATEGIES ?
	       vt_strategy_names[data->strategy] : "?");
	tap_ok(data && hpet && data->effective == VCLOCK_CACHE_WB &&
	       hpet->effective == VCLOCK_CACHE_UC_MINUS,
	       "cache modes: data %s (want WB), HPET %s (want UC-)",
	       data ? vt_cache_names[data->effective % VCLOCK_NR_CACHE] : "?",
	       hpet ? vt_cache_names[hpet->effective % VCLOCK_NR_CACHE] : "?");
}

/*
 * --keep-fd: the descriptor came back as the device (or the regular file),
 * with the strategy --kept-strategy says.
 */
static void verify_kept_fd(void)
{
	bool reg = !strcmp(vt_path(), VCLOCK_PROC_FILE);
	unsigned int want = (unsigned int)(opt.kept_strategy >= 0 ? opt.kept_strategy :
					   opt.strategy);
	struct vclock_info info = { 0 };
	struct cr_vmas with_new;
	struct stat st;
	int info_ok, extra_ok = 0, i;
	void *p;

	info_ok = fstat(dev_fd, &st) == 0 && (reg ? S_ISREG(st.st_mode) : S_ISCHR(st.st_mode)) &&
		  ioctl(dev_fd, VCLOCK_IOC_INFO, &info) == 0;
	tap_ok(info_ok && info.file_strategy == want,
	       "kept fd %d is %s again, its strategy for offset 0 is %s (want %s)",
	       dev_fd, vt_path(), info_ok && info.file_strategy < VCLOCK_NR_STRATEGIES ?
	       vt_strategy_names[info.file_strategy] : "?", vt_strategy_names[want]);
	if (opt.strategy == VCLOCK_STRATEGY_SPLIT)
		return;
	p = vt_mmap(dev_fd, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, VCLOCK_STRATEGY_FILE,
		    VCLOCK_LAB_WB, 0);
	if (p != MAP_FAILED) {
		cr_vmas_read(&with_new);
		extra_ok = with_new.nr == before.nr + 1;
		for (i = 0; extra_ok && i < with_new.nr; i++)
			extra_ok = line_strategy(with_new.line[i]) ==
				   (with_new.start[i] == (uintptr_t)p ? want :
				    (unsigned int)opt.strategy);
		munmap(p, VCLOCK_MAP_SIZE);
	}
	tap_ok(extra_ok, "a new mmap of offset 0 through the kept fd gets strategy %s",
	       vt_strategy_names[want]);
}

/*
 * CRIU restores the task into a time namespace that makes its MONOTONIC
 * continue where the dump left it: the downtime shows in REALTIME only.
 */
static void verify_clock(void)
{
	char offsets[128];

	tap_ok(mono.reads > 1 && !mono.backwards,
	       "CLOCK_MONOTONIC never went backwards (%lu reads, %lu backwards, worst %lld ns)",
	       mono.reads, mono.backwards, (long long)mono.max_back_ns);
	cr_timens_offsets(offsets, sizeof(offsets));
	tap_diag("downtime: largest step between consecutive reads %.1f ms in CLOCK_REALTIME, "
		 "%.1f ms in the task's CLOCK_MONOTONIC (time namespace offsets: %s)",
		 (double)real.max_step_ns / 1e6, (double)mono.max_step_ns / 1e6, offsets);
	cr_checks_done(&checks);
}

int main(int argc, char **argv)
{
	char extra[128];

	parse_options(argc, argv);
	cr_signals();
	setup();
	snprintf(extra, sizeof(extra), "strategy=%s\ntouch=%s\nkeep_fd=%d\n",
		 vt_strategy_names[opt.strategy], touch_names[opt.touch], opt.keep_fd);
	cr_ready(opt.ready, extra);
	run();
	verify_vmas();
	verify_reads();
	verify_ptes();
	if (opt.keep_fd)
		verify_kept_fd();
	verify_clock();
	return tap_done();
}
