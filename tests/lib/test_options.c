// SPDX-License-Identifier: GPL-2.0
/*
 * test_options.c - parsing a test program's options from its option table
 * (test_options.h) with getopt_long, and the usage line from the same table.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_options.h"

#define MAX_OPTIONS	32

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void print_value(const struct vt_option *o, FILE *f)
{
	unsigned int i;

	if (o->type == VT_OPT_FLAG)
		return;
	if (o->type != VT_OPT_CHOICE) {
		fprintf(f, " %s", o->arg ? o->arg : "VALUE");
		return;
	}
	for (i = (unsigned int)o->min; i < o->nr_choices; i++)
		fprintf(f, "%c%s", i > o->min ? '|' : ' ', o->choices[i]);
}

void vt_print_usage(const char *prog, const struct vt_option *opts, FILE *f)
{
	const struct vt_option *o;

	fprintf(f, "usage: %s", base_name(prog));
	for (o = opts; o->name; o++) {
		fprintf(f, " %s", o->required ? "" : "[");
		if (o->short_name)
			fprintf(f, "-%c", o->short_name);
		else
			fprintf(f, "--%s", o->name);
		print_value(o, f);
		fprintf(f, "%s", o->required ? "" : "]");
	}
	fprintf(f, "\n");
}

/* Read @s as @o's value into its variable; 0, or -1 if it does not fit. */
static int set_value(const struct vt_option *o, const char *s)
{
	long long v = 0;
	unsigned int i;
	char *end;

	switch (o->type) {
	case VT_OPT_STRING:
		*(const char **)o->var = s;
		return 0;
	case VT_OPT_FLAG:
		*(bool *)o->var = true;
		return 0;
	case VT_OPT_CHOICE:
		for (i = (unsigned int)o->min; i < o->nr_choices; i++)
			if (!strcmp(s, o->choices[i])) {
				*(int *)o->var = (int)i;
				return 0;
			}
		return -1;
	case VT_OPT_U64:
		errno = 0;
		*(uint64_t *)o->var = strtoull(s, &end, 0);
		return errno || end == s || *end || *s == '-' ? -1 : 0;
	case VT_OPT_INT:
	case VT_OPT_UINT:
	case VT_OPT_LONG:
		errno = 0;
		v = strtoll(s, &end, 0);
		if (errno || end == s || *end || v < o->min || v > o->max)
			return -1;
		break;
	}
	if (o->type == VT_OPT_INT)
		*(int *)o->var = (int)v;
	else if (o->type == VT_OPT_UINT)
		*(unsigned int *)o->var = (unsigned int)v;
	else
		*(long *)o->var = (long)v;
	return 0;
}

static void usage_exit(const char *prog, const struct vt_option *opts)
{
	vt_print_usage(prog, opts, stderr);
	exit(2);
}

void vt_parse_options(int argc, char **argv, const struct vt_option *opts)
{
	struct option longopts[MAX_OPTIONS + 1];
	char shortopts[2 * MAX_OPTIONS + 2] = ":", *sp = shortopts + 1;
	bool seen[MAX_OPTIONS] = { false };
	int n, c, i, idx;

	for (n = 0; opts[n].name; n++) {
		if (n == MAX_OPTIONS)
			usage_exit(argv[0], opts);
		longopts[n] = (struct option){
			.name = opts[n].name,
			.has_arg = opts[n].type == VT_OPT_FLAG ? no_argument : required_argument,
			.val = 256 + n,
		};
		if (opts[n].short_name) {
			*sp++ = opts[n].short_name;
			if (opts[n].type != VT_OPT_FLAG)
				*sp++ = ':';
		}
	}
	longopts[n] = (struct option){ 0 };
	*sp = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		idx = -1;
		if (c >= 256 && c < 256 + n)
			idx = c - 256;
		for (i = 0; idx < 0 && i < n; i++)
			if (opts[i].short_name && c == opts[i].short_name)
				idx = i;
		if (idx < 0 || set_value(&opts[idx], optarg))
			usage_exit(argv[0], opts);
		seen[idx] = true;
	}
	for (i = 0; i < n; i++)
		if (opts[i].required && !seen[i])
			usage_exit(argv[0], opts);
	if (optind != argc)
		usage_exit(argv[0], opts);
}
