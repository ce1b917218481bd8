// SPDX-License-Identifier: GPL-2.0
/*
 * 22-kmod-pat - the PAT experiment: the lab page asks for a cache mode and the
 * PTE shows what the CPU will really use. Requesting UC for plain RAM is
 * silently overruled (effective WB: PAT keeps the page's memtype, and
 * lookup_memtype() in arch/x86/mm/pat/memtype.c gives WB for RAM that no
 * set_memory_*() call changed); after set_memory_uc() on the page's linear
 * map the same request gives UC-.
 * The data page stays WB and the HPET page UC- whatever the lab does.
 */
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
	       lab->effective == x->effective,
	       "%s: %s (requested %s, effective %s, PAT index %u)", vt_strategy_names[s], x->what,
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
	int fd;

	tap_header();
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
	close(fd);
	return tap_done();
}
