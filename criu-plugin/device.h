/* SPDX-License-Identifier: GPL-2.0 */
/*
 * device.h - which file is the vclock device, and what the loaded module
 * says about itself.
 */
#ifndef VCLOCK_PLUGIN_DEVICE_H
#define VCLOCK_PLUGIN_DEVICE_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <vclock_abi.h>

/* Where the misc device publishes its "MAJOR:MINOR" while the module is loaded. */
#define VCP_SYSFS_DEV	"/sys/class/misc/" VCLOCK_NAME "/dev"

/* The device number of /dev/vclock now: 0, -ENOENT (module not loaded), -EIO. */
int vcp_device_number(dev_t *dev);

/* Is @st a character device with the loaded module's device number? */
bool vcp_is_vclock(const struct stat *st);

/*
 * VCLOCK_IOC_INFO on @fd, reopening it first if it is an O_PATH descriptor
 * (CRIU opens device mappings with O_PATH when /dev is not devtmpfs).
 * 0 or -errno.
 */
int vcp_device_info(int fd, struct vclock_info *info);

/* Open @path and ask it for its info; 0 or -errno. */
int vcp_path_info(const char *path, struct vclock_info *info);

/* "fault" for 1; "?" for a value without a name. */
const char *vcp_strategy_name(unsigned int strategy);

/* Names of the strategies in @mask, comma-separated, into @buf. */
const char *vcp_strategy_list(unsigned int mask, char *buf, size_t size);

#endif /* VCLOCK_PLUGIN_DEVICE_H */
