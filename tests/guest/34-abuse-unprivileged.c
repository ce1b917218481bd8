// SPDX-License-Identifier: GPL-2.0
/*
 * 34-abuse-unprivileged - the device as uid 1000: it can map and read the clock
 * (that is the point) and inspect its own mapping, but not another process's,
 * not change the module's parameters, not unload it, not write anything
 * through the mapping, and not reach the HPET's registers for writing.
 */
#include <sys/syscall.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/uio.h>

#include <vclock.h>

#include "vclock_test.h"

#define USER_UID 1000

static void as_user(void)
{
	if (setgroups(0, NULL) || setgid(USER_UID) || setuid(USER_UID))
		tap_bail("cannot become uid %d: %s", USER_UID, strerror(errno));
	/* setuid() made us non-dumpable: /proc/self/mem must stay ours to try. */
	prctl(PR_SET_DUMPABLE, 1);
}

int main(void)
{
	struct vclock_pte_info e[8];
	struct timespec lib, sys;
	struct vt_map m;
	uint64_t junk = ~0ull;
	struct iovec local = { &junk, sizeof(junk) }, remote;
	unsigned int vmas = 0;
	int fd, n, mem, rw, werr, hold[2];
	ssize_t written;
	uint32_t c0;
	pid_t root_holder;

	tap_header();
	/* A root process holding a mapping, for the "another process" cases. */
	/* It lives until our end of the pipe closes: uid 1000 cannot kill it. */
	if (pipe(hold))
		tap_bail("pipe: %s", strerror(errno));
	root_holder = fork();
	if (root_holder == 0) {
		char c;

		close(hold[1]);
		fd = vt_open();
		vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(hold[0]);
	usleep(200000);
	as_user();
	tap_ok(getuid() == USER_UID && geteuid() == USER_UID, "running as uid %d", USER_UID);

	fd = open(VCLOCK_DEVICE, O_RDONLY);
	tap_ok(fd >= 0, "uid %d opens " VCLOCK_DEVICE " read-only", USER_UID);
	rw = open(VCLOCK_DEVICE, O_RDWR);
	tap_ok(rw < 0 && errno == EACCES, "but not read-write (EACCES)");
	if (fd < 0)
		return tap_done();
	if (tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "maps it")) {
		c0 = *vt_counter(&m);
		usleep(1000);
		tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC && *vt_counter(&m) != c0,
		       "reads the data page and the counting HPET");
	}
	tap_ok(vclock_init(VCLOCK_STRATEGY_FAULT) == 0 && vclock_clock_gettime(CLOCK_MONOTONIC, &lib) == 0 &&
	       vclock_clock_mode() == VCLOCK_MODE_HPET,
	       "the library serves CLOCK_MONOTONIC from the page (HPET mode)");
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &sys);
	tap_ok(lib.tv_sec <= sys.tv_sec, "and its value is sane against the syscall");

	n = vt_query(fd, 0, e, 8, &vmas);
	tap_ok(n >= VCLOCK_NR_PAGES, "inspects its own mappings (%d pages in %u VMAs)", n, vmas);
	tap_ok(vt_query(fd, root_holder, e, 8, NULL) == -EPERM,
	       "cannot inspect another process's mapping (EPERM)");
	tap_ok(vt_query(fd, 1, e, 8, NULL) == -EPERM, "nor init's (EPERM)");

	tap_ok(vt_mmap(fd, VCLOCK_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       VCLOCK_STRATEGY_FAULT, 0, 0) == MAP_FAILED && errno == EACCES,
	       "cannot map it writable (EACCES)");
	tap_ok(mprotect(m.base, m.len, PROT_READ | PROT_WRITE) < 0 && errno == EACCES,
	       "cannot mprotect it writable (EACCES)");
	mem = open("/proc/self/mem", O_RDWR);
	written = mem < 0 ? 0 : pwrite(mem, &junk, 4, (off_t)(uintptr_t)(m.hpet + VCLOCK_HPET_CONFIG));
	werr = errno;
	tap_ok(mem >= 0 && written < 0, "cannot write the HPET's config register through /proc/self/mem (%s)",
	       mem < 0 ? "open failed" : strerror(werr));
	remote.iov_base = m.base;
	remote.iov_len = sizeof(junk);
	tap_ok(process_vm_writev(getpid(), &local, 1, &remote, 1, 0) < 0 && errno == EFAULT,
	       "cannot write the data page with process_vm_writev (EFAULT)");
	tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC &&
	       (*(const volatile uint32_t *)(m.hpet + VCLOCK_HPET_CONFIG) & 1),
	       "data page intact, HPET still enabled");

	tap_ok(vt_param_write("clock_mode", "none") == -EACCES &&
	       vt_param_write("update_us", "100") == -EACCES,
	       "cannot change the module's parameters (EACCES)");
	tap_ok(syscall(SYS_delete_module, "vclock", O_NONBLOCK) < 0 && errno == EPERM,
	       "cannot unload the module (EPERM)");
	tap_ok(access("/sys/kernel/debug/vclock/status", R_OK) != 0,
	       "cannot read the debugfs status (root only)");

	close(hold[1]);
	return tap_done();
}
