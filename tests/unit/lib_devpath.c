// SPDX-License-Identifier: GPL-2.0
/*
 * lib_devpath - which file libvclock maps, from VCLOCK_DEVICE in the
 * process's initial environment (the library reads /proc/self/environ: it
 * has no libc). On the host neither /dev/vclock nor /proc/vclock exists, so
 * the library's error tells the choice apart: ENOENT for a path it accepted
 * and tried to open, EINVAL for a value it refused. Each case is a fresh
 * exec of this program with exactly the environment under test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "vclock.h"

/* The child: the library's answer on stdout. */
static int child(void)
{
	printf("%d\n", vclock_init(VCLOCK_STRATEGY_FAULT));
	return 0;
}

/* Run ourselves with @env (NULL-terminated); the child's vclock_init(). */
static int run(char *self, char *const env[])
{
	char *argv[] = { self, "child", NULL }, buf[32] = "";
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		tap_bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execve("/proc/self/exe", argv, env);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || n <= 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return 1;	/* no answer: not an errno */
	return atoi(buf);
}

static void expect(char *self, const char *what, char *const env[], int want)
{
	int got = run(self, env);

	tap_ok(got == want, "%s: vclock_init() %d (%s), want %d (%s)", what, got,
	       got < 0 ? strerror(-got) : "no errno", want, strerror(-want));
}

int main(int argc, char **argv)
{
	static char filler[1500];
	char *self = argv[0];

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	tap_header();
	if (!access(VCLOCK_DEVICE, F_OK) || !access(VCLOCK_PROC_FILE, F_OK)) {
		tap_skip("the module is loaded here", "the path choice, told apart by ENOENT");
		return tap_done();
	}
	memset(filler, 'x', sizeof(filler) - 1);
	memcpy(filler, "FILLER=", 7);

	expect(self, "unset: " VCLOCK_DEVICE, (char *[]){ "A=1", NULL }, -ENOENT);
	expect(self, "empty: " VCLOCK_DEVICE, (char *[]){ "VCLOCK_DEVICE=", NULL }, -ENOENT);
	expect(self, "VCLOCK_DEVICE=/dev/vclock", (char *[]){ "VCLOCK_DEVICE=/dev/vclock", NULL },
	       -ENOENT);
	expect(self, "VCLOCK_DEVICE=/proc/vclock", (char *[]){ "A=1", "VCLOCK_DEVICE=/proc/vclock",
	       "B=2", NULL }, -ENOENT);
	expect(self, "VCLOCK_DEVICE=/tmp/x: refused", (char *[]){ "VCLOCK_DEVICE=/tmp/x", NULL },
	       -EINVAL);
	expect(self, "VCLOCK_DEVICE=/proc/vclockx: refused",
	       (char *[]){ "VCLOCK_DEVICE=/proc/vclockx", NULL }, -EINVAL);
	expect(self, "VCLOCK_DEVICE=/proc/vcloc: refused",
	       (char *[]){ "VCLOCK_DEVICE=/proc/vcloc", NULL }, -EINVAL);
	expect(self, "a value longer than any path: refused",
	       (char *[]){ "VCLOCK_DEVICE=/proc/vclock/../../proc/vclock/../../proc/vclock", NULL },
	       -EINVAL);
	expect(self, "XVCLOCK_DEVICE=/tmp/x is another variable",
	       (char *[]){ "XVCLOCK_DEVICE=/tmp/x", NULL }, -ENOENT);
	expect(self, "VCLOCK_DEVICEX=/tmp/x is another variable",
	       (char *[]){ "VCLOCK_DEVICEX=/tmp/x", NULL }, -ENOENT);
	expect(self, "a value of /tmp/x naming VCLOCK_DEVICE= is no variable",
	       (char *[]){ "A=VCLOCK_DEVICE=/tmp/x", NULL }, -ENOENT);
	expect(self, "found after 1500 bytes (several reads): refused",
	       (char *[]){ filler, "VCLOCK_DEVICE=/tmp/x", NULL }, -EINVAL);
	expect(self, "the first of two wins", (char *[]){ "VCLOCK_DEVICE=/tmp/x",
	       "VCLOCK_DEVICE=/proc/vclock", NULL }, -EINVAL);
	return tap_done();
}
