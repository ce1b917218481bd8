// SPDX-License-Identifier: GPL-2.0
/*
 * 19-kmod-trace: the module's trace events (kmod/vclock_trace.h) through
 * tracefs, for a known sequence: map the layout with the fault strategy and
 * touch each page (three vclock_fault events: the address of each page, its
 * layout page, its pfn - the HPET's is the HPET's address - strategy fault
 * and the requested cache mode), switch the counter mode to none and back
 * (vclock_mode_switch hpet->none, none->hpet), let the timekeeper run
 * (vclock_tk_update: mode hpet, its rate and mult, steer = rate - mult),
 * and map from a time namespace with offsets (vclock_view_create and
 * vclock_view_free with those offsets). The debugfs status stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "vclock_test.h"

#define TRACEFS		"/sys/kernel/tracing"
#define MONO_OFF_S	1000
#define BOOT_OFF_S	2000

static int tracefs_write(const char *file, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	return vt_write_file(path, val);
}

/* The trace buffer's lines of event @event ("vclock_fault:") into @out. */
static int trace_lines(const char *event, char out[][512], int max)
{
	char line[512];
	FILE *f = fopen(TRACEFS "/trace", "r");
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && n < max) {
		if (line[0] == '#' || !strstr(line, event))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out[n++], 512, "%s", strstr(line, event));
	}
	fclose(f);
	return n;
}

static void map_in_timens(void *arg)
{
	int fd = *(int *)arg;
	void *p = mmap(NULL, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, fd,
		       VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_FAULT, 0, 0));

	if (p == MAP_FAILED)
		_exit(1);
	munmap(p, VCLOCK_MAP_SIZE);
}

/* A grandchild in a new time namespace maps the device and unmaps it. */
static int view_sequence(int fd)
{
	char buf[96];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		snprintf(buf, sizeof(buf), "monotonic %d 0\nboottime %d 0\n", MONO_OFF_S, BOOT_OFF_S);
		if (vt_new_timens(0, buf))
			_exit(3);
		_exit(vt_in_child(map_in_timens, &fd) ? 4 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void check_faults(const struct vt_map *m, uint64_t hpet_address)
{
	static const char *const page_names[] = VCLOCK_PAGE_NAMES;
	static const char *const requested[VCLOCK_NR_PAGES] = {
		[VCLOCK_PAGE_DATA] = "WB", [VCLOCK_PAGE_LAB] = "WB",
		[VCLOCK_PAGE_TK] = "WB", [VCLOCK_PAGE_HPET] = "UC-",
	};
	static char lines[64][512];
	unsigned long pfn[VCLOCK_NR_PAGES] = { 0 };
	char want[128], *pfn_at;
	int n = trace_lines("vclock_fault:", lines, 64), i, p, found;

	tap_ok(n >= VCLOCK_NR_PAGES, "vclock_fault: %d events for the %d touched pages", n,
	       VCLOCK_NR_PAGES);
	for (p = 0; p < VCLOCK_NR_PAGES; p++) {
		snprintf(want, sizeof(want), "address=%#lx page=%s pfn=",
			 (unsigned long)(m->base + p * VCLOCK_PAGE_SIZE), page_names[p]);
		found = 0;
		for (i = 0; i < n; i++) {
			if (!strstr(lines[i], want))
				continue;
			found++;
			pfn_at = strstr(lines[i], "pfn=") + 4;
			pfn[p] = strtoul(pfn_at, NULL, 16);
			snprintf(want, sizeof(want), " strategy=fault requested=%s", requested[p]);
			tap_ok(strstr(lines[i], want) != NULL, "vclock_fault %s:%s", page_names[p],
			       want);
			break;
		}
		tap_ok(found == 1, "vclock_fault for page %s at %p (page=%s)", page_names[p],
		       (void *)(m->base + p * VCLOCK_PAGE_SIZE), page_names[p]);
		if (!found)
			for (i = 0; i < n; i++)
				tap_diag("%s", lines[i]);
	}
	tap_ok(pfn[VCLOCK_PAGE_HPET] == hpet_address >> 12,
	       "vclock_fault hpet: pfn %#lx is the HPET's (%#" PRIx64 ")", pfn[VCLOCK_PAGE_HPET],
	       hpet_address);
	tap_ok(pfn[VCLOCK_PAGE_DATA] && pfn[VCLOCK_PAGE_LAB] &&
	       pfn[VCLOCK_PAGE_DATA] != pfn[VCLOCK_PAGE_LAB] &&
	       pfn[VCLOCK_PAGE_DATA] != pfn[VCLOCK_PAGE_HPET],
	       "vclock_fault: data pfn %#lx and lab pfn %#lx are two other frames",
	       pfn[VCLOCK_PAGE_DATA], pfn[VCLOCK_PAGE_LAB]);
	tap_ok(pfn[VCLOCK_PAGE_TK] == pfn[VCLOCK_PAGE_DATA],
	       "vclock_fault: outside a time namespace the tk page is the data page (pfn %#lx, %#lx)",
	       pfn[VCLOCK_PAGE_TK], pfn[VCLOCK_PAGE_DATA]);
}

static void check_modes_and_updates(void)
{
	static char lines[4096][512];
	int n = trace_lines("vclock_mode_switch:", lines, 64), i, to_none = -1, to_hpet = -1;
	unsigned int rate, mult;
	unsigned long long ahead;
	int steer, good = 0, hpet = 0;
	char mode[16];

	for (i = 0; i < n; i++) {
		if (strstr(lines[i], "from=hpet to=none") && to_none < 0)
			to_none = i;
		if (strstr(lines[i], "from=none to=hpet") && to_none >= 0 && to_hpet < 0)
			to_hpet = i;
	}
	tap_ok(to_none >= 0, "vclock_mode_switch from=hpet to=none");
	tap_ok(to_hpet > to_none, "vclock_mode_switch from=none to=hpet, after it");
	if (to_none < 0 || to_hpet < 0)
		for (i = 0; i < n; i++)
			tap_diag("%s", lines[i]);

	n = trace_lines("vclock_tk_update:", lines, 4096);
	for (i = 0; i < n; i++) {
		if (sscanf(lines[i], "vclock_tk_update: mode=%15s rate=%u mult=%u ahead_ns=%llu steer=%d",
			   mode, &rate, &mult, &ahead, &steer) != 5)
			continue;
		if (strcmp(mode, "hpet"))
			continue;
		hpet++;
		/* 100 MHz HPET, shift 24 or so: ~10 ns per cycle; steering < rate / 2 */
		if (rate && mult && steer == (int)(rate - mult) && mult >= rate / 2 &&
		    ahead < 1000000000ull)
			good++;
	}
	tap_ok(hpet >= 3 && good == hpet,
	       "vclock_tk_update: %d events in mode hpet, %d with rate, mult, ahead_ns < 1 s and "
	       "steer = rate - mult (of %d events)", hpet, good, n);
	if (n && good != hpet)
		tap_diag("%s", lines[0]);
}

static void check_views(void)
{
	static char lines[64][512];
	char want[160];
	int n;

	snprintf(want, sizeof(want), "monotonic_offset_ns=%lld boottime_offset_ns=%lld views=",
		 MONO_OFF_S * 1000000000ll, BOOT_OFF_S * 1000000000ll);
	n = trace_lines("vclock_view_create:", lines, 64);
	tap_ok(n == 1 && strstr(lines[0], want), "vclock_view_create: one, with the offsets (%s)",
	       n ? lines[0] : "none");
	n = trace_lines("vclock_view_free:", lines, 64);
	tap_ok(n == 1 && strstr(lines[0], want), "vclock_view_free: one, with the offsets (%s)",
	       n ? lines[0] : "none");
}

int main(void)
{
	struct vclock_info info;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct vt_map m;
	int fd, err, rc;

	tap_header();
	if (access(TRACEFS "/events", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		tap_bail("tracefs: %s", strerror(errno));
	if (access(TRACEFS "/events/vclock", F_OK))
		tap_bail(TRACEFS "/events/vclock missing: the module has no trace events");
	fd = vt_open();
	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	if (!info.hpet_address || info.clock_mode != VCLOCK_MODE_HPET)
		tap_bail("needs the HPET mode (clock_mode %d)", info.clock_mode);
	tap_ok(!access(TRACEFS "/events/vclock/vclock_fault/format", R_OK) &&
	       !access(TRACEFS "/events/vclock/vclock_tk_update/format", R_OK) &&
	       !access(TRACEFS "/events/vclock/vclock_mode_switch/format", R_OK) &&
	       !access(TRACEFS "/events/vclock/vclock_view_create/format", R_OK) &&
	       !access(TRACEFS "/events/vclock/vclock_view_free/format", R_OK),
	       "events/vclock has vclock_fault, vclock_tk_update, vclock_mode_switch, "
	       "vclock_view_create, vclock_view_free");

	err = tracefs_write("tracing_on", "0");
	err = err ?: tracefs_write("buffer_size_kb", "2048");
	err = err ?: tracefs_write("trace", "");
	err = err ?: tracefs_write("events/vclock/enable", "1");
	err = err ?: tracefs_write("tracing_on", "1");
	tap_ok(!err, "tracing the vclock events (%s)", err ? strerror(-err) : "on");

	err = vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m);
	if (err)
		tap_bail("map fault: %s", strerror(-err));
	vt_touch_all(&m);
	tap_ok(!vt_param_write("clock_mode", "none"), "clock_mode none");
	nanosleep(&pause, NULL);
	tap_ok(!vt_param_write("clock_mode", "auto"), "clock_mode auto");
	nanosleep(&pause, NULL);
	rc = view_sequence(fd);
	tap_ok(rc == 0, "a process in a time namespace with offsets mapped and unmapped (%d)", rc);
	tracefs_write("tracing_on", "0");

	check_faults(&m, info.hpet_address);
	check_modes_and_updates();
	check_views();
	vt_unmap(&m);

	tracefs_write("events/vclock/enable", "0");
	tracefs_write("trace", "");
	tracefs_write("tracing_on", "1");
	tap_ok(!access("/sys/kernel/debug/vclock/status", R_OK), "the debugfs status is still there");
	close(fd);
	return tap_done();
}
