// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_timens.c - data pages for time namespaces.
 *
 * A task in a time namespace reads CLOCK_MONOTONIC (and _RAW, _COARSE) and
 * CLOCK_BOOTTIME shifted by its namespace's offsets; CRIU restores a process
 * into such a namespace so that its clocks do not jump. The data page must
 * say the same, so a mapping made by a task whose namespace has offsets gets
 * a page of its own at VCLOCK_PAGE_DATA, a "view", as the kernel gives such
 * a task its namespace's vvar page: clock_mode VCLOCK_MODE_TIMENS and the
 * offsets, written once here and never again. Readers that see that mode
 * read the timekeeper's page (VCLOCK_PAGE_TK of the same mapping) and add the
 * offsets (vdso/vclock_read.h). The timekeeper writes its one page per
 * update, whatever the number of views: nothing here runs in its update.
 *
 * One view per time namespace, found by the namespace itself, chosen once
 * at mmap from the calling task's namespace (as the kernel binds [vvar] to
 * the mm): the VMA holds a reference in vm_private_data, so refaults give
 * the same page. A view holds a reference to its namespace, so it never
 * outlives it, and the namespace stays counted against its creator's
 * user.max_time_namespaces for as long as any mapping uses the view: one
 * user cannot hold more views than that limit allows it namespaces. A view's
 * page is charged to the memory cgroup of the task that creates it
 * (__GFP_ACCOUNT), as the kernel's own timens vvar page. A namespace without
 * offsets uses the timekeeper's page. A task that changes namespace later
 * (setns, or a child forked after unshare(CLONE_NEWTIME)) keeps what its
 * mapping was made with and must map the device again.
 *
 * The offsets are frozen: a task is in the namespace (the caller), and the
 * kernel refuses offsets once one has entered it.
 */
#include "vclock_internal.h"
#include "vclock_trace.h"

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>

struct vclock_view {
	struct hlist_node node;		/* in views, under views_mutex */
	struct kref ref;
	struct time_namespace *ns;	/* referenced: the view pins it */
	struct page *page;
	struct timespec64 mono;		/* the namespace's offsets */
	struct timespec64 boot;
};

/* Looked up, added and removed at mmap and munmap only, never by the timekeeper. */
static DEFINE_HASHTABLE(views, 6);
static unsigned int nr_views;
static DEFINE_MUTEX(views_mutex);
static u64 views_created;

#ifdef CONFIG_TIME_NS
static struct time_namespace *vclock_current_time_ns(void)
{
	return current->nsproxy->time_ns;
}

static void vclock_ns_offsets(struct time_namespace *ns, struct timespec64 *mono,
			      struct timespec64 *boot)
{
	*mono = ns->offsets.monotonic;
	*boot = ns->offsets.boottime;
}
#else
static struct time_namespace *vclock_current_time_ns(void)
{
	return NULL;
}

static void vclock_ns_offsets(struct time_namespace *ns, struct timespec64 *mono,
			      struct timespec64 *boot)
{
	*mono = (struct timespec64){};
	*boot = (struct timespec64){};
}
#endif

static void vclock_set_offset(struct vclock_time *t, const struct timespec64 *off)
{
	t->sec = (u64)off->tv_sec;	/* may be negative: two's complement */
	t->snsec = off->tv_nsec;	/* normalised: 0 <= tv_nsec < 10^9 */
}

/* The view's page: the mode that sends readers to VCLOCK_PAGE_TK, and the offsets. */
static void vclock_view_fill(struct vclock_view *v)
{
	struct vclock_data *vd = page_address(v->page);

	vd->magic = VCLOCK_MAGIC;
	vd->layout_version = VCLOCK_LAYOUT_VERSION;
	vd->clock_mode = VCLOCK_MODE_TIMENS;
	vclock_set_offset(&vd->base[CLOCK_MONOTONIC], &v->mono);
	vclock_set_offset(&vd->base[CLOCK_MONOTONIC_RAW], &v->mono);
	vclock_set_offset(&vd->base[CLOCK_MONOTONIC_COARSE], &v->mono);
	vclock_set_offset(&vd->base[CLOCK_BOOTTIME], &v->boot);
	vd->checksum = vclock_data_checksum(vd);
}

/* With views_mutex held. */
static struct vclock_view *vclock_view_create(struct time_namespace *ns,
					      const struct timespec64 *mono,
					      const struct timespec64 *boot)
{
	struct vclock_view *v;

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
	v->mono = *mono;
	v->boot = *boot;
	vclock_view_fill(v);		/* before anyone can map it */
	v->ns = vclock_time_ns_get(ns);
	hash_add(views, &v->node, (unsigned long)ns);
	nr_views++;
	views_created++;
	trace_vclock_view_create(timespec64_to_ns(mono), timespec64_to_ns(boot), nr_views);
	return v;
}

/*
 * The view for the calling task's time namespace, with a reference: NULL for
 * the timekeeper's own page (no offsets), or an ERR_PTR.
 */
struct vclock_view *vclock_view_get(void)
{
	struct time_namespace *ns = vclock_current_time_ns();
	struct timespec64 mono, boot;
	struct vclock_view *v;

	if (!ns)
		return NULL;
	vclock_ns_offsets(ns, &mono, &boot);
	if (!timespec64_to_ns(&mono) && !timespec64_to_ns(&boot))
		return NULL;

	mutex_lock(&views_mutex);
	hash_for_each_possible(views, v, node, (unsigned long)ns) {
		if (v->ns == ns) {
			kref_get(&v->ref);
			goto out;
		}
	}
	v = vclock_view_create(ns, &mono, &boot);
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

	hash_del(&v->node);
	nr_views--;
	trace_vclock_view_free(timespec64_to_ns(&v->mono), timespec64_to_ns(&v->boot), nr_views);
	/* No PTE maps it any more: its last VMA is being torn down. */
	__free_page(v->page);
	vclock_time_ns_put(v->ns);	/* may free it: the user's count drops */
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
	unsigned int i = 0, bkt;

	mutex_lock(&views_mutex);
	seq_printf(m, "timens_views: %u (created %llu)\n", nr_views, views_created);
	hash_for_each(views, bkt, v, node)
		seq_printf(m, "  view %u: monotonic %+lld.%09ld boottime %+lld.%09ld users %u\n",
			   i++, (s64)v->mono.tv_sec, v->mono.tv_nsec,
			   (s64)v->boot.tv_sec, v->boot.tv_nsec, kref_read(&v->ref));
	mutex_unlock(&views_mutex);
}
