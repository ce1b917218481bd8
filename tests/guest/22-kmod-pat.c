// SPDX-License-Identifier: GPL-2.0
/*
 * 22-kmod-pat - the PAT experiment: the lab page asks for a cache mode and the
 * PTE shows what the CPU will really use. Requesting UC for plain RAM is
 * silently overruled (effective WB: PAT keeps the page's memtype, and
 * lookup_memtype() in arch/x86/mm/pat/memtype.c gives WB for RAM that no
 * set_memory_*() call changed); after set_memory_uc() on the page's linear
 * map the same request gives UC-.
 * The data page stays WB and the HPET page UC- whatever the lab does.
 *
 * On a kernel built with kernel-patches/seed-003-* (vm/gen's patched
 * generation lists its patches in /etc/vclock/kernel-patches),
 * vmf_insert_pfn_prot() keeps the caller's mode on RAM: the fault strategy's
 * UC requests stay UC, remap_pfn_range() is unchanged, and the kernel says
 * once that a page's linear map disagrees. A stock kernel never says it.
 */
#include <sys/klog.h>

#include "vclock_test.h"

struct expect {
	unsigned int lab, requested, effective, page_id;
	const char *what;
};

static const struct expect expects[] = {
	{ VCLOCK_LAB_WB, VCLOCK_CACHE_WB, VCLOCK_CACHE_WB, VCLOCK_LAB_WB,
	  "WB request on RAM is WB" },
	{ VCLOCK_LAB_UC, VCLOCK_CACHE_UC, VCLOCK_CACHE_WB, VCLOCK_LAB_WB,
	  "UC request on plain RAM is overruled: WB" },
	{ VCLOCK_LAB_UC_SETMEM, VCLOCK_CACHE_UC, VCLOCK_CACHE_UC_MINUS, VCLOCK_LAB_UC_SETMEM,
	  "UC request after set_memory_uc: UC-" },
};

static const char *const lab_names[] = VCLOCK_LAB_NAMES;
static int seed003;	/* the kernel has the seed-003 patch */

/* Is a patch whose name starts with @prefix in the kernel's list? */
static int kernel_patched(const char *prefix)
{
	FILE *f = fopen("/etc/vclock/kernel-patches", "r");
	char line[256];
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= !strncmp(line, prefix, strlen(prefix));
	if (f)
		fclose(f);
	return found;
}

/* What the PTE gets for @x under strategy @s on this kernel. */
static unsigned int effective(unsigned int s, const struct expect *x)
{
	if (seed003 && s == VCLOCK_STRATEGY_FAULT && x->requested == VCLOCK_CACHE_UC)
		return VCLOCK_CACHE_UC;
	return x->effective;
}

/* Lines of the kernel log that say a RAM page's linear map disagrees. */
static int linear_map_warnings(void)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1), count = 0;
	char *p = buf;

	if (n < 0)
		return -errno;
	buf[n] = 0;
	while ((p = strstr(p, "its linear map is write-back"))) {
		count++;
		p++;
	}
	return count;
}

static void check(int fd, unsigned int s, const struct expect *x)
{
	struct vclock_pte_info e[8];
	const struct vclock_pte_info *lab, *data, *hpet;
	const volatile uint64_t *word;
	struct vt_map m;
	int n;

	if (!tap_ok(vt_map(fd, s, x->lab, &m) == 0, "%s/%s: mmap", vt_strategy_names[s],
		    lab_names[x->lab]))
		return;
	word = (const volatile uint64_t *)(m.base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
	tap_ok(word[0] == ((uint64_t)VCLOCK_MAGIC << 32 | (uint64_t)x->page_id << 16) &&
	       word[5] == ((uint64_t)VCLOCK_MAGIC << 32 | (uint64_t)x->page_id << 16 | 5),
	       "%s/%s: lab page content is page %u's pattern", vt_strategy_names[s],
	       lab_names[x->lab], x->page_id);
	vt_touch_all(&m);

	n = vt_query(fd, 0, e, 8, NULL);
	n = n < 0 ? 0 : n;
	lab = vt_entry(e, n, m.base + VCLOCK_PAGE_LAB * VCLOCK_PAGE_SIZE);
	data = vt_entry(e, n, m.base);
	hpet = vt_entry(e, n, m.hpet);
	tap_ok(lab && lab->present && lab->lab == x->lab && lab->requested == x->requested &&
	       lab->effective == effective(s, x),
	       "%s: %s (requested %s, effective %s, PAT index %u)", vt_strategy_names[s],
	       effective(s, x) == x->effective ? x->what :
	       "the seed-003 patch keeps a UC request on RAM: UC",
	       lab ? vt_cache_names[lab->requested % VCLOCK_NR_CACHE] : "?",
	       lab ? vt_cache_names[lab->effective % VCLOCK_NR_CACHE] : "?",
	       lab ? lab->pat_index : 0);
	tap_ok(data && hpet && data->effective == VCLOCK_CACHE_WB &&
	       hpet->effective == VCLOCK_CACHE_UC_MINUS,
	       "%s/%s: data page stays WB, HPET page UC-", vt_strategy_names[s],
	       lab_names[x->lab]);
	vt_unmap(&m);
}

int main(void)
{
	static const unsigned int strategies[] = {
		VCLOCK_STRATEGY_FAULT, VCLOCK_STRATEGY_REMAP, VCLOCK_STRATEGY_MIXED,
	};
	struct vclock_info info;
	unsigned int i, j;
	int fd, n;

	tap_header();
	seed003 = kernel_patched("seed-003-");
	tap_diag("kernel patches: %s", seed003 ? "seed-003" : "none of the project's");
	fd = vt_open();
	if (ioctl(fd, VCLOCK_IOC_INFO, &info))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	for (i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
		if (!(info.strategies & (1u << strategies[i]))) {
			vt_check_unoffered(fd, strategies[i]);
			continue;
		}
		for (j = 0; j < sizeof(expects) / sizeof(expects[0]); j++)
			check(fd, strategies[i], &expects[j]);
	}
	n = linear_map_warnings();
	if (seed003)
		tap_ok(n == 1, "the seed-003 kernel said once that a UC page's linear map is write-back (%d lines)",
		       n);
	else
		tap_ok(n == 0, "a stock kernel says nothing about the linear map (%d lines)", n);
	close(fd);
	return tap_done();
}
