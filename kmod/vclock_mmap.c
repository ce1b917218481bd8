// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_mmap.c - one VMA of cached data pages and the uncached HPET page.
 *
 * The layout (include/vclock_abi.h): data page (WB), lab page (RAM, cache
 * mode chosen by the mmap offset), the timekeeper's page (WB), HPET page
 * (UC-). How the pages reach the
 * page tables is the strategy, also chosen by the mmap offset:
 *
 *   fault  nothing at mmap time; vclock_fault() inserts each page on first
 *          touch with vmf_insert_pfn_prot(), with that page's own cache mode
 *          (what Linux v4.6 did for [vvar]).
 *   remap  every page inserted at mmap time with remap_pfn_range() (what
 *          Linux did before v4.6).
 *   split  data pages and HPET page as two VMAs, each filled from .fault.
 *   mixed  VM_MIXEDMAP, filled from .fault with vmf_insert_mixed_prot()
 *          (kernels before v6.4 only).
 *
 * The data page is the timekeeper's, or the view of the time namespace of
 * the task that called mmap (vclock_timens.c), held in vm_private_data; the
 * tk page is always the timekeeper's (what a view's readers read).
 *
 * The mapping is never writable nor executable and can never become a COW
 * mapping: VM_MAYWRITE and VM_MAYEXEC are cleared, so mprotect() cannot add
 * them and vmf_insert_pfn_prot()'s COW assertion can never fire. It cannot be
 * split (partial munmap/mprotect/mremap fail) nor grown (VM_DONTEXPAND).
 * VCLOCK_PGOFF_DONTCOPY in the offset adds VM_DONTCOPY: fork leaves the
 * VMA out of the child (VM_IO makes madvise(MADV_DOFORK) refuse to undo it).
 */
#include "vclock_internal.h"
#include "vclock_trace.h"

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/set_memory.h>

/* The pages behind the mapping; the data page comes from vclock_main.c. */
static struct page *vclock_data_page;
static struct page *vclock_lab_page;		/* plain RAM, linear map WB */
static struct page *vclock_lab_uc_page;		/* linear map made UC- */

static atomic_long_t vclock_live_vmas[VCLOCK_NR_STRATEGIES];
static atomic_long_t vclock_faults[VCLOCK_NR_PAGES];
static atomic_long_t vclock_mmaps;

static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;
static const char *const page_names[] = VCLOCK_PAGE_NAMES;

/*
 * hpet_page: when the HPET page may enter the page tables. Linux v4.6's
 * patch 6/6 let [vvar]'s HPET page fault in only once the HPET vclock had
 * been used, so user space could not reach the MMIO page for nothing:
 *
 *   always   whenever the HPET is usable (the default: this is a testbed
 *            for reading the HPET, also in TSC mode: hpet-raw, the PTE and
 *            cache-mode introspection of that page);
 *   if-used  only once the counter mode has been HPET since load; before
 *            that a touch gets SIGBUS, and remap leaves the page out at
 *            mmap time (it then faults in through .fault once allowed).
 *
 * Checked when a PTE is made (fault, or remap's mmap), as v4.6 did: a PTE
 * already there stays. The setter only stores the value, so it is safe
 * whenever sysfs calls it (at load, and up to the files' removal after
 * ->exit), with the parameter lock held as for every parameter.
 */
enum { VCLOCK_HPET_PAGE_ALWAYS, VCLOCK_HPET_PAGE_IF_USED };
static const char *const hpet_page_names[] = { "always", "if-used" };
static int vclock_hpet_page = VCLOCK_HPET_PAGE_ALWAYS;

static int vclock_hpet_page_set(const char *val, const struct kernel_param *kp)
{
	int policy = vclock_param_choice(val, hpet_page_names, ARRAY_SIZE(hpet_page_names));

	if (policy < 0)
		return -EINVAL;
	WRITE_ONCE(vclock_hpet_page, policy);
	return 0;
}

static int vclock_hpet_page_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", hpet_page_names[READ_ONCE(vclock_hpet_page)]);
}

static const struct kernel_param_ops vclock_hpet_page_ops = {
	.set = vclock_hpet_page_set,
	.get = vclock_hpet_page_get,
};
module_param_cb(hpet_page, &vclock_hpet_page_ops, NULL, 0644);
MODULE_PARM_DESC(hpet_page, "when the HPET page maps: always (default) or if-used (once the counter mode has been hpet since load; else SIGBUS)");

static bool vclock_hpet_page_allowed(void)
{
	return READ_ONCE(vclock_hpet_page) == VCLOCK_HPET_PAGE_ALWAYS ||
	       vclock_tk_hpet_used();
}

static void vclock_hpet_page_status(struct seq_file *m)
{
	seq_printf(m, "hpet_page: %s (hpet mode used since load: %s)\n",
		   hpet_page_names[READ_ONCE(vclock_hpet_page)],
		   vclock_tk_hpet_used() ? "yes" : "no");
}

unsigned int vclock_strategies(void)
{
	return BIT(VCLOCK_STRATEGY_FAULT) | BIT(VCLOCK_STRATEGY_REMAP) |
	       BIT(VCLOCK_STRATEGY_SPLIT) |
	       (VCLOCK_HAVE_MIXED ? BIT(VCLOCK_STRATEGY_MIXED) : 0);
}

/* The cache mode the module asks for, per layout page. */
enum vclock_cache vclock_requested_cache(unsigned int lab, unsigned int page)
{
	switch (page) {
	case VCLOCK_PAGE_DATA:
	case VCLOCK_PAGE_TK:
		return VCLOCK_CACHE_WB;
	case VCLOCK_PAGE_LAB:
		return lab == VCLOCK_LAB_WB ? VCLOCK_CACHE_WB : VCLOCK_CACHE_UC;
	case VCLOCK_PAGE_HPET:
		return VCLOCK_CACHE_UC_MINUS;
	}
	return VCLOCK_CACHE_NONE;
}

static pgprot_t vclock_prot_uc(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(_PAGE_CACHE_MODE_UC));
}

/*
 * What to put at layout page @page of @vma: its pfn and protection. Returns
 * false for a page that cannot be mapped (outside the layout, the HPET page
 * without a usable HPET or refused by hpet_page): the caller answers SIGBUS.
 */
static bool vclock_page_pfn(struct vm_area_struct *vma, unsigned int page,
			    unsigned long *pfn, pgprot_t *prot)
{
	unsigned int lab = VCLOCK_PGOFF_LAB(vma->vm_pgoff);

	switch (page) {
	case VCLOCK_PAGE_DATA:
		*pfn = page_to_pfn(vma->vm_private_data ?
				   vclock_view_page(vma->vm_private_data) :
				   vclock_data_page);
		*prot = vma->vm_page_prot;
		return true;
	case VCLOCK_PAGE_TK:
		*pfn = page_to_pfn(vclock_data_page);
		*prot = vma->vm_page_prot;
		return true;
	case VCLOCK_PAGE_LAB:
		if (lab == VCLOCK_LAB_WB) {
			*pfn = page_to_pfn(vclock_lab_page);
			*prot = vma->vm_page_prot;
		} else {
			*pfn = page_to_pfn(lab == VCLOCK_LAB_UC_SETMEM ?
					   vclock_lab_uc_page : vclock_lab_page);
			*prot = vclock_prot_uc(vma->vm_page_prot);
		}
		return true;
	case VCLOCK_PAGE_HPET:
		if (!vclock_hpet.usable || !vclock_hpet_page_allowed())
			return false;
		*pfn = PHYS_PFN(vclock_hpet.address);
		*prot = pgprot_noncached(vma->vm_page_prot);
		return true;
	}
	return false;
}

/* The layout page a faulting address is, whatever VMA of the layout it is in. */
static unsigned int vclock_fault_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	return VCLOCK_PGOFF_PAGE(vma->vm_pgoff) + (vmf->pgoff - vma->vm_pgoff);
}

static vm_fault_t vclock_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned int page = vclock_fault_page(vmf);
	unsigned long pfn;
	pgprot_t prot;

	if (page >= VCLOCK_NR_PAGES || !vclock_page_pfn(vma, page, &pfn, &prot))
		return VM_FAULT_SIGBUS;
	atomic_long_inc(&vclock_faults[page]);
	trace_vclock_fault(vmf->address, page, pfn, vma->vm_pgoff);

	if (vma->vm_flags & VM_MIXEDMAP)
		return vclock_insert_mixed(vma, vmf->address, pfn, prot);
	return vmf_insert_pfn_prot(vma, vmf->address, pfn, prot);
}

static int vclock_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/* .open runs for the copies fork and mremap make; mmap counts the first. */
static void vclock_vma_open(struct vm_area_struct *vma)
{
	vclock_view_dup(vma->vm_private_data);
	atomic_long_inc(&vclock_live_vmas[VCLOCK_PGOFF_STRATEGY(vma->vm_pgoff)]);
}

static void vclock_vma_close(struct vm_area_struct *vma)
{
	atomic_long_dec(&vclock_live_vmas[VCLOCK_PGOFF_STRATEGY(vma->vm_pgoff)]);
	vclock_view_put(vma->vm_private_data);
}

const struct vm_operations_struct vclock_vm_ops = {
	.open = vclock_vma_open,
	.close = vclock_vma_close,
	.may_split = vclock_may_split,
	.fault = vclock_fault,
};

/* Is [first, first + npages) a mapping the strategy allows? */
static bool vclock_layout_ok(unsigned int strategy, unsigned int first,
			     unsigned long npages)
{
	if (strategy != VCLOCK_STRATEGY_SPLIT)
		return first == 0 && npages == VCLOCK_NR_PAGES;
	return (first == 0 && npages == VCLOCK_NR_DATA_PAGES) ||
	       (first == VCLOCK_PAGE_HPET && npages == 1);
}

/* The pre-v4.6 way: every page in place before mmap returns. */
static int vclock_remap_all(struct vm_area_struct *vma)
{
	unsigned int page;
	unsigned long pfn;
	pgprot_t prot;
	int err;

	for (page = 0; page < VCLOCK_NR_PAGES; page++) {
		if (!vclock_page_pfn(vma, page, &pfn, &prot))
			continue;	/* HPET page: left to .fault (SIGBUS) */
		err = remap_pfn_range(vma, vma->vm_start + page * PAGE_SIZE,
				      pfn, PAGE_SIZE, prot);
		if (err)
			goto err_zap;
	}
	return 0;

err_zap:
	/*
	 * mmap_region() would zap the pages already mapped, but only after
	 * our caller has dropped the view: its page could be freed while a
	 * PTE (readable by the other threads) still maps it. Zap them now.
	 */
	if (page)
		vclock_zap_range(vma, vma->vm_start, page * PAGE_SIZE);
	return err;
}

int vclock_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long dontcopy = vma->vm_pgoff & VCLOCK_PGOFF_DONTCOPY;
	unsigned long pgoff = vma->vm_pgoff & ~VCLOCK_PGOFF_DONTCOPY;
	unsigned int strategy = VCLOCK_PGOFF_STRATEGY(pgoff);
	unsigned int lab = VCLOCK_PGOFF_LAB(pgoff);
	unsigned int first = VCLOCK_PGOFF_PAGE(pgoff);
	int err;

	if (pgoff != VCLOCK_PGOFF(strategy, lab, first))
		return -EINVAL;
	if (strategy == VCLOCK_STRATEGY_FILE)
		strategy = vclock_file_strategy(file);
	if (strategy >= VCLOCK_NR_STRATEGIES || lab >= VCLOCK_NR_LAB)
		return -EINVAL;
	if (!(vclock_strategies() & BIT(strategy)))
		return -EOPNOTSUPP;
	if (!vclock_layout_ok(strategy, first, vma_pages(vma)))
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EACCES;

	vclock_vm_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
			 (strategy == VCLOCK_STRATEGY_MIXED ? VM_MIXEDMAP : VM_PFNMAP) |
			 (dontcopy ? VM_DONTCOPY : 0),
			 VM_MAYWRITE | VM_MAYEXEC);
	/* Offset 0 becomes the explicit one: /proc/PID/maps and CRIU see it. */
	vma->vm_pgoff = VCLOCK_PGOFF(strategy, lab, first) | dontcopy;
	vma->vm_ops = &vclock_vm_ops;
	vma->vm_private_data = NULL;
	if (first == VCLOCK_PAGE_DATA) {
		struct vclock_view *view = vclock_view_get();

		if (IS_ERR(view))
			return PTR_ERR(view);
		vma->vm_private_data = view;
	}

	if (strategy == VCLOCK_STRATEGY_REMAP) {
		err = vclock_remap_all(vma);
		if (err) {
			vclock_view_put(vma->vm_private_data);
			return err;
		}
	}
	atomic_long_inc(&vclock_mmaps);
	atomic_long_inc(&vclock_live_vmas[strategy]);
	return 0;
}

static void vclock_fill_lab(struct page *page, u32 id)
{
	u64 *p = page_address(page);
	int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		p[i] = ((u64)VCLOCK_MAGIC << 32) | ((u64)id << 16) | i;
}

/* The data page is owned by vclock_main.c; the lab pages are ours. */
int vclock_mmap_init(struct page *data_page)
{
	int err;

	vclock_data_page = data_page;
	vclock_lab_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	vclock_lab_uc_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vclock_lab_page || !vclock_lab_uc_page) {
		err = -ENOMEM;
		goto err_free;
	}
	vclock_fill_lab(vclock_lab_page, VCLOCK_LAB_WB);
	vclock_fill_lab(vclock_lab_uc_page, VCLOCK_LAB_UC_SETMEM);
	err = set_memory_uc((unsigned long)page_address(vclock_lab_uc_page), 1);
	if (err) {
		pr_err("set_memory_uc on the lab page failed: %d\n", err);
		goto err_free;
	}
	return 0;

err_free:
	if (vclock_lab_uc_page)
		__free_page(vclock_lab_uc_page);
	if (vclock_lab_page)
		__free_page(vclock_lab_page);
	return err;
}

void vclock_mmap_exit(void)
{
	set_memory_wb((unsigned long)page_address(vclock_lab_uc_page), 1);
	__free_page(vclock_lab_uc_page);
	__free_page(vclock_lab_page);
}

void vclock_mmap_status(struct seq_file *m)
{
	unsigned int i;

	seq_puts(m, "strategies:");
	for (i = 1; i < VCLOCK_NR_STRATEGIES; i++)
		seq_printf(m, " %s%s", strategy_names[i],
			   vclock_strategies() & BIT(i) ? "" : "(unavailable)");
	seq_printf(m, "\nmmaps: %ld\nlive_vmas:", atomic_long_read(&vclock_mmaps));
	for (i = 1; i < VCLOCK_NR_STRATEGIES; i++)
		seq_printf(m, " %s=%ld", strategy_names[i],
			   atomic_long_read(&vclock_live_vmas[i]));
	seq_puts(m, "\nfaults:");
	for (i = 0; i < VCLOCK_NR_PAGES; i++)
		seq_printf(m, " %s=%ld", page_names[i],
			   atomic_long_read(&vclock_faults[i]));
	seq_putc(m, '\n');
	/*
	 * The pages' reference counts: user space sees only their map counts
	 * (/proc/kpagecount), so this is where a path that takes a reference
	 * on a PFN-mapped page (get_user_pages() ignoring VM_PFNMAP, seed
	 * 003) would show. Counts only, never an address.
	 */
	seq_printf(m, "page_refs: data=%d lab=%d\n",
		   page_ref_count(vclock_data_page), page_ref_count(vclock_lab_page));
	vclock_hpet_page_status(m);
}
