// SPDX-License-Identifier: GPL-2.0
/*
 * test-options - the test programs' option table (tests/lib/test_options.h):
 * every value type, the usage line derived from the table, and exit status
 * 2 for each kind of argv that does not fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tap.h"
#include "test_options.h"
#include "vclock_test.h"

static const char *const colours[] = { "none", "red", "green", "blue" };

static struct {
	const char *ready;
	bool flag;
	int colour, small;
	unsigned int count;
	long ops;
	uint64_t seed;
} opt;

static const struct vt_option options[] = {
	VT_OPT_STRING("ready", 0, &opt.ready, "FILE", true),
	VT_OPT_FLAG("flag", 0, &opt.flag),
	VT_OPT_CHOICE("colour", 0, &opt.colour, colours, 1, 4),
	VT_OPT_INT("small", 0, &opt.small, -3, 3),
	VT_OPT_UINT("count", 'c', &opt.count, 0, 100),
	VT_OPT_LONG("ops", 'n', &opt.ops, "OPS", -1, 1000),
	VT_OPT_U64("seed", 's', &opt.seed, "SEED"),
	VT_OPT_END
};

/* Parse a NULL-terminated argv (its [0] is the program). */
static void parse(const char **args)
{
	int argc = 0;

	while (args[argc])
		argc++;
	memset(&opt, 0, sizeof(opt));
	vt_parse_options(argc, (char **)args, options);
}

static void parse_in_child(void *args)
{
	if (!freopen("/dev/null", "w", stderr))
		_exit(3);
	parse(args);
}

/* The exit status of parsing @args in a child (2: usage). */
static int status_of(const char **args)
{
	int st = vt_fork_wait(parse_in_child, args);

	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	const char *all[] = { "/x/prog", "--ready", "r", "--flag", "--colour", "green", "--small",
			      "-3", "-c", "100", "-n", "-1", "-s", "0x10", NULL };
	const char *minimal[] = { "prog", "--ready=f", NULL };
	const char *bad[][6] = {
		{ "prog", NULL },					/* required missing */
		{ "prog", "--ready", "r", "--colour", "none", NULL },	/* below the first choice */
		{ "prog", "--ready", "r", "--colour", "pink", NULL },
		{ "prog", "--ready", "r", "--small", "4", NULL },		/* out of range */
		{ "prog", "--ready", "r", "-c", "12x", NULL },		/* not a number */
		{ "prog", "--ready", "r", "-s", "-1", NULL },		/* negative u64 */
		{ "prog", "--ready", "r", "--nope", NULL },
		{ "prog", "--ready", "r", "extra", NULL },		/* positional */
		{ "prog", "--ready", NULL },				/* value missing */
	};
	char usage[512] = "";
	FILE *f;
	size_t i;

	tap_header();
	parse(all);
	tap_ok(opt.ready && !strcmp(opt.ready, "r") && opt.flag && opt.colour == 2 &&
	       opt.small == -3 && opt.count == 100 && opt.ops == -1 && opt.seed == 16,
	       "every type is read (string, flag, choice, int, uint, long, u64 in hex)");
	parse(minimal);
	tap_ok(opt.ready && !strcmp(opt.ready, "f") && !opt.flag && opt.colour == 0 &&
	       opt.count == 0 && opt.seed == 0, "--name=value; what is not given stays as it was");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(status_of(bad[i]) == 2, "exit 2: %s %s %s %s", bad[i][1] ? bad[i][1] : "(none)",
		       bad[i][1] && bad[i][2] ? bad[i][2] : "", bad[i][2] && bad[i][3] ? bad[i][3] : "",
		       bad[i][3] && bad[i][4] ? bad[i][4] : "");
	tap_ok(status_of(minimal) == 0, "a good argv exits 0 in the child (the control)");
	f = fmemopen(usage, sizeof(usage), "w");
	if (f) {
		vt_print_usage("/x/prog", options, f);
		fclose(f);
	}
	tap_ok(!strcmp(usage, "usage: prog --ready FILE [--flag] [--colour red|green|blue] "
		      "[--small N] [-c N] [-n OPS] [-s SEED]\n"),
	       "the usage line comes from the table: %s", usage);
	return tap_done();
}
