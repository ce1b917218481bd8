// SPDX-License-Identifier: GPL-2.0
/*
 * proc_maps.c - parsing /proc/PID/maps and /proc/PID/smaps.
 *
 * A maps line is "start-end perms offset major:minor inode [path]"; the path
 * (which may contain spaces) starts after the padding that follows the inode.
 * smaps repeats that line per VMA and follows it with "Name: value" fields.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "proc_maps.h"

int maps_parse_line(const char *line, struct maps_entry *e)
{
	const char *p;
	size_t len;
	int n = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%lx-%lx %4s %llx %x:%x %lu%n", &e->start, &e->end, e->perms,
		   &e->offset, &e->dev_major, &e->dev_minor, &e->inode, &n) != 7 || !n)
		return -1;
	if (strlen(e->perms) != 4 || e->end < e->start)
		return -1;
	p = line + n;
	if (*p && *p != ' ' && *p != '\n')
		return -1;
	while (*p == ' ')
		p++;
	len = strcspn(p, "\n");
	if (len >= sizeof(e->path))
		len = sizeof(e->path) - 1;
	memcpy(e->path, p, len);
	e->path[len] = 0;
	return 0;
}

int smaps_parse_field(const char *line, struct maps_entry *e)
{
	const char *colon = strchr(line, ':');
	const char *space = strchr(line, ' ');
	const char *v;
	size_t len;

	if (!colon || colon == line || (space && space < colon))
		return -1;
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!strncmp(line, "VmFlags:", 8)) {
		len = strcspn(v, "\n");
		while (len && v[len - 1] == ' ')
			len--;
		if (len >= sizeof(e->vmflags))
			len = sizeof(e->vmflags) - 1;
		memcpy(e->vmflags, v, len);
		e->vmflags[len] = 0;
	} else if (!strncmp(line, "Size:", 5)) {
		e->size_kb = strtoul(v, NULL, 10);
	} else if (!strncmp(line, "Rss:", 4)) {
		e->rss_kb = strtoul(v, NULL, 10);
	}
	return 0;
}

static int maps_push(struct maps_list *l, const struct maps_entry *e)
{
	struct maps_entry *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

int maps_read_stream(FILE *f, struct maps_list *l)
{
	struct maps_entry *e = malloc(sizeof(*e));	/* large: not on the stack */
	char line[MAPS_PATH_MAX + 256];
	int err = 0;

	if (!e)
		return -ENOMEM;
	while (!err && fgets(line, sizeof(line), f))
		if (!maps_parse_line(line, e))
			err = maps_push(l, e);
	free(e);
	if (!err && ferror(f))
		err = -EIO;
	return err;
}

static FILE *proc_open(const char *pid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	return fopen(path, "re");	/* close-on-exec: the CRIU plugin reads maps too */
}

int maps_read(const char *pid, struct maps_list *l)
{
	FILE *f = proc_open(pid, "maps");
	int err;

	if (!f)
		return -errno;
	err = maps_read_stream(f, l);
	fclose(f);
	return err;
}

static struct maps_entry *maps_find(struct maps_list *l, unsigned long start)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].start == start)
			return &l->v[i];
	return NULL;
}

int smaps_merge_stream(FILE *f, struct maps_list *l)
{
	struct maps_entry *hdr = malloc(sizeof(*hdr)), *cur = NULL;
	char line[MAPS_PATH_MAX + 256];

	if (!hdr)
		return -ENOMEM;
	while (fgets(line, sizeof(line), f)) {
		if (!maps_parse_line(line, hdr)) {
			cur = maps_find(l, hdr->start);
			if (cur)
				cur->have_smaps = true;
		} else if (cur) {
			smaps_parse_field(line, cur);
		}
	}
	free(hdr);
	return ferror(f) ? -EIO : 0;
}

int smaps_merge(const char *pid, struct maps_list *l)
{
	FILE *f = proc_open(pid, "smaps");
	int err;

	if (!f)
		return -errno;
	err = smaps_merge_stream(f, l);
	fclose(f);
	return err;
}

void maps_free(struct maps_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void maps_format(const struct maps_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%08lx-%08lx %s %08llx %02x:%02x %lu%s%s", e->start, e->end,
		 e->perms, e->offset, e->dev_major, e->dev_minor, e->inode,
		 e->path[0] ? " " : "", e->path);
}

/* The two-letter codes of fs/proc/task_mmu.c's show_smap_vma_flags(). */
static const struct {
	const char *code, *meaning;
} vmflag_table[] = {
	{ "rd", "readable" },
	{ "wr", "writeable" },
	{ "ex", "executable" },
	{ "sh", "shared" },
	{ "mr", "may read" },
	{ "mw", "may write" },
	{ "me", "may execute" },
	{ "ms", "may share" },
	{ "gd", "stack grows down" },
	{ "pf", "pure PFN range" },
	{ "dw", "write to the file disabled" },
	{ "lo", "pages locked" },
	{ "io", "memory-mapped I/O" },
	{ "sr", "sequential read advised" },
	{ "rr", "random read advised" },
	{ "dc", "not copied on fork" },
	{ "de", "not expandable by mremap" },
	{ "ac", "accountable" },
	{ "nr", "swap not reserved" },
	{ "ht", "huge TLB pages" },
	{ "sf", "synchronous page faults" },
	{ "ar", "architecture specific" },
	{ "wf", "wiped on fork" },
	{ "dd", "not in core dumps" },
	{ "sd", "soft-dirty" },
	{ "mm", "mixed map" },
	{ "hg", "huge pages advised" },
	{ "nh", "no huge pages advised" },
	{ "mg", "mergeable advised" },
	{ "bt", "BTI guarded" },
	{ "mt", "MTE tags allowed" },
	{ "um", "userfaultfd missing tracking" },
	{ "uw", "userfaultfd write-protect tracking" },
	{ "ui", "userfaultfd minor fault tracking" },
	{ "ss", "shadow stack" },
	{ "sl", "sealed" },
	{ "lf", "lock on fault" },
	{ "gu", "guard regions" },
};

const char *vmflag_meaning(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(vmflag_table) / sizeof(vmflag_table[0]); i++)
		if (!strcmp(code, vmflag_table[i].code))
			return vmflag_table[i].meaning;
	return NULL;
}

bool vmflags_has(const char *flags, const char *code)
{
	size_t n = strlen(code);
	const char *p = flags;

	while ((p = strstr(p, code))) {
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}
