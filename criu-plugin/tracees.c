// SPDX-License-Identifier: GPL-2.0
/*
 * tracees.c - find the vclock mappings of the tasks this CRIU has seized
 * (see tracees.h for why the plugin has to look for them itself).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "proc_maps.h"
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

/* Add @pid's VMAs that map the file (@st_dev, @st_ino); how many, or -errno. */
static int collect_task(int pid, const struct stat *st, struct vcp_record *r)
{
	const struct maps_entry *e;
	struct maps_list l = { 0 };
	struct vcp_vma v;
	char name[16];
	int added = 0, err;
	size_t i;

	snprintf(name, sizeof(name), "%d", pid);
	err = maps_read(name, &l);
	if (err) {
		maps_free(&l);
		return err == -ENOENT ? 0 : err;	/* gone: nothing to dump */
	}
	for (i = 0; !err && i < l.n; i++) {
		e = &l.v[i];
		if (makedev(e->dev_major, e->dev_minor) != st->st_dev ||
		    e->inode != (unsigned long)st->st_ino)
			continue;
		v.pid = pid;
		v.start = e->start;
		v.end = e->end;
		v.pgoff = e->offset / (uint64_t)sysconf(_SC_PAGESIZE);
		err = vcp_record_add_vma(r, &v);
		if (err > 0)
			added++;
		err = err < 0 ? err : 0;
	}
	maps_free(&l);
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
