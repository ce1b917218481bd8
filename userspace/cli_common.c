// SPDX-License-Identifier: GPL-2.0
/*
 * cli_common.c - version banner and device error messages of the tools.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "cli_common.h"
#include "vclock_names.h"

void cli_print_version(const char *prog)
{
	printf("%s (vclock) %s - ABI version %d, data layout version %d\n",
	       prog, VCLOCK_TOOLS_VERSION, VCLOCK_ABI_VERSION, VCLOCK_LAYOUT_VERSION);
}

void cli_print_exit_status(const char *prog, const char *const what[CLI_NR_EXIT])
{
	static const char *const common[CLI_NR_EXIT] = {
		"success", "failure", "usage error", "unavailable", "output not written",
	};
	int i;

	printf("Exit status (the same table for every vclock tool):\n");
	for (i = 0; i < CLI_NR_EXIT; i++) {
		if (what[i])
			printf("  %d  %s: %s\n", i, common[i], what[i]);
		else
			printf("  %d  %s (not used by %s)\n", i, common[i], prog);
	}
}

bool cli_in_vclock_guest(void)
{
	return !access("/etc/vclock/kver", F_OK) && !access(VCLOCK_GUEST_KO, F_OK);
}

/* The VCLOCK_DEVICE value names neither file: what to do, into @buf. */
static const char *device_env_error(char *buf, size_t size)
{
	snprintf(buf, size, VCLOCK_DEVICE_ENV "=%.40s names neither " VCLOCK_DEVICE " nor "
		 VCLOCK_PROC_FILE " \u2014 set it to one of them or unset it",
		 getenv(VCLOCK_DEVICE_ENV));
	return buf;
}

const char *cli_device_path(void)
{
	return vclock_device_path(getenv(VCLOCK_DEVICE_ENV));
}

const char *cli_device_error(int err)
{
	static char buf[256];
	const char *path = cli_device_path();

	if (!path)
		return device_env_error(buf, sizeof(buf));
	switch (-err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		if (cli_in_vclock_guest())
			snprintf(buf, sizeof(buf), "%s not found \u2014 the module is not loaded: "
				 "insmod " VCLOCK_GUEST_KO, path);
		else
			snprintf(buf, sizeof(buf), "%s not found \u2014 the module is not loaded: "
				 "on this machine 'sudo make install && sudo modprobe vclock' "
				 "(README, \"On real hardware\"), or try it in the QEMU guest "
				 "with 'make demo'", path);
		return buf;
	case EACCES:
	case EPERM:
		snprintf(buf, sizeof(buf), "permission denied on %s \u2014 the module creates "
			 "it mode 0444; check %s", path,
			 strcmp(path, VCLOCK_DEVICE) ? "who may read /proc" : "the device node");
		return buf;
	case EPROTO:
		snprintf(buf, sizeof(buf), "%s has another data layout (magic or layout version "
			 "differ) \u2014 rebuild the library and the module together", path);
		return buf;
	case EOPNOTSUPP:
		return "the module does not offer this strategy here "
		       "(mixed needs a kernel before 6.4)";
	case EINVAL:
		return "the module refused the mapping (strategy or offset not valid)";
	case EBUSY:
		return "the library is already mapped with another strategy";
	}
	snprintf(buf, sizeof(buf), "cannot use %s: %s", path, strerror(-err));
	return buf;
}

int cli_check_device_env(const char *prog)
{
	char buf[192];

	if (cli_device_path())
		return 0;
	return cli_usage_error(prog, "%s", device_env_error(buf, sizeof(buf)));
}

void cli_report_device_error(const char *prog, int err)
{
	fprintf(stderr, "%s: %s\n", prog, cli_device_error(err));
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

int cli_common_option(const char *prog, int c, void (*usage)(void))
{
	switch (c) {
	case 'h':
		usage();
		exit(0);
	case 'V':
		cli_print_version(prog);
		exit(0);
	}
	return cli_usage_error(prog, "bad option");
}

int cli_strategy_arg(const char *prog, const char *arg, bool allow_file, unsigned int *strategy)
{
	if (vclock_parse_strategy(arg, allow_file, strategy))
		return cli_usage_error(prog, "unknown strategy '%s' (fault remap split mixed)", arg);
	return 0;
}
