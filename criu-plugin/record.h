/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - what the plugin remembers from dump for restore, kept as a
 * small text file in the image directory (one "key value" line each, so a
 * person and the tests can read it):
 *
 *   format 1
 *   device /dev/vclock 10:123
 *   abi_version 1
 *   layout_version 1
 *   strategies 0x2 fault
 *   vma pid=42 start=0x7f0000000000 end=0x7f0000003000 pgoff=0x10 strategy=fault
 *   file id=7 flags=0100000 strategy=2
 *
 * "vma" lines are the mappings of the dumped tasks, "file" lines the open
 * file descriptions of the device they held (restored by RESTORE_EXT_FILE)
 * with their open flags and their strategy for offset 0 (a number).
 */
#ifndef VCLOCK_PLUGIN_RECORD_H
#define VCLOCK_PLUGIN_RECORD_H

#include <stdint.h>
#include <sys/types.h>

#define VCP_RECORD_FILE		"vclock-plugin.txt"
#define VCP_RECORD_FORMAT	1
#define VCP_PATH_MAX		256

struct vcp_vma {
	int pid;
	uint64_t start, end;
	uint64_t pgoff;			/* in pages, as /proc/PID/maps / page size */
};

struct vcp_file {
	uint32_t id;			/* CRIU's file id */
	int flags;			/* open flags (F_GETFL) */
	unsigned int strategy;		/* the file's strategy for mmap offset 0 */
};

struct vcp_record {
	unsigned int format;
	char path[VCP_PATH_MAX];	/* the device node the tasks mapped */
	unsigned int dev_major, dev_minor;
	unsigned int abi_version, layout_version;
	unsigned int strategy_mask;	/* bit (1 << s): strategy s mapped */
	unsigned int nr_vmas, nr_files;
	struct vcp_vma *vmas;
	struct vcp_file *files;
};

void vcp_record_init(struct vcp_record *r);
void vcp_record_free(struct vcp_record *r);

/*
 * Add a mapping unless one of the same task at the same address is there:
 * 1 if added, 0 if already recorded, -ENOMEM.
 */
int vcp_record_add_vma(struct vcp_record *r, const struct vcp_vma *v);

/* Add an open file; 0 or -ENOMEM. */
int vcp_record_add_file(struct vcp_record *r, const struct vcp_file *f);

/* The file entry for CRIU file id @id, or NULL. */
const struct vcp_file *vcp_record_file(const struct vcp_record *r, uint32_t id);

/* Write @r as VCP_RECORD_FILE in directory @dirfd (atomically); 0 or -errno. */
int vcp_record_write(int dirfd, const struct vcp_record *r);

/*
 * Read VCP_RECORD_FILE from @dirfd into @r (initialised by the caller).
 * 0; -ENOENT if there is none (nothing of vclock was dumped); -EINVAL if it
 * is malformed (*@bad_line gets the 1-based line number, 0 for a missing
 * key); another -errno if it cannot be read.
 */
int vcp_record_read(int dirfd, struct vcp_record *r, unsigned int *bad_line);

#endif /* VCLOCK_PLUGIN_RECORD_H */
