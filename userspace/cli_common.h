/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_common.h - what the vclock tools print the same way: --version, and
 * errors of mapping or opening /dev/vclock with what to do about them.
 *
 * Exit codes common to the tools: 0 success, 1 failure of what the tool
 * checks or does, 2 usage error, 3 /dev/vclock (or the library or process)
 * is not there to work with. Each tool's --help lists its own.
 */
#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#define VCLOCK_TOOLS_VERSION	"1.0"

#define EXIT_USAGE		2
#define EXIT_UNAVAILABLE	3

void cli_print_version(const char *prog);

/* Why mapping or opening /dev/vclock failed with -errno @err, and what to do. */
const char *cli_device_error(int err);

/* "prog: /dev/vclock not found — load the module (...)" on stderr. */
void cli_report_device_error(const char *prog, int err);

/* "Try 'prog --help'." on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* CLI_COMMON_H */
