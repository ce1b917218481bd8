// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-check - verify a vDSO-compatible clock library against the system
 * calls: the built-in libvclock, any shared object exporting the x86-64
 * vDSO names (--lib PATH), or the kernel's own vDSO (--lib vdso) as the
 * control. One line per case, a summary, optionally TAP or JSON (with
 * provenance).
 *
 * libvclock must be reading from /dev/vclock: otherwise its clocks are the
 * system calls it is checked against, and passing would prove nothing, so
 * vclock-check refuses (exit 3) unless --allow-fallback asks for a check of
 * the fallback path.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli_common.h"
#include "json_out.h"
#include "provenance.h"
#include "timespec_math.h"
#include "vclock_names.h"

static const char *prog = "vclock-check";

static struct {
	const char *lib;		/* NULL: built in */
	unsigned int strategy;
	bool strategy_set;
	double duration;
	unsigned long threads;
	int expect;			/* -1, or VCLOCK_LIB_MAPPED / _FAILED */
	bool abi;
	bool tap;
	bool quiet;
	bool json;
	bool allow_fallback;
} opt = {
	.strategy = VCLOCK_STRATEGY_FAULT,
	.duration = 5,
	.threads = 1,
	.expect = -1,
	.abi = true,
};

static unsigned int cases, failed;

/* --json: every case and note is kept and printed at the end. */
struct json_line {
	int ok;				/* 1 pass, 0 fail, -1 a note */
	char *text;
};
static struct json_line *json_lines;
static size_t nr_json_lines;

static void json_keep(int ok, const char *fmt, va_list ap)
{
	struct json_line *n;
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return;
	n = realloc(json_lines, (nr_json_lines + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return;
	}
	json_lines = n;
	json_lines[nr_json_lines].ok = ok;
	json_lines[nr_json_lines++].text = text;
}

bool report_case(bool ok, const char *fmt, ...)
{
	va_list ap;

	cases++;
	if (!ok)
		failed++;
	if (opt.json) {
		va_start(ap, fmt);
		json_keep(ok, fmt, ap);
		va_end(ap);
		return ok;
	}
	if (ok && opt.quiet)
		return ok;
	if (opt.tap)
		printf("%s %u - ", ok ? "ok" : "not ok", cases);
	else
		printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

void report_diag(const char *fmt, ...)
{
	va_list ap;

	if (opt.json) {
		va_start(ap, fmt);
		json_keep(-1, fmt, ap);
		va_end(ap);
		return;
	}
	if (opt.quiet)
		return;
	printf(opt.tap ? "# " : "     ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Verify vDSO-style clock functions against the system calls: for every clock\n"
	       "id 0..11 and the invalid ids -1, INT_MIN, INT_MAX, 12, each library reading\n"
	       "is taken between two syscall readings for the whole duration (so second\n"
	       "boundaries are crossed) and must return what the syscall returns, be\n"
	       "normalised, lie between the two, and never go backwards; clock_getres and\n"
	       "the gettimeofday time zone must equal the syscall's; bad output pointers\n"
	       "(NULL, (void *)-1, PROT_NONE, PROT_READ) are tried in forked children.\n"
	       "\n"
	       "libvclock must be reading from /dev/vclock (mapped, counter mode hpet or\n"
	       "tsc): without the module, or in counter mode none, its clocks are the\n"
	       "system calls themselves and a pass would prove nothing, so vclock-check\n"
	       "stops with exit status 3 and says why, unless --allow-fallback is given.\n"
	       "VCLOCK_DEVICE=/proc/vclock in the environment: libvclock maps the regular\n"
	       "file instead of /dev/vclock (the only other value it takes).\n"
	       "\n"
	       "  -l, --lib PATH|vdso   check the shared object at PATH (it must export\n"
	       "                        __vdso_clock_gettime, __vdso_clock_getres,\n"
	       "                        __vdso_gettimeofday, __vdso_time), or the kernel's\n"
	       "                        own vDSO; default: libvclock, linked in\n"
	       "  -s, --strategy NAME   map /dev/vclock with NAME (fault remap split mixed)\n"
	       "                        when the library is libvclock (default fault)\n"
	       "  -d, --duration TIME   compare readings for TIME (default 5s; a number\n"
	       "                        with s, ms, us, ns or min, no unit: seconds)\n"
	       "  -t, --threads N       N reader threads, pinned round robin to the CPUs\n"
	       "                        this process may use (default 1)\n"
	       "      --allow-fallback  check libvclock also when it is not reading from\n"
	       "                        the mapping (its system-call fallback)\n"
	       "  -e, --expect STATE    also require libvclock to be 'mapped' or in\n"
	       "                        'fallback' (no usable /dev/vclock; implies\n"
	       "                        --allow-fallback)\n"
	       "      --no-abi          skip the bad-pointer cases\n"
	       "      --tap             print TAP version 13\n"
	       "  -j, --json            print one JSON object: every case, the library's\n"
	       "                        state, provenance (doc/schema/vclock-check.schema.json)\n"
	       "  -q, --quiet           print only failures and the summary\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n", prog);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"every case passed", "a case failed", "a bad option or argument",
		"libvclock is not reading from /dev/vclock (no --allow-fallback), or the\n"
		"                  --lib library could not be loaded",
		NULL,
	});
}

static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lib", required_argument, NULL, 'l' },
		{ "strategy", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "expect", required_argument, NULL, 'e' },
		{ "no-abi", no_argument, NULL, 'A' },
		{ "allow-fallback", no_argument, NULL, 'F' },
		{ "tap", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "l:s:d:t:e:jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			opt.lib = optarg;
			break;
		case 's':
			if (cli_strategy_arg(prog, optarg, false, &opt.strategy))
				return EXIT_USAGE;
			opt.strategy_set = true;
			break;
		case 'd':
			if (vclock_parse_duration(optarg, &opt.duration))
				return cli_usage_error(prog, "bad duration '%s'", optarg);
			break;
		case 't':
			if (vclock_parse_ulong(optarg, 1, 256, &opt.threads))
				return cli_usage_error(prog, "bad thread count '%s' (1..256)", optarg);
			break;
		case 'e':
			if (!strcmp(optarg, "mapped")) {
				opt.expect = VCLOCK_LIB_MAPPED;
			} else if (!strcmp(optarg, "fallback")) {
				opt.expect = VCLOCK_LIB_FAILED;
				opt.allow_fallback = true;
			} else {
				return cli_usage_error(prog, "--expect takes mapped or fallback");
			}
			break;
		case 'A':
			opt.abi = false;
			break;
		case 'F':
			opt.allow_fallback = true;
			break;
		case 'T':
			opt.tap = true;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'q':
			opt.quiet = true;
			break;
		default:
			return cli_common_option(prog, c, usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (opt.json && opt.tap)
		return cli_usage_error(prog, "--json and --tap exclude each other");
	return 0;
}

static int load_api(struct clock_api *api)
{
	char err[512];

	if (!opt.lib) {
		clock_api_builtin(api);
		return 0;
	}
	if (!strcmp(opt.lib, "vdso") ? clock_api_vdso(api, err, sizeof(err)) :
	    clock_api_dlopen(opt.lib, api, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	return 0;
}

/* What the library under test reads from, as far as it can tell. */
static struct {
	bool has_status;		/* libvclock (vclock_status() exported) */
	bool from_mapping;		/* mapped, counter mode hpet or tsc */
	struct vclock_status st;
	char why[320];			/* why not from the mapping */
} lib;

/* libvclock: map now (explicitly, so a failure can be shown), report state. */
static void setup_library(const struct clock_api *api)
{
	struct vclock_status *st = &lib.st;
	struct timespec ts;
	int err = 0;

	if (api->init && (!opt.lib || opt.strategy_set)) {
		err = api->init(opt.strategy);
		if (err)
			report_diag("vclock_init(%s): %s", vclock_strategy_name(opt.strategy),
				    cli_device_error(err));
	} else {
		api->clock_gettime(CLOCK_MONOTONIC, &ts);	/* the lazy first use */
	}
	if (!api->status) {
		report_diag("%s has no vclock_status(): what it reads from is not known here",
			    api->name);
		if (opt.expect >= 0)
			report_case(false, "library state is %s: %s has no vclock_status()",
				    vclock_lib_state_name(opt.expect), api->name);
		return;
	}
	lib.has_status = true;
	api->status(st);
	report_diag("library state: %s, strategy %s, counter mode %s, %lu attempt(s)",
		    vclock_lib_state_name(st->state), vclock_strategy_name(st->strategy),
		    vclock_mode_name(st->clock_mode), st->attempts);
	lib.from_mapping = st->state == VCLOCK_LIB_MAPPED && st->clock_mode != VCLOCK_MODE_NONE;
	if (st->state != VCLOCK_LIB_MAPPED)
		snprintf(lib.why, sizeof(lib.why), "libvclock is not serving from %s (state %s%s%s)",
			 cli_device_path(), vclock_lib_state_name(st->state), st->error ? ": " : "",
			 st->error ? cli_device_error(st->error) : "");
	else if (!lib.from_mapping)
		snprintf(lib.why, sizeof(lib.why), "libvclock is mapped but the module's counter "
			 "mode is none, so every reading is a system call (set "
			 "/sys/module/vclock/parameters/clock_mode to auto)");
	if (opt.expect >= 0)
		report_case(st->state == opt.expect, "library state is %s (it is %s%s%s)",
			    vclock_lib_state_name(opt.expect), vclock_lib_state_name(st->state),
			    st->error ? ": " : "", st->error ? cli_device_error(st->error) : "");
}

static void id_label(int id, char *buf, size_t size)
{
	const char *name = vclock_clock_name(id);

	if (name)
		snprintf(buf, size, "%s=%d", name, id);
	else
		snprintf(buf, size, "invalid id %d", id);
}

static void check_getres(const struct clock_api *api)
{
	struct timespec a, b;
	char label[64];
	int i, id, ra, rb, na, nb;
	bool ok;

	for (i = 0; i < CHECK_NR_IDS; i++) {
		id = check_ids[i];
		id_label(id, label, sizeof(label));
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ra = sys_clock_getres(id, &a);
		rb = api->clock_getres(id, &b);
		na = sys_clock_getres(id, NULL);
		nb = api->clock_getres(id, NULL);
		ok = ra == rb && na == nb && (ra || ts_equal(&a, &b));
		if (i >= CHECK_NR_VALID)
			ok = ok && rb == -EINVAL;
		report_case(ok, "clock_getres(%s): lib %d %lld.%09ld, syscall %d %lld.%09ld; "
			    "NULL res: lib %d, syscall %d", label, rb, (long long)b.tv_sec,
			    b.tv_nsec, ra, (long long)a.tv_sec, a.tv_nsec, nb, na);
	}
}

static bool stats_ok(const struct sample_stats *s)
{
	return s->samples && !s->ret_mismatch && !s->unnormalized && !s->outside &&
	       !s->backwards && !s->tz_mismatch;
}

static void report_stats(const struct sample_stats *s, bool ok, const char *what)
{
	char stale[224] = "";

	if (s->stale_kernel)
		snprintf(stale, sizeof(stale), "; %lu above the syscall right after but not "
			 "above the kernel's next reading (a stale shared HPET read in the "
			 "kernel, by up to %lld ns)", s->stale_kernel, s->max_stale_ns);
	report_case(ok, "%s: %lu readings, ret %d (syscall %d); %lu ret mismatches, "
		    "%lu unnormalised, %lu outside the syscalls, %lu backwards%s%s%s",
		    what, s->samples, s->lib_ret, s->sys_ret, s->ret_mismatch, s->unnormalized,
		    s->outside, s->backwards, stale, s->first_failure[0] ? "; first: " : "",
		    s->first_failure);
}

static void report_readers(const struct reader_results *r)
{
	const struct sample_stats *s;
	char label[64], what[128];
	int i;

	for (i = 0; i < CHECK_NR_IDS; i++) {
		s = &r->gettime[i];
		id_label(check_ids[i], label, sizeof(label));
		if (i >= CHECK_NR_VALID) {
			snprintf(what, sizeof(what), "clock_gettime(%s) is -EINVAL like the syscall",
				 label);
			report_stats(s, stats_ok(s) && s->lib_ret == -EINVAL, what);
			continue;
		}
		snprintf(what, sizeof(what), "clock_gettime(%s)%s", label,
			 check_id_bracketed(check_ids[i], r->threads) ? "" :
			 " (not bracketed: process CPU time across threads)");
		report_stats(s, stats_ok(s), what);
	}
	report_stats(&r->gettimeofday, stats_ok(&r->gettimeofday) && !r->gettimeofday.lib_ret,
		     "gettimeofday(tv, tz)");
	report_case(r->gettimeofday.samples && !r->gettimeofday.tz_mismatch,
		    "gettimeofday time zone equals the syscall's in %lu readings (%lu differ)",
		    r->gettimeofday.samples, r->gettimeofday.tz_mismatch);
	report_stats(&r->time, stats_ok(&r->time), "time(&t)");
	report_case(r->threads == opt.threads && r->pinned == r->threads,
		    "%u of %lu reader threads ran pinned, over %u CPUs%s%s", r->pinned,
		    opt.threads, r->cpus, r->pin_error[0] ? ": " : "", r->pin_error);
}

static void report_snapshots(const struct snapshot_ctx *c)
{
	report_case(c->taken && !c->bad_checksum && !c->bad_magic,
		    "data page: %lu snapshots under the seqcount, %lu bad checksums, %lu bad "
		    "magic, updates %llu..%llu%s%s", c->taken, c->bad_checksum, c->bad_magic,
		    c->first_update, c->last_update, c->first_failure[0] ? "; first: " : "",
		    c->first_failure);
}

static void print_json(const struct clock_api *api, const char *verdict, const char *error)
{
	struct provenance prov;
	const char *sep = "";
	size_t i;

	provenance_collect(&prov);
	putchar('{');
	provenance_envelope(stdout, prog, 1, prog, &prov);
	printf(",\n\"library\":{\"name\":");
	json_str(stdout, api->name);
	if (lib.has_status)
		printf(",\"state\":\"%s\",\"strategy\":\"%s\",\"clock_mode\":\"%s\","
		       "\"attempts\":%lu,\"from_mapping\":%s", vclock_lib_state_name(lib.st.state),
		       vclock_strategy_name(lib.st.strategy), vclock_mode_name(lib.st.clock_mode),
		       lib.st.attempts, lib.from_mapping ? "true" : "false");
	else
		printf(",\"state\":null,\"strategy\":null,\"clock_mode\":null,"
		       "\"attempts\":null,\"from_mapping\":null");
	printf("},\n\"options\":{\"duration_s\":%g,\"threads\":%lu,\"abi\":%s,"
	       "\"allow_fallback\":%s},\n\"verdict\":\"%s\",\"error\":", opt.duration,
	       opt.threads, opt.abi ? "true" : "false", opt.allow_fallback ? "true" : "false",
	       verdict);
	json_str_or_null(stdout, error);
	printf(",\"passed\":%u,\"failed\":%u,\"cases\":[", cases - failed, failed);
	for (i = 0; i < nr_json_lines; i++) {
		if (json_lines[i].ok < 0)
			continue;
		printf("%s\n {\"ok\":%s,\"text\":", sep, json_lines[i].ok ? "true" : "false");
		json_str(stdout, json_lines[i].text);
		putchar('}');
		sep = ",";
	}
	printf("],\n\"notes\":[");
	sep = "";
	for (i = 0; i < nr_json_lines; i++) {
		if (json_lines[i].ok >= 0)
			continue;
		fputs(sep, stdout);
		json_str(stdout, json_lines[i].text);
		sep = ",";
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct snapshot_ctx snap = { 0 };
	struct reader_results *res;
	struct clock_api api;
	char msg[512];
	int err;

	err = parse_options(argc, argv);
	if (!err)
		err = cli_check_device_env(prog);
	if (err)
		return err;
	if (load_api(&api))
		return EXIT_UNAVAILABLE;
	res = calloc(1, sizeof(*res));
	if (!res)
		return 1;

	if (opt.tap)
		printf("TAP version 13\n");
	report_diag("%s: %s, %g s, %lu thread(s)", prog, api.name, opt.duration, opt.threads);
	setup_library(&api);
	if (lib.has_status && !lib.from_mapping && !opt.allow_fallback) {
		snprintf(msg, sizeof(msg), "%s: checking it against the system calls would "
			 "prove nothing. Load the module (or set its counter mode), or pass "
			 "--allow-fallback to check the fallback path on purpose", lib.why);
		fprintf(stderr, "%s: %s\n", prog, msg);
		if (opt.json)
			print_json(&api, "unavailable", msg);
		free(res);
		return EXIT_UNAVAILABLE;
	}
	check_getres(&api);

	snap.page = api.data_page ? api.data_page() : NULL;
	err = check_readers(&api, (unsigned int)opt.threads, opt.duration,
			    snap.page ? check_snapshot_step : NULL, &snap, res);
	if (err) {
		report_case(false, "start reader threads: %s", strerror(-err));
	} else {
		report_readers(res);
		if (snap.page)
			report_snapshots(&snap);
	}
	free(res);
	if (opt.abi)
		check_abi(&api);

	if (opt.json)
		print_json(&api, failed ? "fail" : "pass", NULL);
	else if (opt.tap)
		printf("1..%u\n# %u passed, %u failed\n", cases, cases - failed, failed);
	else
		printf("%s: %u passed, %u failed\n", prog, cases - failed, failed);
	return failed ? 1 : 0;
}
