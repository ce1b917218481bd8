// SPDX-License-Identifier: GPL-2.0
/*
 * cr_common.c - signals, the ready file, clock series, the process's own
 * vclock VMAs and liveness checks of the pages, for the case programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "cr_common.h"
#include "vclock_read.h"
#include "vclock_test.h"

volatile sig_atomic_t cr_stop;
volatile sig_atomic_t cr_check;

static void on_stop(int sig)
{
	(void)sig;
	cr_stop = 1;
}

static void on_check(int sig)
{
	(void)sig;
	cr_check = 1;
}

void cr_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_check;
	sigaction(SIGUSR2, &sa, NULL);
}

void cr_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int64_t cr_sys_ns(clockid_t id)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, id, &ts))
		return INT64_MIN;
	return cr_ts_ns(&ts);
}

void cr_series_add(struct cr_series *s, int64_t ns)
{
	int64_t step = ns - s->last_ns;

	if (s->reads && step < 0) {
		s->backwards++;
		if (-step > s->max_back_ns)
			s->max_back_ns = -step;
	} else if (s->reads && step > s->max_step_ns) {
		s->max_step_ns = step;
	}
	s->last_ns = ns;
	s->reads++;
}

int cr_vmas_read(struct cr_vmas *v)
{
	const struct maps_entry *e;
	struct maps_list l;
	size_t k;
	int i;

	memset(v, 0, sizeof(*v));
	if (vt_vclock_vmas(&l, true))
		return 0;
	for (k = 0; k < l.n && v->nr < CR_MAX_VMAS; k++) {
		e = &l.v[k];
		if (strcmp(e->path, vt_path()))
			continue;	/* "(deleted)": not the file the process opened */
		i = v->nr++;
		v->start[i] = (uintptr_t)e->start;
		snprintf(v->line[i], sizeof(v->line[i]), "%08lx-%08lx %s %08llx %s",
			 e->start, e->end, e->perms, e->offset, vt_path());
		snprintf(v->inode[i], sizeof(v->inode[i]), "%02x:%02x %lu", e->dev_major,
			 e->dev_minor, e->inode);
		snprintf(v->flags[i], sizeof(v->flags[i]), "%s", e->vmflags);
	}
	maps_free(&l);
	return v->nr;
}

int cr_vmas_same(const struct cr_vmas *before, const struct cr_vmas *now, char *why,
		 size_t size)
{
	int i;

	if (before->nr != now->nr) {
		snprintf(why, size, "%d vclock VMA(s) before, %d now", before->nr, now->nr);
		return 0;
	}
	for (i = 0; i < now->nr; i++) {
		if (strcmp(before->line[i], now->line[i])) {
			snprintf(why, size, "VMA %d was '%s', is '%s'", i, before->line[i],
				 now->line[i]);
			return 0;
		}
		if (strcmp(before->flags[i], now->flags[i])) {
			snprintf(why, size, "VMA %d VmFlags were '%s', are '%s'", i,
				 before->flags[i], now->flags[i]);
			return 0;
		}
	}
	snprintf(why, size, "%d VMA(s) identical", now->nr);
	return 1;
}

void cr_vmas_diag(const char *label, const struct cr_vmas *v)
{
	int i;

	if (!v->nr)
		tap_diag("%s: no vclock VMA", label);
	for (i = 0; i < v->nr; i++)
		tap_diag("%s: %s | %s | VmFlags %s", label, v->line[i], v->inode[i], v->flags[i]);
}

int cr_data_page_live(const void *page_addr, char *why, size_t size)
{
	const volatile struct vclock_data *d = page_addr;
	uint64_t n0, n1;
	int tries, view;

	if (d->magic != VCLOCK_MAGIC || d->layout_version != VCLOCK_LAYOUT_VERSION) {
		snprintf(why, size, "magic %#x layout %u", d->magic, d->layout_version);
		return 0;
	}
	/*
	 * Restored into a time namespace with offsets, the data page is its
	 * view, written once: the timekeeper's page is the mapping's tk page.
	 */
	view = vclock_is_view(page_addr);
	d = vclock_serving_page(page_addr);
	/* The timekeeper publishes updates: the count must move (up to ~1 s). */
	n0 = d->update_count;
	for (tries = 0; tries < 100; tries++) {
		cr_sleep_ms(10);
		n1 = d->update_count;
		if (n1 != n0)
			break;
	}
	snprintf(why, size, "magic ok, %supdate_count %llu -> %llu",
		 view ? "a time namespace's view, the tk page's " : "", (unsigned long long)n0,
		 (unsigned long long)n1);
	return n1 > n0;
}

int cr_hpet_live(const void *hpet_page, char *why, size_t size)
{
	const volatile uint32_t *counter =
		(const volatile uint32_t *)((const char *)hpet_page + VCLOCK_HPET_COUNTER);
	uint32_t c0 = *counter, c1;

	cr_sleep_ms(2);
	c1 = *counter;
	snprintf(why, size, "HPET counter %#x -> %#x", c0, c1);
	return c1 != c0;
}

void cr_check_report(struct cr_checks *c, bool ok, const char *what)
{
	c->done++;
	if (!ok)
		c->failed++;
	tap_diag("check %u: %s %s", c->done, ok ? "ok" : "FAILED", what);
}

void cr_checks_done(const struct cr_checks *c)
{
	tap_ok(!c->failed, "%u intermediate check(s), %u failed", c->done, c->failed);
}

void cr_ready(const char *path, const char *extra)
{
	if (vt_write_ready(path, extra))
		tap_bail("cannot write %s: %s", path, strerror(errno));
}

int cr_timens_offsets(char *buf, size_t size)
{
	char name[32], line[128];
	long long sec;
	long nsec;
	size_t used = 0;
	int nonzero = 0, found = 0;
	FILE *f = fopen("/proc/self/timens_offsets", "r");

	buf[0] = 0;
	if (!f) {
		snprintf(buf, size, "no /proc/self/timens_offsets");
		return -1;
	}
	while (fgets(line, sizeof(line), f) && used < size) {
		if (sscanf(line, "%31s %lld %ld", name, &sec, &nsec) != 3)
			continue;
		found++;
		nonzero |= sec || nsec;
		used += (size_t)snprintf(buf + used, size - used, "%s%s %.3f s", used ? ", " : "",
					 name, (double)sec + (double)nsec / 1e9);
	}
	fclose(f);
	return found ? nonzero : -1;
}
