// SPDX-License-Identifier: GPL-2.0
/*
 * vclock_plugin.c - CRIU plugin for /dev/vclock.
 *
 * Dump: CRIU refuses a VM_IO|VM_PFNMAP mapping of a character device unless
 * a plugin claims it (HANDLE_DEVICE_VMA). The plugin claims exactly the
 * vclock device - the character device whose number the loaded module
 * publishes in sysfs - and nothing else. Nothing of the mapping's contents
 * needs saving: the pages are the module's (timekeeper data, lab page, HPET
 * registers), like [vvar], and the strategy lives in the mapping's offset,
 * which CRIU saves. Open descriptors of the device (DUMP_EXT_FILE) are
 * recorded with their open flags and their strategy for offset 0.
 *
 * The plugin writes what restore must check into record.h's file in the
 * image directory: the module's ABI and layout versions, the strategies
 * mapped, every mapping and open file.
 *
 * Restore: init refuses (CRIU then aborts the restore before any task is
 * created) if the module is not loaded, or its layout version differs from
 * the dumped one (the data page would be misread, as CRIU refuses a changed
 * [vvar] layout), or it lacks a strategy that was mapped; UPDATE_VMA_MAP
 * keeps the path and offset, so CRIU re-opens the device and mmaps the same
 * offset at the same address: one VMA again, same strategy, the current
 * module's pages; RESTORE_EXT_FILE opens the device again for a recorded
 * descriptor and gives it back its strategy.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <criu/criu-plugin.h>
#include <vclock_abi.h>

#include "device.h"
#include "plugin_log.h"
#include "record.h"
#include "tracees.h"

static struct {
	struct vcp_record rec;		/* what this dump has found so far */
	int have_device;		/* rec's device fields are filled in */
} dump;

static struct {
	struct vcp_record rec;		/* the dump's record */
	struct vclock_info info;	/* of the module loaded now */
	int have_info;
} restore;

/*
 * -ENOTSUP from a hook means "not my file" to CRIU (and EOPNOTSUPP is the
 * same number): a real failure must not look like that.
 */
static int hook_error(int err)
{
	return err == -ENOTSUP ? -EIO : err;
}

/* ---- dump ------------------------------------------------------------------ */

/*
 * Ask the module behind @fd for its @info; the first time, also fill the
 * record's device fields (path, number, versions) from it.
 */
static int note_device(int fd, const struct stat *st, struct vclock_info *info)
{
	char link[64], path[VCP_PATH_MAX];
	ssize_t len;
	int err;

	err = vcp_device_info(fd, info);
	if (err) {
		vcp_err("VCLOCK_IOC_INFO on the dumped device failed: %s", strerror(-err));
		return err;
	}
	if (dump.have_device)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len <= 0 || path[0] != '/') {
		vcp_err("cannot tell the path of the dumped device (fd %d)", fd);
		return -EINVAL;
	}
	path[len] = 0;
	snprintf(dump.rec.path, sizeof(dump.rec.path), "%s", path);
	dump.rec.dev_major = major(st->st_rdev);
	dump.rec.dev_minor = minor(st->st_rdev);
	dump.rec.abi_version = info->abi_version;
	dump.rec.layout_version = info->layout_version;
	dump.have_device = 1;
	return 0;
}

static int save_record(void)
{
	int err = vcp_record_write(criu_get_image_dir(), &dump.rec);

	if (err)
		vcp_err("cannot write %s in the image directory: %s", VCP_RECORD_FILE,
			strerror(-err));
	return err;
}

static int vclock_handle_device_vma(int fd, const struct stat *st)
{
	struct vclock_info info;
	unsigned int i;
	int n, err;

	if (!vcp_is_vclock(st))
		return -ENOTSUP;
	err = note_device(fd, st, &info);
	if (err)
		return hook_error(err);
	n = vcp_collect_tracee_vmas(st, &dump.rec);
	if (n < 0) {
		vcp_err("cannot list the dumped tasks' vclock mappings: %s", strerror(-n));
		return hook_error(n);
	}
	for (i = 0; i < dump.rec.nr_vmas; i++)
		dump.rec.strategy_mask |= 1u << VCLOCK_PGOFF_STRATEGY(dump.rec.vmas[i].pgoff);
	vcp_info("claimed a mapping of %s (%u:%u); %u vclock mapping(s) in the dumped tasks",
		 dump.rec.path, major(st->st_rdev), minor(st->st_rdev), dump.rec.nr_vmas);
	return hook_error(save_record());
}

static int vclock_dump_ext_file(int fd, int id)
{
	struct vclock_info info;
	struct vcp_file file;
	struct stat st;
	int err;

	if (fstat(fd, &st) || !vcp_is_vclock(&st))
		return -ENOTSUP;
	err = note_device(fd, &st, &info);
	if (err)
		return hook_error(err);
	file.id = (uint32_t)id;
	file.flags = fcntl(fd, F_GETFL);
	file.strategy = info.file_strategy;
	if (file.flags < 0 || file.strategy == VCLOCK_STRATEGY_FILE ||
	    file.strategy >= VCLOCK_NR_STRATEGIES) {
		vcp_err("open file %#x of %s: flags %d, strategy %u: cannot record it", id,
			dump.rec.path, file.flags, file.strategy);
		return -EINVAL;
	}
	if (vcp_record_add_file(&dump.rec, &file))
		return -ENOMEM;
	dump.rec.strategy_mask |= 1u << file.strategy;
	vcp_info("recorded open file %#x of %s (flags %#o, strategy %s)", id, dump.rec.path,
		 (unsigned int)file.flags, vcp_strategy_name(file.strategy));
	return hook_error(save_record());
}

/* ---- restore --------------------------------------------------------------- */

/* Is the module loaded, and does it give what the dumped tasks had? 0 or -1. */
static int check_module(void)
{
	const struct vcp_record *r = &restore.rec;
	unsigned int missing;
	char names[64];
	dev_t dev;
	int err;

	err = vcp_device_number(&dev);
	if (err == -ENOENT) {
		vcp_err("module not loaded on restore: insmod vclock.ko first "
			"(the images hold %u mapping(s) and %u open file(s) of %s)",
			r->nr_vmas, r->nr_files, r->path);
		return -1;
	}
	if (err) {
		vcp_err("cannot read %s: %s", VCP_SYSFS_DEV, strerror(-err));
		return -1;
	}
	err = vcp_path_info(r->path, &restore.info);
	if (err) {
		vcp_err("cannot query %s (module's device is %u:%u): %s", r->path, major(dev),
			minor(dev), strerror(-err));
		return -1;
	}
	restore.have_info = 1;
	if (makedev(r->dev_major, r->dev_minor) != dev)
		vcp_info("the device is %u:%u now, was %u:%u at dump (CRIU reopens %s by path)",
			 major(dev), minor(dev), r->dev_major, r->dev_minor, r->path);
	if (restore.info.layout_version != r->layout_version) {
		vcp_err("layout version %u of the loaded module differs from version %u at dump: "
			"refusing to map pages the restored tasks would misread "
			"(load the module the images were dumped with)",
			restore.info.layout_version, r->layout_version);
		return -1;
	}
	if (restore.info.abi_version != r->abi_version) {
		if (r->nr_files) {
			vcp_err("ABI version %u of the loaded module differs from version %u at dump: "
				"cannot restore %u open file(s)", restore.info.abi_version,
				r->abi_version, r->nr_files);
			return -1;
		}
		vcp_warn("ABI version %u of the loaded module differs from version %u at dump "
			 "(only mappings to restore: going on)", restore.info.abi_version,
			 r->abi_version);
	}
	missing = r->strategy_mask & ~restore.info.strategies;
	if (missing) {
		vcp_err("the loaded module does not offer the dumped strategies %s",
			vcp_strategy_list(missing, names, sizeof(names)));
		return -1;
	}
	vcp_info("module checks passed: layout %u, ABI %u, strategies %s, %u mapping(s), "
		 "%u open file(s)", r->layout_version, r->abi_version,
		 vcp_strategy_list(r->strategy_mask, names, sizeof(names)), r->nr_vmas,
		 r->nr_files);
	return 0;
}

static int restore_init(void)
{
	unsigned int bad_line;
	int err;

	err = vcp_record_read(criu_get_image_dir(), &restore.rec, &bad_line);
	if (err == -ENOENT) {
		vcp_info("no %s in the images: nothing of vclock to restore", VCP_RECORD_FILE);
		return 0;
	}
	if (err == -EINVAL) {
		if (bad_line)
			vcp_err("%s in the images is malformed at line %u", VCP_RECORD_FILE,
				bad_line);
		else
			vcp_err("%s in the images lacks a required line", VCP_RECORD_FILE);
		return -1;
	}
	if (err) {
		vcp_err("cannot read %s in the images: %s", VCP_RECORD_FILE, strerror(-err));
		return -1;
	}
	return check_module();
}

/*
 * @old_pgoff is what CRIU keeps of the mapping's offset: bytes, as
 * /proc/PID/maps shows it. The strategy is in it, so it is kept as it is.
 * CRIU 3.17.1 acts on a return of 1 (new offset) and ignores every other
 * value, so what must stop a restore is checked in restore_init(); an
 * offset refused here still makes the mmap, and with it the restore, fail.
 */
static int vclock_update_vma_map(const char *path, const uint64_t addr, const uint64_t old_pgoff,
				 uint64_t *new_pgoff, int *plugin_fd)
{
	uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t pgoff = old_pgoff / page_size;
	unsigned int strategy = VCLOCK_PGOFF_STRATEGY(pgoff);
	struct stat st;
	int err;

	(void)plugin_fd;	/* CRIU opens the path itself: no per-file state to share */
	if (stat(path, &st) || !vcp_is_vclock(&st))
		return -ENOTSUP;
	if (!restore.have_info) {	/* images without a record: ask now */
		err = vcp_path_info(path, &restore.info);
		if (err) {
			vcp_err("cannot query %s: %s", path, strerror(-err));
			return hook_error(err);
		}
		restore.have_info = 1;
	}
	if (old_pgoff % page_size || pgoff > VCLOCK_PGOFF_MAX ||
	    strategy == VCLOCK_STRATEGY_FILE || !(restore.info.strategies & (1u << strategy))) {
		vcp_err("mapping at %#llx has offset %#llx (strategy %s), which the loaded module "
			"cannot map", (unsigned long long)addr, (unsigned long long)old_pgoff,
			vcp_strategy_name(strategy));
		return -EINVAL;
	}
	*new_pgoff = old_pgoff;
	vcp_info("restoring the %s mapping of %s at %#llx (offset %#llx kept)",
		 vcp_strategy_name(strategy), path, (unsigned long long)addr,
		 (unsigned long long)old_pgoff);
	return 1;
}

static int vclock_restore_ext_file(int id)
{
	const struct vcp_file *file = vcp_record_file(&restore.rec, (uint32_t)id);
	int fd, err;

	if (!file)
		return -ENOTSUP;
	fd = open(restore.rec.path, file->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY));
	if (fd < 0) {
		err = -errno;
		vcp_err("cannot open %s for file %#x: %s", restore.rec.path, id, strerror(errno));
		return hook_error(err);
	}
	if (ioctl(fd, VCLOCK_IOC_SET_STRATEGY, &file->strategy)) {
		err = -errno;
		vcp_err("cannot give file %#x its strategy %s back: %s", id,
			vcp_strategy_name(file->strategy), strerror(errno));
		close(fd);
		return hook_error(err);
	}
	vcp_info("reopened %s for file %#x (strategy %s)", restore.rec.path, id,
		 vcp_strategy_name(file->strategy));
	return fd;
}

/* ---- registration ---------------------------------------------------------- */

/* A record an earlier dump left in this image directory must not be read. */
static int dump_init(void)
{
	if (unlinkat(criu_get_image_dir(), VCP_RECORD_FILE, 0) && errno != ENOENT) {
		vcp_err("cannot remove the old %s in the image directory: %s", VCP_RECORD_FILE,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int vclock_plugin_init(int stage)
{
	vcp_record_init(&dump.rec);
	vcp_record_init(&restore.rec);
	dump.have_device = 0;
	restore.have_info = 0;
	if (stage == CR_PLUGIN_STAGE__RESTORE)
		return restore_init();
	return dump_init();
}

static void vclock_plugin_exit(int stage, int ret)
{
	if (stage != CR_PLUGIN_STAGE__RESTORE && dump.have_device && !ret)
		vcp_info("dumped %u mapping(s) and %u open file(s) of %s", dump.rec.nr_vmas,
			 dump.rec.nr_files, dump.rec.path);
	vcp_record_free(&dump.rec);
	vcp_record_free(&restore.rec);
}

CR_PLUGIN_REGISTER("vclock", vclock_plugin_init, vclock_plugin_exit)

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__HANDLE_DEVICE_VMA, vclock_handle_device_vma)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__UPDATE_VMA_MAP, vclock_update_vma_map)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__DUMP_EXT_FILE, vclock_dump_ext_file)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESTORE_EXT_FILE, vclock_restore_ext_file)
