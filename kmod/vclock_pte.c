// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_pte.c - what the page tables really hold for a vclock mapping.
 *
 * For every page of every vclock VMA of a process: whether a PTE maps it,
 * the pfn, and the cache mode the CPU will use, decoded from the PTE's
 * PAT/PCD/PWT bits through the PAT MSR, next to the mode the module asked
 * for. The two differ when PAT overrules a request: a UC request on plain
 * RAM stays WB (the lab page shows it; 22-kmod-pat tests it).
 */
#include "vclock_internal.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

#define VCLOCK_QUERY_MAX	1024	/* entries per call */

static u64 vclock_pat_msr;

void vclock_pte_init(void)
{
	if (vclock_rdmsr_safe(MSR_IA32_CR_PAT, &vclock_pat_msr))
		vclock_pat_msr = 0x0007040600070406ull;	/* power-on default */
}

static enum vclock_cache vclock_pat_type(unsigned int index)
{
	switch ((vclock_pat_msr >> (8 * index)) & 7) {
	case 0: return VCLOCK_CACHE_UC;
	case 1: return VCLOCK_CACHE_WC;
	case 4: return VCLOCK_CACHE_WT;
	case 5: return VCLOCK_CACHE_WP;
	case 6: return VCLOCK_CACHE_WB;
	case 7: return VCLOCK_CACHE_UC_MINUS;
	}
	return VCLOCK_CACHE_NONE;	/* reserved encoding */
}

/* A 4K PTE: PWT bit 3, PCD bit 4, PAT bit 7. */
static unsigned int vclock_pat_index(u64 pte)
{
	return (!!(pte & _PAGE_PAT) << 2) | (!!(pte & _PAGE_PCD) << 1) |
	       !!(pte & _PAGE_PWT);
}

static void vclock_describe(struct vm_area_struct *vma, unsigned long addr,
			    bool show_pfn, struct vclock_pte_info *e)
{
	u64 pte, pfn;

	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->vma_start = vma->vm_start;
	e->vma_end = vma->vm_end;
	e->vm_flags = vma->vm_flags;
	e->page = VCLOCK_PGOFF_PAGE(vma->vm_pgoff) + ((addr - vma->vm_start) >> PAGE_SHIFT);
	e->strategy = VCLOCK_PGOFF_STRATEGY(vma->vm_pgoff);
	e->lab = VCLOCK_PGOFF_LAB(vma->vm_pgoff);
	e->requested = vclock_requested_cache(e->lab, e->page);
	if (!show_pfn)
		e->flags |= VCLOCK_PTE_HIDDEN;
	/* pte_present(): a PROT_NONE PTE still maps the page. */
	if (!vclock_follow_pte(vma, addr, &pte, &pfn) ||
	    !(pte & (_PAGE_PRESENT | _PAGE_PROTNONE)))
		return;
	e->present = 1;
	if (!(pte & _PAGE_PRESENT))
		e->flags |= VCLOCK_PTE_PROTNONE;
	e->pte = show_pfn ? pte : pte & ~PTE_PFN_MASK;
	e->pfn = show_pfn ? pfn : 0;
	e->pat_index = vclock_pat_index(pte);
	e->effective = vclock_pat_type(e->pat_index);
}

/*
 * Physical addresses only for CAP_SYS_ADMIN, as /proc/PID/pagemap (which
 * checks the opener) and /proc/iomem: here the caller and the opener.
 */
bool vclock_show_phys(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) && capable(CAP_SYS_ADMIN);
}

/* The caller, or with CAP_SYS_ADMIN any process of its pid namespace. */
static struct task_struct *vclock_query_task(pid_t pid)
{
	struct task_struct *task;

	if (pid < 0)
		return ERR_PTR(-EINVAL);
	if (pid == 0 || pid == task_tgid_vnr(current)) {
		get_task_struct(current);
		return current;
	}
	if (!capable(CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	rcu_read_lock();
	task = get_pid_task(find_vpid(pid), PIDTYPE_PID);
	rcu_read_unlock();
	return task ? task : ERR_PTR(-ESRCH);
}

long vclock_query(struct file *file, struct vclock_query __user *uq)
{
	bool show_pfn = vclock_show_phys(file);
	struct vclock_pte_info *entries;
	struct vm_area_struct *vma;
	struct vclock_query q;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long addr;
	u32 n = 0, max;
	long err = 0;

	if (copy_from_user(&q, uq, sizeof(q)))
		return -EFAULT;
	max = min_t(u32, q.max_entries, VCLOCK_QUERY_MAX);
	entries = kvcalloc(max ?: 1, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	task = vclock_query_task(q.pid);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_free;
	}
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm) {
		err = -ESRCH;
		goto out_free;
	}

	q.nr_vmas = 0;
	err = mmap_read_lock_killable(mm);
	if (err)
		goto out_mm;
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (vma->vm_ops != &vclock_vm_ops)
				continue;
			q.nr_vmas++;
			for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE, n++)
				if (n < max)
					vclock_describe(vma, addr, show_pfn,
							&entries[n]);
		}
	}
	mmap_read_unlock(mm);

	/* Copy out only now: faulting on our own buffer takes the mmap lock. */
	q.nr_entries = n;
	if (copy_to_user(u64_to_user_ptr(q.entries), entries,
			 (size_t)min(n, max) * sizeof(*entries)) ||
	    copy_to_user(uq, &q, sizeof(q)))
		err = -EFAULT;
out_mm:
	mmput(mm);
out_free:
	kvfree(entries);
	return err;
}
