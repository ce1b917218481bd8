/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_options.h - the command-line options of a test program, declared as
 * a table (in the spirit of CRIU zdtm's TEST_OPTION): each entry names the
 * option, the variable it sets, how its value is read and whether it is
 * required. vt_parse_options() parses argv against the table and, on any
 * unknown, malformed, out-of-range or missing option, prints the usage line
 * it derives from the same table and exits with status 2.
 *
 *	static const struct vt_option options[] = {
 *		VT_OPT_STRING("ready", 0, &opt.ready, "FILE", true),
 *		VT_OPT_CHOICE("strategy", 0, &opt.strategy, strategy_names, 1, 5),
 *		VT_OPT_FLAG("keep-fd", 0, &opt.keep_fd),
 *		VT_OPT_UINT("interval-ms", 0, &opt.interval_ms, 0, UINT_MAX),
 *		VT_OPT_END
 *	};
 *	vt_parse_options(argc, argv, options);
 */
#ifndef TEST_OPTIONS_H
#define TEST_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum vt_opt_type {
	VT_OPT_STRING,		/* const char * */
	VT_OPT_FLAG,		/* bool, set to true; takes no value */
	VT_OPT_INT,		/* int, in [min, max] */
	VT_OPT_UINT,		/* unsigned int, in [min, max] */
	VT_OPT_LONG,		/* long, in [min, max] */
	VT_OPT_U64,		/* uint64_t, any (decimal, 0x hex or 0 octal) */
	VT_OPT_CHOICE,		/* int: the index of the value in choices[min..] */
};

struct vt_option {
	const char *name;		/* --name */
	char short_name;		/* -c, or 0 for none */
	enum vt_opt_type type;
	void *var;
	const char *arg;		/* the value's name in the usage line */
	const char *const *choices;	/* VT_OPT_CHOICE */
	unsigned int nr_choices;
	long long min, max;		/* VT_OPT_INT, VT_OPT_UINT, VT_OPT_LONG; min:
					   VT_OPT_CHOICE's first choice */
	bool required;
};

#define VT_OPT_STRING(n, c, v, a, req) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_STRING, .var = (v), .arg = (a), \
	  .required = (req) }
#define VT_OPT_FLAG(n, c, v) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_FLAG, .var = (v) }
#define VT_OPT_INT(n, c, v, lo, hi) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_INT, .var = (v), .arg = "N", \
	  .min = (lo), .max = (hi) }
#define VT_OPT_UINT(n, c, v, lo, hi) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_UINT, .var = (v), .arg = "N", \
	  .min = (lo), .max = (hi) }
#define VT_OPT_LONG(n, c, v, a, lo, hi) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_LONG, .var = (v), .arg = (a), \
	  .min = (lo), .max = (hi) }
#define VT_OPT_U64(n, c, v, a) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_U64, .var = (v), .arg = (a) }
/* names[first] to names[nr - 1] are the values it takes. */
#define VT_OPT_CHOICE(n, c, v, names, first, nr) \
	{ .name = (n), .short_name = (c), .type = VT_OPT_CHOICE, .var = (v), .choices = (names), \
	  .min = (first), .nr_choices = (nr) }
#define VT_OPT_END	{ .name = 0 }

/*
 * Set the variables of @opts from argv (no positional arguments); exits
 * with the usage line on stderr and status 2 if argv does not fit.
 */
void vt_parse_options(int argc, char **argv, const struct vt_option *opts);

/* The usage line derived from @opts, to @f. */
void vt_print_usage(const char *prog, const struct vt_option *opts, FILE *f);

#endif /* TEST_OPTIONS_H */
