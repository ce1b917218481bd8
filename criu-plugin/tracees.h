/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracees.h - the mappings of a file in the tasks this CRIU is dumping.
 *
 * CRIU's HANDLE_DEVICE_VMA hook gets a descriptor of the mapped file and
 * its stat, but neither the task nor the mapping's offset, and the offset
 * is what holds a vclock mapping's strategy. By the time the hook runs,
 * CRIU has ptrace-seized every task of the tree (collect_pstree), so the
 * tasks being dumped are exactly those whose TracerPid is this process;
 * their /proc/PID/maps lines with the file's dev:inode are the mappings.
 */
#ifndef VCLOCK_PLUGIN_TRACEES_H
#define VCLOCK_PLUGIN_TRACEES_H

#include <sys/stat.h>

#include "record.h"

/*
 * Add to @r every mapping of the file described by @st in the tasks traced
 * by this process. Returns how many were added, or -errno.
 */
int vcp_collect_tracee_vmas(const struct stat *st, struct vcp_record *r);

#endif /* VCLOCK_PLUGIN_TRACEES_H */
