// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-check - verify a vDSO-compatible clock library against the system
 * calls: the built-in libvclock, any shared object exporting the x86-64
 * vDSO names (--lib PATH), or the kernel's own vDSO (--lib vdso) as the
 * control. One line per case, a summary, optionally TAP.
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
} opt = {
	.strategy = VCLOCK_STRATEGY_FAULT,
	.duration = 5,
	.threads = 1,
	.expect = -1,
	.abi = true,
};

static unsigned int cases, failed;

bool report_case(bool ok, const char *fmt, ...)
{
	va_list ap;

	cases++;
	if (!ok)
		failed++;
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
	       "  -l, --lib PATH|vdso   check the shared object at PATH (it must export\n"
	       "                        __vdso_clock_gettime, __vdso_clock_getres,\n"
	       "                        __vdso_gettimeofday, __vdso_time), or the kernel's\n"
	       "                        own vDSO; default: libvclock, linked in\n"
	       "  -s, --strategy NAME   map /dev/vclock with NAME (fault remap split mixed)\n"
	       "                        when the library is libvclock (default fault)\n"
	       "  -d, --duration SEC    compare readings for SEC seconds (default 5)\n"
	       "  -t, --threads N       N reader threads, pinned round robin to the CPUs\n"
	       "                        this process may use (default 1)\n"
	       "  -e, --expect STATE    also require libvclock to be 'mapped' or in\n"
	       "                        'fallback' (no usable /dev/vclock)\n"
	       "      --no-abi          skip the bad-pointer cases\n"
	       "      --tap             print TAP version 13\n"
	       "  -q, --quiet           print only failures and the summary\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n"
	       "Exit status: 0 every case passed, 1 a case failed, 2 usage error,\n"
	       "3 the library could not be loaded.\n", prog);
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
		{ "tap", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "l:s:d:t:e:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			opt.lib = optarg;
			break;
		case 's':
			if (vclock_parse_strategy(optarg, false, &opt.strategy))
				return cli_usage_error(prog, "unknown strategy '%s' "
						       "(fault remap split mixed)", optarg);
			opt.strategy_set = true;
			break;
		case 'd':
			if (vclock_parse_seconds(optarg, &opt.duration))
				return cli_usage_error(prog, "bad duration '%s'", optarg);
			break;
		case 't':
			if (vclock_parse_ulong(optarg, 1, 256, &opt.threads))
				return cli_usage_error(prog, "bad thread count '%s' (1..256)", optarg);
			break;
		case 'e':
			if (!strcmp(optarg, "mapped"))
				opt.expect = VCLOCK_LIB_MAPPED;
			else if (!strcmp(optarg, "fallback"))
				opt.expect = VCLOCK_LIB_FAILED;
			else
				return cli_usage_error(prog, "--expect takes mapped or fallback");
			break;
		case 'A':
			opt.abi = false;
			break;
		case 'T':
			opt.tap = true;
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			cli_print_version(prog);
			exit(0);
		default:
			return cli_usage_error(prog, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
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

/* libvclock: map now (explicitly, so a failure can be shown), report state. */
static void setup_library(const struct clock_api *api)
{
	struct vclock_status st;
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
		if (opt.expect >= 0)
			report_case(false, "library state is %s: %s has no vclock_status()",
				    vclock_lib_state_name(opt.expect), api->name);
		return;
	}
	api->status(&st);
	report_diag("library state: %s, strategy %s, counter mode %s, %lu attempt(s)",
		    vclock_lib_state_name(st.state), vclock_strategy_name(st.strategy),
		    vclock_mode_name(st.clock_mode), st.attempts);
	if (opt.expect >= 0)
		report_case(st.state == opt.expect, "library state is %s (it is %s%s%s)",
			    vclock_lib_state_name(opt.expect), vclock_lib_state_name(st.state),
			    st.error ? ": " : "", st.error ? cli_device_error(st.error) : "");
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

int main(int argc, char **argv)
{
	struct snapshot_ctx snap = { 0 };
	struct reader_results *res;
	struct clock_api api;
	int err;

	err = parse_options(argc, argv);
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

	if (opt.tap)
		printf("1..%u\n# %u passed, %u failed\n", cases, cases - failed, failed);
	else
		printf("%s: %u passed, %u failed\n", prog, cases - failed, failed);
	return failed ? 1 : 0;
}
