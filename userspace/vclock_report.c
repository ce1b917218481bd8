// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-report - what this kernel does with vclock's PFN mapping, the facts
 * that differ between kernel generations, one "fact<TAB>value" line each
 * (vm/report joins the generations' lines into out/report.md and
 * out/report.json):
 *
 *   - which strategies the module offers;
 *   - requested -> effective cache mode of every page kind per strategy
 *     (from the PTEs, through VCLOCK_IOC_QUERY), and what the kernel said
 *     about a RAM page mapped against its linear map's mode (the check
 *     kernel-patches/seed-003-* adds; stock kernels say nothing);
 *   - the kernel's own [vvar], [vvar_vclock] and [vdso] VMAs and VmFlags;
 *   - what each get_user_pages() path (process_vm_readv, /proc/PID/mem,
 *     ptrace, O_DIRECT, vmsplice, io_uring) does with each page kind per
 *     strategy, and whether it changes a page's counts (report_gup.c);
 *   - what /proc/self/pagemap says of a PFN-mapped page (root sees pfns);
 *   - the cost of one HPET counter load relative to a data-page load.
 *
 * Run as root in the guest with the module loaded (the CRIU facts come from
 * vclock-report-criu). Exit status (cli_common.h's table): 0, 1 if a fact
 * could not be measured (its line says why), 2 on a usage error, 3 without
 * the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "cli_common.h"
#include "proc_maps.h"
#include "report.h"

static const char *prog = "vclock-report";
static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const lab_names[] = VCLOCK_LAB_NAMES;

/* The name of one cache-mode fact: the lab page's changes with @lab. */
static void cache_fact_name(char *name, size_t size, unsigned int s, unsigned int page,
			    unsigned int lab)
{
	if (page == VCLOCK_PAGE_LAB)
		snprintf(name, size, "cache %s lab %s", strategy_names[s], lab_names[lab]);
	else
		snprintf(name, size, "cache %s %s", strategy_names[s],
			 page == VCLOCK_PAGE_DATA ? "data" : "hpet");
}

/*
 * Each page kind once: data and HPET with lab wb, the lab page with each.
 * The tk page is the data page's kind (the timekeeper's page, WB).
 */
static int cache_fact_wanted(unsigned int page, unsigned int lab)
{
	if (page == VCLOCK_PAGE_TK)
		return 0;
	return page == VCLOCK_PAGE_LAB || lab == VCLOCK_LAB_WB;
}

/* requested -> effective of every page kind, for one strategy. */
static void cache_modes(int fd, unsigned int s, int offered)
{
	struct vclock_pte_info e[VCLOCK_NR_PAGES];
	char name[64];
	unsigned int lab, page;
	char *base = NULL;
	int n = 0, err = 0;

	for (lab = 0; lab < VCLOCK_NR_LAB; lab++) {
		if (offered) {
			err = map_layout(fd, s, lab, &base);
			if (!err) {
				for (page = 0; page < VCLOCK_NR_PAGES; page++)
					(void)*(volatile const char *)(base + page * VCLOCK_PAGE_SIZE);
				n = query_self(fd, e, VCLOCK_NR_PAGES);
			}
		}
		for (page = 0; page < VCLOCK_NR_PAGES; page++) {
			if (!cache_fact_wanted(page, lab))
				continue;
			cache_fact_name(name, sizeof(name), s, page, lab);
			if (!offered) {
				fact(name, "not offered");
			} else if (err) {
				fact(name, "cannot map (%s)", strerror(-err));
				failures++;
			} else if (n != VCLOCK_NR_PAGES) {
				fact(name, "query failed (%s)", n < 0 ? strerror(-n) : "short");
				failures++;
			} else if (!e[page].present) {
				fact(name, "%s -> not present", cache_name(e[page].requested));
			} else {
				fact(name, "%s -> %s", cache_name(e[page].requested),
				     cache_name(e[page].effective));
			}
		}
		if (offered && !err)
			munmap(base, VCLOCK_MAP_SIZE);
	}
}

/*
 * The kernel log's line about a RAM page whose PTE and linear map disagree,
 * if any: x86/PAT "comm:pid maps ..., its linear map is ...". The task
 * and hex numbers (the pfn) are left out: the fact is what the kernel
 * checks, not who or where.
 */
static void linear_map_check(void)
{
	const char *key = "its linear map is";
	char *buf, *line, *at, *p, *q;
	int n, len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);

	if (len <= 0 || !(buf = malloc((size_t)len + 1))) {
		fact("pat linear-map check", "cannot read the kernel log (%s)", strerror(errno));
		failures++;
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (n < 0) {
		fact("pat linear-map check", "cannot read the kernel log (%s)", strerror(errno));
		failures++;
		free(buf);
		return;
	}
	buf[n] = 0;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, key) || !(at = strstr(line, "x86/PAT: ")))
			continue;
		at = strchr(at + 9, ' ');	/* after the task: comm:pid */
		if (!at)
			continue;
		for (p = q = ++at; *p; p++) {
			if (p[0] == '0' && p[1] == 'x') {
				for (p += 2; p[1] && strchr("0123456789abcdef", p[1]); p++)
					;
				q += sprintf(q, "PFN");
				continue;
			}
			*q++ = *p;
		}
		*q = 0;
		fact("pat linear-map check", "warned: %s", at);
		free(buf);
		return;
	}
	fact("pat linear-map check", "silent");
	free(buf);
}

/* The kernel's own special mappings of this process. */
static void kernel_vmas(void)
{
	static const char *const names[] = { "[vvar]", "[vvar_vclock]", "[vdso]" };
	struct maps_list l = { 0 };
	char fname[32];
	size_t i, j;

	if (maps_read("self", &l) || smaps_merge("self", &l)) {
		fact("vma", "cannot read /proc/self/smaps");
		failures++;
		maps_free(&l);
		return;
	}
	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
		snprintf(fname, sizeof(fname), "vma %s", names[j]);
		for (i = 0; i < l.n; i++)
			if (!strcmp(l.v[i].path, names[j]))
				break;
		if (i == l.n)
			fact(fname, "absent");
		else
			fact(fname, "%lu kB, %s", (l.v[i].end - l.v[i].start) / 1024,
			     l.v[i].vmflags);
	}
	maps_free(&l);
}

/* What pagemap reports for each page of a fault-strategy mapping. */
static void pagemap(int fd)
{
	struct vclock_pte_info e[VCLOCK_NR_PAGES];
	static const char *const pages[] = VCLOCK_PAGE_NAMES;
	char name[32];
	unsigned int page;
	uint64_t ent;
	char *base;
	int pm, n, err;

	err = map_layout(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &base);
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (err || pm < 0) {
		fact("pagemap", "cannot map or open pagemap (%s)", strerror(err ? -err : errno));
		failures++;
		if (!err)
			munmap(base, VCLOCK_MAP_SIZE);
		if (pm >= 0)
			close(pm);
		return;
	}
	for (page = 0; page < VCLOCK_NR_PAGES; page++)
		(void)*(volatile const char *)(base + page * VCLOCK_PAGE_SIZE);
	n = query_self(fd, e, VCLOCK_NR_PAGES);
	for (page = 0; page < VCLOCK_NR_PAGES; page++) {
		off_t off = (off_t)((uintptr_t)(base + page * VCLOCK_PAGE_SIZE) / VCLOCK_PAGE_SIZE) * 8;

		if (page == VCLOCK_PAGE_TK)	/* the data page again, here */
			continue;
		snprintf(name, sizeof(name), "pagemap %s page", pages[page]);
		if (pread(pm, &ent, sizeof(ent), off) != sizeof(ent) || n != VCLOCK_NR_PAGES) {
			fact(name, "cannot read");
			failures++;
			continue;
		}
		/*
		 * Bit 63 present, 61 file page or shared, 56 exclusive, 0-54
		 * the pfn (0 without CAP_SYS_ADMIN). A VM_PFNMAP VMA may be
		 * walked as a hole: then nothing is present, whatever the PTE.
		 */
		if (!(ent >> 63 & 1))
			fact(name, "not present (PTE %s)", e[page].present ? "present" : "absent");
		else
			fact(name, "present, pfn %s%s%s",
			     !(ent & ((1ull << 55) - 1)) ? "hidden (0)" :
			     (ent & ((1ull << 55) - 1)) == e[page].pfn ? "= PTE's" : "!= PTE's",
			     ent >> 61 & 1 ? ", file/shared" : "", ent >> 56 & 1 ? ", exclusive" : "");
	}
	close(pm);
	munmap(base, VCLOCK_MAP_SIZE);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ns per load of @p, best of 5 rounds of @n loads. */
static double load_ns(const volatile uint32_t *p, unsigned int n)
{
	double best = 0;
	int round;

	for (round = 0; round < 5; round++) {
		uint64_t t0 = now_ns();
		unsigned int i;
		uint32_t sink = 0;
		double ns;

		for (i = 0; i < n; i++)
			sink += *p;
		ns = (double)(now_ns() - t0) / n;
		if (!round || ns < best)
			best = ns;
		__asm__ volatile("" : : "r"(sink));
	}
	return best;
}

static void hpet_cost(int fd, unsigned int modes)
{
	char *base;
	double hpet, data;

	if (!(modes & (1u << VCLOCK_MODE_HPET))) {
		fact("hpet load / data load", "no usable HPET");
		return;
	}
	if (map_layout(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &base)) {
		fact("hpet load / data load", "cannot map");
		failures++;
		return;
	}
	hpet = load_ns((const volatile uint32_t *)(base + VCLOCK_PAGE_HPET * VCLOCK_PAGE_SIZE +
						   VCLOCK_HPET_COUNTER), 20000);
	data = load_ns((const volatile uint32_t *)base, 2000000);
	fact("hpet load / data load", "%.0fx (%.0f ns / %.1f ns)", hpet / data, hpet, data);
	munmap(base, VCLOCK_MAP_SIZE);
}

static void usage(void)
{
	printf("Usage: %s [--help|--version]\n"
	       "Print the facts this kernel shows about vclock's mapping, one\n"
	       "'fact<TAB>value' line each: the strategies offered, requested -> effective\n"
	       "cache mode of every page per strategy, the kernel's own [vvar]/[vdso]\n"
	       "VMAs, what pagemap says of a PFN-mapped page, the HPET's cost. Run as root\n"
	       "with the module loaded (make report runs it in every generation's guest).\n"
	       "\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n", prog);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"every fact was measured", "a fact could not be measured (its line says why)",
		"an argument was given", "the module is not loaded", NULL,
	});
}

int main(int argc, char **argv)
{
	struct vclock_info info;
	struct utsname u;
	char cs[64] = "?";
	unsigned int s;
	FILE *f;
	int fd;

	if (argc > 1) {
		if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
			cli_print_version(prog);
			return 0;
		}
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			usage();
			return 0;
		}
		return cli_usage_error(prog, "no arguments expected ('%s')", argv[1]);
	}
	if (cli_check_device_env(prog))
		return EXIT_USAGE;
	fd = open(cli_device_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, VCLOCK_IOC_INFO, &info)) {
		cli_report_device_error(prog, -errno);
		return EXIT_UNAVAILABLE;
	}
	uname(&u);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (f) {
		if (fgets(cs, sizeof(cs), f))
			cs[strcspn(cs, "\n")] = 0;
		fclose(f);
	}
	fact("kernel", "%s", u.release);
	fact("clocksource", "%s", cs);
	printf("strategies\t");
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++)
		printf("%s%s%s", s > VCLOCK_STRATEGY_FAULT ? " " : "", strategy_names[s],
		       info.strategies & (1u << s) ? "" : "(no)");
	putchar('\n');
	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++)
		cache_modes(fd, s, !!(info.strategies & (1u << s)));
	linear_map_check();
	report_copy(fd, info.strategies);
	report_gup(fd, info.strategies);
	kernel_vmas();
	pagemap(fd);
	hpet_cost(fd, info.modes);
	close(fd);
	return failures ? 1 : 0;
}
