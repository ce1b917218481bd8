/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_maps.h - a process's VMAs from /proc/PID/maps, with what smaps adds
 * (size, Rss, VmFlags), and the meaning of each VmFlags code in words.
 */
#ifndef PROC_MAPS_H
#define PROC_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MAPS_PATH_MAX		4096
#define MAPS_VMFLAGS_MAX	128

struct maps_entry {
	unsigned long start, end;
	char perms[5];			/* "r--s" */
	unsigned long long offset;	/* bytes */
	unsigned int dev_major, dev_minor;
	unsigned long inode;
	char path[MAPS_PATH_MAX];	/* "" for anonymous mappings */
	/* from smaps */
	bool have_smaps;
	unsigned long size_kb, rss_kb;
	char vmflags[MAPS_VMFLAGS_MAX];	/* "rd mr ms io pf de dd" */
};

struct maps_list {
	struct maps_entry *v;
	size_t n, cap;
};

/* One line of maps (or a VMA header line of smaps); 0, or -1 if it is not. */
int maps_parse_line(const char *line, struct maps_entry *e);

/*
 * One smaps field line ("Rss: 4 kB", "VmFlags: rd mr") into @e; 0 if it was
 * a field, -1 if not.
 */
int smaps_parse_field(const char *line, struct maps_entry *e);

/* Read a whole maps file / stream; 0 or -errno. */
int maps_read_stream(FILE *f, struct maps_list *l);
int maps_read(const char *pid, struct maps_list *l);

/* Add smaps' fields to the entries of @l with the same start; 0 or -errno. */
int smaps_merge_stream(FILE *f, struct maps_list *l);
int smaps_merge(const char *pid, struct maps_list *l);

void maps_free(struct maps_list *l);

/* The maps line again, fields separated by single spaces. */
void maps_format(const struct maps_entry *e, char *buf, size_t size);

/* "pure PFN range" for "pf"; NULL for a code this table does not know. */
const char *vmflag_meaning(const char *code);

/* Does @flags ("rd mr io") contain the code @code? */
bool vmflags_has(const char *flags, const char *code);

#endif /* PROC_MAPS_H */
