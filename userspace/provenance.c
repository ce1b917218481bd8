// SPDX-License-Identifier: GPL-2.0
/*
 * provenance.c - the facts behind every JSON output of the tools.
 */
#include <cpuid.h>
#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli_common.h"
#include "json_out.h"
#include "provenance.h"

/* First line of @path into @buf (newline cut); false if unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	else
		buf[0] = 0;
	return ok;
}

static void facts_path(char *buf, size_t size)
{
	const char *env = getenv("VCLOCK_FACTS");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	buf[0] = 0;
	if (env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = 0;
	snprintf(buf, size, "%.*s/../facts", (int)(size - 10), exe);
}

/* The build-time facts: commit, qemu, host_cpu, criu (key=value lines). */
static void read_facts(struct provenance *p)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "commit", offsetof(struct provenance, commit) },
		{ "qemu", offsetof(struct provenance, qemu) },
		{ "host_cpu", offsetof(struct provenance, host_cpu) },
		{ "criu", offsetof(struct provenance, criu) },
	};
	char path[PROV_LEN], line[2 * PROV_LEN], *eq;
	size_t i;
	FILE *f;

	facts_path(path, sizeof(path));
	f = path[0] ? fopen(path, "r") : NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(line, keys[i].key))
				snprintf((char *)p + keys[i].off, PROV_LEN, "%s", eq + 1);
	}
	fclose(f);
}

/* "model name" of the first CPU in /proc/cpuinfo. */
static void cpu_model(char *buf, size_t size)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (colon) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = 0;
			snprintf(buf, size, "%s", colon);
		}
		break;
	}
	fclose(f);
}

/* QEMU's accelerator from the hypervisor's CPUID signature, or "". */
static void accelerator(char *accel, size_t size)
{
	unsigned int a, b, c, d;
	char sig[13];

	accel[0] = 0;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	if (!strcmp(sig, "KVMKVMKVM"))
		snprintf(accel, size, "kvm");
	else if (!strcmp(sig, "TCGTCGTCGTCG"))
		snprintf(accel, size, "tcg");
}

/* CRIU's "Version: X" line, if criu is on PATH. */
static void criu_version(char *buf, size_t size)
{
	char line[256];
	FILE *f;

	f = popen("command -v criu >/dev/null 2>&1 && criu --version 2>/dev/null", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Version: ", 9)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, size, "%.*s", (int)size - 1, line + 9);
			break;
		}
	}
	pclose(f);
}

/* The module's parameters that can be read, in name order. */
static void module_params(struct provenance *p)
{
	struct dirent **names;
	char path[PATH_MAX];
	int n, i;

	n = scandir("/sys/module/vclock/parameters", &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && p->nr_params < PROV_PARAMS &&
		    strlen(names[i]->d_name) < sizeof(p->params[0].name)) {
			snprintf(path, sizeof(path), "/sys/module/vclock/parameters/%s",
				 names[i]->d_name);
			if (read_line(path, p->params[p->nr_params].value,
				      sizeof(p->params[0].value))) {
				memcpy(p->params[p->nr_params].name, names[i]->d_name,
				       strlen(names[i]->d_name) + 1);
				p->nr_params++;
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

void provenance_collect(struct provenance *p)
{
	struct utsname u;
	struct tm tm;
	time_t now = time(NULL);

	memset(p, 0, sizeof(*p));
	read_facts(p);
	if (!uname(&u))
		snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
	read_line("/sys/module/vclock/version", p->module, sizeof(p->module));
	read_line("/sys/module/vclock/srcversion", p->module_srcversion,
		  sizeof(p->module_srcversion));
	read_line("/proc/cmdline", p->cmdline, sizeof(p->cmdline));
	module_params(p);
	if (!p->criu[0])
		criu_version(p->criu, sizeof(p->criu));
	p->guest = cli_in_vclock_guest();
	if (p->guest)
		accelerator(p->accel, sizeof(p->accel));
	gmtime_r(&now, &tm);
	strftime(p->date, sizeof(p->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cpu_model(p->cpu, sizeof(p->cpu));
	if (!p->host_cpu[0] && !p->guest)
		snprintf(p->host_cpu, sizeof(p->host_cpu), "%s", p->cpu);
}

static void field(FILE *f, const char *key, const char *val, bool last)
{
	fprintf(f, "\"%s\":", key);
	json_str_or_null(f, val);
	if (!last)
		putc(',', f);
}

/* @p as one JSON object (no key, no newline). */
static void provenance_json(FILE *f, const struct provenance *p)
{
	putc('{', f);
	field(f, "commit", p->commit, false);
	field(f, "kernel", p->kernel, false);
	field(f, "kernel_cmdline", p->cmdline, false);
	field(f, "module", p->module, false);
	field(f, "module_srcversion", p->module_srcversion, false);
	field(f, "criu", p->criu, false);
	field(f, "qemu", p->qemu, false);
	field(f, "accel", p->accel, false);
	field(f, "date", p->date, false);
	field(f, "host_cpu", p->host_cpu, false);
	field(f, "cpu", p->cpu, false);
	fprintf(f, "\"guest\":%s,\"module_params\":", p->guest ? "true" : "false");
	if (p->nr_params) {
		for (int i = 0; i < p->nr_params; i++) {
			fprintf(f, "%c\"%s\":", i ? ',' : '{', p->params[i].name);
			json_str(f, p->params[i].value);
		}
		putc('}', f);
	} else {
		fprintf(f, "null");
	}
	putc('}', f);
}

void provenance_envelope(FILE *f, const char *schema, int version, const char *tool,
			 const struct provenance *p)
{
	fprintf(f, "\"schema\":{\"name\":\"%s\",\"version\":%d},"
		"\"tool\":{\"name\":\"%s\",\"version\":\"%s\"},\"provenance\":",
		schema, version, tool, VCLOCK_TOOLS_VERSION);
	provenance_json(f, p);
}
