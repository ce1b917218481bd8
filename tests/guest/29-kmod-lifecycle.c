// SPDX-License-Identifier: GPL-2.0
/*
 * 29-kmod-lifecycle - the module as a whole: the device node, its parameters,
 * unloading refused while a mapping or an open file holds it, loading
 * without a usable HPET (clear message, HPET mode unavailable, the HPET page
 * faults SIGBUS, readers told to use the syscall), and counter-mode
 * switches. Leaves the module loaded with default parameters.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "vclock_test.h"

/* A hole in the q35 guest's physical map: reads there never count. */
#define BOGUS_HPET	"hpet_address=0x60000000"

static int unload(void)
{
	return syscall(SYS_delete_module, "vclock", O_NONBLOCK) ? errno : 0;
}

static int loaded(void)
{
	return access("/sys/module/vclock", F_OK) == 0;
}

static int dmesg_has(const char *needle)
{
	char cmd[256], line[512];
	int found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "dmesg | grep -F '%s'", needle);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		found = 1;
		tap_diag("dmesg: %.*s", (int)strcspn(line, "\n"), line);
	}
	if (p)
		pclose(p);
	return found;
}

static int status_has(const char *needle)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/sys/kernel/debug/vclock/status", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void touch_hpet(void *arg)
{
	(void)*vt_counter(arg);
}

static void check_device(void)
{
	unsigned int maj = 0, min = 0;
	struct stat st;
	char val[64];
	FILE *f;

	tap_ok(stat(VCLOCK_DEVICE, &st) == 0 && S_ISCHR(st.st_mode) &&
	       (st.st_mode & 07777) == 0444, VCLOCK_DEVICE " is a 0444 character device");
	f = fopen("/sys/class/misc/vclock/dev", "r");
	tap_ok(f && fscanf(f, "%u:%u", &maj, &min) == 2 && major(st.st_rdev) == maj &&
	       minor(st.st_rdev) == min, "its number %u:%u is the misc device's in sysfs", maj, min);
	if (f)
		fclose(f);
	tap_ok(vt_param_read("clock_mode", val, sizeof(val)) == 0 && !strcmp(val, "hpet"),
	       "parameter clock_mode reads hpet (%s)", val);
	tap_ok(vt_param_read("update_us", val, sizeof(val)) == 0 && !strcmp(val, "4000"),
	       "parameter update_us reads 4000 (%s)", val);
	tap_ok(status_has("hpet: usable") && status_has("clock_mode: hpet"),
	       "debugfs status says the HPET is usable and in use");
}

static void check_unload_refused(void)
{
	int fd = vt_open(), err;
	struct vt_map m;

	if (!tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "map for the unload cases"))
		return;
	vt_touch_all(&m);
	close(fd);
	err = unload();
	/* delete_module() says EWOULDBLOCK (== EAGAIN) for a module in use. */
	tap_ok(err == EWOULDBLOCK && loaded(),
	       "unload while mapped (fd closed) is refused: %s", strerror(err));
	tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC, "the mapping still reads after the refusal");
	vt_unmap(&m);

	fd = vt_open();
	err = unload();
	tap_ok(err == EWOULDBLOCK && loaded(), "unload while a file is open is refused: %s",
	       strerror(err));
	close(fd);
	err = unload();
	tap_ok(err == 0 && !loaded() && access(VCLOCK_DEVICE, F_OK) != 0,
	       "unload after munmap and close succeeds, /dev/vclock is gone (%s)",
	       err ? strerror(err) : "ok");
}

static void check_no_hpet(void)
{
	struct vclock_info info = { 0 };
	struct vt_map m;
	char val[64];
	int fd, err;

	system("dmesg -c >/dev/null");
	err = vt_load(BOGUS_HPET);
	if (!tap_ok(err == 0, "loads with a bogus HPET address (" BOGUS_HPET ")"))
		return;
	tap_ok(dmesg_has("HPET mode unavailable"), "dmesg says why HPET mode is unavailable");
	tap_ok(vt_param_read("clock_mode", val, sizeof(val)) == 0 && !strcmp(val, "none"),
	       "clock_mode is none (%s)", val);
	tap_ok(status_has("hpet: unusable"), "debugfs status says the HPET is unusable");
	tap_ok(vt_param_write("clock_mode", "hpet") == -EINVAL,
	       "asking for clock_mode=hpet is refused with EINVAL");

	fd = vt_open();
	tap_ok(ioctl(fd, VCLOCK_IOC_INFO, &info) == 0 && !(info.modes & (1u << VCLOCK_MODE_HPET)) &&
	       info.hpet_address == 0, "VCLOCK_IOC_INFO: no HPET mode, no HPET address");
	if (tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "fault mapping without HPET")) {
		tap_ok(vt_data(&m)->magic == VCLOCK_MAGIC &&
		       vt_data(&m)->clock_mode == VCLOCK_MODE_NONE,
		       "data page reads, mode NONE tells readers to use the syscall");
		tap_ok(vt_in_child(touch_hpet, &m) == SIGBUS, "touching the HPET page is SIGBUS");
		vt_unmap(&m);
	}
	if (tap_ok(vt_map(fd, VCLOCK_STRATEGY_REMAP, 0, &m) == 0, "remap mapping without HPET")) {
		tap_ok(vt_in_child(touch_hpet, &m) == SIGBUS,
		       "remap leaves the HPET page out: SIGBUS on touch");
		vt_unmap(&m);
	}
	close(fd);
	tap_ok(unload() == 0, "unloads");
}

static void check_params(void)
{
	const struct vclock_data *d;
	struct vt_map m;
	char val[64];
	int fd;

	tap_ok(vt_param_write("update_us", "50") == -ERANGE &&
	       vt_param_write("update_us", "2000000") == -ERANGE,
	       "update_us outside 100..1000000 is refused with ERANGE");
	tap_ok(vt_param_write("update_us", "1000") == 0 &&
	       vt_param_read("update_us", val, sizeof(val)) == 0 && !strcmp(val, "1000"),
	       "update_us can be changed at run time");
	vt_param_write("update_us", "4000");
	tap_ok(vt_param_write("clock_mode", "bogus") == -EINVAL, "clock_mode=bogus is EINVAL");

	fd = vt_open();
	if (!tap_ok(vt_map(fd, VCLOCK_STRATEGY_FAULT, 0, &m) == 0, "map for the mode switches"))
		return;
	d = vt_data(&m);
	tap_ok(vt_param_write("clock_mode", "none") == 0 && d->clock_mode == VCLOCK_MODE_NONE,
	       "clock_mode=none reaches the mapped page at once");
	tap_ok(vt_param_write("clock_mode", "auto") == 0 && d->clock_mode == VCLOCK_MODE_HPET,
	       "clock_mode=auto goes back to HPET at once");
	vt_unmap(&m);
	close(fd);
}

int main(void)
{
	tap_header();
	if (!loaded())
		tap_bail("the vclock module is not loaded (run with vm/run --load)");
	check_device();
	check_unload_refused();
	if (!loaded()) {
		check_no_hpet();
		tap_ok(vt_load("") == 0 && loaded(), "loads again with defaults");
	}
	check_params();
	return tap_done();
}
