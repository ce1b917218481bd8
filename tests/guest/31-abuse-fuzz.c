// SPDX-License-Identifier: GPL-2.0
/*
 * 31-abuse-fuzz - a seeded, bounded fuzzer of /dev/vclock: random ioctls with
 * random commands and pointers, and random sequences of mmap, munmap,
 * mremap, mprotect, madvise and fork on the device's mappings. Memory is
 * only ever touched in forked children (which may die of SIGBUS/SIGSEGV;
 * nothing else is allowed). Afterwards the module must be back where it
 * started: no VMA left, live counters and open files at their baseline, and
 * a fresh mapping reads and counts.
 *
 *   abuse-fuzz [-s SEED] [-t SECONDS] [-n OPS]
 *
 * Default: 10 s, or 120 s with VCLOCK_LONG set (make check-long).
 * The seed is printed first; the same seed and -n replay the same sequence.
 */
#include <limits.h>

#include "test_options.h"
#include "vclock_test.h"

#define SCRATCH_PAGES	64	/* where MAP_FIXED and mremap may land */
#define MAX_VMAS	16

static uint64_t rng;
static uint8_t *scratch;
static int fd;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(uint64_t n)
{
	return next() % n;
}

struct vma {
	uint8_t *start;
	size_t len;
};

/* The process's vclock VMAs right now, from /proc/self/maps. */
static int list_vmas(struct vma *v)
{
	struct maps_list l;
	size_t i;
	int n = 0;

	if (vt_vclock_vmas(&l, false))
		return 0;
	for (i = 0; i < l.n && n < MAX_VMAS; i++) {
		v[n].start = (uint8_t *)l.v[i].start;
		v[n++].len = l.v[i].end - l.v[i].start;
	}
	maps_free(&l);
	return n;
}

static off_t random_offset(void)
{
	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return VCLOCK_MMAP_OFFSET(pick(6), pick(4), 0);
	case 2:
		return VCLOCK_MMAP_OFFSET(VCLOCK_STRATEGY_SPLIT, pick(3), pick(2) ? 0 : VCLOCK_PAGE_HPET);
	}
	return (off_t)(next() & 0xffff) << VCLOCK_PAGE_SHIFT;
}

static void *random_pointer(void *valid)
{
	switch (pick(5)) {
	case 0: return valid;
	case 1: return NULL;
	case 2: return (void *)-1l;
	case 3: return scratch;		/* PROT_NONE */
	}
	return (void *)(uintptr_t)(next() & 0x00007fffffffffffull);
}

static void op_ioctl(void)
{
	static const unsigned int cmds[] = {
		VCLOCK_IOC_INFO, VCLOCK_IOC_SET_STRATEGY, VCLOCK_IOC_QUERY,
	};
	union {
		struct vclock_info info;
		struct vclock_query q;
		uint32_t u32;
		uint8_t raw[256];
	} buf;
	struct vclock_pte_info entries[4];
	unsigned int cmd;

	for (size_t i = 0; i < sizeof(buf.raw); i++)
		buf.raw[i] = (uint8_t)next();
	if (pick(3))
		cmd = cmds[pick(3)];
	else
		cmd = _IOC(pick(4), pick(2) ? VCLOCK_IOC_MAGIC : (unsigned int)pick(256),
			   pick(8), pick(2) ? pick(64) : sizeof(struct vclock_query));
	if (cmd == VCLOCK_IOC_QUERY) {
		buf.q.pid = pick(4) ? 0 : (int32_t)next();
		buf.q.max_entries = (uint32_t)pick(6);
		buf.q.entries = (uintptr_t)random_pointer(entries);
		if (buf.q.entries == (uintptr_t)entries && buf.q.max_entries > 4)
			buf.q.max_entries = 4;
	}
	if (cmd == VCLOCK_IOC_SET_STRATEGY)
		buf.u32 = (uint32_t)pick(7);
	ioctl(fd, cmd, random_pointer(&buf));
}

static void op_mmap(void)
{
	static const int protos[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC,
				      PROT_NONE, PROT_WRITE };
	size_t len = pick(6) * VCLOCK_PAGE_SIZE;
	int flags = pick(3) ? MAP_SHARED : MAP_PRIVATE;
	void *addr = NULL;

	if (pick(2)) {		/* half of them valid, so VMAs exist to abuse */
		unsigned int s = 1 + pick(VCLOCK_NR_STRATEGIES - 1), lab = pick(VCLOCK_NR_LAB);

		if (s == VCLOCK_STRATEGY_SPLIT && pick(2))
			mmap(NULL, VCLOCK_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			     VCLOCK_MMAP_OFFSET(s, lab, VCLOCK_PAGE_HPET));
		else
			mmap(NULL, s == VCLOCK_STRATEGY_SPLIT ? VCLOCK_NR_DATA_PAGES * VCLOCK_PAGE_SIZE :
			     VCLOCK_MAP_SIZE, PROT_READ, flags, fd, VCLOCK_MMAP_OFFSET(s, lab, 0));
		return;
	}

	if (!pick(4)) {
		flags |= MAP_FIXED;
		addr = scratch + pick(SCRATCH_PAGES - 6) * VCLOCK_PAGE_SIZE;
	}
	mmap(addr, len, protos[pick(5)], flags, fd, random_offset());
}

static void op_vma(struct vma *v, int n)
{
	static const int advice[] = { MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_WILLNEED,
				      MADV_NORMAL, MADV_RANDOM, MADV_REMOVE, MADV_FREE,
				      MADV_COLD, MADV_PAGEOUT };
	struct vma *t = &v[pick(n)];
	size_t first = pick(t->len / VCLOCK_PAGE_SIZE), pages;
	uint8_t *at = t->start + first * VCLOCK_PAGE_SIZE;

	pages = 1 + pick(t->len / VCLOCK_PAGE_SIZE - first);
	if (pick(2)) {		/* the whole VMA, which is what may succeed */
		at = t->start;
		pages = t->len / VCLOCK_PAGE_SIZE;
	}
	switch (pick(4)) {
	case 0:
		munmap(at, pages * VCLOCK_PAGE_SIZE);
		break;
	case 1:
		mprotect(at, pages * VCLOCK_PAGE_SIZE, (int)pick(8));
		break;
	case 2:
		madvise(at, pages * VCLOCK_PAGE_SIZE, advice[pick(10)]);
		break;
	case 3: {
		int flags = (int)pick(8) & (MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP);
		void *to = scratch + pick(SCRATCH_PAGES - 6) * VCLOCK_PAGE_SIZE;

		if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
			flags |= MREMAP_MAYMOVE;
		mremap(at, pages * VCLOCK_PAGE_SIZE, (1 + pick(5)) * VCLOCK_PAGE_SIZE, flags, to);
		break;
	}
	}
}

/* Read every page of every VMA in a child; report how it ended. */
static int op_touch(struct vma *v, int n)
{
	int status, i;
	size_t off;
	pid_t pid = fork();

	if (pid == 0) {
		for (i = 0; i < n; i++)
			for (off = 0; off < v[i].len; off += VCLOCK_PAGE_SIZE)
				(void)*(volatile uint32_t *)(v[i].start + off);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WEXITSTATUS(status) ? 256 : 0;
}

int main(int argc, char **argv)
{
	long ops = 0, max_ops = -1, seconds = getenv("VCLOCK_LONG") ? 120 : 10, base_vmas, base_files, bad_deaths = 0;
	long counts[5] = { 0 };
	struct vma v[MAX_VMAS];
	struct vt_map m;
	uint64_t seed = 0, end;
	int c, n, sig;
	uint32_t c0;
	const struct vt_option options[] = {
		VT_OPT_U64("seed", 's', &seed, "SEED"),
		VT_OPT_LONG("seconds", 't', &seconds, "SECONDS", 0, LONG_MAX),
		VT_OPT_LONG("ops", 'n', &max_ops, "OPS", -1, LONG_MAX),
		VT_OPT_END
	};

	vt_parse_options(argc, argv, options);
	if (!seed)
		seed = vt_raw_ns() | 1;
	rng = seed;
	tap_header();
	tap_diag("seed %llu (replay: 31-abuse-fuzz -s %llu -n OPS)", (unsigned long long)seed,
		 (unsigned long long)seed);

	fd = vt_open();
	scratch = mmap(NULL, SCRATCH_PAGES * VCLOCK_PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	base_vmas = vt_status_live_vmas();
	base_files = vt_status_value("open_files:");
	end = vt_raw_ns() + (uint64_t)seconds * 1000000000ull;

	while ((max_ops < 0 && vt_raw_ns() < end) || ops < max_ops) {
		n = list_vmas(v);
		if (n >= MAX_VMAS - 4) {	/* keep the population bounded */
			munmap(v[0].start, v[0].len);
			continue;
		}
		switch (pick(5)) {
		case 0: op_ioctl(); counts[0]++; break;
		case 1: op_mmap(); counts[1]++; break;
		case 2: if (n) { op_vma(v, n); counts[2]++; } break;
		case 3:
			sig = op_touch(v, n);
			counts[3]++;
			if (sig != 0 && sig != SIGBUS && sig != SIGSEGV) {
				bad_deaths++;
				tap_diag("op %ld: a touching child ended with %d", ops, sig);
			}
			break;
		case 4:
			if (!pick(8)) {	/* a new open file now and then */
				close(fd);
				fd = vt_open();
			}
			counts[4]++;
			break;
		}
		ops++;
	}
	tap_diag("%ld ops: %ld ioctl, %ld mmap, %ld vma changes, %ld touches, %ld reopen rounds",
		 ops, counts[0], counts[1], counts[2], counts[3], counts[4]);
	tap_ok(bad_deaths == 0, "touching children died only of SIGBUS or SIGSEGV (%ld others)",
	       bad_deaths);

	n = list_vmas(v);
	tap_diag("%d vclock VMAs left by the sequence", n);
	for (c = 0; c < 100 && (n = list_vmas(v)) > 0; c++)
		while (n--)
			munmap(v[n].start, v[n].len);
	munmap(scratch, SCRATCH_PAGES * VCLOCK_PAGE_SIZE);
	tap_ok(vt_count_vmas() == 0, "every vclock VMA could be unmapped");
	tap_ok(vt_status_live_vmas() == base_vmas, "live VMA count back to %ld (now %ld)",
	       base_vmas, vt_status_live_vmas());
	tap_ok(vt_status_value("open_files:") == base_files, "open files back to %ld (now %ld)",
	       base_files, vt_status_value("open_files:"));

	if (tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "a fresh mapping after the fuzz")) {
		c0 = *vt_counter(&m);
		usleep(1000);
		tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC && *vt_counter(&m) != c0,
		       "it reads the data page and a counting HPET");
		vt_unmap(&m);
	}
	close(fd);
	return tap_done();
}
