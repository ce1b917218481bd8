// SPDX-License-Identifier: GPL-2.0
/*
 * tracees.c - find the vclock mappings of the tasks this CRIU has seized
 * (see tracees.h for why the plugin has to look for them itself).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracees.h"

/* The TracerPid of task @pid, or -1 if it cannot be read. */
static int tracer_of(int pid)
{
	char path[64], line[128];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

/* Does the maps line @line map the file (@st_dev, @st_ino)? Fills @v if so. */
static int parse_maps_line(const char *line, const struct stat *st, struct vcp_vma *v)
{
	unsigned int dev_major, dev_minor;
	unsigned long long ino;
	uint64_t offset;
	char perms[8];

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %llu", &v->start, &v->end,
		   perms, &offset, &dev_major, &dev_minor, &ino) != 7)
		return 0;
	if (makedev(dev_major, dev_minor) != st->st_dev || ino != (unsigned long long)st->st_ino)
		return 0;
	v->pgoff = offset / (uint64_t)sysconf(_SC_PAGESIZE);
	return 1;
}

static int collect_task(int pid, const struct stat *st, struct vcp_record *r)
{
	char path[64], line[4096];
	struct vcp_vma v;
	int added = 0, err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;	/* gone: nothing to dump */
	while (!err && fgets(line, sizeof(line), f)) {
		if (!parse_maps_line(line, st, &v))
			continue;
		v.pid = pid;
		err = vcp_record_add_vma(r, &v);
		if (err > 0)
			added++;
		err = err < 0 ? err : 0;
	}
	fclose(f);
	return err ? err : added;
}

int vcp_collect_tracee_vmas(const struct stat *st, struct vcp_record *r)
{
	int self = getpid(), added = 0, n, pid;
	struct dirent *de;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while ((de = readdir(proc))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (tracer_of(pid) != self)
			continue;
		n = collect_task(pid, st, r);
		if (n < 0) {
			closedir(proc);
			return n;
		}
		added += n;
	}
	closedir(proc);
	return added;
}
