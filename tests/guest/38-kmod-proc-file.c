// SPDX-License-Identifier: GPL-2.0
/*
 * 38-kmod-proc-file - /proc/vclock, the same mapping through a regular file:
 *
 *   - a regular file, mode 0444, 16384 bytes (the layout);
 *   - mmap per strategy: the same VMA(s), offsets and VmFlags as through
 *     /dev/vclock, the same data page (one timekeeper), the HPET counter
 *     live, and the module's query finds the VMAs of both files;
 *   - its ioctls: VCLOCK_IOC_INFO, VCLOCK_IOC_SET_STRATEGY for offset 0;
 *   - the module cannot be unloaded while the file is open or only mapped
 *     (procfs takes no module reference of its own: open takes one), and
 *     can be once the last mapping is gone; the open-file count follows.
 * Leaves the module loaded as vm/run --load loaded it.
 */
#include <sys/stat.h>

#include "vclock_test.h"

/* The open_files line of the status file; -1 if absent. */
static long open_files(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/sys/kernel/debug/vclock/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "open_files: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* One rmmod attempt, no waiting: 0 or -errno. */
static int try_unload(void)
{
	return syscall(SYS_delete_module, "vclock", O_NONBLOCK) ? -errno : 0;
}

/* Offsets and VmFlags of both files' VMAs agree, line by line. */
static void same_mapping(unsigned int s, const struct vt_map *dev, const struct vt_map *reg)
{
	char ldev[512], lreg[512], fdev[256], freg[256];
	const char *odev, *oreg;
	int ok;

	ok = vt_maps_line(dev->base, ldev, sizeof(ldev)) &&
	     vt_maps_line(reg->base, lreg, sizeof(lreg)) &&
	     vt_vmflags(dev->base, fdev, sizeof(fdev)) && vt_vmflags(reg->base, freg, sizeof(freg));
	/* "start-end perms offset ...": compare perms and offset. */
	odev = ok ? strchr(ldev, ' ') : NULL;
	oreg = ok ? strchr(lreg, ' ') : NULL;
	ok = odev && oreg && !strncmp(odev, oreg, 15) && !strcmp(fdev, freg) &&
	     strstr(lreg, VCLOCK_PROC_FILE);
	tap_ok(ok, "%s: /proc/vclock VMA has the device's perms, offset and VmFlags (%.40s | %s)",
	       vt_strategy_names[s], oreg ? oreg : "?", ok ? freg : "?");
}

static void per_strategy(unsigned int strategies)
{
	unsigned int s;

	for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
		int fdd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC);
		int fdr = open(VCLOCK_PROC_FILE, O_RDONLY | O_CLOEXEC);
		struct vclock_pte_info e[16];
		struct vt_map dev, reg;
		unsigned int nr_vmas = 0;
		uint32_t c0;
		int n, ok;

		if (fdd < 0 || fdr < 0)
			tap_bail("open: %s", strerror(errno));
		if (!(strategies & (1u << s))) {
			vt_check_unoffered(fdr, s);
			close(fdd);
			close(fdr);
			continue;
		}
		if (vt_map(fdd, s, VCLOCK_LAB_WB, &dev) || vt_map(fdr, s, VCLOCK_LAB_WB, &reg))
			tap_bail("%s: mmap: %s", vt_strategy_names[s], strerror(errno));
		same_mapping(s, &dev, &reg);
		ok = vt_data(&reg)->magic == VCLOCK_MAGIC &&
		     vt_data(&reg)->layout_version == VCLOCK_LAYOUT_VERSION;
		tap_ok(ok, "%s: the data page through /proc/vclock (magic, layout version)",
		       vt_strategy_names[s]);
		usleep(20000);
		tap_ok(vt_data(&reg)->update_count >= vt_data(&dev)->update_count - 1 &&
		       vt_data(&reg)->update_count <= vt_data(&dev)->update_count + 1,
		       "%s: one timekeeper: update counts %llu and %llu", vt_strategy_names[s],
		       (unsigned long long)vt_data(&reg)->update_count,
		       (unsigned long long)vt_data(&dev)->update_count);
		c0 = *vt_counter(&reg);
		usleep(1000);
		tap_ok(*vt_counter(&reg) != c0, "%s: the HPET counter moves through /proc/vclock",
		       vt_strategy_names[s]);
		n = vt_query(fdr, 0, e, 16, &nr_vmas);
		tap_ok(n == 2 * VCLOCK_NR_PAGES && vt_entry(e, n, reg.hpet) &&
		       vt_entry(e, n, reg.hpet)->present,
		       "%s: the query through /proc/vclock sees both files' pages (%d, %u VMAs), "
		       "the HPET PTE present", vt_strategy_names[s], n, nr_vmas);
		vt_unmap(&dev);
		vt_unmap(&reg);
		close(fdd);
		close(fdr);
	}
}

int main(void)
{
	struct vclock_info info;
	unsigned int strategies;
	struct vt_map m;
	struct stat st;
	long base;
	__u32 s;
	int fd, err;
	void *p;

	tap_header();
	if (!vt_loaded() && vt_reload())
		tap_bail("cannot load the module");
	/* Calls first: the order in which arguments are evaluated is unspecified. */
	memset(&st, 0, sizeof(st));
	err = stat(VCLOCK_PROC_FILE, &st) ? -errno : 0;
	tap_ok(!err && S_ISREG(st.st_mode) &&
	       (st.st_mode & 07777) == 0444 && st.st_size == VCLOCK_MAP_SIZE,
	       VCLOCK_PROC_FILE ": regular file, mode 0444, %d bytes (mode %o, size %lld)",
	       VCLOCK_MAP_SIZE, (unsigned int)st.st_mode, (long long)st.st_size);
	fd = open(VCLOCK_PROC_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tap_bail("open " VCLOCK_PROC_FILE ": %s", strerror(errno));
	memset(&info, 0, sizeof(info));
	err = ioctl(fd, VCLOCK_IOC_INFO, &info) ? -errno : 0;
	tap_ok(!err && info.abi_version == VCLOCK_ABI_VERSION &&
	       info.nr_pages == VCLOCK_NR_PAGES && info.file_strategy == VCLOCK_STRATEGY_FAULT,
	       "VCLOCK_IOC_INFO: abi %u, %u pages, file strategy %u", info.abi_version,
	       info.nr_pages, info.file_strategy);
	strategies = info.strategies;
	s = VCLOCK_STRATEGY_REMAP;
	err = ioctl(fd, VCLOCK_IOC_SET_STRATEGY, &s) ? -errno : 0;
	p = mmap(NULL, VCLOCK_MAP_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	tap_ok(!err && p != MAP_FAILED,
	       "VCLOCK_IOC_SET_STRATEGY remap, then mmap offset 0 (%s)",
	       err ? strerror(-err) : p == MAP_FAILED ? strerror(errno) : "ok");
	if (p != MAP_FAILED) {
		char line[512] = "";

		vt_maps_line(p, line, sizeof(line));
		tap_ok(strstr(line, " 00020000 ") != NULL,
		       "offset 0 became remap's explicit offset: %s", line);
		munmap(p, VCLOCK_MAP_SIZE);
	}
	close(fd);

	per_strategy(strategies);

	/* ---- the module reference ---------------------------------------------- */
	if (vt_unload() || vt_reload())
		tap_bail("cannot reload the module");
	base = open_files();
	fd = open(VCLOCK_PROC_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tap_bail("open " VCLOCK_PROC_FILE ": %s", strerror(errno));
	tap_ok(open_files() == base + 1, "open_files counts the open file (%ld -> %ld)", base,
	       open_files());
	err = try_unload();
	tap_ok(err == -EBUSY || err == -EAGAIN, "rmmod while /proc/vclock is open: refused (%s)",
	       err ? strerror(-err) : "unloaded");
	if (!err)
		tap_bail("the module went away under an open file");
	if (vt_map(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &m))
		tap_bail("mmap: %s", strerror(errno));
	close(fd);
	tap_ok(open_files() == base + 1, "closed but mapped: the file is still open (vm_file)");
	err = try_unload();
	tap_ok(err == -EBUSY || err == -EAGAIN, "rmmod while /proc/vclock is only mapped: refused (%s)",
	       err ? strerror(-err) : "unloaded");
	if (!err)
		tap_bail("the module went away under a mapping");
	tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC, "the mapping still reads");
	vt_unmap(&m);
	tap_ok(open_files() == base, "unmapped: open_files back to %ld (%ld)", base, open_files());
	err = vt_unload();
	tap_ok(err == 0, "rmmod after the last mapping is gone (%s)", err ? strerror(-err) : "ok");
	tap_ok(access(VCLOCK_PROC_FILE, F_OK) && errno == ENOENT, VCLOCK_PROC_FILE " gone with it");
	if (vt_reload())
		tap_bail("cannot reload the module as vm/run did");
	return tap_done();
}
