// SPDX-License-Identifier: GPL-2.0
/*
 * 33-abuse-cycles - repetition must not leak: many open/mmap/touch/munmap/close
 * cycles over every strategy and lab mode, then many insmod/rmmod cycles
 * with a mapping made and dropped each time. Kernel memory (Slab,
 * VmallocUsed, free pages; after dropping caches) may not
 * grow by more than a stated tolerance (free pages counted from
 * /proc/zoneinfo, per-CPU lists included), and the module's live counters end
 * at zero. 300 and 100 cycles by default; 1000 and 200 with VCLOCK_LONG.
 * Leaves the module loaded with default parameters.
 */
#include <sys/syscall.h>

#include "vclock_test.h"


struct mem {
	long slab_kb, vmalloc_kb, free_kb;
};

/*
 * Free memory including the per-CPU free lists, which MemFree leaves out
 * (a few hundred pages could hide a small leak there).
 */
static long free_kb(void)
{
	long pages = 0, v;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &v) == 1 || sscanf(line, " count: %ld", &v) == 1)
			pages += v;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void measure(struct mem *m)
{
	int i;

	sync();
	for (i = 0; i < 2; i++) {
		FILE *f = fopen("/proc/sys/vm/drop_caches", "w");

		if (f) {
			fputs("3\n", f);
			fclose(f);
		}
		usleep(100000);
	}
	m->slab_kb = vt_file_value("/proc/meminfo", "Slab:");
	m->vmalloc_kb = vt_file_value("/proc/meminfo", "VmallocUsed:");
	m->free_kb = free_kb();
}

static unsigned int strategies;	/* those this kernel's module offers */

static int one_mapping_cycle(unsigned int i)
{
	unsigned int s = vt_nth_strategy(strategies, i), lab = (i / 4) % VCLOCK_NR_LAB;
	struct vt_map m;
	int fd = open(VCLOCK_DEVICE, O_RDONLY), ok;

	if (fd < 0)
		return 0;
	if (vt_map(fd, s, lab, &m)) {
		close(fd);
		return 0;
	}
	vt_touch_all(&m);
	ok = vt_data(&m)->magic == VCLOCK_MAGIC;
	vt_unmap(&m);
	close(fd);
	return ok;
}

/*
 * Growth allowed: 192 KiB of noise (measured: under 100) plus 1 KiB a cycle,
 * well below one leaked page (4 KiB) a cycle.
 */
static void check_growth(const char *what, const struct mem *a, const struct mem *b, int cycles)
{
	long slab = b->slab_kb - a->slab_kb, vm = b->vmalloc_kb - a->vmalloc_kb;
	long used = a->free_kb - b->free_kb;
	long tol = 192 + cycles;

	tap_diag("%s: Slab %ld -> %ld, VmallocUsed %ld -> %ld, free %ld -> %ld KiB", what,
		 a->slab_kb, b->slab_kb, a->vmalloc_kb, b->vmalloc_kb, a->free_kb, b->free_kb);
	if (a->slab_kb < 0 || a->vmalloc_kb < 0 || a->free_kb < 0)
		tap_bail("cannot read /proc/meminfo");

	tap_ok(slab <= tol, "%s: Slab grew %ld KiB over %d cycles (tolerance %ld KiB)", what, slab,
	       cycles, tol);
	tap_ok(vm <= tol, "%s: VmallocUsed grew %ld KiB (tolerance %ld KiB)", what, vm, tol);
	tap_ok(used <= tol, "%s: free pages (zones + per-CPU lists) fell %ld KiB (tolerance %ld KiB)",
	       what, used, tol);
}

int main(void)
{
	int long_run = getenv("VCLOCK_LONG") != NULL;
	int maps = long_run ? 1000 : 300, loads = long_run ? 200 : 100, i, good = 0, loaded = 0;
	struct mem before, after;

	tap_header();
	if (access("/sys/module/vclock", F_OK))
		tap_bail("the vclock module is not loaded (run with vm/run --load)");
	i = vt_open();
	strategies = vt_strategies(i);
	close(i);

	one_mapping_cycle(0);	/* warm up caches and slabs */
	measure(&before);
	for (i = 0; i < maps; i++)
		good += one_mapping_cycle((unsigned int)i);
	measure(&after);
	tap_ok(good == maps, "%d of %d open/mmap/touch/munmap/close cycles read the page", good, maps);
	tap_ok(vt_status_live_vmas() == 0, "live VMA count back to 0 (%ld)", vt_status_live_vmas());
	check_growth("mapping cycles", &before, &after, maps);

	syscall(SYS_delete_module, "vclock", O_NONBLOCK);
	vt_load("");
	syscall(SYS_delete_module, "vclock", O_NONBLOCK);
	measure(&before);
	for (i = 0; i < loads; i++) {
		if (vt_load(""))
			break;
		good = one_mapping_cycle((unsigned int)i);
		if (syscall(SYS_delete_module, "vclock", O_NONBLOCK) || !good)
			break;
		loaded++;
	}
	measure(&after);
	tap_ok(loaded == loads, "%d of %d insmod/map/rmmod cycles", loaded, loads);
	check_growth("insmod/rmmod cycles", &before, &after, loads);
	tap_ok(vt_load("") == 0 && access(VCLOCK_DEVICE, F_OK) == 0, "loaded again at the end");
	return tap_done();
}
