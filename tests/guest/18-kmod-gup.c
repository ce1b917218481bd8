// SPDX-License-Identifier: GPL-2.0
/*
 * 18-kmod-gup - no get_user_pages() path takes a reference on a PFN-mapped
 * page, and none hands back other bytes than the page's (seed 003: "KVM
 * people trying to grab a reference to those pages even if the VMA had
 * VM_PFNMAP").
 *
 * For the strategies that map PFNs (fault, remap, split) and every path of
 * vclock-report's gup rows (process_vm_readv from a child, /proc/PPID/mem,
 * ptrace PEEKDATA, an O_DIRECT write, vmsplice, io_uring buffer
 * registration; userspace/report_gup.c does the probing), on the data and
 * lab pages: /proc/kpagecount (the map count) and the module's page_refs
 * (the reference count) are the same while the path holds the page and
 * after it as before. Whatever the path answers (EFAULT, EIO, or success:
 * kernels differ, vclock-report shows which), a success must carry the
 * page's own bytes (as the mapping reads them). The same for the HPET page,
 * which has no counts. Mixed (VM_MIXEDMAP, before 6.4) is shown, not
 * asserted: a mixed map may hold refcounted pages by design.
 *
 * A control first: the same paths on an anonymous page succeed with its
 * bytes, so an EFAULT on vclock's pages is the mapping's, not the probe's.
 * Last, the counts of the whole run: what the suite started with.
 */
#include <sys/uio.h>

#include "vclock_test.h"
#include "report.h"

static const char *const path_names[] = GUP_PATH_NAMES;

/* page_refs of the module's status file; 0 or -1. */
static int status_refs(long *data, long *lab)
{
	char line[256];
	FILE *f = fopen(VT_STATUS_PATH, "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		found |= sscanf(line, "page_refs: data=%ld lab=%ld", data, lab) == 2;
	fclose(f);
	return found ? 0 : -1;
}

static long map_count(unsigned long long pfn)
{
	uint64_t count = 0;
	int fd = open("/proc/kpagecount", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, &count, sizeof(count), (off_t)(pfn * 8));

	if (fd >= 0)
		close(fd);
	return n == sizeof(count) ? (long)count : -1;
}

static const char *outcome(const struct gup_outcome *o, char *buf, size_t size)
{
	if (o->err)
		snprintf(buf, size, "%s", strerrorname_np(o->err) ?: "E?");
	else
		snprintf(buf, size, "%zd of %zu bytes%s", o->got, o->len,
			 o->same ? ", the page's" : ", NOT the page's");
	return buf;
}

/* The paths on an anonymous page of a known pattern all succeed with it. */
static void control(const char *odirect)
{
	struct gup_target t = { .kind = VCLOCK_PAGE_LAB, .pfn = 0 };
	struct gup_outcome o;
	char buf[96];
	unsigned int path, i;

	t.addr = mmap(NULL, VCLOCK_PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t.addr == MAP_FAILED)
		tap_bail("cannot map an anonymous page: %s", strerror(errno));
	for (i = 0; i < VCLOCK_PAGE_SIZE; i++)
		t.addr[i] = (char)(i * 7 + 1);
	for (path = 0; path < GUP_NR_PATHS; path++) {
		if (path == GUP_O_DIRECT && !odirect)
			continue;
		gup_probe(&t, path, odirect, &o);
		if (path == GUP_IO_URING && o.err == ENOSYS) {
			tap_ok(1, "control: anonymous page, %s: ENOSYS (no io_uring)",
			       path_names[path]);
			continue;
		}
		tap_ok(!o.err && (size_t)o.got == o.len && o.same,
		       "control: anonymous page, %s: %s", path_names[path],
		       outcome(&o, buf, sizeof(buf)));
	}
	munmap(t.addr, VCLOCK_PAGE_SIZE);
}

static void one_strategy(int fd, unsigned int s, int hpet_usable, const char *odirect)
{
	int pfn_mapped = s != VCLOCK_STRATEGY_MIXED;
	struct gup_target t[GUP_NR_KINDS];
	struct gup_outcome o;
	unsigned int path;
	char *base, buf[96];
	int k, err;

	err = map_layout(fd, s, VCLOCK_LAB_WB, &base);
	if (err) {
		tap_ok(0, "%s: map the layout (%s)", vt_strategy_names[s], strerror(-err));
		return;
	}
	err = gup_targets(fd, base, hpet_usable, t);
	if (err) {
		tap_ok(0, "%s: query the layout (%s)", vt_strategy_names[s], strerror(-err));
		munmap(base, VCLOCK_MAP_SIZE);
		return;
	}
	for (k = 0; k < GUP_NR_KINDS; k++)
		if (t[k].kind != VCLOCK_PAGE_HPET && !t[k].pfn)
			tap_bail("%s: no pfn for the %s page (not root?)", vt_strategy_names[s],
				 vt_page_names[t[k].kind]);
	for (path = 0; path < GUP_NR_PATHS; path++) {
		if (path == GUP_O_DIRECT && !odirect)
			continue;
		for (k = 0; k < GUP_NR_KINDS; k++) {
			const char *page = vt_page_names[t[k].kind];

			if (t[k].kind == VCLOCK_PAGE_HPET && !hpet_usable)
				continue;
			gup_probe(&t[k], path, odirect, &o);
			outcome(&o, buf, sizeof(buf));
			if (!pfn_mapped) {
				tap_diag("%s %s %s: %s, map %+ld, ref %+ld (shown, not asserted)",
					 vt_strategy_names[s], path_names[path], page, buf,
					 o.map_delta, o.ref_delta);
				continue;
			}
			if (t[k].kind != VCLOCK_PAGE_HPET)
				tap_ok(o.counts_ok && !o.map_delta && !o.ref_delta,
				       "%s %s %s page: counts unchanged (map %+ld, ref %+ld%s; %s)",
				       vt_strategy_names[s], path_names[path], page, o.map_delta,
				       o.ref_delta, o.counts_ok ? "" : ", NOT MEASURED", buf);
			tap_ok(o.err || ((size_t)o.got == o.len && o.same),
			       "%s %s %s page: an error or the page's own bytes (%s)",
			       vt_strategy_names[s], path_names[path], page, buf);
		}
	}
	munmap(base, VCLOCK_MAP_SIZE);
}

int main(void)
{
	struct vclock_info info;
	struct gup_target t[GUP_NR_KINDS];
	long data0, lab0, data1, lab1, map0[2], map1[2];
	char fs[32] = "", *base;
	const char *odirect;
	unsigned int s, strategies;
	int fd, hpet_usable, k;

	tap_header();
	fd = vt_open();
	if (fd < 0 || ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("cannot open %s: %s", vt_path(), strerror(errno));
	strategies = info.strategies;
	hpet_usable = !!(info.modes & (1u << VCLOCK_MODE_HPET));
	odirect = gup_odirect_dir(fs, sizeof(fs));
	tap_diag("O_DIRECT file: %s", odirect ? odirect : "none (no O_DIRECT filesystem)");
	if (odirect)
		tap_diag("O_DIRECT filesystem: %s", fs);

	/* The pfns of the data and lab pages, for the whole run's counts. */
	if (map_layout(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &base) ||
	    gup_targets(fd, base, hpet_usable, t) || !t[0].pfn || !t[1].pfn)
		tap_bail("cannot find the data and lab pages' pfns (root is needed)");
	if (status_refs(&data0, &lab0))
		tap_bail("no page_refs line in %s", VT_STATUS_PATH);
	for (k = 0; k < 2; k++)
		map0[k] = map_count(t[k].pfn);
	/* The module holds each page: a count of 0 would measure nothing. */
	tap_ok(data0 >= 1 && lab0 >= 1 && map0[0] >= 0 && map0[1] >= 0,
	       "the counts are readable: data ref %ld map %ld, lab ref %ld map %ld",
	       data0, map0[0], lab0, map0[1]);

	control(odirect);
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		if (!(strategies & (1u << s)))
			vt_check_unoffered(fd, s);
		else
			one_strategy(fd, s, hpet_usable, odirect);
	}

	if (status_refs(&data1, &lab1))
		data1 = lab1 = -1;
	tap_ok(data1 == data0 && lab1 == lab0,
	       "the whole run: reference counts as before (data %ld -> %ld, lab %ld -> %ld)",
	       data0, data1, lab0, lab1);
	for (k = 0; k < 2; k++)
		map1[k] = map_count(t[k].pfn);
	tap_ok(map1[0] == map0[0] && map1[1] == map0[1],
	       "the whole run: map counts as before (data %ld -> %ld, lab %ld -> %ld)",
	       map0[0], map1[0], map0[1], map1[1]);
	munmap(base, VCLOCK_MAP_SIZE);
	close(fd);
	return tap_done();
}
