// SPDX-License-Identifier: GPL-2.0
/*
 * 26-kmod-load-params - parameters given at load time, and their read-back.
 *
 *   - "insmod vclock.ko clock_mode=hpet" (or tsc, none, auto) was always
 *     EINVAL: the setter ran in parse_args, before the HPET and the TSC were
 *     probed. It must load in that mode; a mode this machine lacks must be
 *     refused with a message saying so.
 *   - update_us given at load is the interval in use.
 *   - a value with leading blanks was refused (strim()'s result ignored).
 *   - hpet_address read back 0 instead of the address in use; it is a
 *     physical address, so only root may read it (as /proc/iomem).
 *   - hpet_address pointing at RAM ioremapped RAM: a kernel WARNING. It must
 *     be refused cleanly (EINVAL, a message, no WARNING).
 * Leaves the module loaded as vm/run --load loaded it.
 */
#include <sys/stat.h>

#include "vclock_test.h"

/* 16 MiB: system RAM in the 1 GiB q35 guest (checked against /proc/iomem). */
#define RAM_ADDRESS	0x1000000ul

static int info(struct vclock_info *inf)
{
	int fd = open(VCLOCK_DEVICE, O_RDONLY | O_CLOEXEC), ret;

	memset(inf, 0, sizeof(*inf));
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, VCLOCK_IOC_INFO, inf) ? -errno : 0;
	close(fd);
	return ret;
}

/* Is @a system RAM according to /proc/iomem? */
static int iomem_is_ram(unsigned long a)
{
	char line[256];
	unsigned long s, e;
	int ram = 0;
	FILE *f = fopen("/proc/iomem", "r");

	while (f && fgets(line, sizeof(line), f))
		if (line[0] != ' ' && sscanf(line, "%lx-%lx", &s, &e) == 2 && s <= a && a <= e &&
		    strstr(line, "System RAM"))
			ram = 1;
	if (f)
		fclose(f);
	return ram;
}

static void check_mode_at_load(const char *mode, int expect_mode, int available)
{
	char params[64], val[64] = "";
	struct vclock_info inf;
	int err, refusals = vt_dmesg_count("is not available here");

	snprintf(params, sizeof(params), "clock_mode=%s", mode);
	err = vt_load(params);
	if (!available) {
		tap_ok(err == -EINVAL && !vt_loaded(), "insmod %s: refused with EINVAL (%s)", params,
		       err ? strerror(-err) : "loaded");
		tap_ok(vt_dmesg_count("is not available here") > refusals,
		       "insmod %s: dmesg says the mode is not available", params);
		if (vt_loaded())
			vt_unload();
		return;
	}
	if (!tap_ok(err == 0, "insmod %s loads (%s)", params, err ? strerror(-err) : "ok"))
		return;
	vt_param_read("clock_mode", val, sizeof(val));
	tap_ok(info(&inf) == 0 && inf.clock_mode == expect_mode && !strcmp(val, mode[0] == 'a' ?
	       "hpet" : mode), "insmod %s: the page is in that mode (reads back %s)", params, val);
	tap_ok(vt_unload() == 0, "unloads");
}

int main(void)
{
	struct vclock_info inf;
	char val[64] = "", params[64];
	struct stat st;
	unsigned long addr = 0;
	int err, tsc, warnings;

	tap_header();
	if (!vt_loaded())
		tap_bail("the vclock module is not loaded (run with vm/run --load)");
	if (info(&inf))
		tap_bail("VCLOCK_IOC_INFO: %s", strerror(errno));
	tsc = !!(inf.modes & (1u << VCLOCK_MODE_TSC));
	if (!(inf.modes & (1u << VCLOCK_MODE_HPET)))
		tap_bail("no HPET mode in this guest");

	/* hpet_address: the address in use, root only. */
	tap_ok(vt_param_read("hpet_address", val, sizeof(val)) == 0 &&
	       sscanf(val, "%lx", &addr) == 1 && addr == inf.hpet_address && addr,
	       "hpet_address reads back the address in use (%s, ioctl %#llx)", val,
	       (unsigned long long)inf.hpet_address);
	tap_ok(stat("/sys/module/vclock/parameters/hpet_address", &st) == 0 &&
	       (st.st_mode & 0777) == 0400, "hpet_address is readable by root only (%03o)",
	       st.st_mode & 0777);

	/* Leading and trailing blanks, as echo and shells produce them. */
	tap_ok(vt_param_write("clock_mode", "  none\n") == 0 &&
	       vt_param_read("clock_mode", val, sizeof(val)) == 0 && !strcmp(val, "none"),
	       "clock_mode '  none\\n' (leading blanks) is accepted (%s)", val);
	tap_ok(vt_param_write("clock_mode", "\tauto ") == 0 &&
	       vt_param_read("clock_mode", val, sizeof(val)) == 0 && !strcmp(val, "hpet"),
	       "clock_mode '\\tauto ' is accepted (%s)", val);

	if (vt_unload())
		tap_bail("cannot unload the module (is /dev/vclock in use?)");
	check_mode_at_load("hpet", VCLOCK_MODE_HPET, 1);
	check_mode_at_load("none", VCLOCK_MODE_NONE, 1);
	check_mode_at_load("auto", VCLOCK_MODE_HPET, 1);
	check_mode_at_load("tsc", VCLOCK_MODE_TSC, tsc);

	err = vt_load("update_us=1000");
	if (tap_ok(err == 0, "insmod update_us=1000 loads (%s)", err ? strerror(-err) : "ok")) {
		tap_ok(vt_param_read("update_us", val, sizeof(val)) == 0 && !strcmp(val, "1000") &&
		       info(&inf) == 0 && inf.update_interval_us == 1000,
		       "update_us=1000 is the interval in use (%s, ioctl %u)", val,
		       inf.update_interval_us);
		vt_unload();
	}

	if (!iomem_is_ram(RAM_ADDRESS)) {
		tap_skip("not RAM here", "hpet_address=%#lx (RAM) is refused", RAM_ADDRESS);
	} else {
		warnings = vt_dmesg_count("WARNING:");
		snprintf(params, sizeof(params), "hpet_address=%#lx", RAM_ADDRESS);
		err = vt_load(params);
		tap_ok(err == -EINVAL && !vt_loaded(), "insmod %s (system RAM) is refused with EINVAL (%s)",
		       params, err ? strerror(-err) : "it loaded");
		tap_ok(vt_dmesg_count("is system RAM, not an HPET") > 0,
		       "dmesg says the address is RAM, not an HPET");
		tap_ok(vt_dmesg_count("WARNING:") == warnings, "no kernel WARNING (ioremap on RAM)");
		if (vt_loaded())
			vt_unload();
	}

	vt_reload();
	tap_ok(vt_loaded() && access(VCLOCK_DEVICE, F_OK) == 0, "loaded again at the end");
	return tap_done();
}
