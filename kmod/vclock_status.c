// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_status.c - /sys/kernel/debug/vclock/status: everything a person
 * wants to know about the module without a tool.
 */
#include "vclock_internal.h"

#include <linux/debugfs.h>
#include <linux/seq_file.h>

static struct dentry *vclock_debugfs;

static int vclock_status_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "abi_version: %u\nlayout_version: %u\n",
		   VCLOCK_ABI_VERSION, VCLOCK_LAYOUT_VERSION);
	if (vclock_hpet.address)
		seq_printf(m, "hpet_address: %#llx\nhpet_period_fs: %u\nhpet: %s\n",
			   (unsigned long long)vclock_hpet.address, vclock_hpet.period_fs,
			   vclock_hpet.usable ? "usable" : "unusable");
	else
		seq_puts(m, "hpet_address: 0\nhpet: none\n");
	vclock_tk_status(m);
	vclock_mmap_status(m);
	vclock_views_status(m);
	seq_printf(m, "open_files: %ld\n", atomic_long_read(&vclock_open_files));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vclock_status);

/* debugfs is optional: without it (or on its errors) there is no status file. */
void vclock_status_init(void)
{
	vclock_debugfs = debugfs_create_dir(VCLOCK_NAME, NULL);
	debugfs_create_file("status", 0444, vclock_debugfs, NULL, &vclock_status_fops);
}

void vclock_status_exit(void)
{
	debugfs_remove_recursive(vclock_debugfs);
}
