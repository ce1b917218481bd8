/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vclock_internal.h - what the parts of the vclock module share (the ABI
 * user space sees is include/vclock_abi.h; the library's public header is
 * vdso/vclock.h).
 *
 *   vclock_main.c    module init/exit, the misc device and /proc/vclock,
 *                    ioctls, hpet_address, hpet_page
 *   vclock_mmap.c    the mapping: mmap rules, population strategies, .fault
 *   vclock_hpet.c    finding and checking the HPET
 *   vclock_tk.c      the timekeeper that publishes struct vclock_data, and
 *                    its parameters (clock_mode, update_us)
 *   vclock_tk_line.h the timekeeper's arithmetic, pure (host-tested)
 *   vclock_pte.c     introspection: what the page tables really hold
 *   vclock_status.c  the debugfs status file
 *   vclock_timens.c  data pages for time namespaces (views)
 */
#ifndef _VCLOCK_INTERNAL_H
#define _VCLOCK_INTERNAL_H

/* Included first by every file of the module, so this prefix applies. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/mm_types.h>
#include <linux/string.h>
#include <linux/types.h>

#include <vclock_abi.h>

#include "vclock_compat.h"

struct seq_file;

/*
 * A parameter value that names one of @names, blanks around it allowed: its
 * index, or -EINVAL.
 */
static inline int vclock_param_choice(const char *val, const char *const names[], size_t n)
{
	char buf[16];

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	return match_string(names, n, strim(buf));
}

/* ---- vclock_hpet.c ---- */
struct vclock_hpet {
	phys_addr_t address;		/* physical base, 0 if none */
	void __iomem *regs;		/* our own UC- mapping of it */
	u32 period_fs;
	u32 num_timers;
	bool counter_64;
	bool usable;			/* present, sane period, counting */
};

extern struct vclock_hpet vclock_hpet;

int vclock_hpet_init(unsigned long address_param);
void vclock_hpet_exit(void);
static inline u32 vclock_hpet_counter(void)
{
	return readl(vclock_hpet.regs + VCLOCK_HPET_COUNTER);
}

/* ---- vclock_tk.c ---- */
int vclock_tk_init(struct vclock_data *vd);
void vclock_tk_exit(void);
unsigned int vclock_tk_modes(void);		/* bitmask of usable modes */
int vclock_tk_mode(void);			/* published mode */
bool vclock_tk_hpet_used(void);			/* mode was HPET since load */
int vclock_tk_request_mode(int mode);		/* -EINVAL if unusable */
const char *vclock_tk_kernel_cs(void);
void vclock_tk_status(struct seq_file *m);
extern unsigned int vclock_update_us;

/* ---- vclock_timens.c ---- */
struct vclock_view;
struct vclock_view *vclock_view_get(void);	/* NULL: no offsets; or ERR_PTR */
void vclock_view_dup(struct vclock_view *v);
void vclock_view_put(struct vclock_view *v);
struct page *vclock_view_page(struct vclock_view *v);
void vclock_views_status(struct seq_file *m);

/* ---- vclock_mmap.c ---- */
extern const struct vm_operations_struct vclock_vm_ops;
int vclock_mmap(struct file *file, struct vm_area_struct *vma);
int vclock_mmap_init(struct page *data_page);
void vclock_mmap_exit(void);
unsigned int vclock_strategies(void);		/* bitmask available */
enum vclock_cache vclock_requested_cache(unsigned int lab, unsigned int page);
void vclock_mmap_status(struct seq_file *m);

/* ---- vclock_pte.c ---- */
long vclock_query(struct file *file, struct vclock_query __user *uq);
bool vclock_show_phys(struct file *file);
void vclock_pte_init(void);

/* ---- vclock_status.c ---- */
void vclock_status_init(void);
void vclock_status_exit(void);

/* ---- vclock_main.c ---- */
unsigned int vclock_file_strategy(struct file *file);
extern atomic_long_t vclock_open_files;

#endif /* _VCLOCK_INTERNAL_H */
