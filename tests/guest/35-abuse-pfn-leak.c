// SPDX-License-Identifier: GPL-2.0
/*
 * 35-abuse-pfn-leak - no kernel physical address for unprivileged users, and
 * PROT_NONE PTEs reported as what they are.
 *
 * VCLOCK_IOC_QUERY gave uid 1000 the pfns and raw PTEs of kernel-allocated
 * pages (data, lab, time-namespace views) and VCLOCK_IOC_INFO the HPET's
 * physical address, which /proc/iomem and /proc/self/pagemap hide from it.
 * Now, as for pagemap: without CAP_SYS_ADMIN the pfn and the PTE's PFN bits
 * are 0, VCLOCK_PTE_HIDDEN says so, the HPET address is VCLOCK_ADDR_HIDDEN,
 * and vclock-maps prints "hidden". Root still sees everything.
 *
 * A PTE made PROT_NONE by mprotect() still maps the page (pte_present()),
 * but was reported absent: now present, flagged VCLOCK_PTE_PROTNONE, with
 * its real pfn (x86 inverts the PFN bits of such a PTE).
 */
#include <grp.h>
#include <sys/prctl.h>

#include "vclock_test.h"

#define USER_UID	1000
#define PTE_PFN_BITS	0x000ffffffffff000ull
#define HPET_PFN_Q35	0xfed00ull

static void as_user(void)
{
	if (setgroups(0, NULL) || setgid(USER_UID) || setuid(USER_UID))
		tap_bail("cannot become uid %d: %s", USER_UID, strerror(errno));
	prctl(PR_SET_DUMPABLE, 1);
}

/* The pfn /proc/self/pagemap gives for @addr (bits 0-54), or -1. */
static long long pagemap_pfn(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t ent = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &ent, sizeof(ent), (off_t)((uintptr_t)addr / 4096) * 8);
	close(fd);
	return n == sizeof(ent) ? (long long)(ent & ((1ull << 55) - 1)) : -1;
}

/* Every page of the caller's vclock VMAs: are the physical bits hidden? */
static void check_query(int fd, const char *who, int expect_hidden)
{
	struct vclock_pte_info e[16];
	int n = vt_query(fd, 0, e, 16, NULL), i, present = 0, hidden = 0, leaked = 0;
	int hpet_ok = 0;

	for (i = 0; i < n && i < 16; i++) {
		if (!e[i].present)
			continue;
		present++;
		hidden += !!(e[i].flags & VCLOCK_PTE_HIDDEN);
		leaked += e[i].pfn != 0 || (e[i].pte & PTE_PFN_BITS) != 0;
		if (e[i].page == VCLOCK_PAGE_HPET)
			hpet_ok = expect_hidden ? e[i].effective == VCLOCK_CACHE_UC_MINUS :
						  e[i].pfn == HPET_PFN_Q35;
	}
	if (expect_hidden) {
		tap_ok(present >= VCLOCK_NR_PAGES && leaked == 0,
		       "%s: VCLOCK_IOC_QUERY gives no pfn and no PFN bits (%d present, %d with an address)",
		       who, present, leaked);
		tap_ok(hidden == present, "%s: every present entry is flagged VCLOCK_PTE_HIDDEN (%d of %d)",
		       who, hidden, present);
		tap_ok(hpet_ok, "%s: the cache mode is still shown (HPET page UC-)", who);
	} else {
		tap_ok(present >= VCLOCK_NR_PAGES && hidden == 0 && leaked == present && hpet_ok,
		       "%s: VCLOCK_IOC_QUERY shows every pfn (%d present, %d hidden, HPET pfn %s)",
		       who, present, hidden, hpet_ok ? "right" : "wrong");
	}
}

static void check_prot_none(int fd)
{
	const struct vclock_pte_info *d;
	struct vclock_pte_info e[16];
	uint64_t pfn, pte_before;
	uint32_t eff;
	struct vt_map m;
	int n;

	if (!tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "map for the PROT_NONE case"))
		return;
	vt_touch_all(&m);
	n = vt_query(fd, 0, e, 16, NULL);
	d = vt_entry(e, n, m.base);
	if (!tap_ok(d && d->present && d->pfn, "data page present before mprotect")) {
		vt_unmap(&m);
		return;
	}
	pfn = d->pfn;
	pte_before = d->pte;
	eff = d->effective;
	tap_ok(mprotect(m.base, m.len, PROT_NONE) == 0, "mprotect(PROT_NONE) of the whole VMA");
	n = vt_query(fd, 0, e, 16, NULL);
	d = vt_entry(e, n, m.base);
	tap_ok(d && d->present && (d->flags & VCLOCK_PTE_PROTNONE),
	       "a PROT_NONE PTE is reported present and flagged PROTNONE (present %u, flags %#x)",
	       d ? d->present : 0, d ? d->flags : 0);
	tap_ok(d && d->pfn == pfn && d->effective == eff,
	       "with its real pfn (%#llx, before %#llx) and cache mode (%s), PTE %#llx (before %#llx)",
	       d ? (unsigned long long)d->pfn : 0ull, (unsigned long long)pfn,
	       d ? vt_cache_names[d->effective % VCLOCK_NR_CACHE] : "-",
	       d ? (unsigned long long)d->pte : 0ull, (unsigned long long)pte_before);
	tap_ok(mprotect(m.base, m.len, PROT_READ) == 0 && vt_data(&m)->magic == VCLOCK_MAGIC,
	       "readable again after mprotect(PROT_READ)");
	vt_unmap(&m);
}

int main(void)
{
	struct vclock_info info;
	char out[4096], val[64];
	struct vt_map m;
	int fd, root_fd, user_fd;
	size_t len;
	FILE *p;
	volatile char *anon;

	tap_header();
	root_fd = vt_open();
	if (vt_map(root_fd, VCLOCK_STRATEGY_FAULT, 0, &m))
		tap_bail("cannot map " VCLOCK_DEVICE ": %s", strerror(errno));
	vt_touch_all(&m);

	/* Root: everything shown. */
	tap_ok(ioctl(root_fd, VCLOCK_IOC_INFO, &info) == 0 &&
	       info.hpet_address == HPET_PFN_Q35 << 12,
	       "root: VCLOCK_IOC_INFO gives the HPET address (%#llx)",
	       (unsigned long long)info.hpet_address);
	check_query(root_fd, "root", 0);
	check_prot_none(root_fd);

	as_user();
	tap_ok(getuid() == USER_UID, "running as uid %d", USER_UID);
	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	anon[0] = 1;
	tap_ok(pagemap_pfn((const void *)anon) == 0,
	       "reference: /proc/self/pagemap shows uid %d pfn 0 (%lld)", USER_UID,
	       pagemap_pfn((const void *)anon));

	user_fd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC);
	fd = user_fd >= 0 ? user_fd : root_fd;
	tap_ok(ioctl(fd, VCLOCK_IOC_INFO, &info) == 0 && info.hpet_address == VCLOCK_ADDR_HIDDEN &&
	       (info.modes & (1u << VCLOCK_MODE_HPET)),
	       "uid %d: VCLOCK_IOC_INFO hides the HPET address (%#llx), HPET mode still offered",
	       USER_UID, (unsigned long long)info.hpet_address);
	check_query(fd, "uid 1000", 1);
	/* A file root opened, used by uid 1000: the caller lacks the capability. */
	check_query(root_fd, "uid 1000 with root's fd", 1);
	tap_ok(vt_param_read("hpet_address", val, sizeof(val)) == -EACCES,
	       "uid %d cannot read the hpet_address parameter (EACCES)", USER_UID);

	p = popen("vclock-maps --strategy fault self 2>&1", "r");
	len = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
	out[len] = 0;
	if (p)
		pclose(p);
	tap_ok(strstr(out, "hidden") && !strstr(out, "0xfed00 "),
	       "uid %d: vclock-maps shows the pfns as hidden", USER_UID);
	if (!strstr(out, "hidden"))
		tap_diag("vclock-maps said: %.600s", out);
	close(user_fd);
	return tap_done();
}
