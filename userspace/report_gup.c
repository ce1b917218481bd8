// SPDX-License-Identifier: GPL-2.0
/*
 * report_gup.c - seed 003's concern: "KVM people trying to grab a reference
 * to those pages even if the VMA had VM_PFNMAP". What each path of the
 * kernel that reaches user memory through get_user_pages() (GUP) or its
 * access_remote_vm() fallback does with vclock's mapping, and whether it
 * leaves a reference on a PFN-mapped RAM page.
 *
 * First "pfn page counts": the data and lab pages' map and reference counts
 * while a fault mapping maps them (what the deltas below start from). Then
 * one row per (path, strategy), the three page kinds in its value:
 *
 *   gup <path> <strategy>	data <res>(map<+d>,ref<+d>), lab <res>(map<+d>,ref<+d>), hpet <res>
 *
 * <path>: process-vm-readv (a forked child reads the parent's page),
 * proc-pid-mem (a forked child preads /proc/PPID/mem), ptrace-peekdata (the
 * parent peeks a traced child's copy of the mapping), o-direct (an O_DIRECT
 * write of the page to a file; the value then starts "on <fs>:"), vmsplice
 * (plain vmsplice into a pipe, then a read of the pipe), io-uring-register
 * (IORING_REGISTER_BUFFERS of the page, raw syscalls). A strategy the module
 * does not offer has the value "not offered"; o-direct without a
 * filesystem to write to (gup_odirect_dir()), "no O_DIRECT filesystem (...)".
 *
 * <res>: "ok" (the whole length came back and equals what the mapping itself
 * reads: the lab page whole, the data page's constant fields, the HPET's
 * capabilities register; io-uring-register only registers, so its "ok" is
 * "registered"), "ok-differs" (it came back but not equal: a wrong page),
 * "short <n>" (fewer bytes), the errno's name (EFAULT, EIO, ...), or for
 * hpet "-" (no usable HPET: its page is not mapped).
 *
 * map<+d>: the change of /proc/kpagecount (the page's map count), ref<+d>:
 * the change of its reference count ("page_refs:" of the module's status
 * file; user space sees no reference count otherwise), each the largest
 * change seen while the path holds the page (vmsplice before the pipe is
 * read, io_uring while registered) or after it. A GUP that takes a
 * reference on a PFN-mapped page would show as ref+1 (get) or ref+1024 (pin)
 * while held, and a leak as a change after; a reference the other paths
 * take and drop within their system call is not seen. "?" when not
 * measurable. The HPET page is MMIO: no struct page, no counts.
 *
 * Lengths: a page for data and lab; 16 bytes of the HPET page (its first
 * registers; MMIO reads are not free), a page for O_DIRECT and io_uring,
 * which work in pages. The pfn comes from VCLOCK_IOC_QUERY (root sees it),
 * not from /proc/self/pagemap: the page walk skips a VM_PFNMAP VMA as a
 * hole. The pfn is used, never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <mntent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

static const char *const gup_path_names[] = GUP_PATH_NAMES;

/* Where the O_DIRECT file goes: the first that accepts O_DIRECT and pins. */
static const char *const odirect_dirs[] = { "/out", "/mnt", "/var/tmp" };

#define STATUS_PATH "/sys/kernel/debug/vclock/status"

/* The reference counts of the data and lab pages, from the status file. */
static int page_refs(long *data, long *lab)
{
	char line[256];
	FILE *f = fopen(STATUS_PATH, "r");
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "page_refs: data=%ld lab=%ld", data, lab) == 2)
			found = 1;
	fclose(f);
	return found ? 0 : -ENOENT;
}

/* One sample of the counts of the page probed. */
struct gup_counts {
	long map, data_ref, lab_ref;
	int ok;
};

static void counts_sample(const struct gup_target *t, struct gup_counts *c)
{
	c->map = kpagecount(t->pfn);
	c->ok = c->map >= 0 && !page_refs(&c->data_ref, &c->lab_ref);
}

/* Keep the largest change of @now against @before in @o. */
static void counts_delta(const struct gup_target *t, const struct gup_counts *before,
			 const struct gup_counts *now, struct gup_outcome *o)
{
	long map, ref;

	if (!before->ok || !now->ok) {
		o->counts_ok = 0;
		return;
	}
	map = now->map - before->map;
	ref = t->kind == VCLOCK_PAGE_LAB ? now->lab_ref - before->lab_ref :
	      now->data_ref - before->data_ref;
	if (labs(map) > labs(o->map_delta))
		o->map_delta = map;
	if (labs(ref) > labs(o->ref_delta))
		o->ref_delta = ref;
}

/* The bytes the mapping itself has at @t, that no reader changes. */
static int gup_same(const struct gup_target *t, const unsigned char *got)
{
	const struct vclock_data *mine = (const struct vclock_data *)t->addr;
	const struct vclock_data *theirs = (const struct vclock_data *)got;

	switch (t->kind) {
	case VCLOCK_PAGE_LAB:
		return !memcmp(got, t->addr, VCLOCK_PAGE_SIZE);
	case VCLOCK_PAGE_HPET:
		return *(const volatile uint64_t *)(t->addr + VCLOCK_HPET_GCAP_ID) ==
		       *(const uint64_t *)(got + VCLOCK_HPET_GCAP_ID);
	default:	/* the timekeeper writes the rest all the time */
		return mine->magic == theirs->magic &&
		       mine->layout_version == theirs->layout_version &&
		       mine->mask == theirs->mask && mine->hres_res_ns == theirs->hres_res_ns &&
		       mine->coarse_res_ns == theirs->coarse_res_ns;
	}
}

static size_t gup_len(const struct gup_target *t, enum gup_path path)
{
	if (t->kind == VCLOCK_PAGE_HPET && path != GUP_O_DIRECT && path != GUP_IO_URING)
		return 16;
	return VCLOCK_PAGE_SIZE;
}

/* What a child hands back: shared anonymous memory survives its exit. */
struct child_result {
	int err;
	ssize_t got;
	unsigned char buf[VCLOCK_PAGE_SIZE];
};

static void child_read(const struct gup_target *t, enum gup_path path, size_t len,
		       struct child_result *r)
{
	char name[64];
	int fd;

	if (path == GUP_PROCESS_VM_READV) {
		struct iovec local = { r->buf, len }, remote = { t->addr, len };

		r->got = process_vm_readv(getppid(), &local, 1, &remote, 1, 0);
		r->err = r->got < 0 ? errno : 0;
		return;
	}
	snprintf(name, sizeof(name), "/proc/%d/mem", (int)getppid());
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r->err = errno;
		return;
	}
	r->got = pread(fd, r->buf, len, (off_t)(uintptr_t)t->addr);
	r->err = r->got < 0 ? errno : 0;
	close(fd);
}

/* process_vm_readv or /proc/PPID/mem from a forked child. */
static int by_child(const struct gup_target *t, enum gup_path path, size_t len,
		    unsigned char *buf, ssize_t *got)
{
	struct child_result *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st, err;

	if (r == MAP_FAILED)
		return errno;
	r->err = ECHILD;
	r->got = -1;
	pid = fork();
	if (pid == 0) {
		child_read(t, path, len, r);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		err = errno;
		munmap(r, sizeof(*r));
		return err;
	}
	*got = r->got;
	err = r->err;
	memcpy(buf, r->buf, len);
	munmap(r, sizeof(*r));
	return err;
}

/* PTRACE_PEEKDATA of a stopped, traced child's copy of the mapping. */
static int by_ptrace(const struct gup_target *t, size_t len, unsigned char *buf, ssize_t *got)
{
	pid_t pid = fork();
	size_t off;
	int st, err = 0;

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	if (pid < 0)
		return errno;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return ECHILD;
	}
	*got = 0;
	for (off = 0; off < len; off += sizeof(long)) {
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, (void *)(t->addr + off), 0);
		if (errno) {
			err = errno;
			break;
		}
		memcpy(buf + off, &word, sizeof(word));
		*got += sizeof(word);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return err;
}

/*
 * The type of the filesystem mounted at @dir (the longest mount point that
 * is a prefix of it), from the mount table: statfs() is no help, 9p passes
 * on the server's f_type.
 */
static void mount_type(const char *dir, char *type, size_t size)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	size_t best = 0, n;

	snprintf(type, size, "?");
	if (!f)
		return;
	while ((m = getmntent(f))) {
		n = strlen(m->mnt_dir);
		if (strncmp(dir, m->mnt_dir, n) || (dir[n] && dir[n] != '/' && n > 1) || n < best)
			continue;
		best = n;
		snprintf(type, size, "%s", m->mnt_type);
	}
	endmntent(f);
}

const char *gup_odirect_dir(char *fs, size_t size)
{
	char name[128];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(odirect_dirs) / sizeof(odirect_dirs[0]); i++) {
		mount_type(odirect_dirs[i], fs, size);
		if (access(odirect_dirs[i], W_OK) || !strcmp(fs, "tmpfs") || !strcmp(fs, "rootfs") ||
		    !strcmp(fs, "ramfs"))
			continue;
		snprintf(name, sizeof(name), "%s/vclock-gup.%d", odirect_dirs[i], (int)getpid());
		fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0600);
		if (fd < 0)
			continue;
		close(fd);
		unlink(name);
		return odirect_dirs[i];
	}
	return NULL;
}

/* An O_DIRECT write of the page to a file, read back (buffered) to compare. */
static int by_odirect(const struct gup_target *t, const char *dir, size_t len,
		      unsigned char *buf, ssize_t *got)
{
	char name[128];
	int fd, err = 0;
	ssize_t n;

	snprintf(name, sizeof(name), "%s/vclock-gup.%d", dir, (int)getpid());
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	n = pwrite(fd, t->addr, len, 0);
	if (n < 0)
		err = errno;
	close(fd);
	*got = n;
	if (n > 0) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || pread(fd, buf, (size_t)n, 0) != n)
			*got = 0;	/* not readable back: "short 0" */
		if (fd >= 0)
			close(fd);
	}
	unlink(name);
	return err;
}

/* vmsplice into a pipe; the counts while the pipe holds it, then a read. */
static int by_vmsplice(const struct gup_target *t, size_t len, unsigned char *buf,
		       ssize_t *got, struct gup_outcome *o, const struct gup_counts *before)
{
	struct iovec iov = { t->addr, len };
	struct gup_counts held;
	int fds[2], err = 0;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return errno;
	n = vmsplice(fds[1], &iov, 1, 0);
	if (n < 0)
		err = errno;
	counts_sample(t, &held);
	counts_delta(t, before, &held, o);
	*got = n > 0 ? read(fds[0], buf, (size_t)n) : n;
	close(fds[0]);
	close(fds[1]);
	return err;
}

/* IORING_REGISTER_BUFFERS of the page; the counts while registered. */
static int by_io_uring(const struct gup_target *t, size_t len, ssize_t *got,
		       struct gup_outcome *o, const struct gup_counts *before)
{
	struct io_uring_params params = { 0 };
	struct iovec iov = { t->addr, len };
	struct gup_counts held;
	int ring, err = 0;

	ring = (int)syscall(__NR_io_uring_setup, 1, &params);
	if (ring < 0)
		return errno;	/* ENOSYS: no io_uring in this kernel */
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1)) {
		err = errno;
	} else {
		*got = (ssize_t)len;
		counts_sample(t, &held);
		counts_delta(t, before, &held, o);
		syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
	}
	close(ring);
	return err;
}

void gup_probe(const struct gup_target *t, enum gup_path path, const char *odirect,
	       struct gup_outcome *o)
{
	static unsigned char buf[VCLOCK_PAGE_SIZE];
	size_t len = gup_len(t, path);
	struct gup_counts before, after;
	ssize_t got = -1;

	memset(o, 0, sizeof(*o));
	memset(buf, 0, sizeof(buf));
	o->counts_ok = t->kind != VCLOCK_PAGE_HPET;
	if (o->counts_ok)
		counts_sample(t, &before);
	switch (path) {
	case GUP_PROCESS_VM_READV:
	case GUP_PROC_PID_MEM:
		o->err = by_child(t, path, len, buf, &got);
		break;
	case GUP_PTRACE_PEEKDATA:
		o->err = by_ptrace(t, len, buf, &got);
		break;
	case GUP_O_DIRECT:
		o->err = odirect ? by_odirect(t, odirect, len, buf, &got) : EOPNOTSUPP;
		break;
	case GUP_VMSPLICE:
		o->err = by_vmsplice(t, len, buf, &got, o, &before);
		break;
	case GUP_IO_URING:
		o->err = by_io_uring(t, len, &got, o, &before);
		break;
	default:
		o->err = EINVAL;
	}
	if (o->counts_ok) {
		counts_sample(t, &after);
		counts_delta(t, &before, &after, o);
	}
	o->got = o->err ? 0 : got;
	o->len = len;
	/* io_uring only registers: nothing read to compare. */
	o->same = path == GUP_IO_URING || (!o->err && (size_t)got == len && gup_same(t, buf));
}

/* "ok", "ok-differs", "short N" or the errno's name, with the counts. */
static void outcome_text(const struct gup_target *t, const struct gup_outcome *o,
			 char *out, size_t size)
{
	const char *name = o->err ? strerrorname_np(o->err) : NULL;
	int n;

	if (o->err)
		n = snprintf(out, size, "%s", name ? name : "E?");
	else if ((size_t)o->got != o->len)
		n = snprintf(out, size, "short %zd", o->got);
	else
		n = snprintf(out, size, "%s", o->same ? "ok" : "ok-differs");
	if (t->kind == VCLOCK_PAGE_HPET || n < 0 || (size_t)n >= size)
		return;
	if (o->counts_ok)
		snprintf(out + n, size - (size_t)n, "(map%+ld,ref%+ld)", o->map_delta, o->ref_delta);
	else
		snprintf(out + n, size - (size_t)n, "(map?,ref?)");
}

int gup_targets(int fd, char *base, int hpet_usable, struct gup_target *t)
{
	static const unsigned int kinds[GUP_NR_KINDS] = {
		VCLOCK_PAGE_DATA, VCLOCK_PAGE_LAB, VCLOCK_PAGE_HPET,
	};
	struct vclock_pte_info e[2 * VCLOCK_NR_PAGES];
	int i, j, n;

	for (i = 0; i < VCLOCK_NR_PAGES; i++)
		if (i != VCLOCK_PAGE_HPET || hpet_usable)
			(void)*(volatile const char *)(base + i * VCLOCK_PAGE_SIZE);
	n = query_self(fd, e, 2 * VCLOCK_NR_PAGES);
	if (n < 0)
		return n;
	for (i = 0; i < GUP_NR_KINDS; i++) {
		t[i].kind = kinds[i];
		t[i].addr = base + kinds[i] * VCLOCK_PAGE_SIZE;
		t[i].pfn = 0;
		for (j = 0; j < n; j++)
			if (e[j].addr == (uintptr_t)t[i].addr && kinds[i] != VCLOCK_PAGE_HPET)
				t[i].pfn = e[j].pfn;
	}
	return 0;
}

/*
 * What the rows' deltas start from, with a fault mapping's pages touched:
 * a special PTE is no mapping for the map count, and the reference is the
 * module's own (alloc_page).
 */
static void page_counts(int fd, int hpet_usable)
{
	struct gup_target t[GUP_NR_KINDS];
	struct gup_counts data, lab;
	char *base;
	int err;

	err = map_layout(fd, VCLOCK_STRATEGY_FAULT, VCLOCK_LAB_WB, &base);
	if (err) {
		fact("pfn page counts", "cannot map (%s)", strerror(-err));
		failures++;
		return;
	}
	err = gup_targets(fd, base, hpet_usable, t);
	counts_sample(&t[0], &data);
	counts_sample(&t[1], &lab);
	if (err || !data.ok || !lab.ok) {
		fact("pfn page counts", "not measured (root, /proc/kpagecount and the status file's page_refs are needed)");
		failures++;
	} else {
		fact("pfn page counts", "data map %ld ref %ld, lab map %ld ref %ld (fault, mapped and touched)",
		     data.map, data.data_ref, lab.map, lab.lab_ref);
	}
	munmap(base, VCLOCK_MAP_SIZE);
}

void report_gup(int fd, unsigned int strategies)
{
	static const char *const strategy_names[] = VCLOCK_STRATEGY_NAMES;
	struct gup_target t[GUP_NR_KINDS];
	struct gup_outcome o;
	struct vclock_info info;
	char fs[32] = "", row[256], res[64], name[64];
	const char *dir = gup_odirect_dir(fs, sizeof(fs));
	int hpet_usable, err, len, k, missing = 0;
	unsigned int s, path;
	char *base;

	hpet_usable = !ioctl(fd, VCLOCK_IOC_INFO, &info) &&
		      (info.modes & (1u << VCLOCK_MODE_HPET));
	page_counts(fd, hpet_usable);
	for (path = 0; path < GUP_NR_PATHS; path++) {
		for (s = VCLOCK_STRATEGY_FAULT; s < VCLOCK_NR_STRATEGIES; s++) {
			snprintf(name, sizeof(name), "gup %s %s", gup_path_names[path],
				 strategy_names[s]);
			if (!(strategies & (1u << s))) {
				fact(name, "not offered");
				continue;
			}
			if (path == GUP_O_DIRECT && !dir) {
				fact(name, "no O_DIRECT filesystem (tried /out /mnt /var/tmp; tmpfs copies, no GUP)");
				continue;
			}
			err = map_layout(fd, s, VCLOCK_LAB_WB, &base);
			if (err) {
				fact(name, "cannot map (%s)", strerror(-err));
				failures++;
				continue;
			}
			err = gup_targets(fd, base, hpet_usable, t);
			if (err) {
				fact(name, "cannot query (%s)", strerror(-err));
				failures++;
				munmap(base, VCLOCK_MAP_SIZE);
				continue;
			}
			len = path == GUP_O_DIRECT ? snprintf(row, sizeof(row), "on %s: ", fs) : 0;
			for (k = 0; k < GUP_NR_KINDS; k++) {
				static const char *const kind_names[] = { "data", "lab", "hpet" };

				if (t[k].kind == VCLOCK_PAGE_HPET && !hpet_usable) {
					snprintf(res, sizeof(res), "-");
				} else {
					gup_probe(&t[k], path, dir, &o);
					outcome_text(&t[k], &o, res, sizeof(res));
					missing |= t[k].kind != VCLOCK_PAGE_HPET && !o.counts_ok;
				}
				len += snprintf(row + len, sizeof(row) - (size_t)len, "%s%s %s",
						k ? ", " : "", kind_names[k], res);
			}
			fact(name, "%s", row);
			munmap(base, VCLOCK_MAP_SIZE);
		}
	}
	if (missing) {
		fact("gup counts", "some not measured (root, /proc/kpagecount and the status file's page_refs are needed)");
		failures++;
	}
}
