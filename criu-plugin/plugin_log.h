/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plugin_log.h - logging into CRIU's log (-o FILE) from the vclock plugin.
 *
 * CRIU exports print_on_level() to its plugins, but the header declaring it
 * (criu/include/log.h) is not installed and the installed criu-log.h
 * includes it, so the plugin declares the one function it uses itself. The
 * levels are compel's, which CRIU's own LOG_* levels are defined as.
 */
#ifndef VCLOCK_PLUGIN_LOG_H
#define VCLOCK_PLUGIN_LOG_H

#include <compel/loglevels.h>

extern void print_on_level(unsigned int loglevel, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

#define vcp_err(fmt, ...) \
	print_on_level(COMPEL_LOG_ERROR, "vclock plugin: " fmt "\n", ##__VA_ARGS__)
#define vcp_warn(fmt, ...) \
	print_on_level(COMPEL_LOG_WARN, "vclock plugin: " fmt "\n", ##__VA_ARGS__)
#define vcp_info(fmt, ...) \
	print_on_level(COMPEL_LOG_INFO, "vclock plugin: " fmt "\n", ##__VA_ARGS__)

#endif /* VCLOCK_PLUGIN_LOG_H */
