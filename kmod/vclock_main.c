// SPDX-License-Identifier: GPL-2.0
/*
 * vclock - Linux v4.6's [vvar] with the HPET, as a misc device.
 *
 * /dev/vclock (0444), or the regular file /proc/vclock, maps as ONE
 * read-only VMA: the timekeeper's data page and a lab page (RAM,
 * write-back) followed by the HPET's MMIO page (uncached), filled lazily
 * from .fault with vmf_insert_pfn_prot() - what Linux v4.6 did for every
 * process's [vvar] and removed in v4.7. See
 * include/vclock_abi.h for the layout and ioctls, vclock.h for the parts.
 */
#include "vclock_internal.h"

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

/*
 * Set at load only; reads back the address in use (the ACPI table's unless
 * given), root only: /proc/iomem hides physical addresses from other users.
 */
static unsigned long hpet_address;

static int vclock_hpet_address_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%#llx\n", (u64)vclock_hpet.address);
}

static const struct kernel_param_ops vclock_hpet_address_ops = {
	.set = param_set_ulong,
	.get = vclock_hpet_address_get,
};
module_param_cb(hpet_address, &vclock_hpet_address_ops, &hpet_address, 0400);
MODULE_PARM_DESC(hpet_address, "physical address of the HPET (default: from the ACPI HPET table)");

atomic_long_t vclock_open_files;
static struct page *vclock_data_page;
static struct proc_dir_entry *vclock_proc;

/* The open file's strategy for mmap offset 0 lives in private_data. */
unsigned int vclock_file_strategy(struct file *file)
{
	return (unsigned int)(uintptr_t)READ_ONCE(file->private_data);
}

/* Either path. Not exclusive: CRIU opens the file itself while dumping. */
static void vclock_file_init(struct file *file)
{
	file->private_data = (void *)(uintptr_t)VCLOCK_STRATEGY_FAULT;
	atomic_long_inc(&vclock_open_files);
}

static int vclock_open(struct inode *inode, struct file *file)
{
	vclock_file_init(file);
	return nonseekable_open(inode, file);
}

static int vclock_release(struct inode *inode, struct file *file)
{
	atomic_long_dec(&vclock_open_files);
	return 0;
}

/*
 * /proc/vclock: the same mapping through a regular file (S_IFREG), which
 * stock CRIU dumps and restores with no plugin (a MAP_SHARED regular-file
 * mapping is the one io/pf VMA it accepts besides [vvar]). procfs leaves
 * vm_ops as mmap set them and passes ioctls on. Unlike a char device's
 * fops->owner, procfs takes no module reference for an open file: take one
 * here, so the module stays while the file or a mapping of it (vm_file)
 * lives. The module_put() in release is safe: procfs calls release through
 * its opener list, and remove_proc_entry() at exit waits for a release in
 * progress to return (close_pdeo()); and exit cannot begin while any opener
 * still holds its reference.
 */
static int vclock_proc_open(struct inode *inode, struct file *file)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	vclock_file_init(file);
	return 0;
}

static int vclock_proc_release(struct inode *inode, struct file *file)
{
	atomic_long_dec(&vclock_open_files);
	module_put(THIS_MODULE);
	return 0;
}

static long vclock_ioctl_info(struct file *file, struct vclock_info __user *uinfo)
{
	struct vclock_info info = {
		.abi_version = VCLOCK_ABI_VERSION,
		.layout_version = VCLOCK_LAYOUT_VERSION,
		.page_size = PAGE_SIZE,
		.nr_pages = VCLOCK_NR_PAGES,
		.strategies = vclock_strategies(),
		.modes = vclock_tk_modes(),
		.clock_mode = vclock_tk_mode(),
		.file_strategy = vclock_file_strategy(file),
		.hpet_address = !vclock_hpet.usable ? 0 :
				vclock_show_phys(file) ? vclock_hpet.address :
				VCLOCK_ADDR_HIDDEN,
		.hpet_period_fs = vclock_hpet.period_fs,
		.update_interval_us = READ_ONCE(vclock_update_us),
	};

	return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vclock_ioctl_set_strategy(struct file *file, __u32 __user *ustrategy)
{
	__u32 strategy;

	if (get_user(strategy, ustrategy))
		return -EFAULT;
	if (strategy == VCLOCK_STRATEGY_FILE || strategy >= VCLOCK_NR_STRATEGIES)
		return -EINVAL;
	if (!(vclock_strategies() & BIT(strategy)))
		return -EOPNOTSUPP;
	WRITE_ONCE(file->private_data, (void *)(uintptr_t)strategy);
	return 0;
}

static long vclock_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VCLOCK_IOC_INFO:
		return vclock_ioctl_info(file, uarg);
	case VCLOCK_IOC_SET_STRATEGY:
		return vclock_ioctl_set_strategy(file, uarg);
	case VCLOCK_IOC_QUERY:
		return vclock_query(file, uarg);
	}
	return -ENOTTY;
}

static const struct file_operations vclock_fops = {
	.owner = THIS_MODULE,
	.open = vclock_open,
	.release = vclock_release,
	.mmap = vclock_mmap,
	.unlocked_ioctl = vclock_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static const struct proc_ops vclock_proc_ops = {
	.proc_open = vclock_proc_open,
	.proc_release = vclock_proc_release,
	.proc_mmap = vclock_mmap,
	.proc_ioctl = vclock_ioctl,
#ifdef CONFIG_COMPAT	/* the member exists only then */
	.proc_compat_ioctl = compat_ptr_ioctl,
#endif
	.proc_lseek = default_llseek,
};

static struct miscdevice vclock_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VCLOCK_NAME,
	.fops = &vclock_fops,
	.mode = 0444,
};

static int __init vclock_init(void)
{
	int err;

	err = vclock_hpet_init(hpet_address);
	if (err)
		return err;
	vclock_pte_init();
	vclock_data_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vclock_data_page) {
		err = -ENOMEM;
		goto err_hpet;
	}
	err = vclock_mmap_init(vclock_data_page);
	if (err)
		goto err_page;
	err = vclock_tk_init(page_address(vclock_data_page));
	if (err)
		goto err_mmap;
	vclock_status_init();
	err = misc_register(&vclock_misc);
	if (err)
		goto err_status;
	vclock_proc = proc_create(VCLOCK_NAME, 0444, NULL, &vclock_proc_ops);
	if (!vclock_proc) {
		err = -ENOMEM;
		goto err_misc;
	}
	proc_set_size(vclock_proc, VCLOCK_MAP_SIZE);
	return 0;

err_misc:
	misc_deregister(&vclock_misc);
err_status:
	vclock_status_exit();
	vclock_tk_exit();
err_mmap:
	vclock_mmap_exit();
err_page:
	__free_page(vclock_data_page);
err_hpet:
	vclock_hpet_exit();
	return err;
}

/* No mapping or open file is left: each holds a reference on the module. */
static void __exit vclock_exit(void)
{
	proc_remove(vclock_proc);
	misc_deregister(&vclock_misc);
	vclock_status_exit();
	vclock_tk_exit();
	vclock_mmap_exit();
	__free_page(vclock_data_page);
	vclock_hpet_exit();
}

module_init(vclock_init);
module_exit(vclock_exit);
MODULE_DESCRIPTION("vclock: the v4.6 [vvar] with the HPET page, as a device");
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0");	/* the package version (dkms.conf, the tools' --version) */
