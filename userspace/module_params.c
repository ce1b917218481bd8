// SPDX-License-Identifier: GPL-2.0
/*
 * module_params.c - put back the module parameters a tool changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module_params.h"

#define MAX_SAVED	4
#define STATUS_FILE	"/sys/kernel/debug/vclock/status"

static struct saved_param {
	char path[96];
	char value[32];
} saved[MAX_SAVED];
static volatile sig_atomic_t nr_saved;
static pid_t saver;

/* Only open, write and close: this also runs in a signal handler. */
static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(value), n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, (size_t)len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void mparam_restore(void)
{
	int saved_errno = errno;

	if (getpid() != saver)
		return;
	for (int i = nr_saved - 1; i >= 0; i--)
		write_file(saved[i].path, saved[i].value);
	errno = saved_errno;
}

static void restore_on_signal(int sig)
{
	mparam_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = restore_on_signal };

	saver = getpid();
	atexit(mparam_restore);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The first line of @path into @buf, newline cut: 0 or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	buf[0] = 0;
	if (!fgets(buf, (int)size, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return err;
}

/* "clock_mode: hpet (requested: auto)" of the debugfs status: "auto" into @buf. */
static bool requested_mode(char *buf, size_t size)
{
	FILE *f = fopen(STATUS_FILE, "r");
	char line[128], req[32];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "clock_mode: %*s (requested: %31[a-z])", req) == 1;
	fclose(f);
	if (found)
		snprintf(buf, size, "%s", req);
	return found;
}

static struct saved_param *find_saved(const char *path)
{
	for (int i = 0; i < nr_saved; i++)
		if (!strcmp(saved[i].path, path))
			return &saved[i];
	return NULL;
}

int mparam_save(const char *name)
{
	struct saved_param *p;
	char path[sizeof(p->path)];
	int err;

	snprintf(path, sizeof(path), VCLOCK_PARAMS_DIR "%s", name);
	if (find_saved(path))
		return 0;
	if (nr_saved >= MAX_SAVED)
		return -ENOSPC;
	p = &saved[nr_saved];
	memcpy(p->path, path, sizeof(path));
	err = read_line(p->path, p->value, sizeof(p->value));
	if (err)
		return err;
	if (!strcmp(name, "clock_mode"))
		requested_mode(p->value, sizeof(p->value));
	if (!nr_saved)
		install_handlers();
	nr_saved = nr_saved + 1;
	return 0;
}

int mparam_set(const char *name, const char *value)
{
	char path[96];
	int err = mparam_save(name);

	if (err)
		return err;
	snprintf(path, sizeof(path), VCLOCK_PARAMS_DIR "%s", name);
	return write_file(path, value);
}
