// SPDX-License-Identifier: GPL-2.0
/*
 * vclock-maps - a process's /dev/vclock mappings as /proc/PID/maps and
 * smaps show them, the page tables behind them as the module's
 * VCLOCK_IOC_QUERY reads them, and the process's [vvar] and [vdso] for
 * contrast. Text for people, --json for scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <vclock_abi.h>

#include "cli_common.h"
#include "json_out.h"
#include "proc_maps.h"
#include "provenance.h"
#include "vclock.h"
#include "vclock_names.h"

static const char *prog = "vclock-maps";

static struct {
	bool json;
	bool map;
	unsigned int map_strategy;
	pid_t pid;
	bool self;
	char pidstr[32];
} opt;

/* What we learned about the process. */
struct target {
	char comm[64];
	struct maps_list maps;
	struct maps_entry **vclock;	/* the /dev/vclock VMAs, in maps order */
	size_t nr_vclock;
	struct maps_entry **special;	/* [vvar], [vdso] and kin */
	size_t nr_special;
	struct vclock_pte_info *pages;
	unsigned int nr_pages, nr_vmas;
	int query_err;			/* 0, or -errno of the introspection */
};

static void usage(void)
{
	printf("Usage: %s [OPTION]... PID|self\n"
	       "Show the /dev/vclock and /proc/vclock mappings of process PID: each VMA as\n"
	       "/proc/PID/maps shows it (range, perms, offset, dev, inode, path), its mmap\n"
	       "offset decoded (strategy, lab mode, first page), its smaps size, Rss and\n"
	       "VmFlags in words, then every page as the page tables hold it right now\n"
	       "(present, pfn, PTE, the cache mode the module asked for and the one PAT\n"
	       "gives), and the process's [vvar] and [vdso] for contrast.\n"
	       "\n"
	       "  -j, --json            one JSON object (VMA and page objects one per line,\n"
	       "                        provenance; doc/schema/vclock-maps.schema.json)\n"
	       "  -s, --strategy NAME   with 'self': first map /dev/vclock in this process\n"
	       "                        through libvclock with NAME (fault remap split\n"
	       "                        mixed) and read the clock once\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n"
	       "\n"
	       "Another process's page tables need CAP_SYS_ADMIN (run as root).\n"
	       "VCLOCK_DEVICE=/proc/vclock in the environment: map and ask the regular\n"
	       "file instead of /dev/vclock (the only other value it takes).\n"
	       "\n", prog);
	cli_print_exit_status(prog, (const char *const[CLI_NR_EXIT]) {
		"the mappings and their page tables were shown",
		"no such process, or permission denied",
		"a bad option or argument",
		"the module is not loaded, or the process has no /dev/vclock mapping",
		NULL,
	});
}

static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "strategy", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long pid;
	int c;

	while ((c = getopt_long(argc, argv, "js:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt.json = true;
			break;
		case 's':
			if (cli_strategy_arg(prog, optarg, true, &opt.map_strategy))
				return EXIT_USAGE;
			opt.map = true;
			break;
		default:
			return cli_common_option(prog, c, usage);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(prog, "expected one PID or 'self'");
	if (!strcmp(argv[optind], "self")) {
		opt.pid = getpid();
		opt.self = true;
	} else if (!vclock_parse_ulong(argv[optind], 1, 0x7fffffff, &pid)) {
		opt.pid = (pid_t)pid;
		opt.self = opt.pid == getpid();
	} else {
		return cli_usage_error(prog, "'%s' is not a PID", argv[optind]);
	}
	if (opt.map && !opt.self)
		return cli_usage_error(prog, "--strategy works with 'self' only");
	snprintf(opt.pidstr, sizeof(opt.pidstr), "%d", (int)opt.pid);
	return 0;
}

/* --strategy: this process maps /dev/vclock and reads through it once. */
static int map_self(void)
{
	struct timespec ts;
	int err = vclock_init(opt.map_strategy);

	if (err) {
		cli_report_device_error(prog, err);
		return 1;
	}
	vclock_clock_gettime(CLOCK_MONOTONIC, &ts);
	return 0;
}

static void read_comm(struct target *t)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", opt.pidstr);
	f = fopen(path, "r");
	if (!f || !fgets(t->comm, sizeof(t->comm), f))
		snprintf(t->comm, sizeof(t->comm), "?");
	t->comm[strcspn(t->comm, "\n")] = 0;
	if (f)
		fclose(f);
}

static bool path_is(const char *path, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(path, name, n) && (!path[n] || path[n] == ' ');
}

/*
 * Is @e a mapping of the module? By path (the device or the regular file),
 * or by the device node's dev and inode.
 */
static bool is_vclock_vma(const struct maps_entry *e, const struct stat *dev_node)
{
	if (path_is(e->path, VCLOCK_DEVICE) || path_is(e->path, VCLOCK_PROC_FILE))
		return true;
	return dev_node && e->inode == dev_node->st_ino &&
	       e->dev_major == major(dev_node->st_dev) &&
	       e->dev_minor == minor(dev_node->st_dev);
}

static bool is_special_vma(const struct maps_entry *e)
{
	return !strncmp(e->path, "[vvar", 5) || !strcmp(e->path, "[vdso]");
}

static int read_maps(struct target *t)
{
	struct stat st;
	bool have_node = !stat(VCLOCK_DEVICE, &st);
	size_t i;
	int err;

	err = maps_read(opt.pidstr, &t->maps);
	if (err == -ENOENT || err == -ESRCH) {
		fprintf(stderr, "%s: no process %s\n", prog, opt.pidstr);
		return 1;
	}
	if (err) {
		fprintf(stderr, "%s: cannot read /proc/%s/maps: %s%s\n", prog, opt.pidstr,
			strerror(-err), err == -EACCES ? " \u2014 run as root or as its owner" : "");
		return 1;
	}
	err = smaps_merge(opt.pidstr, &t->maps);
	if (err)
		fprintf(stderr, "%s: warning: cannot read /proc/%s/smaps: %s\n", prog,
			opt.pidstr, strerror(-err));
	t->vclock = calloc(t->maps.n + 1, sizeof(*t->vclock));
	t->special = calloc(t->maps.n + 1, sizeof(*t->special));
	if (!t->vclock || !t->special)
		return 1;
	for (i = 0; i < t->maps.n; i++) {
		if (is_vclock_vma(&t->maps.v[i], have_node ? &st : NULL))
			t->vclock[t->nr_vclock++] = &t->maps.v[i];
		else if (is_special_vma(&t->maps.v[i]))
			t->special[t->nr_special++] = &t->maps.v[i];
	}
	return 0;
}

/* The module's view of the page tables; failures are kept in query_err. */
static void query_pages(struct target *t)
{
	struct vclock_query q = { .pid = opt.self ? 0 : opt.pid };
	const char *path = cli_device_path();
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

	if (!path)
		errno = EINVAL;
	if (fd < 0) {
		t->query_err = -errno;
		return;
	}
	if (ioctl(fd, VCLOCK_IOC_QUERY, &q)) {
		t->query_err = -errno;
		goto out;
	}
	t->pages = calloc(q.nr_entries + 1, sizeof(*t->pages));
	if (!t->pages) {
		t->query_err = -ENOMEM;
		goto out;
	}
	q.max_entries = q.nr_entries;
	q.entries = (uintptr_t)t->pages;
	if (ioctl(fd, VCLOCK_IOC_QUERY, &q)) {
		t->query_err = -errno;
		goto out;
	}
	t->nr_pages = q.nr_entries < q.max_entries ? q.nr_entries : q.max_entries;
	t->nr_vmas = q.nr_vmas;
out:
	close(fd);
}

static const char *query_error_text(int err)
{
	static char buf[160];

	switch (-err) {
	case EPERM:
	case EACCES:
		return "permission denied: another process's page tables need "
		       "CAP_SYS_ADMIN \u2014 run as root";
	case ESRCH:
		return "the process is gone";
	}
	if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
		return cli_device_error(err);
	snprintf(buf, sizeof(buf), "VCLOCK_IOC_QUERY failed: %s", strerror(-err));
	return buf;
}

/* ---- text ---- */

static void print_vmflags_words(const char *flags)
{
	char buf[MAPS_VMFLAGS_MAX], *tok, *save;
	const char *sep = " (";
	const char *m;

	printf("    VmFlags: %s", flags);
	snprintf(buf, sizeof(buf), "%s", flags);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		m = vmflag_meaning(tok);
		printf("%s%s", sep, m ? m : tok);
		sep = ", ";
	}
	printf("%s\n", flags[0] ? ")" : "");
}

static void print_vma_line(const struct maps_entry *e)
{
	char line[MAPS_PATH_MAX + 128];

	maps_format(e, line, sizeof(line));
	printf("vma %s\n", line);
}

/*
 * The pfn, or "hidden": without CAP_SYS_ADMIN the module zeroes it (the
 * kernel's pagemap rule), and 0 would read as a real page frame.
 */
static const char *pfn_text(const struct vclock_pte_info *p, char *buf, size_t size)
{
	if (p->flags & VCLOCK_PTE_HIDDEN)
		return "hidden";
	snprintf(buf, size, "%#llx", (unsigned long long)p->pfn);
	return buf;
}

static void print_pages_text(const struct target *t, const struct maps_entry *e)
{
	const struct vclock_pte_info *p;
	unsigned int i, idx = 0;
	char pfn[32];

	printf("    %-5s %-14s %-5s %-8s %-10s %-10s %-10s %-4s %s\n", "page", "address",
	       "kind", "present", "pfn", "requested", "effective", "pat", "pte");
	for (i = 0; i < t->nr_pages; i++) {
		p = &t->pages[i];
		if (p->vma_start != e->start)
			continue;
		if (p->present)
			printf("    %-5u %-14llx %-5s %-8s %-10s %-10s %-10s %-4u %#llx%s\n", idx++,
			       (unsigned long long)p->addr, vclock_page_name(p->page),
			       p->flags & VCLOCK_PTE_PROTNONE ? "protnone" : "yes",
			       pfn_text(p, pfn, sizeof(pfn)), vclock_cache_name(p->requested),
			       vclock_cache_name(p->effective), p->pat_index,
			       (unsigned long long)p->pte,
			       p->flags & VCLOCK_PTE_HIDDEN ? " (pfn bits hidden)" : "");
		else
			printf("    %-5u %-14llx %-5s %-8s %-10s %-10s %-10s %-4s %s\n", idx++,
			       (unsigned long long)p->addr, vclock_page_name(p->page), "no", "-",
			       vclock_cache_name(p->requested), "-", "-", "-");
	}
}

static void print_text(const struct target *t)
{
	const struct maps_entry *e;
	unsigned long long pgoff;
	size_t i;

	printf("pid %s (%s): %zu /dev/vclock VMA%s, %u page%s\n", opt.pidstr, t->comm,
	       t->nr_vclock, t->nr_vclock == 1 ? "" : "s", t->nr_pages,
	       t->nr_pages == 1 ? "" : "s");
	for (i = 0; i < t->nr_vclock; i++) {
		e = t->vclock[i];
		pgoff = e->offset >> VCLOCK_PAGE_SHIFT;
		printf("\n");
		print_vma_line(e);
		printf("    offset: pgoff %#llx = strategy %s, lab %s, first page %s%s; "
		       "%lu pages, %lu kB, Rss %lu kB\n", pgoff,
		       vclock_strategy_name(VCLOCK_PGOFF_STRATEGY(pgoff)),
		       vclock_lab_name(VCLOCK_PGOFF_LAB(pgoff)),
		       vclock_page_name(VCLOCK_PGOFF_PAGE(pgoff)),
		       pgoff & VCLOCK_PGOFF_DONTCOPY ? ", dontcopy (not in a fork child)" : "",
		       (e->end - e->start) >> VCLOCK_PAGE_SHIFT, e->size_kb, e->rss_kb);
		print_vmflags_words(e->vmflags);
		if (!t->query_err)
			print_pages_text(t, e);
	}
	if (t->query_err)
		printf("\npage tables: %s\n", query_error_text(t->query_err));
	printf("\nfor contrast, the kernel's own:\n");
	for (i = 0; i < t->nr_special; i++) {
		print_vma_line(t->special[i]);
		print_vmflags_words(t->special[i]->vmflags);
	}
}

/* ---- JSON ---- */

static void json_vmflags(const char *flags)
{
	char buf[MAPS_VMFLAGS_MAX], *tok, *save;
	const char *sep = "";

	printf("\"vmflags\":[");
	snprintf(buf, sizeof(buf), "%s", flags);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		printf("%s", sep);
		json_str(stdout, tok);
		sep = ",";
	}
	printf("]");
}

/*
 * The maps fields as /proc/PID/maps has them, numbers in hex with 0x (as
 * every hex string of the tools' JSON), sizes in KiB (smaps' "kB").
 */
static void json_maps_fields(const struct maps_entry *e)
{
	printf("\"start\":\"0x%lx\",\"end\":\"0x%lx\",\"perms\":\"%s\",\"offset\":\"0x%llx\","
	       "\"dev\":\"%02x:%02x\",\"inode\":%lu,\"path\":", e->start, e->end, e->perms,
	       e->offset, e->dev_major, e->dev_minor, e->inode);
	json_str(stdout, e->path);
	printf(",\"size_kib\":%lu,\"rss_kib\":%lu,", e->size_kb, e->rss_kb);
	json_vmflags(e->vmflags);
}

static void json_pages(const struct target *t, const struct maps_entry *e)
{
	const struct vclock_pte_info *p;
	unsigned int i, idx = 0;
	char pfn[32];

	printf(",\"page_table\":[");
	for (i = 0; i < t->nr_pages; i++) {
		p = &t->pages[i];
		if (p->vma_start != e->start)
			continue;
		printf("%s\n   {\"index\":%u,\"addr\":\"0x%llx\",\"kind\":\"%s\",\"present\":%s,"
		       "\"requested\":\"%s\",", idx ? "," : "", idx, (unsigned long long)p->addr,
		       vclock_page_name(p->page), p->present ? "true" : "false",
		       vclock_cache_name(p->requested));
		/* An unmapped page has no pfn, PTE or effective mode: null. */
		if (p->present)
			printf("\"pfn\":\"%s\",\"pte\":\"%#llx\",\"effective\":\"%s\","
			       "\"pat_index\":%u,", pfn_text(p, pfn, sizeof(pfn)),
			       (unsigned long long)p->pte, vclock_cache_name(p->effective),
			       p->pat_index);
		else
			printf("\"pfn\":null,\"pte\":null,\"effective\":null,\"pat_index\":null,");
		printf("\"prot_none\":%s,\"pfn_hidden\":%s}",
		       p->flags & VCLOCK_PTE_PROTNONE ? "true" : "false",
		       p->flags & VCLOCK_PTE_HIDDEN ? "true" : "false");
		idx++;
	}
	printf("]");
}

static void print_json(const struct target *t)
{
	const struct maps_entry *e;
	unsigned long long pgoff;
	struct provenance prov;
	size_t i;

	provenance_collect(&prov);
	putchar('{');
	provenance_envelope(stdout, prog, 1, prog, &prov);
	printf(",\n\"pid\":%s,\"comm\":", opt.pidstr);
	json_str(stdout, t->comm);
	printf(",\"nr_vmas\":%zu,\"nr_pages\":%u,\"page_table_error\":", t->nr_vclock,
	       t->nr_pages);
	if (t->query_err)
		json_str(stdout, query_error_text(t->query_err));
	else
		printf("null");
	printf(",\"vmas\":[");
	for (i = 0; i < t->nr_vclock; i++) {
		e = t->vclock[i];
		pgoff = e->offset >> VCLOCK_PAGE_SHIFT;
		printf("%s\n  {", i ? "," : "");
		json_maps_fields(e);
		printf(",\"pgoff\":%llu,\"strategy\":\"%s\",\"lab\":\"%s\",\"first_page\":\"%s\","
		       "\"dontcopy\":%s,\"pages\":%lu", pgoff,
		       vclock_strategy_name(VCLOCK_PGOFF_STRATEGY(pgoff)),
		       vclock_lab_name(VCLOCK_PGOFF_LAB(pgoff)),
		       vclock_page_name(VCLOCK_PGOFF_PAGE(pgoff)),
		       pgoff & VCLOCK_PGOFF_DONTCOPY ? "true" : "false",
		       (e->end - e->start) >> VCLOCK_PAGE_SHIFT);
		if (!t->query_err)
			json_pages(t, e);
		printf("}");
	}
	printf("],\"contrast\":[");
	for (i = 0; i < t->nr_special; i++) {
		printf("%s\n  {", i ? "," : "");
		json_maps_fields(t->special[i]);
		printf("}");
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct target t = { 0 };
	int ret;

	ret = parse_options(argc, argv);
	if (!ret)
		ret = cli_check_device_env(prog);
	if (ret)
		return ret;
	if (opt.map && map_self())
		return EXIT_UNAVAILABLE;
	read_comm(&t);
	ret = read_maps(&t);
	if (ret)
		return ret;
	query_pages(&t);
	if (!t.nr_vclock && (t.query_err || !t.nr_vmas)) {
		fprintf(stderr, "%s: process %s (%s) has no %s or %s mapping\n", prog,
			opt.pidstr, t.comm, VCLOCK_DEVICE, VCLOCK_PROC_FILE);
		return EXIT_UNAVAILABLE;
	}
	if (opt.json)
		print_json(&t);
	else
		print_text(&t);
	if (t.query_err) {
		fprintf(stderr, "%s: page tables of %s: %s\n", prog, opt.pidstr,
			query_error_text(t.query_err));
		return t.query_err == -EPERM || t.query_err == -EACCES || t.query_err == -ESRCH ?
		       EXIT_FAILURE : EXIT_UNAVAILABLE;
	}
	return 0;
}
