// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-ticker - the demo and checkpoint/restore workload: read a clock
 * through libvclock in a loop, check that it never goes backwards, publish
 * progress to a file (rewritten atomically about every 100 ms) and/or an fd,
 * and exit cleanly on SIGTERM with a status that says whether time ever
 * went backwards.
 *
 * The progress file is opened, written and closed each time, so the process
 * holds no file descriptor a checkpointing tool would have to deal with.
 *
 * --no-map makes it the same process minus the mapping: it never opens
 * /dev/vclock and reads every clock with the system call, as the library
 * does without a mapping (the CRIU benchmark's control).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli_common.h"
#include "timespec_math.h"
#include "vclock.h"
#include "vclock_names.h"

#define PROGRESS_INTERVAL_NS	(100 * 1000 * 1000)

static const char *prog = "vclock-ticker";

static struct {
	unsigned int strategy;
	int clock;
	unsigned long interval_us;
	const char *progress;		/* -w: the progress file */
	long fd;
	unsigned long count;		/* 0: no limit */
	double duration;		/* 0: no limit */
	bool allow_fallback;
	bool strategy_given;
	bool no_map;			/* never map: the system call only */
} opt = {
	.strategy = VCLOCK_STRATEGY_FAULT,
	.clock = CLOCK_MONOTONIC,
	.interval_us = 1000,
	.fd = -1,
};

static struct {
	unsigned long count, violations;
	int64_t max_backwards_ns;
	struct timespec last;
} progress;

static volatile sig_atomic_t stop_signal;

static void usage(void)
{
	printf("Usage: %s [OPTION]...\n"
	       "Read a clock through libvclock (/dev/vclock) in a loop and check that it\n"
	       "never goes backwards. Progress (pid, count, last reading, violations, the\n"
	       "library's state) is written as key=value lines.\n"
	       "\n"
	       "  -s, --strategy NAME   map /dev/vclock with NAME: fault remap split mixed\n"
	       "                        (default fault)\n"
	       "  -c, --clock CLOCK     clock to read: a name (monotonic, realtime, boottime,\n"
	       "                        tai, monotonic-raw, ...) or an id (default monotonic)\n"
	       "  -i, --interval TIME   pause TIME between reads (default 1ms, at most 10s;\n"
	       "                        0: no pause)\n"
	       "  -w, --progress FILE   rewrite FILE with the progress about every 100 ms\n"
	       "                        (written to FILE.tmp, then renamed)\n"
	       "      --fd N            also write every progress record to file descriptor N\n"
	       "  -n, --count N         stop after N reads\n"
	       "  -d, --duration TIME   stop after TIME (0: no limit)\n"
	       "      --allow-fallback  run without /dev/vclock too (the library then makes\n"
	       "                        system calls)\n"
	       "      --no-map          never open or map /dev/vclock: read every clock with\n"
	       "                        the system call (the same process minus the mapping)\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n"
	       "TIME is a number with a unit, s ms us ns or min (no unit: seconds).\n"
	       "SIGTERM or SIGINT stops it: the last record is written with running=0.\n"
	       "\n", prog);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"stopped, and time never went backwards",
		"time went backwards at least once",
		"a bad option, or a clock that cannot be read",
		"/dev/vclock cannot be mapped (no --allow-fallback or --no-map)",
		"the progress could not be written",
	});
}

static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "clock", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "progress", required_argument, NULL, 'w' },
		{ "fd", required_argument, NULL, 'F' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "allow-fallback", no_argument, NULL, 'A' },
		{ "no-map", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long fd;
	double interval;
	int c;

	while ((c = getopt_long(argc, argv, "s:c:i:w:n:d:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_strategy_arg(prog, optarg, false, &opt.strategy))
				return EXIT_USAGE;
			opt.strategy_given = true;
			break;
		case 'c':
			if (vclock_parse_clock(optarg, &opt.clock))
				return cli_usage_error(prog, "unknown clock '%s'", optarg);
			break;
		case 'i':
			if (vclock_parse_duration(optarg, &interval) || interval > 10)
				return cli_usage_error(prog, "bad interval '%s' (0..10s)", optarg);
			opt.interval_us = (unsigned long)(interval * 1e6 + 0.5);
			break;
		case 'w':
			opt.progress = optarg;
			break;
		case 'F':
			if (vclock_parse_ulong(optarg, 0, 1 << 20, &fd))
				return cli_usage_error(prog, "bad file descriptor '%s'", optarg);
			opt.fd = (long)fd;
			break;
		case 'n':
			if (vclock_parse_ulong(optarg, 1, ~0UL, &opt.count))
				return cli_usage_error(prog, "bad count '%s'", optarg);
			break;
		case 'd':
			if (vclock_parse_duration(optarg, &opt.duration))
				return cli_usage_error(prog, "bad duration '%s'", optarg);
			break;
		case 'A':
			opt.allow_fallback = true;
			break;
		case 'N':
			opt.no_map = true;
			break;
		default:
			return cli_common_option(prog, c, usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (opt.no_map && opt.strategy_given)
		return cli_usage_error(prog, "--no-map maps nothing: no --strategy with it");
	return 0;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Every clock read: the library's, or with --no-map the system call's. */
static int read_clock(clockid_t id, struct timespec *ts)
{
	if (opt.no_map)
		return syscall(SYS_clock_gettime, id, ts) ? -errno : 0;
	return vclock_clock_gettime(id, ts);
}

static int format_progress(char *buf, size_t size, bool running)
{
	struct vclock_status st;
	const char *clock = vclock_clock_name(opt.clock);

	vclock_status(&st);
	return snprintf(buf, size,
			"pid=%d\ncount=%lu\nlast=%lld.%09ld\nviolations=%lu\n"
			"max_backwards_ns=%lld\nclock=%s\nreader=%s\nstate=%s\nmode=%s\n"
			"strategy=%s\nrunning=%d\n",
			(int)getpid(), progress.count, (long long)progress.last.tv_sec,
			progress.last.tv_nsec, progress.violations,
			(long long)progress.max_backwards_ns, clock ? clock : "?",
			opt.no_map ? "syscall" : "libvclock", vclock_lib_state_name(st.state),
			vclock_mode_name(st.clock_mode),
			opt.no_map ? "none" : vclock_strategy_name(st.strategy), running);
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_progress_file(const char *buf, size_t len)
{
	char tmp[4096];
	int fd, err;

	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.progress);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	err = write_all(fd, buf, len);
	if (close(fd) || err || rename(tmp, opt.progress))
		return -1;
	return 0;
}

static int publish(bool running)
{
	char buf[1024];
	int len = format_progress(buf, sizeof(buf), running);

	if (opt.progress && write_progress_file(buf, (size_t)len)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, opt.progress, strerror(errno));
		return -1;
	}
	if (opt.fd >= 0 && write_all((int)opt.fd, buf, (size_t)len)) {
		fprintf(stderr, "%s: cannot write to fd %ld: %s\n", prog, opt.fd,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void tick(void)
{
	struct timespec now;
	int64_t back;

	if (read_clock(opt.clock, &now))
		return;
	if (progress.count && ts_cmp(&now, &progress.last) < 0) {
		progress.violations++;
		back = ts_sub_ns(&progress.last, &now);
		if (back > progress.max_backwards_ns)
			progress.max_backwards_ns = back;
	}
	progress.last = now;
	progress.count++;
}

static int64_t mono_ns(void)
{
	struct timespec t;

	read_clock(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * TS_NSEC_PER_SEC + t.tv_nsec;
}

static int setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec probe;
	int err;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	err = opt.no_map ? 0 : vclock_init(opt.strategy);
	if (err && !opt.allow_fallback) {
		cli_report_device_error(prog, err);
		return EXIT_UNAVAILABLE;
	}
	if (err)
		fprintf(stderr, "%s: %s; using the system calls\n", prog, cli_device_error(err));
	err = read_clock(opt.clock, &probe);
	if (err)
		return cli_usage_error(prog, "clock %d cannot be read: %s", opt.clock,
				       strerror(-err));
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec pause;
	int64_t start, next, now;
	int ret;

	ret = parse_options(argc, argv);
	if (ret)
		return ret;
	ret = setup();
	if (ret)
		return ret;

	pause = ts_from_ns((int64_t)opt.interval_us * 1000);
	start = mono_ns();
	next = start;
	while (!stop_signal) {
		tick();
		if (opt.count && progress.count >= opt.count)
			break;
		now = mono_ns();
		if (opt.duration > 0 && now - start >= (int64_t)(opt.duration * 1e9))
			break;
		if (now >= next) {
			if (publish(true))
				return EXIT_OUTPUT;
			next = now + PROGRESS_INTERVAL_NS;
		}
		if (opt.interval_us)
			nanosleep(&pause, NULL);
	}
	if (publish(false))
		return EXIT_OUTPUT;
	printf("%s: %lu reads, %lu backwards (max %lld ns), last %lld.%09ld\n", prog,
	       progress.count, progress.violations, (long long)progress.max_backwards_ns,
	       (long long)progress.last.tv_sec, progress.last.tv_nsec);
	return progress.violations ? 1 : 0;
}
