// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the vclock device as the plugin sees it: its device number,
 * read from sysfs each time (a dynamic misc minor may change when the
 * module is reloaded), and the module's VCLOCK_IOC_INFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "device.h"

int vcp_device_number(dev_t *dev)
{
	unsigned int major_nr, minor_nr;
	FILE *f = fopen(VCP_SYSFS_DEV, "re");
	int n;

	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	n = fscanf(f, "%u:%u", &major_nr, &minor_nr);
	fclose(f);
	if (n != 2)
		return -EIO;
	*dev = makedev(major_nr, minor_nr);
	return 0;
}

bool vcp_is_vclock(const struct stat *st)
{
	dev_t dev;

	if (!S_ISCHR(st->st_mode) || vcp_device_number(&dev))
		return false;
	return st->st_rdev == dev;
}

static int info_ioctl(int fd, struct vclock_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, VCLOCK_IOC_INFO, info) ? -errno : 0;
}

int vcp_device_info(int fd, struct vclock_info *info)
{
	char path[64];
	int err = info_ioctl(fd, info);

	if (err != -EBADF)
		return err;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return vcp_path_info(path, info);
}

int vcp_path_info(const char *path, struct vclock_info *info)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = info_ioctl(fd, info);
	close(fd);
	return err;
}

const char *vcp_strategy_name(unsigned int strategy)
{
	static const char *const names[] = VCLOCK_STRATEGY_NAMES;

	return strategy < VCLOCK_NR_STRATEGIES ? names[strategy] : "?";
}

const char *vcp_strategy_list(unsigned int mask, char *buf, size_t size)
{
	size_t used = 0;
	unsigned int s;

	buf[0] = 0;
	for (s = 0; s < VCLOCK_NR_STRATEGIES && used < size; s++)
		if (mask & (1u << s))
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used ? "," : "", vcp_strategy_name(s));
	if (!buf[0])
		snprintf(buf, size, "none");
	return buf;
}
