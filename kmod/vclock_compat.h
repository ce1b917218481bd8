/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_compat.h - every kernel API difference the module meets, in one
 * place. The rest of the module calls only the names defined here, so each
 * supported kernel (Debian's 6.1, 6.12 and the newest in unstable) reads the
 * same code. Each entry says which release changed what.
 */
#ifndef _VCLOCK_COMPAT_H
#define _VCLOCK_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/syscore_ops.h>
#include <linux/timekeeping.h>
#include <linux/version.h>
#include <asm/msr.h>

#define VCLOCK_KERNEL_AT_LEAST(a, b)	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, 0))

/*
 * v6.4 removed vmf_insert_mixed_prot(): the mixed strategy can no longer
 * ask for a per-page cache mode, so it is offered on older kernels only.
 */
#if !VCLOCK_KERNEL_AT_LEAST(6, 4)
#include <linux/pfn_t.h>
#define VCLOCK_HAVE_MIXED 1
static inline vm_fault_t vclock_insert_mixed(struct vm_area_struct *vma,
					     unsigned long addr,
					     unsigned long pfn, pgprot_t prot)
{
	return vmf_insert_mixed_prot(vma, addr, pfn_to_pfn_t(pfn), prot);
}
#else
#define VCLOCK_HAVE_MIXED 0
static inline vm_fault_t vclock_insert_mixed(struct vm_area_struct *vma,
					     unsigned long addr,
					     unsigned long pfn, pgprot_t prot)
{
	return VM_FAULT_SIGBUS;
}
#endif

/* v6.3: vm_flags became read-only outside the vm_flags_*() accessors. */
static inline void vclock_vm_flags_mod(struct vm_area_struct *vma,
				       unsigned long set, unsigned long clear)
{
#if VCLOCK_KERNEL_AT_LEAST(6, 3)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * The PTE behind @addr of a PFN mapping, as its raw value, and its pfn (not
 * the raw PFN bits: x86 inverts them in a PROT_NONE PTE), with the mmap lock
 * held; a PROT_NONE PTE counts. v6.10 made follow_pte() take the VMA; v6.12
 * replaced it with follow_pfnmap_start/end(), which hand back the pfn and
 * protection.
 */
static inline bool vclock_follow_pte(struct vm_area_struct *vma,
				     unsigned long addr, u64 *val, u64 *pfn)
{
#if VCLOCK_KERNEL_AT_LEAST(6, 12)
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };

	if (follow_pfnmap_start(&args))
		return false;
	*val = pgprot_val(args.pgprot) | ((u64)args.pfn << PAGE_SHIFT);
	*pfn = args.pfn;
	follow_pfnmap_end(&args);
	return true;
#else
	spinlock_t *ptl;	/* the PTE lock follow_pte() takes */
	pte_t *ptep, pte;
#if VCLOCK_KERNEL_AT_LEAST(6, 10)
	if (follow_pte(vma, addr, &ptep, &ptl))
#else
	if (follow_pte(vma->vm_mm, addr, &ptep, &ptl))
#endif
		return false;
	pte = ptep_get(ptep);
	*val = pte_val(pte);
	*pfn = pte_pfn(pte);
	pte_unmap_unlock(ptep, ptl);
	return true;
#endif
}

/* v6.13 added hrtimer_setup(), which sets the callback with the rest. */
static inline void vclock_hrtimer_setup(struct hrtimer *timer,
					enum hrtimer_restart (*fn)(struct hrtimer *),
					clockid_t clock, enum hrtimer_mode mode)
{
#if VCLOCK_KERNEL_AT_LEAST(6, 13)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/* v6.16 renamed the 64-bit MSR accessors (rdmsrl -> rdmsrq). */
static inline int vclock_rdmsr_safe(u32 msr, u64 *val)
{
#if VCLOCK_KERNEL_AT_LEAST(6, 16)
	return rdmsrq_safe(msr, val);
#else
	return rdmsrl_safe(msr, val);
#endif
}

/*
 * The kernel's CLOCK_REALTIME and CLOCK_MONOTONIC_RAW at one reading of its
 * clocksource. v7.2 replaced ktime_get_snapshot() (which filled ::real) by
 * ktime_get_snapshot_id(), which takes the clock to report in ::systime.
 */
struct vclock_snapshot {
	u64 cycles;
	ktime_t real;
	ktime_t raw;
};

static inline void vclock_get_snapshot(struct vclock_snapshot *s)
{
	struct system_time_snapshot snap;

#if VCLOCK_KERNEL_AT_LEAST(7, 2)
	ktime_get_snapshot_id(CLOCK_REALTIME, &snap);
	s->real = snap.systime;
	s->raw = snap.monoraw;
#else
	ktime_get_snapshot(&snap);
	s->real = snap.real;
	s->raw = snap.raw;
#endif
	s->cycles = snap.cycles;
}

/*
 * System-core suspend and resume hooks (one CPU, IRQs off). v6.19 gave the
 * callbacks a data pointer and made registration take a struct syscore;
 * stable kernels took that too (Debian's 6.12.117 has it), so Kbuild finds
 * it in the header and defines VCLOCK_SYSCORE_DATA.
 */
struct vclock_syscore {
	int (*suspend)(void);
	void (*resume)(void);
	struct syscore_ops ops;
#ifdef VCLOCK_SYSCORE_DATA
	struct syscore sc;
#endif
};

#ifdef VCLOCK_SYSCORE_DATA
static inline int vclock_syscore_suspend_cb(void *data)
{
	return ((struct vclock_syscore *)data)->suspend();
}

static inline void vclock_syscore_resume_cb(void *data)
{
	((struct vclock_syscore *)data)->resume();
}

static inline void vclock_syscore_register(struct vclock_syscore *s)
{
	s->ops.suspend = vclock_syscore_suspend_cb;
	s->ops.resume = vclock_syscore_resume_cb;
	s->sc.ops = &s->ops;
	s->sc.data = s;
	register_syscore(&s->sc);
}

static inline void vclock_syscore_unregister(struct vclock_syscore *s)
{
	unregister_syscore(&s->sc);
}
#else
static inline void vclock_syscore_register(struct vclock_syscore *s)
{
	s->ops.suspend = s->suspend;
	s->ops.resume = s->resume;
	register_syscore_ops(&s->ops);
}

static inline void vclock_syscore_unregister(struct vclock_syscore *s)
{
	unregister_syscore_ops(&s->ops);
}
#endif

/*
 * Remove the PTEs of a VM_PFNMAP range. zap_vma_ptes() was renamed
 * zap_special_vma_range() (7.2 has it; Kbuild detects it in the header).
 */
static inline void vclock_zap_range(struct vm_area_struct *vma,
				    unsigned long addr, unsigned long size)
{
#ifdef VCLOCK_HAVE_ZAP_SPECIAL
	zap_special_vma_range(vma, addr, size);
#else
	zap_vma_ptes(vma, addr, size);
#endif
}

/*
 * A reference to a time namespace, held by a view (vclock_timens.c).
 * get_time_ns() is inline on every kernel (refcount_inc() of ns.count, from
 * 6.18 ns_ref_inc()), but put_time_ns() calls free_time_ns(), which is not
 * exported. The reference is dropped as nsfs drops its own, through the
 * namespace's operations: timens_operations.put is timens_put(), i.e.
 * put_time_ns() inside the kernel (6.1 to 7.2 alike).
 */
#ifdef CONFIG_TIME_NS
#include <linux/proc_ns.h>
#include <linux/time_namespace.h>

static inline struct time_namespace *vclock_time_ns_get(struct time_namespace *ns)
{
	return get_time_ns(ns);
}

static inline void vclock_time_ns_put(struct time_namespace *ns)
{
	ns->ns.ops->put(&ns->ns);
}
#else
struct time_namespace;

static inline struct time_namespace *vclock_time_ns_get(struct time_namespace *ns)
{
	return ns;
}

static inline void vclock_time_ns_put(struct time_namespace *ns)
{
}
#endif

#endif /* _VCLOCK_COMPAT_H */
