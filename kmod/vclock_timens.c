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
 * some VMA uses it. Namespaces with equal offsets share a view; a namespace
 * without offsets uses the timekeeper's page. A task that changes namespace
 * later (setns, or a child forked after unshare(CLONE_NEWTIME)) keeps what
 * its mapping was made with and must map the device again.
 */
#include "vclock.h"
#include "vclock_trace.h"

#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time_namespace.h>

#define VCLOCK_MAX_VIEWS	64

struct vclock_view {
	struct kref ref;
	struct page *page;
	struct vclock_data *vd;
	struct timespec64 mono;		/* the namespace's offsets */
	struct timespec64 boot;
};

/*
 * views[] is what the timekeeper rewrites: changed under views_lock (taken
 * inside the timekeeper's lock by the writer). views_mutex serialises the
 * lookups, creations and the last put.
 */
static struct vclock_view *views[VCLOCK_MAX_VIEWS];
static unsigned int nr_views;
static DEFINE_RAW_SPINLOCK(views_lock);
static DEFINE_MUTEX(views_mutex);
static u64 views_created, views_refused;

/* ---- the writer's side (vclock_tk.c, under its lock) ---------------------- */

/*
 * Without views (the common case) the writer takes no lock: a view added
 * meanwhile starts with seq odd and vclock_tk_refresh() fills it.
 */
void vclock_views_begin(u32 seq)
{
	unsigned int i;

	if (!READ_ONCE(nr_views))
		return;
	raw_spin_lock(&views_lock);
	for (i = 0; i < nr_views; i++)
		WRITE_ONCE(views[i]->vd->seq, seq);
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
	unsigned int i;

	if (!READ_ONCE(nr_views))
		return;
	raw_spin_lock(&views_lock);
	for (i = 0; i < nr_views; i++)
		vclock_view_fill(views[i], src);
	smp_wmb();
	for (i = 0; i < nr_views; i++)
		WRITE_ONCE(views[i]->vd->seq, src->seq + 1);
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

	if (nr_views == VCLOCK_MAX_VIEWS) {
		views_refused++;
		pr_warn_ratelimited("%d time namespaces with different offsets have mappings already: refusing one more (unmap some)\n",
				    VCLOCK_MAX_VIEWS);
		return ERR_PTR(-ENOSPC);
	}
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
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
	views[nr_views] = v;
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
	struct vclock_view *v = NULL;
	unsigned int i;

	vclock_current_offsets(&mono, &boot);
	if (!timespec64_to_ns(&mono) && !timespec64_to_ns(&boot))
		return NULL;

	mutex_lock(&views_mutex);
	for (i = 0; i < nr_views; i++) {
		if (timespec64_equal(&views[i]->mono, &mono) &&
		    timespec64_equal(&views[i]->boot, &boot)) {
			v = views[i];
			kref_get(&v->ref);
			break;
		}
	}
	if (!v)
		v = vclock_view_create(&mono, &boot);
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
	unsigned int i;

	raw_spin_lock_irqsave(&views_lock, flags);
	for (i = 0; i < nr_views; i++) {
		if (views[i] == v) {
			views[i] = views[nr_views - 1];
			views[nr_views - 1] = NULL;
			WRITE_ONCE(nr_views, nr_views - 1);
			break;
		}
	}
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
	unsigned int i;

	mutex_lock(&views_mutex);
	seq_printf(m, "timens_views: %u (created %llu, refused %llu, max %d)\n",
		   nr_views, views_created, views_refused, VCLOCK_MAX_VIEWS);
	for (i = 0; i < nr_views; i++)
		seq_printf(m, "  view %u: monotonic %+lld.%09ld boottime %+lld.%09ld users %u\n",
			   i, (s64)views[i]->mono.tv_sec, views[i]->mono.tv_nsec,
			   (s64)views[i]->boot.tv_sec, views[i]->boot.tv_nsec,
			   kref_read(&views[i]->ref));
	mutex_unlock(&views_mutex);
}
