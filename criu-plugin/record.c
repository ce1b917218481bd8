// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - the plugin's record file in the image directory: written at
 * dump, read at restore (format in record.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "record.h"

#define VCP_RECORD_TMP	VCP_RECORD_FILE ".tmp"

void vcp_record_init(struct vcp_record *r)
{
	memset(r, 0, sizeof(*r));
	r->format = VCP_RECORD_FORMAT;
}

void vcp_record_free(struct vcp_record *r)
{
	free(r->vmas);
	free(r->files);
	vcp_record_init(r);
}

/* Make room for one more element of @size in *@array holding @nr. */
static int grow(void **array, unsigned int nr, size_t size)
{
	void *p;

	if (nr & (nr - 1))	/* capacity is the next power of two */
		return 0;
	p = realloc(*array, (nr ? 2 * nr : 1) * size);
	if (!p)
		return -ENOMEM;
	*array = p;
	return 0;
}

int vcp_record_add_vma(struct vcp_record *r, const struct vcp_vma *v)
{
	unsigned int i;

	for (i = 0; i < r->nr_vmas; i++)
		if (r->vmas[i].pid == v->pid && r->vmas[i].start == v->start)
			return 0;
	if (grow((void **)&r->vmas, r->nr_vmas, sizeof(*v)))
		return -ENOMEM;
	r->vmas[r->nr_vmas++] = *v;
	return 1;
}

int vcp_record_add_file(struct vcp_record *r, const struct vcp_file *f)
{
	if (grow((void **)&r->files, r->nr_files, sizeof(*f)))
		return -ENOMEM;
	r->files[r->nr_files++] = *f;
	return 0;
}

const struct vcp_file *vcp_record_file(const struct vcp_record *r, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < r->nr_files; i++)
		if (r->files[i].id == id)
			return &r->files[i];
	return NULL;
}

static void print_record(FILE *f, const struct vcp_record *r)
{
	char names[64];
	unsigned int i;

	fprintf(f, "format %u\n", r->format);
	fprintf(f, "device %s %u:%u\n", r->path, r->dev_major, r->dev_minor);
	fprintf(f, "abi_version %u\n", r->abi_version);
	fprintf(f, "layout_version %u\n", r->layout_version);
	fprintf(f, "strategies %#x %s\n", r->strategy_mask,
		vcp_strategy_list(r->strategy_mask, names, sizeof(names)));
	for (i = 0; i < r->nr_vmas; i++)
		fprintf(f, "vma pid=%d start=%#" PRIx64 " end=%#" PRIx64 " pgoff=%#" PRIx64
			" strategy=%s\n", r->vmas[i].pid, r->vmas[i].start, r->vmas[i].end,
			r->vmas[i].pgoff,
			vcp_strategy_name(VCLOCK_PGOFF_STRATEGY(r->vmas[i].pgoff)));
	for (i = 0; i < r->nr_files; i++)
		fprintf(f, "file id=%" PRIu32 " flags=%#o strategy=%u\n", r->files[i].id,
			(unsigned int)r->files[i].flags, r->files[i].strategy);
}

int vcp_record_write(int dirfd, const struct vcp_record *r)
{
	int fd, err = 0;
	FILE *f;

	fd = openat(dirfd, VCP_RECORD_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto out_unlink;
	}
	print_record(f, r);
	if (fflush(f) || ferror(f) || fsync(fd))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && renameat(dirfd, VCP_RECORD_TMP, dirfd, VCP_RECORD_FILE))
		err = -errno;
	if (!err)
		return 0;
out_unlink:
	unlinkat(dirfd, VCP_RECORD_TMP, 0);
	return err;
}

/* Keys that must appear once in every record. */
enum {
	SEEN_FORMAT = 1 << 0,
	SEEN_DEVICE = 1 << 1,
	SEEN_ABI = 1 << 2,
	SEEN_LAYOUT = 1 << 3,
	SEEN_STRATEGIES = 1 << 4,
	SEEN_ALL = (1 << 5) - 1,
};

static int parse_vma(const char *rest, struct vcp_record *r)
{
	struct vcp_vma v;
	int added;

	if (sscanf(rest, "pid=%d start=%" SCNx64 " end=%" SCNx64 " pgoff=%" SCNx64,
		   &v.pid, &v.start, &v.end, &v.pgoff) != 4 || v.end <= v.start)
		return -EINVAL;
	added = vcp_record_add_vma(r, &v);
	if (added < 0)
		return added;
	return added ? 0 : -EINVAL;	/* the same mapping twice */
}

static int parse_file(const char *rest, struct vcp_record *r)
{
	struct vcp_file f;
	unsigned int flags;

	if (sscanf(rest, "id=%" SCNu32 " flags=%o strategy=%u", &f.id, &flags, &f.strategy) != 3 ||
	    f.strategy == VCLOCK_STRATEGY_FILE || f.strategy >= VCLOCK_NR_STRATEGIES)
		return -EINVAL;
	f.flags = (int)flags;
	return vcp_record_add_file(r, &f);
}

/* One line: its key's SEEN_ bit (0 for repeatable keys), or -errno. */
static int parse_line(const char *line, struct vcp_record *r)
{
	char key[32];
	int n = 0;

	if (sscanf(line, "%31s %n", key, &n) != 1)
		return -EINVAL;
	line += n;
	if (!strcmp(key, "format"))
		return sscanf(line, "%u", &r->format) == 1 &&
		       r->format == VCP_RECORD_FORMAT ? SEEN_FORMAT : -EINVAL;
	if (!strcmp(key, "device"))
		return sscanf(line, "%255s %u:%u", r->path, &r->dev_major, &r->dev_minor) == 3 &&
		       r->path[0] == '/' ? SEEN_DEVICE : -EINVAL;
	if (!strcmp(key, "abi_version"))
		return sscanf(line, "%u", &r->abi_version) == 1 ? SEEN_ABI : -EINVAL;
	if (!strcmp(key, "layout_version"))
		return sscanf(line, "%u", &r->layout_version) == 1 ? SEEN_LAYOUT : -EINVAL;
	if (!strcmp(key, "strategies"))
		return sscanf(line, "%x", &r->strategy_mask) == 1 &&
		       r->strategy_mask < (1u << VCLOCK_NR_STRATEGIES) ? SEEN_STRATEGIES : -EINVAL;
	if (!strcmp(key, "vma"))
		return parse_vma(line, r);
	if (!strcmp(key, "file"))
		return parse_file(line, r);
	return -EINVAL;
}

int vcp_record_read(int dirfd, struct vcp_record *r, unsigned int *bad_line)
{
	char line[512];
	unsigned int seen = 0, nr = 0;
	int fd, bit, err = 0;
	FILE *f;

	*bad_line = 0;
	fd = openat(dirfd, VCP_RECORD_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		nr++;
		bit = strchr(line, '\n') ? parse_line(line, r) : -EINVAL;
		if (bit < 0 || (bit & seen)) {
			*bad_line = nr;
			err = bit == -ENOMEM ? -ENOMEM : -EINVAL;
		}
		seen |= bit > 0 ? (unsigned int)bit : 0;
	}
	if (!err && ferror(f))
		err = -EIO;
	fclose(f);
	if (!err && seen != SEEN_ALL)
		err = -EINVAL;
	return err;
}
