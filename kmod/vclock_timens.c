// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_timens.c - data pages for time namespaces.
 *
 * A task in a time namespace reads CLOCK_MONOTONIC (and _RAW, _COARSE) and
 * CLOCK_BOOTTIME shifted by its namespace's offsets; CRIU restores a process
 * into such a namespace so that its clocks do not jump. The data page must
 * say the same, so a mapping made by a task whose namespace has offsets gets
 * a page of its own, a "view": the timekeeper's page with those offsets
 * added, rewritten by the timekeeper under the same seqcount at every update
 * (see vclock_tk.c). Readers need no change at all.
 *
 * The view is chosen once, at mmap, from the calling task's namespace (as the
 * kernel binds [vvar] to the mm): the VMA holds a reference in
 * vm_private_data, so refaults give the same page, and a view lives as long as
 * some VMA uses it. Namespaces with equal offsets share a view (so there is
 * at most one view per time namespace); a namespace without offsets uses the
 * timekeeper's page. Like the kernel's own per-namespace vvar pages, a view
 * is charged to the memory cgroup of the task that creates it
 * (__GFP_ACCOUNT) and there is no global cap, which would only let one user
 * lock everyone else out: the number of time namespaces is limited per user
 * (user.max_time_namespaces), the memory per cgroup. A task that changes namespace
 * later (setns, or a child forked after unshare(CLONE_NEWTIME)) keeps what
 * its mapping was made with and must map the device again.
 */
#include "vclock_internal.h"
#include "vclock_trace.h"

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time_namespace.h>

struct vclock_view {
	struct list_head node;		/* in views, under views_lock */
	struct kref ref;
	struct page *page;
	struct vclock_data *vd;
	struct timespec64 mono;		/* the namespace's offsets */
	struct timespec64 boot;
};

/*
 * views is what the timekeeper rewrites: changed under views_lock (taken
 * inside the timekeeper's lock by the writer) and views_mutex, which also
 * serialises the lookups, creations and the last put.
 */
static LIST_HEAD(views);
static unsigned int nr_views;
static DEFINE_RAW_SPINLOCK(views_lock);
static DEFINE_MUTEX(views_mutex);
static u64 views_created;

/* ---- the writer's side (vclock_tk.c, under its lock) ---------------------- */

/*
 * Without views (the common case) the writer takes no lock: a view added
 * meanwhile starts with seq odd and vclock_tk_refresh() fills it.
 */
void vclock_views_begin(u32 seq)
{
	struct vclock_view *v;

	if (!READ_ONCE(nr_views))
		return;
	raw_spin_lock(&views_lock);
	list_for_each_entry(v, &views, node)
		WRITE_ONCE(v->vd->seq, seq);
	raw_spin_unlock(&views_lock);
}

/* Add @off to a base; @shift: the base's snsec is ns << shift. */
static void vclock_shift_base(struct vclock_time *t, const struct timespec64 *off,
			      u32 shift)
{
	u64 one_sec = (u64)NSEC_PER_SEC << shift;

	t->sec += off->tv_sec;		/* may be negative: two's complement */
	t->snsec += (u64)off->tv_nsec << shift;
	if (t->snsec >= one_sec) {
		t->snsec -= one_sec;
		t->sec++;
	}
}

static void vclock_view_fill(struct vclock_view *v, const struct vclock_data *src)
{
	struct vclock_data *vd = v->vd;
	u32 seq = vd->seq;

	memcpy(vd, src, sizeof(*vd));
	vd->seq = seq;
	vclock_shift_base(&vd->base[CLOCK_MONOTONIC], &v->mono, src->shift);
	vclock_shift_base(&vd->base[CLOCK_MONOTONIC_RAW], &v->mono, src->raw_shift);
	vclock_shift_base(&vd->base[CLOCK_MONOTONIC_COARSE], &v->mono, 0);
	vclock_shift_base(&vd->base[CLOCK_BOOTTIME], &v->boot, src->shift);
	vd->checksum = vclock_data_checksum(vd);
}

/* Rewrite every view from @src (seq odd); the caller then makes seq even. */
void vclock_views_end(const struct vclock_data *src)
{
	struct vclock_view *v;

	if (!READ_ONCE(nr_views))
		return;
	raw_spin_lock(&views_lock);
	list_for_each_entry(v, &views, node)
		vclock_view_fill(v, src);
	/* The data before the even seq: pairs with the reader's barrier before retry(). */
	smp_wmb();
	list_for_each_entry(v, &views, node)
		WRITE_ONCE(v->vd->seq, src->seq + 1);
	raw_spin_unlock(&views_lock);
}

/* ---- the mapping's side ---------------------------------------------------- */

static void vclock_current_offsets(struct timespec64 *mono, struct timespec64 *boot)
{
	*mono = (struct timespec64){};
	*boot = (struct timespec64){};
#ifdef CONFIG_TIME_NS
	*mono = current->nsproxy->time_ns->offsets.monotonic;
	*boot = current->nsproxy->time_ns->offsets.boottime;
#endif
}

static struct vclock_view *vclock_view_create(const struct timespec64 *mono,
					      const struct timespec64 *boot)
{
	struct vclock_view *v;
	unsigned long flags;

	/* Charged to the caller's memory cgroup, as the kernel's timens vvar. */
	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!v->page) {
		kfree(v);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&v->ref);
	v->vd = page_address(v->page);
	v->vd->seq = 1;			/* odd until the timekeeper fills it */
	v->mono = *mono;
	v->boot = *boot;

	raw_spin_lock_irqsave(&views_lock, flags);
	list_add_tail(&v->node, &views);
	WRITE_ONCE(nr_views, nr_views + 1);
	raw_spin_unlock_irqrestore(&views_lock, flags);
	views_created++;
	trace_vclock_view_create(timespec64_to_ns(mono), timespec64_to_ns(boot), nr_views);
	vclock_tk_refresh();		/* filled before anyone can map it */
	return v;
}

/*
 * The view for the calling task's time namespace, with a reference: NULL for
 * the timekeeper's own page (no offsets), or an ERR_PTR.
 */
struct vclock_view *vclock_view_get(void)
{
	struct timespec64 mono, boot;
	struct vclock_view *v;

	vclock_current_offsets(&mono, &boot);
	if (!timespec64_to_ns(&mono) && !timespec64_to_ns(&boot))
		return NULL;

	mutex_lock(&views_mutex);
	list_for_each_entry(v, &views, node) {
		if (timespec64_equal(&v->mono, &mono) &&
		    timespec64_equal(&v->boot, &boot)) {
			kref_get(&v->ref);
			goto out;
		}
	}
	v = vclock_view_create(&mono, &boot);
out:
	mutex_unlock(&views_mutex);
	return v;
}

/* Another VMA (fork, mremap) uses the same view. */
void vclock_view_dup(struct vclock_view *v)
{
	if (v)
		kref_get(&v->ref);
}

static void vclock_view_release(struct kref *ref)
{
	struct vclock_view *v = container_of(ref, struct vclock_view, ref);
	unsigned long flags;

	raw_spin_lock_irqsave(&views_lock, flags);
	list_del(&v->node);
	WRITE_ONCE(nr_views, nr_views - 1);
	raw_spin_unlock_irqrestore(&views_lock, flags);
	trace_vclock_view_free(timespec64_to_ns(&v->mono), timespec64_to_ns(&v->boot), nr_views);
	/* No PTE maps it any more: its last VMA is being torn down. */
	__free_page(v->page);
	kfree(v);
}

void vclock_view_put(struct vclock_view *v)
{
	if (v && kref_put_mutex(&v->ref, vclock_view_release, &views_mutex))
		mutex_unlock(&views_mutex);
}

struct page *vclock_view_page(struct vclock_view *v)
{
	return v->page;
}

void vclock_views_status(struct seq_file *m)
{
	struct vclock_view *v;
	unsigned int i = 0;

	mutex_lock(&views_mutex);
	seq_printf(m, "timens_views: %u (created %llu)\n", nr_views, views_created);
	list_for_each_entry(v, &views, node)
		seq_printf(m, "  view %u: monotonic %+lld.%09ld boottime %+lld.%09ld users %u\n",
			   i++, (s64)v->mono.tv_sec, v->mono.tv_nsec,
			   (s64)v->boot.tv_sec, v->boot.tv_nsec, kref_read(&v->ref));
	mutex_unlock(&views_mutex);
}
