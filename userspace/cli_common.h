/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_common.h - what the vclock tools print the same way: --version, the
 * exit status table, and errors of mapping or opening /dev/vclock with what
 * to do about them.
 *
 * One table of exit codes for every tool (README "Exit status"; each
 * --help prints it with cli_print_exit_status()):
 *   0 EXIT_SUCCESS      what the tool checks held / what it shows was shown
 *   1 EXIT_FAILURE      a check failed, or an error stopped the work (no such
 *                       process, permission denied, a fact not measurable)
 *   2 EXIT_USAGE        usage error
 *   3 EXIT_UNAVAILABLE  nothing to work with: /dev/vclock absent or unusable
 *                       (module not loaded), the library not reading from
 *                       the mapping, the process has no /dev/vclock mapping
 *   4 EXIT_OUTPUT       the output could not be written
 */
#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#include <stdbool.h>
#include <stdlib.h>

#define VCLOCK_TOOLS_VERSION	"1.0"

#define EXIT_USAGE		2
#define EXIT_UNAVAILABLE	3
#define EXIT_OUTPUT		4
#define CLI_NR_EXIT		5

/* The guest's module, which vm/mkinitramfs puts into the image. */
#define VCLOCK_GUEST_KO		"/opt/vclock/kmod/vclock.ko"

void cli_print_version(const char *prog);

/*
 * The exit status table on stdout, for --help: each code's common meaning,
 * then @what[code] (this tool's case of it), or "(not used by PROG)" when
 * @what[code] is NULL.
 */
void cli_print_exit_status(const char *prog, const char *const what[CLI_NR_EXIT]);

/* Running in vclock's QEMU guest (its image has /etc/vclock/kver)? */
bool cli_in_vclock_guest(void);

/*
 * The file the tools open: /dev/vclock, or what VCLOCK_DEVICE names
 * (/proc/vclock); NULL when VCLOCK_DEVICE names neither.
 */
const char *cli_device_path(void);

/* Why mapping or opening that file failed with -errno @err, and what to do. */
const char *cli_device_error(int err);

/*
 * VCLOCK_DEVICE, if set, names /dev/vclock or /proc/vclock: 0; else says so
 * on stderr and returns EXIT_USAGE.
 */
int cli_check_device_env(const char *prog);

/* "prog: /dev/vclock not found — the module is not loaded: ..." on stderr. */
void cli_report_device_error(const char *prog, int err);

/* "Try 'prog --help'." on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The options every tool shares, for getopt's loop: 'h' prints @usage and
 * exits 0, 'V' prints the version and exits 0, anything else is a usage
 * error (EXIT_USAGE, returned).
 */
int cli_common_option(const char *prog, int c, void (*usage)(void));

/*
 * A --strategy argument: 0 with *@strategy set, or EXIT_USAGE after saying
 * which names work (@allow_file: "file" too, the strategy the open file has).
 */
int cli_strategy_arg(const char *prog, const char *arg, bool allow_file, unsigned int *strategy);

#endif /* CLI_COMMON_H */
